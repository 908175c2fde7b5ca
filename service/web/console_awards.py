"""Console pages for awards (search, revoke with a reason, send the email again) and for
reports (figures, charts drawn on the server, the same numbers as tables, CSV export)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, NoReturn

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.domain.reports import Report
from service.errors import Conflict, FabriqueError, InvalidInput, NotFound
from service.http.deps import ContextDep
from service.http.negotiation import language_of
from service.i18n.formats import Formats
from service.persistence.repositories import Awards
from service.usecases import awards, issuers, outbox, reports
from service.usecases.commands import Revocation
from service.web import charts
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep, require_read, require_write
from service.web.forms import problems_of
from service.web.labels import N_
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
CHART_KINDS = ("mois", "badges", "themes", "formateurs")


@router.get("/emetteurs/{issuer_id}/attributions")
def awards_page(
    request: Request,
    issuer_id: str,
    who: SignedInDep,
    ctx: ContextDep,
    q: str = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    fait: str | None = None,
) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_read(who, issuer.id)
    number = page_number
    if not who.principal.sees_people:
        q = ""  # a search by name or email would tell a viewer who holds which badge
    rows, total = Awards(ctx.session).list(
        issuer_id=issuer.id, search=q[:200] or None, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    done = {
        "revoque": tr(request, "Badge révoqué."),
        "renvoye": tr(request, "Le courriel partira dans les minutes qui suivent."),
        "trop-tot": tr(request, "Un courriel vient d'être envoyé pour ce badge : réessayez dans 10 minutes."),
        "trop-souvent": tr(request, "Ce badge a déjà été renvoyé 5 fois aujourd'hui : réessayez demain."),
        "impossible": tr(request, "Ce badge est révoqué ou effacé : aucun courriel n'est renvoyé."),
    }.get(fait or "")
    return console_page(
        request,
        "console/awards.html",
        who,
        issuer=issuer,
        awards=rows,
        total=total,
        q=q,
        page_number=number,
        pages=max(1, -(-total // PAGE_SIZE)),
        can_write=who.principal.can_write(issuer.id),
        done=done,
    )


@router.post("/attributions/{award_id}/revoquer")
def revoke(
    request: Request,
    award_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    confirme: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """First the reason is checked and a page says what revoking does (the reason becomes
    public); the button on that page revokes."""
    award = awards.get(ctx, award_id)
    require_write(who, award.issuer_id)
    try:
        command = Revocation(reason=reason)
        if award.revoked_at is not None:
            raise Conflict("award-already-revoked", id=award.id)
        if confirme != "oui":
            return console_page(
                request,
                "console/award_revoke.html",
                who,
                issuer=issuers.get(ctx, award.issuer_id),
                award=award,
                reason=command.reason,
            )
        awards.revoke(ctx, award.id, command)
    except (ValidationError, FabriqueError) as exc:
        _refused(request, who, ctx, award.issuer_id, award.id, problems_of(request, exc))
    return RedirectResponse(
        f"/console/emetteurs/{award.issuer_id}/attributions?q={award.id}&fait=revoque", status_code=303
    )


def _refused(
    request: Request, who: SignedIn, ctx: ContextDep, issuer_id: str, award_id: str, problems: dict[str, str]
) -> NoReturn:
    """Show the award again with what was wrong; the transaction is rolled back."""
    rows, total = Awards(ctx.session).list(issuer_id=issuer_id, search=award_id, limit=PAGE_SIZE, offset=0)
    raise ShowPage(
        console_page(
            request,
            "console/awards.html",
            who,
            issuer=issuers.get(ctx, issuer_id),
            awards=rows,
            total=total,
            q=award_id,
            page_number=1,
            pages=1,
            can_write=True,
            problems=problems,
            status_code=422,
        )
    )


@router.post("/attributions/{award_id}/renvoyer")
def resend(award_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    award = awards.get(ctx, award_id)
    require_write(who, award.issuer_id)
    try:
        outbox.resend(ctx, award)
        done = "renvoye"
    except Conflict as refused:  # too soon, too often, or revoked: said on the page, not as JSON
        done = {"resend-too-soon": "trop-tot", "resend-too-many": "trop-souvent"}.get(
            refused.code, "impossible"
        )
    return RedirectResponse(
        f"/console/emetteurs/{award.issuer_id}/attributions?q={award.id}&fait={done}", status_code=303
    )


def _period(du: str | None, au: str | None, today: date) -> tuple[date, date]:
    """The period asked for; by default the last twelve months, this one included."""
    try:
        end = date.fromisoformat(au) if au else today
        if du:
            return date.fromisoformat(du), end
    except ValueError:
        raise InvalidInput("period-invalid-date", field="du") from None
    if not reports.FIRST_YEAR <= end.year <= reports.LAST_YEAR:
        raise InvalidInput("period-out-of-range", first=reports.FIRST_YEAR, last=reports.LAST_YEAR)
    start = end.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


@router.get("/emetteurs/{issuer_id}/rapports")
def reports_page(
    request: Request,
    issuer_id: str,
    who: SignedInDep,
    ctx: ContextDep,
    du: str | None = None,
    au: str | None = None,
) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_read(who, issuer.id)
    today = ctx.clock.now().date()
    try:
        start, end = _period(du, au, today)
        found = reports.report(ctx, issuer, start, end)
    except FabriqueError as exc:
        start, end = today, today
        raise ShowPage(
            console_page(
                request,
                "console/reports.html",
                who,
                issuer=issuer,
                report=None,
                start=start,
                end=end,
                problems=problems_of(request, exc),
                status_code=422,
            )
        ) from None
    return console_page(
        request,
        "console/reports.html",
        who,
        issuer=issuer,
        report=found,
        months=_months(found.by_month, start, end),
        start=start,
        end=end,
        query=f"du={start.isoformat()}&au={end.isoformat()}",
    )


def _months(counts: dict[str, int], start: date, end: date) -> list[tuple[date, int]]:
    """Every month of the period, with zero where nothing was issued."""
    out: list[tuple[date, int]] = []
    month = start.replace(day=1)
    while month <= end and len(out) < 120:
        out.append((month, counts.get(month.strftime("%Y-%m"), 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _series(
    found: Report, kind: str, fmt: Formats, start: date, end: date
) -> tuple[str, list[str], list[int]]:
    """(title, labels, values) of one chart; the month chart is vertical, the others horizontal."""
    if kind == "mois":
        months = _months(found.by_month, start, end)
        return N_("Badges émis par mois"), [fmt.month(m) for m, _ in months], [v for _, v in months]
    if kind == "badges":
        return (
            N_("Badges émis par badge"),
            [x.label for x in found.by_badge_class],
            [x.awarded for x in found.by_badge_class],
        )
    if kind == "themes":
        return (
            N_("Badges émis par thème"),
            [x.label for x in found.by_theme],
            [x.awarded for x in found.by_theme],
        )
    if kind == "formateurs":
        counts = found.peers_by_trainer
        return N_("Pairs formés par formateur"), [c.label for c in counts], [c.value for c in counts]
    raise NotFound("route-not-found")


def _report(
    ctx: ContextDep, who: SignedIn, issuer_id: str, du: str | None, au: str | None
) -> tuple[date, date, Report]:
    """The report a chart or the CSV is drawn from, for an issuer the account may read."""
    issuer = issuers.get(ctx, issuer_id)
    require_read(who, issuer.id)
    start, end = _period(du, au, ctx.clock.now().date())
    return start, end, reports.report(ctx, issuer, start, end)


@router.get("/emetteurs/{issuer_id}/rapports/{kind}.svg")
def report_chart(
    request: Request,
    issuer_id: str,
    kind: str,
    who: SignedInDep,
    ctx: ContextDep,
    du: str | None = None,
    au: str | None = None,
) -> Response:
    start, end, found = _report(ctx, who, issuer_id, du, au)
    title, labels, values = _series(found, kind, Formats(language_of(request)), start, end)
    svg = charts.bar_chart(tr(request, title), labels, values, horizontal=kind != "mois")
    headers = {
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    return Response(svg, media_type="image/svg+xml", headers=headers)


@router.get("/emetteurs/{issuer_id}/rapports.csv")
def report_csv(
    request: Request,
    issuer_id: str,
    who: SignedInDep,
    ctx: ContextDep,
    du: str | None = None,
    au: str | None = None,
) -> Response:
    start, end, found = _report(ctx, who, issuer_id, du, au)
    content = reports.as_csv(found, language_of(request))
    headers = {
        "Content-Disposition": f'attachment; filename="rapport-{start.isoformat()}-{end.isoformat()}.csv"',
        "Cache-Control": "private, no-store",
    }
    return Response(content.encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)
