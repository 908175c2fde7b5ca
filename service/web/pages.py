"""Public pages for people: the language switch, the accessibility statement, the verification
page for employers, and the earner's private page (reached through the link in their email)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.domain import earner_links
from service.domain import endorsements as endorsement_rules
from service.errors import Conflict, FabriqueError, InvalidInput, NotFound
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep
from service.http.negotiation import language_of
from service.http.rate_limits import VERIFY, RateLimited, RateLimits
from service.i18n.language import LANGUAGE_COOKIE, supported
from service.usecases import earners, endorsements, session_documents, wallet
from service.web.badge_view import view
from service.web.endorsements import views as endorsement_views
from service.web.labels import N_
from service.web.pdf import pdf_response
from service.web.render import page, tr
from service.web.verify import MAX_UPLOAD, parse_expected_email, verification_out, verify_answer

router = APIRouter(include_in_schema=False)
MAX_PASTED = 1024 * 1024
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _local_path(value: str | None) -> str:
    """Where to go back after switching language: a path on this site, never another host."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


@router.get("/langue")
def choose_language(choix: str = "fr", retour: str | None = None) -> Response:
    language = supported(choix) or "fr"
    response = RedirectResponse(_local_path(retour), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=365 * 86400, httponly=True, samesite="lax", path="/"
    )
    return response


def too_many(request: Request, retry_after: int) -> Response:
    """The page a client gets past a rate limit: 429, when to come back, in words."""
    return page(
        request,
        "error.html",
        status_code=429,
        headers={"Retry-After": str(retry_after)},
        json_url=None,
        title=tr(request, "Trop de demandes"),
        detail=tr(
            request,
            "Trop de demandes depuis votre adresse en peu de temps. Réessayez dans %(secondes)s secondes.",
            secondes=retry_after,
        ),
    )


# The statement is of this version of the service: its date and method change with it.
STATEMENT_DATE = date(2026, 12, 4)


@router.get("/accessibilite")
def accessibility(request: Request, services: ServicesDep) -> Response:
    """The accessibility statement, on the model the RGAA expects: compliance status with the
    date and method of the evaluation, the contents known not to comply, a contact to report a
    problem (set by the operator), and the remedy."""
    contact = services.settings.accessibility_contact.strip()
    return page(
        request,
        "accessibility.html",
        json_url=None,
        operator=services.settings.operator_name.strip(),
        contact=contact,
        contact_is_email="@" in contact and not contact.startswith(("https://", "http://")),
        statement_date=STATEMENT_DATE,
    )


@router.get("/verifier")
async def verify_page(
    request: Request, services: ServicesDep, limits: RateLimitsDep, lien: str | None = None
) -> Response:
    if lien and lien.strip():
        return await _verify(request, services, limits, lien.strip()[:MAX_PASTED], None, lien, "")
    return page(request, "verify.html", json_url=None)


@router.post("/verifier")
async def verify_submit(request: Request, services: ServicesDep, limits: RateLimitsDep) -> Response:
    """The form is read here rather than by FastAPI: a pasted badge over 1 Mo or a file over 4 Mo
    gets this page with its message, not a bare 400 or 422 (regression, issue 15 point 13)."""
    try:
        async with request.form(max_files=1, max_fields=4, max_part_size=MAX_PASTED + 1) as form:
            fields = {name: form.get(name) for name in ("input", "expected_email", "file")}
            upload = fields["file"]
            content = await upload.read(MAX_UPLOAD + 1) if isinstance(upload, StarletteUpload) else b""
    except (StarletteHTTPException, ValueError):  # Starlette's 400 for a part over the size
        return _verify_error(request, tr(request, "Le contenu collé dépasse 1 Mo."), "", "")
    given = fields["input"] if isinstance(fields["input"], str) else ""
    expected_email = fields["expected_email"] if isinstance(fields["expected_email"], str) else ""
    if len(given) > MAX_PASTED:
        return _verify_error(request, tr(request, "Le contenu collé dépasse 1 Mo."), "", expected_email)
    if len(expected_email) > 320:
        message = tr(request, "L'adresse électronique attendue n'est pas valide.")
        return _verify_error(request, message, given, "")
    if len(content) > MAX_UPLOAD:
        return _verify_error(request, tr(request, "Le fichier dépasse 4 Mo."), given, expected_email)
    subject: str | bytes = content or given.strip()
    if not subject:
        message = tr(request, "Donnez un lien, collez un badge ou choisissez un fichier.")
        return _verify_error(request, message, given, expected_email)
    try:
        email = parse_expected_email(expected_email.strip() or None)
    except FabriqueError:
        message = tr(request, "L'adresse électronique attendue n'est pas valide.")
        return _verify_error(request, message, given, expected_email)
    return await _verify(request, services, limits, subject, email, given, expected_email)


async def _verify(
    request: Request,
    services: ServicesDep,
    limits: RateLimits,
    subject: str | bytes,
    email: str | None,
    shown_input: str,
    shown_email: str,
) -> Response:
    try:
        await limits.check(VERIFY, request)
    except RateLimited as exc:
        return too_many(request, int(exc.params["retry_after"]))
    result = await verify_answer(services, subject, email)
    return page(
        request,
        "verify.html",
        json_url=None,
        result=verification_out(result, language_of(request)),
        given=shown_input,
        email=shown_email,
        headers={"Cache-Control": "no-store"},
    )


