"""Console pages for peer-training sessions: create one, enrol people (one by one or from the
spreadsheet), mark attendance per half-day, preview who earns what, close."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.domain import sign_in_sheet as sign_in_sheet_rules
from service.errors import FabriqueError, InvalidInput, NotFound
from service.http.deps import ContextDep
from service.http.negotiation import language_of
from service.i18n.csv_messages import line_message
from service.persistence.repositories import BadgeClasses
from service.persistence.training_repositories import TrainingSessions
from service.persistence.training_tables import TrainingSession
from service.usecases import closing, csv_import, issuers, session_documents, sessions, sign_in_sheet, themes
from service.usecases.session_commands import AttendanceMarks, EnrolmentIn, Mark, SessionCreate, SessionUpdate
from service.web.badge_view import qr_svg
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep, require_read, require_write
from service.web.forms import problems_of, text
from service.web.labels import N_
from service.web.pdf import pdf_response
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
PARIS = ZoneInfo("Europe/Paris")
HALF_DAY_ROWS = 6
TRAINER_ROWS = 3
PERIODS = {"matin": (time(9, 0), time(12, 30)), "apres-midi": (time(13, 30), time(17, 0))}


def _session(ctx: ContextDep, who: SignedIn, session_id: str, *, write: bool) -> TrainingSession:
    training = sessions.get(ctx, session_id)
    (require_write if write else require_read)(who, training.issuer_id)
    return training


@router.get("/emetteurs/{issuer_id}/formations/nouvelle")
def session_new(request: Request, issuer_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    return _new_form(request, who, ctx, issuer.id, {}, {})


def _new_form(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    issuer_id: str,
    values: dict[str, Any],
    problems: dict[str, str],
    status: int = 200,
    training: TrainingSession | None = None,
) -> Response:
    """The session form: empty to create one, filled with the session to edit it."""
    classes, _ = BadgeClasses(ctx.session).list_for_issuer(issuer_id, 500, 0)
    half_days = sum(1 for key in values if key.startswith("hd_date_"))
    trainers = sum(1 for key in values if key.startswith("tr_email_"))
    return console_page(
        request,
        "console/session_new.html",
        who,
        issuer=issuers.get(ctx, issuer_id),
        training=training,
        badge_classes=[b for b in classes if b.replaced_by_id is None],
        values=values,
        problems=problems,
        half_day_rows=range(max(HALF_DAY_ROWS, half_days + 1)),
        trainer_rows=range(max(TRAINER_ROWS, trainers + 1)),
        several_rules=training is not None and len(training.rules) > 1,
        theme_choices=themes.known(ctx, language_of(request)),
        chosen_themes=[t.strip() for t in str(values.get("themes", "")).split(",") if t.strip()],
        status_code=status,
    )


class _BadDate(ValueError):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _half_days(values: dict[str, Any]) -> list[dict[str, str]]:
    """The form's rows (a date and morning or afternoon) as the half-days a session command takes."""
    out = []
    rows = {int(key.rsplit("_", 1)[1]) for key in values if re.fullmatch(r"hd_date_\d{1,2}", key)}
    for row in sorted(rows):
        day, period = text(values.get(f"hd_date_{row}")), values.get(f"hd_period_{row}", "matin")
        if day is None:
            continue
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            raise _BadDate(f"hd_date_{row}") from None
        start, end = PERIODS.get(str(period), PERIODS["matin"])
        out.append(
            {
                "starts_at": datetime.combine(parsed, start, PARIS).isoformat(),
                "ends_at": datetime.combine(parsed, end, PARIS).isoformat(),
            }
        )
    return out


