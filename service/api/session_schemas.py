"""What the sessions API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from service.domain.training import Slot, attended_hours
from service.persistence.training_tables import (
    Enrolment,
    HalfDay,
    SessionClosing,
    SessionRule,
    SessionTrainer,
    TrainerRule,
    TrainingSession,
)
from service.usecases.closing import Closed, Planned


class HalfDayOut(BaseModel):
    id: str
    starts_at: datetime
    ends_at: datetime
    hours: float

    @classmethod
    def of(cls, half_day: HalfDay) -> HalfDayOut:
        hours = (half_day.ends_at - half_day.starts_at).total_seconds() / 3600
        return cls(
            id=half_day.id, starts_at=half_day.starts_at, ends_at=half_day.ends_at, hours=round(hours, 2)
        )


class TrainerOut(BaseModel):
    name: str | None
    email: str | None
    role: str
    language: str

    @classmethod
    def of(cls, trainer: SessionTrainer) -> TrainerOut:
        return cls(name=trainer.name, email=trainer.email, role=trainer.role, language=trainer.language)


class RuleOut(BaseModel):
    badge_class_id: str
    min_hours: float | None
    all_half_days: bool
    evaluation_required: bool

    @classmethod
    def of(cls, rule: SessionRule) -> RuleOut:
        return cls(
            badge_class_id=rule.badge_class_id,
            min_hours=rule.min_hours,
            all_half_days=rule.all_half_days,
            evaluation_required=rule.evaluation_required,
        )


class SessionOut(BaseModel):
    id: str
    issuer_id: str
    title: str
    objectives: str | None
    themes: list[str]
    level: str | None
    format: str
    venue_name: str | None
    venue_siret: str | None
    venue_rna: str | None
    venue_map_id: str | None
    venue_map_url: str | None
    capacity: int | None
    audience: str | None
    state: str
    evaluation_done: bool
    evaluation_summary: str | None
    planned_hours: float
    half_days: list[HalfDayOut]
    trainers: list[TrainerOut]
    rules: list[RuleOut]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, training: TrainingSession) -> SessionOut:
        slots = [Slot(h.id, h.starts_at, h.ends_at) for h in training.half_days]
        return cls(
            id=training.id,
            issuer_id=training.issuer_id,
            title=training.title,
            objectives=training.objectives,
            themes=[str(t) for t in training.themes],
            level=training.level,
            format=training.format,
            venue_name=training.venue_name,
            venue_siret=training.venue_siret,
            venue_rna=training.venue_rna,
            venue_map_id=training.venue_map_id,
            venue_map_url=(
                f"https://cartographie.societenumerique.gouv.fr/cartographie/{training.venue_map_id}/details"
                if training.venue_map_id
                else None
            ),
            capacity=training.capacity,
            audience=training.audience,
            state=training.state,
            evaluation_done=training.evaluation_done,
            evaluation_summary=training.evaluation_summary,
            planned_hours=attended_hours(slots, [s.id for s in slots]),
            half_days=[HalfDayOut.of(h) for h in training.half_days],
            trainers=[TrainerOut.of(t) for t in training.trainers],
            rules=[RuleOut.of(r) for r in training.rules],
            created_at=training.created_at,
            updated_at=training.updated_at,
            closed_at=training.closed_at,
        )


class EnrolmentOut(BaseModel):
    id: str
    name: str | None
    email: str | None
    structure: str | None
    profession: str | None
    state: str
    language: str
    attended_half_days: list[str]
    attended_hours: float

    @classmethod
    def of(cls, enrolment: Enrolment, attended: frozenset[str], slots: list[Slot]) -> EnrolmentOut:
        return cls(
            id=enrolment.id,
            name=enrolment.name,
            email=enrolment.email,
            structure=enrolment.structure,
            profession=enrolment.profession,
            state=enrolment.state,
            language=enrolment.language,
            attended_half_days=sorted(attended),
            attended_hours=attended_hours(slots, attended),
        )


class PlannedOut(BaseModel):
    email: str | None
    name: str | None
    badge_class_id: str
    origin: str
    earned: bool
    already_awarded: bool
    reasons: list[str]
    hours: float

    @classmethod
    def of(cls, line: Planned) -> PlannedOut:
        return cls(
            email=line.decision.email,
            name=line.name,
            badge_class_id=line.decision.badge_class_id,
            origin=line.decision.origin.value,
            earned=line.decision.earned,
            already_awarded=line.already_awarded,
            reasons=list(line.decision.reasons),
            hours=line.decision.hours,
        )


class IssuedOut(BaseModel):
    award_id: str
    badge_class_id: str
    recipient_email: str
    origin: str


class ClosedOut(BaseModel):
    session: SessionOut
    issued: list[IssuedOut]
    not_earned: list[PlannedOut]

    @classmethod
    def of(cls, closed: Closed) -> ClosedOut:
        return cls(
            session=SessionOut.of(closed.session),
            issued=[
                IssuedOut(
                    award_id=a.id,
                    badge_class_id=a.badge_class_id,
                    recipient_email=a.recipient_email,
                    origin=origin.value,
                )
                for a, origin in closed.awards
            ],
            not_earned=[PlannedOut.of(p) for p in closed.not_earned],
        )


class MarksOut(BaseModel):
    changed: int


class TrainerRuleOut(BaseModel):
    badge_class_id: str
    min_sessions: int
    min_peers: int
    min_themes: int
    min_session_peers: int | None
    max_session_peers: int | None
    evaluation_required: bool

    @classmethod
    def of(cls, rule: TrainerRule) -> TrainerRuleOut:
        return cls(
            badge_class_id=rule.badge_class_id,
            min_sessions=rule.min_sessions,
            min_peers=rule.min_peers,
            min_themes=rule.min_themes,
            min_session_peers=rule.min_session_peers,
            max_session_peers=rule.max_session_peers,
            evaluation_required=rule.evaluation_required,
        )


class LineProblemOut(BaseModel):
    line: int
    field: str | None
    value: str | None
    type: str
    message: str


class ImportOut(BaseModel):
    rows: int
    imported: int
    attendance_marks: int
    written: bool
    encoding: str
    delimiter: str
    ignored_columns: list[str]
    problems: list[LineProblemOut]


class ClosingOut(BaseModel):
    session_id: str
    state: str  # queued | running | done | failed
    total: int
    done: int
    error: str | None
    requested_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: SessionClosing) -> ClosingOut:
        return cls(
            session_id=job.session_id,
            state=job.state,
            total=job.total,
            done=job.done,
            error=job.error,
            requested_at=job.requested_at,
            finished_at=job.finished_at,
        )
