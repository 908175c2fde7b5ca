"""The sign-in sheet per half-day: each enrolled person signs their presence through the
half-day's link (on their phone, during the half-day), and a trainer countersigns the half-day
from the console. A signed presence is an attendance mark like a ticked one, with when and under
which name it was signed, and whether late.

Why a typed name rather than a drawn signature: it works on any phone, without JavaScript, and
for people who cannot draw one (RGAA); what makes the record worth something is who signed
(an enrolled work address), when (the server's clock, inside the half-day's window) and that it
cannot change afterwards without a trace (the audit log), not the shape of a scribble."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from service.domain import sign_in_sheet
from service.domain.audit import Actor
from service.domain.training import EnrolmentState, SessionState, normalise_email
from service.errors import Conflict, InvalidInput, NotFound
from service.persistence.training_repositories import TrainingSessions
from service.persistence.training_tables import Attendance, HalfDay, TrainingSession
from service.usecases import audit
from service.usecases.commands import Name
from service.usecases.context import Context

_NAME: TypeAdapter[str] = TypeAdapter(Name)


@dataclass(frozen=True, slots=True)
class Sheet:
    half_day: HalfDay
    training: TrainingSession


def open_sheet(ctx: Context, secret: str, token: str) -> Sheet:
    """The half-day a genuine link names, while its sign-in is open; else a refusal that says
    which (``sign-in-link-invalid``, ``sign-in-closed``)."""
    half_day_id = sign_in_sheet.half_day_of(secret, token)
    repo = TrainingSessions(ctx.session)
    half_day = repo.half_day(half_day_id) if half_day_id else None
    training = repo.get(half_day.session_id) if half_day is not None else None
    if half_day is None or training is None:
        raise NotFound("sign-in-link-invalid")
    if training.state in (SessionState.CLOSED, SessionState.CLOSING, SessionState.CANCELLED) or not (
        sign_in_sheet.is_open(half_day.starts_at, half_day.ends_at, ctx.clock.now())
    ):
        raise Conflict("sign-in-closed")
    return Sheet(half_day, training)


def sign(ctx: Context, sheet: Sheet, email: str, typed_name: str) -> Attendance:
    """Sign one's presence: an enrolled, registered person, once per half-day (signing again
    changes nothing)."""
    try:
        name = _NAME.validate_python(typed_name)
    except ValidationError:  # empty, control or invisible characters, too long
        raise InvalidInput("sign-in-name-invalid", field="name") from None
    repo = TrainingSessions(ctx.session)
    enrolment = repo.enrolment_by_email(sheet.training.id, normalise_email(email)[:320], for_update=True)
    if enrolment is None or enrolment.state != EnrolmentState.REGISTERED or enrolment.erased:
        raise NotFound("sign-in-not-enrolled")
    audit.act_as(ctx.session, Actor("participant", enrolment.id))
    found = ctx.session.get(Attendance, (enrolment.id, sheet.half_day.id))
    if found is not None and found.signed_at is not None:
        return found
    now = ctx.clock.now()
    if found is None:
        found = Attendance(enrolment_id=enrolment.id, half_day_id=sheet.half_day.id)
        ctx.session.add(found)
    found.signed_at = now
    found.signed_name = name
    found.late = sign_in_sheet.is_late(sheet.half_day.starts_at, now)
    ctx.session.flush()
    audit.record(
        ctx,
        "attendance-signed",
        "session",
        sheet.training.id,
        sheet.training.issuer_id,
        half_day=sheet.half_day.id,
        late=found.late,
    )
    return found


def countersign(ctx: Context, training: TrainingSession, half_day_id: str, trainer_name: str) -> HalfDay:
    """A trainer of the session countersigns a half-day's sheet (from the console)."""
    half_day = next((h for h in training.half_days if h.id == half_day_id), None)
    if half_day is None:
        raise NotFound("half-day-not-found", id=half_day_id)
    names = {trainer.name for trainer in training.trainers}
    if trainer_name not in names:
        raise NotFound("trainer-not-found", field="trainer")
    half_day.countersigned_at = ctx.clock.now()
    half_day.countersigned_by = trainer_name
    ctx.session.flush()
    audit.record(
        ctx, "half-day-countersigned", "session", training.id, training.issuer_id, half_day=half_day.id
    )
    return half_day