def _session_body(values: dict[str, Any], training: TrainingSession | None = None) -> dict[str, Any]:
    """The form as a session command. When editing, what the form cannot express is kept: a
    half-day whose date and moment are unchanged keeps its exact hours, a trainer keeps their
    role and language, a rule its evaluation condition, and a session with several rules (set
    through the API) keeps them all."""
    half_days = _half_days(values)
    if training is not None:
        exact = {(_local(h.starts_at).date(), _local(h.starts_at).hour >= 12): h for h in training.half_days}
        for given in half_days:
            start = datetime.fromisoformat(given["starts_at"])
            same = exact.get((start.date(), start.hour >= 12))
            if same is not None:
                given["starts_at"], given["ends_at"] = same.starts_at.isoformat(), same.ends_at.isoformat()
    known = {t.email: t for t in training.trainers} if training is not None else {}
    trainers = []
    for row in range(TRAINER_ROWS + len(known)):
        name, email = values.get(f"tr_name_{row}", ""), values.get(f"tr_email_{row}", "")
        if not (text(email) or text(name)):
            continue
        trainer: dict[str, Any] = {"name": name, "email": email}
        if (found := known.get(str(email).strip().lower())) is not None:
            trainer.update(role=found.role, language=found.language)
        trainers.append(trainer)
    body: dict[str, Any] = {
        "title": values.get("title", ""),
        "objectives": text(values.get("objectives")),
        "themes": [t.strip() for t in str(values.get("themes", "")).split(",") if t.strip()],
        "format": values.get("format") or "in_person",
        "venue_name": text(values.get("venue_name")),
        "capacity": text(values.get("capacity")),
        "half_days": half_days,
        "trainers": trainers,
    }
    if "level" in values:  # not in the console's form: set through the API, kept when editing
        body["level"] = text(values.get("level"))
    if training is None or len(training.rules) <= 1:
        rules = []
        if text(values.get("rule_badge")):
            rule: dict[str, Any] = {"badge_class_id": values["rule_badge"]}
            if values.get("rule_condition") == "hours":
                rule["min_hours"] = text(values.get("rule_min_hours")) or "0"
            else:
                rule["all_half_days"] = True
            if (
                training is not None
                and training.rules
                and training.rules[0].badge_class_id == rule["badge_class_id"]
            ):
                rule["evaluation_required"] = training.rules[0].evaluation_required
            rules.append(rule)
        body["rules"] = rules
    return body


def _form_fields(form: Any) -> dict[str, Any]:
    """The form's fields; the themes, a checklist, as one comma-separated value."""
    values = {k: v for k, v in form.items() if isinstance(v, str) and k not in ("csrf", "themes")}
    values["themes"] = ", ".join(str(v) for v in form.getlist("themes"))
    return values


def _local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def _form_values(training: TrainingSession) -> dict[str, Any]:
    """A session as the form shows it, to edit."""
    values: dict[str, Any] = {
        "title": training.title,
        "objectives": training.objectives or "",
        "themes": ", ".join(training.themes or []),
        "level": training.level or "",
        "format": training.format,
        "venue_name": training.venue_name or "",
        "capacity": str(training.capacity) if training.capacity else "",
    }
    for row, half_day in enumerate(sorted(training.half_days, key=lambda h: h.starts_at)):
        start = _local(half_day.starts_at)
        values[f"hd_date_{row}"] = start.date().isoformat()
        values[f"hd_period_{row}"] = "apres-midi" if start.hour >= 12 else "matin"
    for row, trainer in enumerate(training.trainers):
        values[f"tr_name_{row}"], values[f"tr_email_{row}"] = trainer.name, trainer.email
    if len(training.rules) == 1:
        rule = training.rules[0]
        values["rule_badge"] = rule.badge_class_id
        values["rule_condition"] = "hours" if rule.min_hours is not None else "all"
        values["rule_min_hours"] = f"{rule.min_hours:g}" if rule.min_hours is not None else ""
    return values


