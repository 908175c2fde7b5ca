"""/api/v1 peer-training sessions: record, enrol, mark attendance, preview, close."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from service.api.access import (
    ReadableBadgeClass,
    ReadableIssuer,
    ReadableSession,
    WritableBadgeClass,
    WritableIssuer,
    WritableSession,
)
from service.api.deps import ContextDep
from service.api.pagination import Limit, Offset
from service.api.schemas import Page
from service.api.session_schemas import (
    ClosedOut,
    EnrolmentOut,
    MarksOut,
    PlannedOut,
    SessionOut,
    TrainerRuleOut,
)
from service.domain.training import SessionState, Slot
from service.persistence.training_repositories import TrainingSessions
from service.usecases import closing, sessions, trainer_rules
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
    state: SessionState | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[SessionOut]:
    rows, total = TrainingSessions(ctx.session).list_for_issuer(
        issuer.id, state.value if state else None, limit, offset
    )
    return Page(items=[SessionOut.of(s) for s in rows], total=total, limit=limit, offset=offset)


@router.get("/sessions/{session_id}", summary="Read a session")
def read_session(training: ReadableSession) -> SessionOut:
    return SessionOut.of(training)


@router.patch("/sessions/{session_id}", summary="Change a session (lists given replace the current ones)")
def update_session(training: WritableSession, body: SessionUpdate, ctx: ContextDep) -> SessionOut:
    return SessionOut.of(sessions.update(ctx, training, body))


@router.get("/sessions/{session_id}/enrolments", summary="Enrolments, with the half-days each attended")
def list_enrolments(training: ReadableSession, ctx: ContextDep) -> list[EnrolmentOut]:
    return _enrolments(ctx, training.id)


@router.post("/sessions/{session_id}/enrolments", summary="Enrol people (added or updated by work email)")
def enrol(training: WritableSession, body: Enrolments, ctx: ContextDep) -> list[EnrolmentOut]:
    sessions.enrol(ctx, training, body.enrolments)
    return _enrolments(ctx, training.id)


@router.post("/sessions/{session_id}/attendance", summary="Mark presence or absence per person and half-day")
def mark_attendance(training: WritableSession, body: AttendanceMarks, ctx: ContextDep) -> MarksOut:
    return MarksOut(changed=sessions.mark_attendance(ctx, training, body))


@router.get("/sessions/{session_id}/preview", summary="Who would get which badge if the session closed now")
def preview(training: ReadableSession, ctx: ContextDep) -> list[PlannedOut]:
    return [PlannedOut.of(line) for line in closing.preview(ctx, training)]


@router.post(
    "/sessions/{session_id}/close",
    summary="Close the session: issue the badges earned and queue the emails (once, ever)",
)
def close(training: WritableSession, ctx: ContextDep) -> ClosedOut:
    return ClosedOut.of(closing.close(ctx, training.id))


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
