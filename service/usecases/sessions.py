"""Peer-training sessions: record them, enrol people, mark attendance per half-day."""

from __future__ import annotations

from service.domain.training import TRANSITIONS, EnrolmentState, SessionState, normalise_email
from service.errors import Conflict, InvalidInput, NotFound
from service.ids import new_id
from service.persistence.repositories import BadgeClasses
from service.persistence.tables import Issuer
from service.persistence.training_repositories import TrainingSessions
from service.persistence.training_tables import (
    Attendance,
    Enrolment,
    HalfDay,
    SessionRule,
    SessionTrainer,
    TrainingSession,
)
from service.usecases import audit, themes
from service.usecases.context import Context
from service.usecases.session_commands import (
    AttendanceMarks,
    EnrolmentIn,
    HalfDayIn,
    RuleIn,
    SessionCreate,
    SessionUpdate,
    TrainerIn,
)


def get(ctx: Context, session_id: str) -> TrainingSession:
    found = TrainingSessions(ctx.session).get(session_id)
    if found is None:
        raise NotFound("session-not-found", id=session_id)
    return found


def create(ctx: Context, issuer: Issuer, command: SessionCreate) -> TrainingSession:
    now = ctx.clock.now()
    chosen_themes = themes.resolve(ctx, list(command.themes))
    training = TrainingSession(
        id=new_id(),
        issuer_id=issuer.id,
        title=command.title,
        objectives=command.objectives,
        themes=chosen_themes,
        level=command.level,
        format=command.format.value,
        venue_name=command.venue_name,
        venue_siret=command.venue_siret,
        venue_rna=command.venue_rna,
        venue_map_id=command.venue_map_id,
        capacity=command.capacity,
        audience=command.audience,
        state=SessionState.PLANNED.value,
        evaluation_done=False,
        evaluation_summary=None,
        created_at=now,
        updated_at=now,
        closed_at=None,
    )
    ctx.session.add(training)
    _set_half_days(training, command.half_days)
    _set_trainers(training, command.trainers)
    _set_rules(ctx, training, command.rules)
    ctx.session.flush()
    audit.record(ctx, "session-created", "session", training.id, issuer.id)
    return training


def update(ctx: Context, training: TrainingSession, command: SessionUpdate) -> TrainingSession:
    given = command.model_fields_set
    if training.state == SessionState.CANCELLED and given - {"state"}:
        raise Conflict("session-cancelled", id=training.id)  # planned again first, then edited
    if training.state in (SessionState.CLOSED, SessionState.CLOSING):
        raise Conflict("session-closed", id=training.id)
    if "state" in given and command.state is not None:
        target = SessionState(command.state)
        if (
            target is not SessionState(training.state)
            and target not in TRANSITIONS[SessionState(training.state)]
        ):
            raise Conflict("session-state-change-refused", current=training.state, requested=target.value)
        training.state = target.value
    for name in ("title", "objectives", "level", "venue_name", "venue_map_id", "capacity", "audience"):
        if name in given and not (name == "title" and command.title is None):
            setattr(training, name, getattr(command, name))
    if "themes" in given and command.themes is not None:
        training.themes = themes.resolve(ctx, list(command.themes))
    if "format" in given and command.format is not None:
        training.format = command.format.value
    if "evaluation_done" in given and command.evaluation_done is not None:
        training.evaluation_done = command.evaluation_done
    if "evaluation_summary" in given:
        training.evaluation_summary = command.evaluation_summary
    if command.half_days is not None:
        _set_half_days(training, command.half_days)
    if command.trainers is not None:
        _set_trainers(training, command.trainers)
    if command.rules is not None:
        _set_rules(ctx, training, command.rules)
    training.updated_at = ctx.clock.now()
    ctx.session.flush()
    fields = sorted(given)
    audit.record(ctx, "session-updated", "session", training.id, training.issuer_id, fields=fields)
    return training


def enrol(ctx: Context, training: TrainingSession, people: list[EnrolmentIn]) -> list[Enrolment]:
    """Add or update enrolments, by work email. Beyond capacity, new people wait."""
    _require_editable(training)
    existing = {e.email: e for e in TrainingSessions(ctx.session).enrolments(training.id)}
    registered = sum(1 for e in existing.values() if e.state == EnrolmentState.REGISTERED)
    out: list[Enrolment] = []
    for person in people:
        email = normalise_email(str(person.email))
        enrolment = existing.get(email)
        state = person.state
        was_registered = enrolment is not None and enrolment.state == EnrolmentState.REGISTERED
        if state is EnrolmentState.REGISTERED and not was_registered:
            if training.capacity is not None and registered >= training.capacity:
                state = EnrolmentState.WAITING  # full: on the waiting list, in the order received
            else:
                registered += 1
        elif was_registered and state is not EnrolmentState.REGISTERED:
            registered -= 1
        if enrolment is None:
            enrolment = Enrolment(
                id=new_id(), session_id=training.id, email=email, created_at=ctx.clock.now()
            )
            ctx.session.add(enrolment)
            existing[email] = enrolment
        enrolment.name = person.name
        enrolment.structure = person.structure
        enrolment.profession = person.profession
        enrolment.state = state.value
        enrolment.language = person.language
        out.append(enrolment)
    ctx.session.flush()
    audit.record(ctx, "session-enrolled", "session", training.id, training.issuer_id, people=len(out))
    return out


