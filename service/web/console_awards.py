"""Console pages for awards (award one person or a list, search, each one's email, revoke with
a reason after a confirmation, send the email again) and for reports (figures, charts drawn on
the server, the same numbers as tables, CSV export)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.domain.reports import Report
from service.errors import Conflict, FabriqueError, InvalidInput, NotFound
from service.http.deps import ContextDep
from service.http.negotiation import language_of
from service.i18n.csv_messages import line_message
from service.i18n.documents import delivery
from service.i18n.formats import Formats
from service.persistence.repositories import Awards, BadgeClasses
from service.persistence.tables import Award, BadgeClass, Issuer
from service.persistence.training_repositories import Outbox
from service.usecases import award_lists, awards, issuers, networks, outbox, reports
from service.usecases.commands import AwardCreate, Revocation
from service.web import charts
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep, require_read, require_write
from service.web.forms import problems_of, text
from service.web.labels import N_
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
CHART_KINDS = ("mois", "badges", "themes", "formateurs")


DONE = {
    "attribue": N_("Badge attribué."),
    "revoque": N_("Badge révoqué."),
    "renvoye": N_("Le courriel partira dans les minutes qui suivent."),
    "trop-tot": N_("Un courriel vient d'être envoyé pour ce badge : réessayez dans 10 minutes."),
    "trop-souvent": N_("Ce badge a déjà été envoyé 5 fois aujourd'hui : réessayez demain."),
    "impossible": N_("Ce badge est révoqué ou effacé : aucun courriel n'est renvoyé."),
}


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
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _listing(request, who, ctx, issuer, q, page_number, done=done)


def _listing(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    issuer: Issuer,
    q: str,
    number: int = 1,
    *,
    done: str | None = None,
    problems: dict[str, str] | None = None,
    csv_errors: list[dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The awards of an issuer, newest first, with each one's email, and the forms that award."""
    if not who.principal.sees_people_in(issuer.id):
        q = ""  # a search by name or email would tell a viewer who holds which badge
    rows, total = Awards(ctx.session).list(
        issuer_id=issuer.id, search=q[:200] or None, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    language = language_of(request)
    formats = Formats(language)
    deliveries = {
        award_id: delivery(
            message.state,
            message.error_code,
            language,
            formats.datetime(message.sent_at if message.state == "sent" else message.next_attempt_at),
        )
        for award_id, message in Outbox(ctx.session).latest_for_awards([a.id for a in rows]).items()
    }
    classes = BadgeClasses(ctx.session).list_for_issuer(issuer.id, 500, 0)[0]
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
        deliveries=deliveries,
        badge_classes=[b for b in classes if b.replaced_by_id is None],
        network_classes=networks.classes_for(ctx, issuer),
        done=done,
        problems=problems or {},
        csv_errors=csv_errors,
        values=values or {},
        status_code=status,
    )


def _badge_class(ctx: ContextDep, issuer: Issuer, badge_class_id: str) -> BadgeClass:
    """One of this issuer's badge classes (another issuer's id is as unknown as a made-up one)."""
    if not badge_class_id:
        raise InvalidInput("badge-class-required", field="badge_class_id")
    found = BadgeClasses(ctx.session).get(badge_class_id)
    if found is None or found.issuer_id != issuer.id:
        raise InvalidInput("badge-class-not-found", field="badge_class_id", id=badge_class_id)
    return found


