"""Badge requests on the web, for people without an account: the form on a badge class's page,
the author's page (opened by the link emailed to them: confirm, follow, withdraw) and the peer
reviewer's page (opened by theirs). Links are the keys; these pages send no Referer and are
never cached; evidence files are served to those two links only, as attachments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from service.domain import badge_requests as rules
from service.domain import earner_links
from service.errors import FabriqueError, InvalidInput, NotFound
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep
from service.http.negotiation import language_of
from service.http.rate_limits import SIGNIN, client_address
from service.i18n import messages
from service.persistence.database import discard_pending_files
from service.persistence.request_tables import BadgeRequest
from service.usecases import badge_classes, badge_requests, earner_space
from service.usecases.context import Context
from service.web.labels import N_
from service.web.render import page, tr

router = APIRouter(include_in_schema=False)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
# Evidence is whatever its author uploaded: downloaded, never rendered by this origin.
FILE_HEADERS = {
    **PRIVATE,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
READ_LIMIT = 8 * 1024 * 1024  # per file read from the form; the configured limit decides
DONE = {
    "confirmee": N_("Votre demande est confirmée : les relecteur·rices sont invité·es."),
    "retiree": N_("Votre demande est retirée ; ses pièces sont effacées."),
}


def _error(request: Request, exc: FabriqueError) -> tuple[str, str]:
    return messages.render(exc.code, language_of(request), exc.params)


def _rule_page(request: Request, ctx: Context, badge_class_id: str, **context: Any) -> Response:
    badge = badge_classes.get(ctx, badge_class_id)
    status_code = int(context.pop("status_code", 200))
    return page(
        request,
        "badge_request.html",
        status_code=status_code,
        json_url=None,
        badge=badge,
        rule=badge_requests.rule_of(ctx, badge),
        limits={
            "files": rules.MAX_FILES,
            "links": rules.MAX_LINKS,
            "peers": rules.MAX_PEER_REVIEWERS,
            "bytes": ctx.max_image_bytes // 1024,
        },
        headers=PRIVATE,
        **context,
    )


def _space_email(ctx: Context, secret: str, token: str) -> str | None:
    """The address an earner-space link proves, or None (absent, forged or expired)."""
    if not token:
        return None
    try:
        return earner_space.open_space(ctx, secret, token).email
    except FabriqueError:
        return None


@router.get("/badges/{badge_class_id}/demander")
def request_form(
    request: Request, badge_class_id: str, ctx: ContextDep, services: ServicesDep, espace: str = ""
) -> Response:
    """The form; opened from the earner space (``espace``: its link), the address is known."""
    email = _space_email(ctx, services.secret, espace[:200])
    values = {"email": email} if email else {}
    return _rule_page(request, ctx, badge_class_id, values=values, space=espace[:200] if email else "")


@router.post("/badges/{badge_class_id}/demander")
async def request_submit(
    request: Request,
    badge_class_id: str,
    ctx: ContextDep,
    services: ServicesDep,
    limits: RateLimitsDep,
    files: Annotated[list[UploadFile] | None, File()] = None,
    name: Annotated[str, Form(max_length=400)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    statement: Annotated[str, Form(max_length=8000)] = "",
    links: Annotated[str, Form(max_length=12000)] = "",
    peers: Annotated[str, Form(max_length=4000)] = "",
    consent: Annotated[str, Form(max_length=8)] = "",
    espace: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    values = {"name": name, "email": email, "statement": statement, "links": links, "peers": peers}
    proven = _space_email(ctx, services.secret, espace)
    wait = await limits.wait_async(SIGNIN, client_address(request))
    uploads = []
    for upload in files or []:
        if upload.filename:
            uploads.append(badge_requests.UploadedFile(upload.filename, await upload.read(READ_LIMIT + 1)))
    form = badge_requests.RequestForm(
        name=name,
        email=email,
        statement=statement,
        links=links.splitlines(),
        files=uploads,
        peers=peers.replace(",", "\n").split(),
        consent=consent == "oui",
    )
    if wait is not None:
        error = (
            "",
            tr(request, "Trop de demandes depuis votre adresse : réessayez dans %(s)s secondes.", s=wait),
        )
        return _rule_page(request, ctx, badge_class_id, values=values, error=error, status_code=429)
    try:
        made = badge_requests.submit(ctx, badge_class_id, form, language_of(request), proven_email=proven)
    except FabriqueError as exc:
        if exc.code == "badge-class-not-found":
            raise
        undo(ctx)
        _, detail = _error(request, exc)
        field = str(exc.params.get("field") or "")
        return _rule_page(
            request,
            ctx,
            badge_class_id,
            values=values,
            error=(field, detail),
            status_code=exc.status,
            space=espace if proven else "",
        )
    if made.state == rules.PENDING:  # from the earner space: confirmed, on to its page
        target = f"/mes-demandes/{quote(rules.request_token(services.secret, made.id))}?fait=confirmee"
        return RedirectResponse(target, status_code=303, headers=PRIVATE)
    return _rule_page(request, ctx, badge_class_id, values={}, sent=True)


def undo(ctx: Context) -> None:
    """Forget what this request wrote before it was refused (rows and key files), so that the
    page saying why can be answered without a half-done change."""
    ctx.session.rollback()
    discard_pending_files(ctx.session)


# The author's page.


def _author_page(
    request: Request, ctx: Context, services: Any, token: str, found: BadgeRequest, **context: Any
) -> Response:
    badge = badge_requests.request_badge(ctx, found)
    own_url = (
        f"/mon-badge/{earner_links.token_for(services.secret, found.award_id)}" if found.award_id else None
    )
    status_code = int(context.pop("status_code", 200))
    return page(
        request,
        "badge_request_author.html",
        status_code=status_code,
        json_url=None,
        r=found,
        badge=badge,
        tally=badge_requests.tally(found),
        rule=badge_requests.rule_of(ctx, badge),
        base=f"/mes-demandes/{quote(token)}",
        own_url=own_url,
        headers=PRIVATE,
        **context,
    )


def _link_error(request: Request, exc: FabriqueError, template: str) -> Response:
    return page(
        request,
        template,
        status_code=exc.status,
        json_url=None,
        link_error=_error(request, exc),
        headers=PRIVATE,
    )


@router.get("/mes-demandes/{token}")
def author_page(
    request: Request, token: str, ctx: ContextDep, services: ServicesDep, fait: str | None = None
) -> Response:
    try:
        found = badge_requests.open_request(ctx, services.secret, token)
    except FabriqueError as exc:
        return _link_error(request, exc, "badge_request_author.html")
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _author_page(request, ctx, services, token, found, done=done)


@router.post("/mes-demandes/{token}/confirmer")
def author_confirm(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    return _author_action(request, ctx, services, token, badge_requests.confirm, "confirmee")


@router.post("/mes-demandes/{token}/retirer")
def author_withdraw(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    return _author_action(request, ctx, services, token, badge_requests.withdraw, "retiree")


def _author_action(
    request: Request,
    ctx: Context,
    services: Any,
    token: str,
    action: Callable[[Context, str, str], BadgeRequest],
    done: str,
) -> Response:
    """Confirm or withdraw through the author's link; a refusal is said on the request's page."""
    try:
        action(ctx, services.secret, token)
    except FabriqueError as exc:
        undo(ctx)
        if exc.code == "badge-request-link-invalid":
            return _link_error(request, exc, "badge_request_author.html")
        found = badge_requests.open_request(ctx, services.secret, token)
        return _author_page(
            request, ctx, services, token, found, error=_error(request, exc), status_code=exc.status
        )
    return RedirectResponse(f"/mes-demandes/{quote(token)}?fait={done}", status_code=303, headers=PRIVATE)


def evidence_file(found: BadgeRequest, file_id: str) -> Response:
    """One evidence file of the request, as an attachment (never shown by this origin)."""
    item = next((f for f in found.files if f.id == file_id), None)
    if item is None:
        raise NotFound("badge-request-file-not-found")
    extension = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}[item.media_type]
    headers = {**FILE_HEADERS, "Content-Disposition": f'attachment; filename="piece-{item.id}.{extension}"'}
    return Response(item.content, media_type=item.media_type, headers=headers)


@router.get("/mes-demandes/{token}/pieces/{file_id}")
def author_file(token: str, file_id: str, ctx: ContextDep, services: ServicesDep) -> Response:
    return evidence_file(badge_requests.open_request(ctx, services.secret, token), file_id)


# The peer reviewer's page.


def _review_page(request: Request, ctx: Context, token: str, **context: Any) -> Response:
    review, found = badge_requests.open_review(ctx, context.pop("secret"), token)
    status_code = int(context.pop("status_code", 200))
    return page(
        request,
        "badge_review.html",
        status_code=status_code,
        json_url=None,
        review=review,
        r=found,
        badge=badge_requests.request_badge(ctx, found),
        base=f"/relecture/{quote(token)}",
        headers=PRIVATE,
        **context,
    )


@router.get("/relecture/{token}")
def review_page(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    try:
        return _review_page(request, ctx, token, secret=services.secret, values={})
    except FabriqueError as exc:
        return _link_error(request, exc, "badge_review.html")


@router.post("/relecture/{token}")
def review_submit(
    request: Request,
    token: str,
    ctx: ContextDep,
    services: ServicesDep,
    decision: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    shown: Annotated[str, Form(max_length=8)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    values = {"decision": decision, "comment": comment, "shown": shown == "oui", "name": name}
    opinion = badge_requests.Opinion(
        approve=decision == "approuver", comment=comment, shown=shown == "oui", name=name or None
    )
    try:
        if decision not in ("approuver", "refuser"):
            raise InvalidInput("badge-review-decision-missing", field="decision")
        badge_requests.peer_review(ctx, services.secret, token, opinion)
    except FabriqueError as exc:
        undo(ctx)
        if exc.code == "badge-review-link-invalid":
            return _link_error(request, exc, "badge_review.html")
        field = str(exc.params.get("field") or "")
        _, detail = _error(request, exc)
        return _review_page(
            request,
            ctx,
            token,
            secret=services.secret,
            values=values,
            error=(field, detail),
            status_code=exc.status,
        )
    return _review_page(request, ctx, token, secret=services.secret, values=values, done=True)


@router.get("/relecture/{token}/pieces/{file_id}")
def review_file(token: str, file_id: str, ctx: ContextDep, services: ServicesDep) -> Response:
    _, found = badge_requests.open_review(ctx, services.secret, token)
    return evidence_file(found, file_id)
