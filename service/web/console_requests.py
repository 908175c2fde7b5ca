"""Console pages of badge requests: the requests of an issuer, one request with its evidence and
reviews (a coordinator gives the issuer's opinion or invites one more peer), and the rule of a
badge class (whether it may be requested, and who must approve)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from service.domain import badge_requests as rules
from service.errors import FabriqueError, InvalidInput, NotFound
from service.http.deps import ContextDep
from service.persistence.request_repositories import BadgeRequests
from service.persistence.request_tables import BadgeRequest
from service.usecases import badge_requests, issuers
from service.web import console_badges
from service.web.badge_requests import evidence_file, undo
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep, require_read, require_write
from service.web.forms import problems_of
from service.web.labels import N_
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
DONE = {
    "avis": N_("Avis enregistré."),
    "pair": N_("Pair invité·e à relire."),
    "regle": N_("Règle des demandes enregistrée."),
}
SHOWN = ("pending", "approved", "declined")  # unconfirmed ones are not proven to come from their author


def _request(ctx: ContextDep, who: SignedIn, request_id: str, *, write: bool) -> BadgeRequest:
    found = BadgeRequests(ctx.session).get(request_id)
    if found is None or found.state not in SHOWN:
        raise NotFound("badge-request-not-found", id=request_id)
    (require_write if write else require_read)(who, found.issuer_id)
    return found


@router.get("/emetteurs/{issuer_id}/demandes")
def requests_page(request: Request, issuer_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_read(who, issuer.id)
    found = BadgeRequests(ctx.session).for_issuer(issuer.id, SHOWN)
    rows = [(r, badge_requests.request_badge(ctx, r), badge_requests.tally(r)) for r in found]
    return console_page(request, "console/badge_requests.html", who, issuer=issuer, rows=rows)


def _page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    found: BadgeRequest,
    problems: dict[str, str],
    *,
    done: str | None = None,
    status: int = 200,
) -> Response:
    badge = badge_requests.request_badge(ctx, found)
    mine = next(
        (r for r in found.reviews if r.kind == rules.COORDINATOR and r.account_id == who.account.id), None
    )
    return console_page(
        request,
        "console/badge_request.html",
        who,
        r=found,
        badge=badge,
        issuer=badge.issuer,
        rule=badge_requests.rule_of(ctx, badge),
        tally=badge_requests.tally(found),
        mine=mine,
        base=f"/console/demandes/{found.id}",
        can_write=who.principal.can_write(found.issuer_id),
        problems=problems,
        done=done,
        status_code=status,
    )


@router.get("/demandes/{request_id}")
def request_page(
    request: Request, request_id: str, who: SignedInDep, ctx: ContextDep, fait: str | None = None
) -> Response:
    found = _request(ctx, who, request_id, write=False)
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _page(request, who, ctx, found, {}, done=done)


@router.get("/demandes/{request_id}/pieces/{file_id}")
def request_file(request_id: str, file_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    return evidence_file(_request(ctx, who, request_id, write=False), file_id)


@router.post("/demandes/{request_id}/avis")
def opinion(
    request: Request,
    request_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    decision: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    shown: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    found = _request(ctx, who, request_id, write=True)
    given = badge_requests.Opinion(approve=decision == "approuver", comment=comment, shown=shown == "oui")
    try:
        if decision not in ("approuver", "refuser"):
            raise InvalidInput("badge-review-decision-missing", field="decision")
        badge_requests.coordinator_review(ctx, found.id, who.account, given)
    except FabriqueError as exc:
        undo(ctx)
        found = _request(ctx, who, request_id, write=True)
        raise ShowPage(
            _page(request, who, ctx, found, problems_of(request, exc), status=exc.status)
        ) from None
    return RedirectResponse(f"/console/demandes/{found.id}?fait=avis", status_code=303)


@router.post("/demandes/{request_id}/pairs")
def add_peer(
    request: Request,
    request_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    found = _request(ctx, who, request_id, write=True)
    try:
        badge_requests.add_peer(ctx, found.id, email)
    except FabriqueError as exc:
        undo(ctx)
        found = _request(ctx, who, request_id, write=True)
        problems = problems_of(request, exc)
        if "" in problems:
            problems = {"email": problems[""]}
        raise ShowPage(_page(request, who, ctx, found, problems, status=exc.status)) from None
    return RedirectResponse(f"/console/demandes/{found.id}?fait=pair", status_code=303)


@router.post("/badges/{badge_class_id}/demandes")
def request_rule(
    request: Request,
    badge_class_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    open_: Annotated[str, Form(alias="open", max_length=8)] = "",
    peer_approvals: Annotated[str, Form(max_length=4)] = "0",
    coordinator_approval: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    issuer, badge = console_badges.badge_of(ctx, who, badge_class_id, write=True)
    peers = int(peer_approvals) if peer_approvals.strip().isdigit() else -1
    rule = rules.Rule(
        open=open_ == "1", peer_approvals=peers, coordinator_approval=coordinator_approval == "1"
    )
    try:
        badge_requests.set_rule(ctx, badge, rule)
    except FabriqueError as exc:
        undo(ctx)
        problems = {"request_rule": next(iter(problems_of(request, exc).values()))}
        page = console_badges.badge_page(
            request, who, ctx, issuer, badge, problems, request_rule=rule, status=422
        )
        raise ShowPage(page) from None
    return RedirectResponse(f"/console/badges/{badge.id}?fait=demandes#demandes", status_code=303)