@router.post("/emetteurs/{issuer_id}/attributions/nouvelle")
def award_one(
    request: Request,
    issuer_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    badge_class_id: Annotated[str, Form(max_length=64)] = "",
    recipient_name: Annotated[str, Form(max_length=400)] = "",
    recipient_email: Annotated[str, Form(max_length=640)] = "",
    language: Annotated[str, Form(max_length=35)] = "fr",
    narrative: Annotated[str, Form(max_length=20_000)] = "",
    notify: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Award a badge to one person; the email goes unless the box is unticked."""
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    values = {
        "badge_class_id": badge_class_id,
        "recipient_name": recipient_name,
        "recipient_email": recipient_email,
        "language": language,
        "narrative": narrative,
        "notify": notify,
    }
    try:
        found = BadgeClasses(ctx.session).get(badge_class_id) if badge_class_id else None
        network_class = (
            found is not None and found.issuer_id != issuer.id and networks.may_award(ctx, issuer.id, found)
        )
        badge_class = (
            found if network_class and found is not None else _badge_class(ctx, issuer, badge_class_id)
        )
        command = AwardCreate.model_validate(
            {
                "recipient_email": recipient_email,
                "recipient_name": text(recipient_name),
                "narrative": text(narrative),
                "language": language or "fr",
                "notify": notify == "1",
            }
        )
        if network_class:  # a class of a network this structure is a member of, allowed to it
            issued = networks.award(ctx, issuer, badge_class.id, command)
        else:
            issued = awards.award(ctx, badge_class, command)
    except (ValidationError, FabriqueError) as exc:
        problems = problems_of(request, exc)
        raise ShowPage(
            _listing(request, who, ctx, issuer, "", problems=problems, values=values, status=422)
        ) from None
    return RedirectResponse(
        f"/console/emetteurs/{issuer.id}/attributions?q={issued.id}&fait=attribue", status_code=303
    )


@router.post("/emetteurs/{issuer_id}/attributions/liste")
async def award_list(
    request: Request,
    issuer_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    badge_class_id: Annotated[str, Form(max_length=64)] = "",
    notify: Annotated[str, Form(max_length=8)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Award a badge to everyone on a list (name, email, language): all or nothing."""
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    values = {"list_badge_class_id": badge_class_id, "list_notify": notify}
    language = language_of(request)
    content = await file.read(award_lists.MAX_BYTES + 1) if file is not None and file.filename else b""
    try:
        badge_class = _badge_class(ctx, issuer, badge_class_id)
        if not content or len(content) > award_lists.MAX_BYTES:
            raise InvalidInput("award-list-file", field="list_file", limit=award_lists.MAX_BYTES // 1024)
        report = award_lists.award_list(ctx, badge_class, content, notify=notify == "1")
    except FabriqueError as exc:
        problems = {
            f"list_{k}" if k and not k.startswith("list_") else k: v
            for k, v in problems_of(request, exc).items()
        }
        raise ShowPage(
            _listing(request, who, ctx, issuer, "", problems=problems, values=values, status=422)
        ) from None
    except award_lists.ListRejected as rejected:
        errors = [
            {"line": p.line, "column": p.column or "", "message": line_message(p, language)}
            for p in rejected.report.problems
        ]
        raise ShowPage(
            _listing(request, who, ctx, issuer, "", csv_errors=errors, values=values, status=422)
        ) from None
    done = tr(request, "%(count)s badge(s) attribué(s).", count=len(report.issued))
    if notify == "1":
        done += " " + tr(request, "Les courriels partent dans les minutes qui suivent.")
    if report.ignored_columns:
        done += " " + tr(
            request,
            "Colonnes ignorées (rien n'en est enregistré) : %(columns)s.",
            columns=", ".join(report.ignored_columns),
        )
    return _listing(request, who, ctx, issuer, "", done=done)


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
    require_write(who, award_right(who, award))
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
    issuer = issuers.get(ctx, issuer_id)
    raise ShowPage(_listing(request, who, ctx, issuer, award_id, problems=problems, status=422))


@router.post("/attributions/{award_id}/renvoyer")
def resend(award_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    award = awards.get(ctx, award_id)
    require_write(who, award_right(who, award))
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
        found = reports.report(ctx, issuer, start, end, language_of(request))
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
    request: Request, ctx: ContextDep, who: SignedIn, issuer_id: str, du: str | None, au: str | None
) -> tuple[date, date, Report]:
    """The report a chart or the CSV is drawn from, for an issuer the account may read."""
    issuer = issuers.get(ctx, issuer_id)
    require_read(who, issuer.id)
    start, end = _period(du, au, ctx.clock.now().date())
    return start, end, reports.report(ctx, issuer, start, end, language_of(request))


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
    start, end, found = _report(request, ctx, who, issuer_id, du, au)
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
    start, end, found = _report(request, ctx, who, issuer_id, du, au)
    content = reports.as_csv(found, language_of(request))
    headers = {
        "Content-Disposition": f'attachment; filename="rapport-{start.isoformat()}-{end.isoformat()}.csv"',
        "Cache-Control": "private, no-store",
    }
    return Response(content.encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers=headers)


def award_right(who: SignedIn, award: Award) -> str:
    """The issuer whose right decides for an award: the network's, for a class a member awarded,
    when the account has it; the award's own otherwise."""
    network = award.class_issuer_id
    return network if network != award.issuer_id and who.principal.can_write(network) else award.issuer_id