def remove_enrolment(ctx: Context, training: TrainingSession, enrolment_id: str) -> None:
    """Take a person off an open session (entered by mistake), with their presences. A closed
    session keeps its people: its badges were issued from them."""
    _require_editable(training)
    repository = TrainingSessions(ctx.session)
    enrolment = repository.enrolment(training.id, enrolment_id)
    if enrolment is None:
        raise NotFound("enrolment-not-found", id=enrolment_id)
    repository.remove_enrolment(enrolment)
    training.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, "enrolment-removed", "session", training.id, training.issuer_id, enrolment=enrolment.id)


def mark_attendance(ctx: Context, training: TrainingSession, command: AttendanceMarks) -> int:
    """Record presence (or absence) per person and half-day; returns how many marks changed."""
    _require_editable(training)
    by_email = {e.email: e for e in TrainingSessions(ctx.session).enrolments(training.id)}
    half_days = {h.id for h in training.half_days}
    present = TrainingSessions(ctx.session).attendance(training.id)
    changed = 0
    for index, mark in enumerate(command.marks):
        enrolment = by_email.get(normalise_email(str(mark.email)))
        if enrolment is None:
            raise InvalidInput(
                "attendance-unknown-person", field=f"marks.{index}.email", email=str(mark.email)
            )
        if mark.half_day_id not in half_days:
            raise InvalidInput("attendance-unknown-half-day", field=f"marks.{index}.half_day_id")
        already = mark.half_day_id in present.get(enrolment.id, frozenset())
        if mark.present and not already:
            ctx.session.add(Attendance(enrolment_id=enrolment.id, half_day_id=mark.half_day_id))
            present[enrolment.id] = present.get(enrolment.id, frozenset()) | {mark.half_day_id}
            changed += 1
        elif not mark.present and already:
            found = ctx.session.get(Attendance, (enrolment.id, mark.half_day_id))
            if found is not None:
                ctx.session.delete(found)
            present[enrolment.id] = present[enrolment.id] - {mark.half_day_id}
            changed += 1
    ctx.session.flush()
    if changed:
        audit.record(ctx, "attendance-marked", "session", training.id, training.issuer_id, changed=changed)
    return changed


def _require_editable(training: TrainingSession) -> None:
    if training.state in (SessionState.CLOSED, SessionState.CLOSING):
        raise Conflict("session-closed", id=training.id)
    if training.state == SessionState.CANCELLED:
        raise Conflict("session-cancelled", id=training.id)


def _set_half_days(training: TrainingSession, half_days: list[HalfDayIn]) -> None:
    """Replace the half-days, keeping (with their attendance) those whose start is unchanged."""
    kept = {h.starts_at: h for h in training.half_days}
    wanted = []
    for given in half_days:
        half_day = kept.get(given.starts_at) or HalfDay(id=new_id(), starts_at=given.starts_at)
        half_day.ends_at = given.ends_at
        wanted.append(half_day)
    training.half_days = wanted


def _set_trainers(training: TrainingSession, trainers: list[TrainerIn]) -> None:
    unique: dict[str, TrainerIn] = {}
    for trainer in trainers:
        unique[normalise_email(str(trainer.email))] = trainer
    existing = {t.email: t for t in training.trainers}
    result = []
    for email, given in unique.items():
        row = existing.get(email) or SessionTrainer(email=email)
        row.name, row.role, row.language = given.name, given.role.value, given.language
        result.append(row)
    training.trainers = result


def _set_rules(ctx: Context, training: TrainingSession, rules: list[RuleIn]) -> None:
    seen: set[str] = set()
    result = []
    existing = {r.badge_class_id: r for r in training.rules}
    for index, rule in enumerate(rules):
        badge_class = BadgeClasses(ctx.session).get(rule.badge_class_id)
        if badge_class is None or badge_class.issuer_id != training.issuer_id:
            raise InvalidInput("rule-badge-class-unknown", field=f"rules.{index}.badge_class_id")
        if rule.badge_class_id in seen:
            raise InvalidInput("rule-badge-class-twice", field=f"rules.{index}.badge_class_id")
        seen.add(rule.badge_class_id)
        row = existing.get(rule.badge_class_id) or SessionRule(badge_class_id=rule.badge_class_id)
        row.min_hours = rule.min_hours
        row.all_half_days = rule.all_half_days
        row.evaluation_required = rule.evaluation_required
        result.append(row)
    training.rules = result