@router.post("/emetteurs/{issuer_id}/formations/nouvelle")
async def session_create(request: Request, issuer_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    form = await request.form()
    values = _form_fields(form)
    try:
        body = _session_body(values)
    except _BadDate as bad:
        message = tr(request, "Date invalide (format attendu : AAAA-MM-JJ).")
        raise ShowPage(_new_form(request, who, ctx, issuer.id, values, {bad.field: message}, 422)) from None
    try:
        created = sessions.create(ctx, issuer, SessionCreate.model_validate(body))
    except (ValidationError, FabriqueError) as exc:
        problems = problems_of(request, exc)
        raise ShowPage(_new_form(request, who, ctx, issuer.id, values, problems, 422)) from None
    return RedirectResponse(f"/console/formations/{created.id}", status_code=303)


@router.get("/formations/{session_id}/modifier")
def session_edit(request: Request, session_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    training = _session(ctx, who, session_id, write=True)
    if training.state in ("closed", "closing", "cancelled"):
        return RedirectResponse(f"/console/formations/{training.id}", status_code=303)
    return _new_form(request, who, ctx, training.issuer_id, _form_values(training), {}, training=training)


@router.post("/formations/{session_id}/modifier")
async def session_update(request: Request, session_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    """Change a session until it closes; attendance stays with the half-days that stay."""
    training = _session(ctx, who, session_id, write=True)
    form = await request.form()
    values = _form_fields(form)
    issuer_id = training.issuer_id
    try:
        body = _session_body(values, training)
    except _BadDate as bad:
        message = tr(request, "Date invalide (format attendu : AAAA-MM-JJ).")
        problems = {bad.field: message}
        raise ShowPage(_new_form(request, who, ctx, issuer_id, values, problems, 422, training)) from None
    try:
        sessions.update(ctx, training, SessionUpdate.model_validate(body))
    except (ValidationError, FabriqueError) as exc:
        problems = problems_of(request, exc)
        raise ShowPage(_new_form(request, who, ctx, issuer_id, values, problems, 422, training)) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait=modifiee", status_code=303)


STATE_ACTIONS = {"annuler": "cancelled", "rouvrir": "planned", "tenue": "held"}


@router.post("/formations/{session_id}/etat")
def change_state(
    request: Request,
    session_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    action: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Cancel a session (it can be reopened), reopen it, or say it was held."""
    training = _session(ctx, who, session_id, write=True)
    if action not in STATE_ACTIONS:
        raise InvalidInput("unknown-option", field=action[:16])
    try:
        sessions.update(ctx, training, SessionUpdate.model_validate({"state": STATE_ACTIONS[action]}))
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            session_page(request, who, ctx, training, problems=problems_of(request, exc), status=409)
        ) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait={action}", status_code=303)


@router.post("/formations/{session_id}/evaluation")
def record_evaluation(
    request: Request,
    session_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    evaluation_done: Annotated[str, Form(max_length=8)] = "",
    evaluation_summary: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """The session's evaluation: done or not (some badges require it), and what it said."""
    training = _session(ctx, who, session_id, write=True)
    body = {"evaluation_done": evaluation_done == "1", "evaluation_summary": text(evaluation_summary)}
    try:
        sessions.update(ctx, training, SessionUpdate.model_validate(body))
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            session_page(request, who, ctx, training, problems=problems_of(request, exc), status=422)
        ) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait=evaluation#evaluation", status_code=303)


@router.post("/formations/{session_id}/inscriptions/{enrolment_id}/retirer")
def remove_enrolment(
    request: Request, session_id: str, enrolment_id: str, who: CheckedDep, ctx: ContextDep
) -> Response:
    """Take a person off the session (entered by mistake): their enrolment and presences go."""
    training = _session(ctx, who, session_id, write=True)
    try:
        sessions.remove_enrolment(ctx, training, enrolment_id)
    except FabriqueError as exc:
        raise ShowPage(
            session_page(request, who, ctx, training, problems=problems_of(request, exc), status=409)
        ) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait=retrait#presences", status_code=303)


def session_page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    training: TrainingSession,
    *,
    done: str | None = None,
    problems: dict[str, str] | None = None,
    csv_errors: list[dict[str, Any]] | None = None,
    closed: closing.Closed | closing.Queued | None = None,
    status: int = 200,
) -> Response:
    repository = TrainingSessions(ctx.session)
    secret = request.app.state.services.secret
    enrolments = repository.enrolments(training.id)
    attendance = repository.attendance(training.id)
    editable = training.state not in ("closed", "closing", "cancelled")
    actions = {
        "planned": [("tenue", N_("Marquer comme tenue")), ("annuler", N_("Annuler la formation"))],
        "held": [("annuler", N_("Annuler la formation"))],
        "cancelled": [("rouvrir", N_("Rouvrir la formation"))],
    }.get(training.state, [])
    preview = closing.preview(ctx, training) if editable else []
    names = {b.id: b.name for b in BadgeClasses(ctx.session).list_for_issuer(training.issuer_id, 500, 0)[0]}
    return console_page(
        request,
        "console/session.html",
        who,
        training=training,
        enrolments=enrolments,
        attendance=attendance,
        signatures=repository.signatures(training.id),
        sheet_links={
            h.id: f"{ctx.urls.base}/emargement/{sign_in_sheet_rules.token_for(secret, h.id)}"
            for h in training.half_days
        }
        if editable and who.principal.can_write(training.issuer_id)
        else {},
        preview=preview,
        badge_names=names,
        editable=editable and who.principal.can_write(training.issuer_id),
        can_write=who.principal.can_write(training.issuer_id),
        state_actions=actions,
        done=done,
        problems=problems or {},
        csv_errors=csv_errors,
        closed=closed,
        status_code=status,
    )


DONE = {
    "presences": N_("Présences enregistrées."),
    "inscription": N_("Personne inscrite."),
    "modifiee": N_("Formation modifiée."),
    "annuler": N_("Formation annulée. Elle peut être rouverte tant qu'elle n'est pas clôturée."),
    "rouvrir": N_("Formation rouverte : elle est de nouveau prévue."),
    "tenue": N_("Formation marquée comme tenue."),
    "evaluation": N_("Évaluation enregistrée."),
    "retrait": N_("Personne retirée de la formation, avec ses présences."),
    "contresigne": N_("Demi-journée contresignée."),
}


@router.get("/formations/{session_id}")
def session_view(
    request: Request, session_id: str, who: SignedInDep, ctx: ContextDep, fait: str | None = None
) -> Response:
    done = tr(request, DONE[fait]) if fait in DONE else None
    return session_page(request, who, ctx, _session(ctx, who, session_id, write=False), done=done)


@router.post("/formations/{session_id}/inscrire")
def enrol_one(
    request: Request,
    session_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    name: Annotated[str, Form(max_length=400)] = "",
    email: Annotated[str, Form(max_length=640)] = "",
    structure: Annotated[str, Form(max_length=400)] = "",
    profession: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    training = _session(ctx, who, session_id, write=True)
    try:
        person = EnrolmentIn.model_validate(
            {"name": name, "email": email, "structure": text(structure), "profession": text(profession)}
        )
        sessions.enrol(ctx, training, [person])
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            session_page(request, who, ctx, training, problems=problems_of(request, exc), status=422)
        ) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait=inscription#inscrits", status_code=303)


@router.post("/formations/{session_id}/import")
async def import_sheet(
    request: Request,
    session_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    training = _session(ctx, who, session_id, write=True)
    language = language_of(request)
    content = await file.read(csv_import.MAX_BYTES + 1) if file is not None and file.filename else b""
    if not content or len(content) > csv_import.MAX_BYTES:
        problems = {"file": tr(request, "Choisissez un fichier CSV non vide de 2 Mo au plus.")}
        raise ShowPage(session_page(request, who, ctx, training, problems=problems, status=422))
    try:
        report = csv_import.import_sheet(ctx, training, content)
    except csv_import.CsvRejected as rejected:
        errors = [
            {"line": p.line, "column": p.column or "", "message": line_message(p, language)}
            for p in sorted(rejected.report.problems, key=lambda p: p.line)
        ]
        raise ShowPage(session_page(request, who, ctx, training, csv_errors=errors, status=422)) from None
    except FabriqueError as exc:
        problems = problems_of(request, exc)
        raise ShowPage(session_page(request, who, ctx, training, problems=problems, status=422)) from None
    done = tr(
        request,
        "%(people)s personne(s) importée(s), %(marks)s présence(s) enregistrée(s).",
        people=report.imported,
        marks=report.attendance_marks,
    )
    if report.ignored_columns:
        done += " " + tr(
            request,
            "Colonnes ignorées (rien n'en est enregistré) : %(columns)s.",
            columns=", ".join(report.ignored_columns),
        )
    return session_page(request, who, ctx, training, done=done)


@router.post("/formations/{session_id}/presences")
async def mark_attendance(request: Request, session_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    training = _session(ctx, who, session_id, write=True)
    form = await request.form()
    checked = {str(v) for v in form.getlist("present")}
    enrolments = TrainingSessions(ctx.session).enrolments(training.id)
    marks = [  # an erased person's presences stay as they were: nobody can tick for them
        Mark(email=e.email, half_day_id=h.id, present=f"{e.id}:{h.id}" in checked)
        for e in enrolments
        if not e.erased
        for h in training.half_days
    ]
    if marks:
        try:
            sessions.mark_attendance(ctx, training, AttendanceMarks(marks=marks))
        except (ValidationError, FabriqueError) as exc:
            raise ShowPage(
                session_page(request, who, ctx, training, problems=problems_of(request, exc), status=422)
            ) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait=presences#presences", status_code=303)


@router.get("/formations/{session_id}/cloturer")
def close_confirmation(request: Request, session_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    """Before closing: how many badges, to whom, how many emails, and who earns nothing and why."""
    training = _session(ctx, who, session_id, write=True)
    if training.state in ("closed", "closing", "cancelled"):
        return RedirectResponse(f"/console/formations/{training.id}", status_code=303)
    plan = closing.preview(ctx, training)
    names = {b.id: b.name for b in BadgeClasses(ctx.session).list_for_issuer(training.issuer_id, 500, 0)[0]}
    return console_page(
        request,
        "console/session_close.html",
        who,
        training=training,
        earned=[line for line in plan if line.decision.earned and not line.already_awarded],
        not_earned=[line for line in plan if not line.decision.earned],
        badge_names=names,
    )


@router.post("/formations/{session_id}/cloturer")
def close_session(
    request: Request,
    session_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    confirme: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    training = _session(ctx, who, session_id, write=True)
    if confirme != "oui":  # only the confirmation page closes
        return RedirectResponse(f"/console/formations/{training.id}/cloturer", status_code=303)
    try:
        result = closing.close(ctx, training.id)
    except FabriqueError as exc:
        raise ShowPage(
            session_page(request, who, ctx, training, problems=problems_of(request, exc), status=409)
        ) from None
    return session_page(request, who, ctx, result.session, closed=result)


@router.get("/formations/{session_id}/emargement/{half_day_id}.svg")
def sign_in_qr(
    session_id: str, half_day_id: str, who: SignedInDep, ctx: ContextDep, request: Request
) -> Response:
    """The QR code of a half-day's sign-in link, to show in the room."""
    training = _session(ctx, who, session_id, write=True)
    if half_day_id not in {h.id for h in training.half_days}:
        raise NotFound("half-day-not-found", id=half_day_id)
    token = sign_in_sheet_rules.token_for(request.app.state.services.secret, half_day_id)
    svg = qr_svg(f"{ctx.urls.base}/emargement/{token}")
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post("/formations/{session_id}/contresigner")
def countersign(
    request: Request,
    session_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    half_day_id: Annotated[str, Form(max_length=64)] = "",
    trainer: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A trainer of the session countersigns a half-day's sign-in sheet."""
    training = _session(ctx, who, session_id, write=True)
    try:
        sign_in_sheet.countersign(ctx, training, half_day_id, trainer)
    except FabriqueError as exc:
        problems = problems_of(request, exc)
        raise ShowPage(session_page(request, who, ctx, training, problems=problems, status=422)) from None
    return RedirectResponse(f"/console/formations/{training.id}?fait=contresigne#emargement", status_code=303)


@router.get("/formations/{session_id}/emargement.pdf")
def attendance_pdf(request: Request, session_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    """The signed attendance sheet, for funders (people's names: coordinators only)."""
    training = _session(ctx, who, session_id, write=True)
    sheet = session_documents.attendance_sheet(ctx, training)
    return pdf_response(
        request, "pdf/attendance.html", f"emargement-{training.id}.pdf", sheet=sheet, now=ctx.clock.now()
    )


@router.get("/formations/{session_id}/attestations/{enrolment_id}.pdf")
def attestation_pdf(
    request: Request, session_id: str, enrolment_id: str, who: SignedInDep, ctx: ContextDep
) -> Response:
    """One participant's certificate of completion, with the badges earned and their QR codes."""
    training = _session(ctx, who, session_id, write=True)
    doc = session_documents.attestation(ctx, training, enrolment_id)
    return pdf_response(
        request, "pdf/attestation.html", f"attestation-{doc.enrolment.id}.pdf", doc=doc, now=ctx.clock.now()
    )
