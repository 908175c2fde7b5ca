"""What the funders' documents of a session say (issue 17, point 10): the signed attendance
sheet (one line per person, one column per half-day, who signed when, the trainer's
countersignature) and, per participant, the attestation of completion (who, what, when, hours
attended, badges earned). Pure data here; ``web/pdf.py`` lays it out as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.domain.training import EnrolmentState, Slot, attended_hours
from service.errors import NotFound
from service.persistence.repositories import Awards
from service.persistence.tables import Issuer
from service.persistence.training_repositories import AwardOrigins, TrainingSessions
from service.persistence.training_tables import Enrolment, HalfDay, TrainingSession
from service.usecases import issuers
from service.usecases.context import Context


@dataclass(frozen=True, slots=True)
class Mark:
    state: str  # signed | ticked | absent
    signed_at: datetime | None = None
    signed_name: str | None = None
    late: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    enrolment: Enrolment
    marks: list[Mark]  # one per half-day, in order
    hours: float


@dataclass(frozen=True, slots=True)
class AttendanceSheet:
    issuer: Issuer
    training: TrainingSession
    half_days: list[HalfDay]
    lines: list[Line]
    planned_hours: float


@dataclass(frozen=True, slots=True)
class EarnedBadge:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Attestation:
    issuer: Issuer
    training: TrainingSession
    enrolment: Enrolment
    attended: list[HalfDay]
    hours: float
    planned_hours: float
    badges: list[EarnedBadge]


def attendance_sheet(ctx: Context, training: TrainingSession) -> AttendanceSheet:
    repo = TrainingSessions(ctx.session)
    half_days = sorted(training.half_days, key=lambda h: h.starts_at)
    slots = [Slot(h.id, h.starts_at, h.ends_at) for h in half_days]
    present = repo.attendance(training.id)
    signed = repo.signatures(training.id)
    lines = []
    for enrolment in repo.enrolments(training.id):
        if enrolment.state != EnrolmentState.REGISTERED:
            continue
        attended = present.get(enrolment.id, frozenset())
        marks = []
        for half_day in half_days:
            signature = signed.get((enrolment.id, half_day.id))
            if signature is not None:
                marks.append(Mark("signed", signature.signed_at, signature.signed_name, signature.late))
            else:
                marks.append(Mark("ticked" if half_day.id in attended else "absent"))
        lines.append(Line(enrolment, marks, attended_hours(slots, attended)))
    lines.sort(key=lambda line: line.enrolment.name.lower())
    planned = attended_hours(slots, {h.id for h in half_days})
    return AttendanceSheet(issuers.get(ctx, training.issuer_id), training, half_days, lines, planned)


def attestation(ctx: Context, training: TrainingSession, enrolment_id: str) -> Attestation:
    """The attestation of one registered participant (not of an erased person)."""
    repo = TrainingSessions(ctx.session)
    enrolment = repo.enrolment(training.id, enrolment_id)
    if enrolment is None or enrolment.erased or enrolment.state != EnrolmentState.REGISTERED:
        raise NotFound("enrolment-not-found", id=enrolment_id)
    half_days = sorted(training.half_days, key=lambda h: h.starts_at)
    slots = [Slot(h.id, h.starts_at, h.ends_at) for h in half_days]
    attended_ids = repo.attendance(training.id).get(enrolment.id, frozenset())
    awards = Awards(ctx.session)
    badges = []
    for origin in AwardOrigins(ctx.session).for_session(training.id):
        if origin.recipient != enrolment.email:
            continue
        award = awards.get(origin.award_id)
        if award is not None and award.revoked_at is None and award.erased_at is None:
            badges.append(EarnedBadge(award.badge_class.name, ctx.urls.award_page(award.id)))
    return Attestation(
        issuers.get(ctx, training.issuer_id),
        training,
        enrolment,
        [h for h in half_days if h.id in attended_ids],
        attended_hours(slots, attended_ids),
        attended_hours(slots, {h.id for h in half_days}),
        badges,
    )


def attestation_for_award(ctx: Context, award_id: str) -> Attestation | None:
    """The attestation of the training a badge was earned in, for its earner (through their
    private link); None when the badge does not come from following a session."""
    origins = AwardOrigins(ctx.session)
    origin = origins.get(award_id)
    if origin is None or origin.kind != "session" or origin.session_id is None:
        return None
    training = TrainingSessions(ctx.session).get(origin.session_id)
    enrolments = [
        e for e in origins.enrolments(origin) if e.state == EnrolmentState.REGISTERED and not e.erased
    ]
    if training is None or not enrolments:
        return None
    return attestation(ctx, training, enrolments[0].id)
