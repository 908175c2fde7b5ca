"""/api/v1 peer-training sessions: record, enrol, mark attendance, preview, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from service.api.access import (
    ReadableBadgeClass,
    ReadableIssuer,
    ReadableSession,
    WritableBadgeClass,
    WritableIssuer,
    WritableSession,
)
from service.api.pagination import Limit, Offset
from service.api.people import for_principal
from service.api.schemas import Page
from service.api.session_schemas import (
    ClosedOut,
    ClosingOut,
    EnrolmentOut,
    ImportOut,
    LineProblemOut,
    MarksOut,
    PlannedOut,
    SessionOut,
    TrainerRuleOut,
)
from service.domain.enrolment_csv import Problem as LineProblem
from service.domain.training import SessionState, Slot
from service.errors import NotFound, PayloadTooLarge
from service.http.deps import ContextDep, PrincipalDep
from service.http.negotiation import language_of
from service.http.problems import problem
from service.i18n.csv_messages import line_message
from service.i18n.language import Language
from service.persistence.training_repositories import Closings, TrainingSessions
from service.usecases import closing, csv_import, sessions, trainer_rules
from service.usecases.context import Context
from service.usecases.session_commands import (
    AttendanceMarks,
    Enrolments,
    SessionCreate,
    SessionUpdate,
    TrainerRuleIn,
)

router = APIRouter(tags=["sessions"])


@router.post(
    "/issuers/{issuer_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    summary="Record a peer-training session",
)
def create_session(issuer: WritableIssuer, body: SessionCreate, ctx: ContextDep) -> SessionOut:
    return SessionOut.of(sessions.create(ctx, issuer, body))


@router.get("/issuers/{issuer_id}/sessions", summary="List an issuer's sessions")
def list_sessions(
    issuer: ReadableIssuer,
    ctx: ContextDep,
    principal: PrincipalDep,
    state: SessionState | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[SessionOut]:
    rows, total = TrainingSessions(ctx.session).list_for_issuer(
        issuer.id, state.value if state else None, limit, offset
    )
    items = [for_principal(principal, SessionOut.of(s)) for s in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/sessions/{session_id}", summary="Read a session")
def read_session(training: ReadableSession, principal: PrincipalDep) -> SessionOut:
    return for_principal(principal, SessionOut.of(training))


@router.patch("/sessions/{session_id}", summary="Change a session (lists given replace the current ones)")
def update_session(training: WritableSession, body: SessionUpdate, ctx: ContextDep) -> SessionOut:
    return SessionOut.of(sessions.update(ctx, training, body))


@router.get("/sessions/{session_id}/enrolments", summary="Enrolments, with the half-days each attended")
def list_enrolments(
    training: ReadableSession, ctx: ContextDep, principal: PrincipalDep
) -> list[EnrolmentOut]:
    return [for_principal(principal, e) for e in _enrolments(ctx, training.id)]


@router.post("/sessions/{session_id}/enrolments", summary="Enrol people (added or updated by work email)")
def enrol(training: WritableSession, body: Enrolments, ctx: ContextDep) -> list[EnrolmentOut]:
    sessions.enrol(ctx, training, body.enrolments)
    return _enrolments(ctx, training.id)


@router.delete(
    "/sessions/{session_id}/enrolments/{enrolment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Take a person off an open session (entered by mistake), with their presences",
)
def remove_enrolment(training: WritableSession, enrolment_id: str, ctx: ContextDep) -> Response:
    sessions.remove_enrolment(ctx, training, enrolment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/sessions/{session_id}/attendance", summary="Mark presence or absence per person and half-day")
def mark_attendance(training: WritableSession, body: AttendanceMarks, ctx: ContextDep) -> MarksOut:
    return MarksOut(changed=sessions.mark_attendance(ctx, training, body))


@router.get("/sessions/{session_id}/preview", summary="Who would get which badge if the session closed now")
def preview(training: ReadableSession, ctx: ContextDep, principal: PrincipalDep) -> list[PlannedOut]:
    return [for_principal(principal, PlannedOut.of(line)) for line in closing.preview(ctx, training)]


@router.post(
    "/sessions/{session_id}/close",
    summary="Close the session: issue the badges earned and queue the emails (once, ever)",
    response_model=ClosedOut,
    responses={202: {"model": ClosingOut, "description": "Handed to the workers: follow /closing"}},
)
def close(
    training: WritableSession,
    ctx: ContextDep,
    background: Annotated[
        bool | None, Query(description="force (true) or refuse (false) closing in the background")
    ] = None,
) -> Response:
    result = closing.close(ctx, training.id, background=background)
    if isinstance(result, closing.Queued):
        body = ClosingOut.of(result.job).model_dump(mode="json")
        location = f"/api/v1/sessions/{training.id}/closing"
        return JSONResponse(body, status_code=status.HTTP_202_ACCEPTED, headers={"Location": location})
    return JSONResponse(ClosedOut.of(result).model_dump(mode="json"))


@router.get("/sessions/{session_id}/closing", summary="Progress of a session being closed in the background")
def closing_progress(training: ReadableSession, ctx: ContextDep) -> ClosingOut:
    job = Closings(ctx.session).get(training.id)
    if job is None:
        raise NotFound("closing-not-found", id=training.id)
    return ClosingOut.of(job)


def _enrolments(ctx: Context, session_id: str) -> list[EnrolmentOut]:
    repo = TrainingSessions(ctx.session)
    training = repo.get(session_id)
    slots = [Slot(h.id, h.starts_at, h.ends_at) for h in training.half_days] if training else []
    attendance = repo.attendance(session_id)
    return [EnrolmentOut.of(e, attendance.get(e.id, frozenset()), slots) for e in repo.enrolments(session_id)]


@router.get("/badge-classes/{badge_class_id}/trainer-rule", summary="The trainer rule of a badge class")
def read_trainer_rule(badge_class: ReadableBadgeClass, ctx: ContextDep) -> TrainerRuleOut:
    return TrainerRuleOut.of(trainer_rules.get(ctx, badge_class))


@router.put(
    "/badge-classes/{badge_class_id}/trainer-rule",
    summary="Set what trainers must have given, across sessions, to earn this badge class",
)
def put_trainer_rule(badge_class: WritableBadgeClass, body: TrainerRuleIn, ctx: ContextDep) -> TrainerRuleOut:
    return TrainerRuleOut.of(trainer_rules.put(ctx, badge_class, body))


@router.delete(
    "/badge-classes/{badge_class_id}/trainer-rule",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove the trainer rule of a badge class",
)
def delete_trainer_rule(badge_class: WritableBadgeClass, ctx: ContextDep) -> Response:
    trainer_rules.delete(ctx, badge_class)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/sessions/{session_id}/import",
    summary="Import enrolments and attendance from a spreadsheet (CSV, ; or ,, UTF-8 or Windows-1252)",
    responses={422: {"description": "The file has problems: `errors` lists them line by line"}},
)
def import_csv(
    training: WritableSession,
    file: Annotated[UploadFile, File(description="CSV export of the enrolment or attendance sheet")],
    request: Request,
    ctx: ContextDep,
    accept_valid_rows: bool = False,
) -> Response:
    limit = csv_import.MAX_BYTES
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge("csv-too-large", limit=limit)
    language = language_of(request)
    try:
        report = csv_import.import_sheet(ctx, training, content, accept_valid_rows=accept_valid_rows)
    except csv_import.CsvRejected as rejected:
        errors = [_line(p, language) for p in rejected.report.problems]
        errors.sort(key=lambda e: e.line)
        return problem(
            request,
            422,
            "csv-invalid",
            {"count": len(errors)},
            extra={
                "errors": [e.model_dump() for e in errors],
                "ignored_columns": rejected.report.ignored_columns,
            },
        )
    out = ImportOut(
        rows=report.rows,
        imported=report.imported,
        attendance_marks=report.attendance_marks,
        written=report.written,
        encoding=report.encoding,
        delimiter=report.delimiter,
        ignored_columns=report.ignored_columns,
        problems=[_line(p, language) for p in report.problems],
    )
    return JSONResponse(out.model_dump(mode="json"))


def _line(found: LineProblem, language: Language) -> LineProblemOut:
    return LineProblemOut(
        line=found.line,
        field=found.column,
        value=found.value,
        type=found.code,
        message=line_message(found, language),
    )
