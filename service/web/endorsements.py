"""Recognition between peers on the web: the endorsers' and endorsements' public documents (JSON
for machines, a page for browsers), the form an invited author fills in, and the page where an
author withdraws. The invitation's link and the withdrawal link are the keys: no account, no
cookie; those pages send no Referer and are never cached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from service.domain import endorsements as rules
from service.errors import FabriqueError, InvalidInput
from service.http.deps import ContextDep, ServicesDep
from service.http.negotiation import json_media_type, language_of, wants_page
from service.i18n import endorsements as words
from service.i18n import messages
from service.i18n.language import Language
from service.openbadges.endorsements import endorser_display_name
from service.openbadges.urls import Paths
from service.persistence.endorsement_tables import Endorsement
from service.usecases import endorsements
from service.usecases.context import Context
from service.web.render import page

router = APIRouter(tags=["public documents"])  # the documents, beside the others (PUBLIC_ROUTERS)
pages = APIRouter(include_in_schema=False)  # the author's pages, opened by the emailed links
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
_CORS = {"Access-Control-Allow-Origin": "*"}
_VARY = "Accept, Accept-Language, User-Agent"
# Status-bearing: a withdrawal shows on the next fetch.
_NO_CACHE = "no-cache"


@dataclass(frozen=True, slots=True)
class EndorsementView:
    id: str
    author: str
    author_url: str
    basis: str
    comment: str
    created_at: datetime
    url: str
    language: str


def view_of(ctx: Context, endorsement: Endorsement, language: Language) -> EndorsementView:
    return EndorsementView(
        id=endorsement.id,
        author=endorser_display_name(endorsement.endorser),
        author_url=ctx.urls.endorser(endorsement.endorser_id),
        basis=words.basis(endorsement.basis, language),
        comment=endorsement.comment,
        created_at=endorsement.created_at,
        url=ctx.urls.endorsement(endorsement.id),
        language=endorsement.language,
    )


def views(ctx: Context, request: Request, kind: str, subject_id: str) -> list[EndorsementView]:
    """The endorsements of one thing not withdrawn, for its page."""
    language = language_of(request)
    return [view_of(ctx, e, language) for e in endorsements.current_for(ctx, kind, subject_id)]


def _page_wanted(request: Request) -> bool:
    if request.query_params.get("format") == "json":
        return False
    return wants_page(request.headers.get("accept"), request.headers.get("user-agent"))


def _json(request: Request, document: dict[str, Any], cache: str = _NO_CACHE) -> JSONResponse:
    return JSONResponse(
        document,
        media_type=json_media_type(request.headers.get("accept")),
        headers={"Cache-Control": cache, "Vary": _VARY, **_CORS},
    )


def _subject_url(ctx: Context, endorsement: Endorsement) -> str:
    if endorsement.subject_kind == rules.ISSUER:
        return ctx.urls.issuer(endorsement.subject_id)
    if endorsement.subject_kind == rules.BADGE_CLASS:
        return ctx.urls.badge_class(endorsement.subject_id)
    return ctx.urls.award_page(endorsement.subject_id)


# Public documents.


@router.get(Paths.ENDORSER, summary="Endorser's profile (OB 2.0 Profile), or its page")
def endorser_document(endorser_id: str, request: Request, ctx: ContextDep) -> Response:
    found = endorsements.endorser(ctx, endorser_id)
    if _page_wanted(request):
        language = language_of(request)
        current = [
            (view_of(ctx, e, language), _subject_url(ctx, e), endorsements.subject_name(ctx, e))
            for e in endorsements.of_endorser(ctx, found.id)
        ]
        return page(
            request,
            "endorser.html",
            endorser=found,
            endorsements=current,
            json_url=ctx.urls.endorser(found.id),
            headers={"Vary": _VARY},
        )
    return _json(request, endorsements.endorser_ob2_profile(ctx, found.id), cache="public, max-age=300")


@router.get(Paths.ENDORSER_PROFILE, summary="Endorser's profile (OB 3.0 Profile)")
def endorser_profile(endorser_id: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, endorsements.endorser_profile(ctx, endorser_id), cache="public, max-age=300")


@router.get(Paths.ENDORSER_DID_DOCUMENT, summary="Endorser's DID document (did:web)")
def endorser_did_document(endorser_id: str, request: Request, ctx: ContextDep) -> Response:
    document = endorsements.endorser_did_document(ctx, endorser_id)
    return JSONResponse(
        document, media_type="application/did+json", headers={"Cache-Control": "public, max-age=300", **_CORS}
    )


@router.get(Paths.ENDORSER_STATUS, summary="Endorser's status list (withdrawn endorsements)")
def endorser_status(endorser_id: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, endorsements.endorser_status_list(ctx, endorser_id))


@router.get(Paths.ENDORSEMENT, summary="Endorsement (OB 2.0, hosted), or its page")
def endorsement_document(endorsement_id: str, request: Request, ctx: ContextDep) -> Response:
    if _page_wanted(request):
        return _endorsement_page(request, ctx, endorsement_id)
    return _json(request, endorsements.ob2_document(ctx, endorsement_id))


@router.get(Paths.ENDORSEMENT_CREDENTIAL, summary="Endorsement (OB 3.0 EndorsementCredential)")
def endorsement_credential(endorsement_id: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, endorsements.endorsement(ctx, endorsement_id).credential)


def _endorsement_page(request: Request, ctx: Context, endorsement_id: str) -> Response:
    language = language_of(request)
    try:
        found = endorsements.endorsement(ctx, endorsement_id)
    except FabriqueError as exc:
        if exc.code != "endorsement-withdrawn":
            raise
        return page(
            request,
            "endorsement.html",
            status_code=410,
            withdrawn=True,
            json_url=None,
            noindex=True,
            headers={"Vary": _VARY},
        )
    return page(
        request,
        "endorsement.html",
        e=view_of(ctx, found, language),
        subject_url=_subject_url(ctx, found),
        subject_kind=words.subject(found.subject_kind, language),
        subject_name=endorsements.subject_name(ctx, found),
        credential_url=ctx.urls.endorsement_credential(found.id),
        json_url=ctx.urls.endorsement(found.id),
        headers={"Vary": _VARY},
    )


# The invited author's form.


def _invitation_error(request: Request, exc: FabriqueError) -> Response:
    title, detail = messages.render(exc.code, language_of(request), exc.params)
    return page(
        request,
        "endorse.html",
        status_code=exc.status,
        json_url=None,
        link_error=(title, detail),
        headers=PRIVATE,
    )


def _form_page(
    request: Request,
    ctx: Context,
    token: str,
    opened: endorsements.Opened,
    *,
    values: dict[str, Any],
    error: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    language = language_of(request)
    found = opened.target
    return page(
        request,
        "endorse.html",
        status_code=status_code,
        json_url=None,
        action=f"/recommander/{quote(token)}",
        issuer_name=found.issuer.name,
        subject_kind=found.subject.kind,
        subject_name=found.subject.name,
        holder_name=found.award.recipient_name if found.award is not None else None,
        basis=words.basis(opened.invitation.basis, language),
        values=values,
        error=error,
        comment_max=rules.COMMENT_MAX,
        headers=PRIVATE,
    )


def _initial_values(opened: endorsements.Opened) -> dict[str, Any]:
    known = opened.endorser
    invitation = opened.invitation
    organisation_basis = invitation.basis in (rules.PARTNER, rules.EMPLOYER)
    return {
        "name": (known.name if known else invitation.name) or "",
        "kind": known.kind if known else (rules.ORGANISATION if organisation_basis else rules.PERSON),
        "organisation": (known.organisation if known else "") or "",
        "url": (known.url if known else "") or "",
        "public_email": known.public_email if known else invitation.email,
        "comment": "",
        "consent": False,
    }


@pages.get("/recommander/{token}")
def endorse_page(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    try:
        opened = endorsements.open_invitation(ctx, services.secret, token)
    except FabriqueError as exc:
        return _invitation_error(request, exc)
    return _form_page(request, ctx, token, opened, values=_initial_values(opened))


@pages.post("/recommander/{token}")
def endorse(
    request: Request,
    token: str,
    ctx: ContextDep,
    services: ServicesDep,
    name: Annotated[str, Form(max_length=400)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    organisation: Annotated[str, Form(max_length=400)] = "",
    url: Annotated[str, Form(max_length=2100)] = "",
    public_email: Annotated[str, Form(max_length=400)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    consent: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    form = endorsements.EndorsementForm(
        name=name,
        kind=kind,
        organisation=organisation or None,
        url=url or None,
        public_email=public_email,
        comment=comment,
        consent=consent == "oui",
    )
    try:
        made = endorsements.endorse(ctx, services.secret, token, form)
    except InvalidInput as exc:
        try:
            opened = endorsements.open_invitation(ctx, services.secret, token)
        except FabriqueError as link_error:
            return _invitation_error(request, link_error)
        title, detail = messages.render(exc.code, language_of(request), exc.params)
        values = {
            "name": name,
            "kind": kind,
            "organisation": organisation,
            "url": url,
            "public_email": public_email,
            "comment": comment,
            "consent": consent == "oui",
        }
        field = str(exc.params.get("field") or "comment")
        return _form_page(
            request, ctx, token, opened, values=values, error=(field, f"{title} {detail}"), status_code=422
        )
    except FabriqueError as exc:
        return _invitation_error(request, exc)
    return page(
        request,
        "endorse.html",
        json_url=None,
        done_url=ctx.urls.endorsement(made.id),
        headers=PRIVATE,
    )


# The author withdraws.


@pages.get("/recommandations/retrait/{token}")
def withdraw_page(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    try:
        found = endorsements.open_withdrawal(ctx, services.secret, token)
    except FabriqueError as exc:
        return _withdraw_error(request, exc)
    return _withdrawal(request, ctx, found, action=f"/recommandations/retrait/{quote(token)}")


@pages.post("/recommandations/retrait/{token}")
def withdraw(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    try:
        found = endorsements.withdraw(ctx, services.secret, token)
    except FabriqueError as exc:
        return _withdraw_error(request, exc)
    return _withdrawal(request, ctx, found, just_withdrawn=True)


def _withdrawal(request: Request, ctx: Context, found: Endorsement, **context: Any) -> Response:
    return page(
        request,
        "endorsement_withdraw.html",
        json_url=None,
        e=view_of(ctx, found, language_of(request)),
        subject_name=endorsements.subject_name(ctx, found),
        withdrawn_at=found.withdrawn_at,
        headers=PRIVATE,
        **context,
    )


def _withdraw_error(request: Request, exc: FabriqueError) -> Response:
    title, detail = messages.render(exc.code, language_of(request), exc.params)
    return page(
        request,
        "endorsement_withdraw.html",
        status_code=exc.status,
        json_url=None,
        link_error=(title, detail),
        headers=PRIVATE,
    )
