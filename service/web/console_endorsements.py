"""Console page of the endorsements of an issuer or of one of its badge classes: those made
(with their author, why they may vouch, and a link to each), the invitations still open, and the
form that invites a partner, an employer, a trainer or a peer by email."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from service.domain import endorsements as rules
from service.errors import FabriqueError, NotFound
from service.http.deps import ContextDep
from service.http.negotiation import language_of
from service.i18n import endorsements as words
from service.persistence.endorsement_repositories import Invitations
from service.usecases import endorsements
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep, require_read, require_write
from service.web.endorsements import view_of
from service.web.forms import problems_of
from service.web.labels import N_
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
KINDS = {"emetteur": rules.ISSUER, "badge": rules.BADGE_CLASS}
DONE = {"invitation": N_("Invitation envoyée.")}


def _target(
    ctx: ContextDep, who: SignedIn, kind: str, subject_id: str, *, write: bool
) -> endorsements.Target:
    if kind not in KINDS:
        raise NotFound("route-not-found")
    found = endorsements.target(ctx, KINDS[kind], subject_id)
    (require_write if write else require_read)(who, found.issuer.id)
    return found


def _page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    kind: str,
    found: endorsements.Target,
    values: dict[str, Any],
    problems: dict[str, str],
    *,
    done: str | None = None,
    status: int = 200,
) -> Response:
    language = language_of(request)
    subject = found.subject
    made = [
        (view_of(ctx, e, language), e.withdrawn_at)
        for e in endorsements.for_issuer(ctx, found.issuer.id)
        if e.subject_kind == subject.kind and e.subject_id == subject.id
    ]
    pending = [
        i
        for i in Invitations(ctx.session).pending_for(found.issuer.id, ctx.clock.now())
        if i.subject_kind == subject.kind and i.subject_id == subject.id
    ]
    bases = [(b, words.basis(b, language)) for b in rules.INVITED_BASES if rules.allowed(subject.kind, b)]
    return console_page(
        request,
        "console/endorsements.html",
        who,
        issuer=found.issuer,
        subject=subject,
        kind=kind,
        made=made,
        pending=[(i, words.basis(i.basis, language)) for i in pending],
        bases=bases,
        can_write=who.principal.can_write(found.issuer.id),
        public_url=ctx.urls.issuer(subject.id)
        if subject.kind == rules.ISSUER
        else ctx.urls.badge_class(subject.id),
        console_url=f"/console/emetteurs/{subject.id}"
        if subject.kind == rules.ISSUER
        else f"/console/badges/{subject.id}",
        values=values,
        problems=problems,
        done=done,
        status_code=status,
    )


@router.get("/recommandations/{kind}/{subject_id}")
def endorsements_page(
    request: Request, kind: str, subject_id: str, who: SignedInDep, ctx: ContextDep, fait: str | None = None
) -> Response:
    found = _target(ctx, who, kind, subject_id, write=False)
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _page(request, who, ctx, kind, found, {"basis": "partner", "language": "fr"}, {}, done=done)


@router.post("/recommandations/{kind}/{subject_id}")
def invite(
    request: Request,
    kind: str,
    subject_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=400)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    basis: Annotated[str, Form(max_length=16)] = "",
    language: Annotated[str, Form(max_length=8)] = "fr",
) -> Response:
    found = _target(ctx, who, kind, subject_id, write=True)
    values = {"email": email, "name": name, "basis": basis, "language": language}
    try:
        endorsements.invite(
            ctx,
            kind=found.subject.kind,
            subject_id=found.subject.id,
            basis=basis,
            email=email,
            name=name or None,
            language=language if language in ("fr", "en") else "fr",
            invited_by=f"account:{who.account.id}",
        )
    except FabriqueError as exc:
        problems = problems_of(request, exc)
        if "" in problems:  # not tied to a field (a peer who does not hold the badge): the address
            problems = {"email": problems[""]}
        raise ShowPage(_page(request, who, ctx, kind, found, values, problems, status=exc.status)) from None
    return RedirectResponse(
        f"/console/recommandations/{kind}/{found.subject.id}?fait=invitation", status_code=303
    )