def _verify_error(request: Request, message: str, shown_input: str, shown_email: str) -> Response:
    return page(
        request,
        "verify.html",
        status_code=422,
        json_url=None,
        error=message,
        given=shown_input,
        email=shown_email,
    )


# The earner's private page. The token in the address is the earner's key: no cookie, so there
# is nothing for another site to ride on (CSRF); the page sends no Referer and is never cached.


def _award_id(services: ServicesDep, token: str) -> str:
    award_id = earner_links.award_of(services.secret, token)
    if award_id is None:
        raise NotFound("earner-link-invalid")
    return award_id


def _earner_page(
    request: Request, ctx: ContextDep, token: str, award_id: str, done: str | None = None
) -> Response:
    award = earners.get(ctx, award_id)
    if award.erased_at is not None:
        return page(request, "earner_erased.html", json_url=None, erased_at=award.erased_at, headers=PRIVATE)
    return page(
        request,
        "earner.html",
        json_url=None,
        v=view(award, ctx.urls, ctx.clock.now()),
        base=f"/mon-badge/{quote(token)}",
        done=done,
        attestation=award.revoked_at is None and session_documents.attestation_for_award(ctx, award.id),
        wallet_copies=wallet.copies_of(ctx, award.id),
        recognitions=endorsement_views(ctx, request, endorsement_rules.AWARD, award.id)
        if award.revoked_at is None
        else [],
        headers=PRIVATE,
    )


DONE = {
    "publiee": N_("Votre page est publique."),
    "masquee": N_("Votre page est de nouveau privée."),
    "demande": N_("Demande envoyée, si cette personne détient ce badge."),
    "demandes-epuisees": N_("Vous avez envoyé assez de demandes pour aujourd'hui : réessayez demain."),
    "adresse-invalide": N_("Cette adresse électronique n'est pas valide : vérifiez-la."),
}


@router.get("/mon-badge/{token}")
def earner_page(
    request: Request, token: str, ctx: ContextDep, services: ServicesDep, fait: str | None = None
) -> Response:
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _earner_page(request, ctx, token, _award_id(services, token), done)


def _back(token: str, done: str) -> Response:
    """Post/redirect/get: reloading the page does not send the form again."""
    return RedirectResponse(f"/mon-badge/{quote(token)}?fait={done}", status_code=303, headers=PRIVATE)


@router.post("/mon-badge/{token}/publier")
def earner_publish(
    token: str,
    ctx: ContextDep,
    services: ServicesDep,
    show_name: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    award_id = _award_id(services, token)
    earners.publish(ctx, award_id, show_name=show_name == "1")
    return _back(token, "publiee")


@router.post("/mon-badge/{token}/recommandation")
def earner_ask_peer(
    request: Request,
    token: str,
    ctx: ContextDep,
    services: ServicesDep,
    email: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """The same answer whether the peer holds the badge or not."""
    award = earners.get(ctx, _award_id(services, token))
    try:
        endorsements.ask_peer(ctx, award, email, language_of(request))
    except InvalidInput:
        return _back(token, "adresse-invalide")
    except Conflict:
        return _back(token, "demandes-epuisees")
    return _back(token, "demande")


@router.post("/mon-badge/{token}/masquer")
def earner_hide(token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    earners.hide(ctx, _award_id(services, token))
    return _back(token, "masquee")


@router.get("/mon-badge/{token}/archive.zip")
def earner_archive(token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    award = earners.get(ctx, _award_id(services, token))
    content = earners.export(ctx, award)
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="badge-{award.id}.zip"'}
    return Response(content, media_type="application/zip", headers=headers)


@router.get("/mon-badge/{token}/attestation.pdf")
def earner_attestation(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    """The attestation of the training the badge was earned in, with the badges' QR codes."""
    award = earners.get(ctx, _award_id(services, token))
    doc = session_documents.attestation_for_award(ctx, award.id) if award.revoked_at is None else None
    if doc is None:
        raise NotFound("attestation-not-found")
    response = pdf_response(
        request, "pdf/attestation.html", f"attestation-{award.id}.pdf", doc=doc, now=ctx.clock.now()
    )
    response.headers.update(PRIVATE)
    return response


@router.get("/mon-badge/{token}/effacer")
def earner_erase_page(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    award = earners.get(ctx, _award_id(services, token))
    if award.erased_at is not None:
        return _earner_page(request, ctx, token, award.id)
    return page(
        request,
        "earner_erase.html",
        json_url=None,
        v=view(award, ctx.urls, ctx.clock.now()),
        base=f"/mon-badge/{quote(token)}",
        headers=PRIVATE,
    )


@router.post("/mon-badge/{token}/effacer")
def earner_erase(
    request: Request,
    token: str,
    ctx: ContextDep,
    services: ServicesDep,
    confirm: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    award_id = _award_id(services, token)
    award = earners.get(ctx, award_id)
    if award.erased_at is None and confirm != "1":
        return page(
            request,
            "earner_erase.html",
            status_code=422,
            json_url=None,
            v=view(award, ctx.urls, ctx.clock.now()),
            base=f"/mon-badge/{quote(token)}",
            error=tr(request, "Cochez la case pour confirmer l'effacement."),
            headers=PRIVATE,
        )
    if award.erased_at is None:
        earners.erase(ctx, award_id)
    return RedirectResponse(f"/mon-badge/{quote(token)}", status_code=303, headers=PRIVATE)
