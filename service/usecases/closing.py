"""Closing a session: the rules decide, the awards are issued (both Open Badges forms, the
session as evidence), each earner's email is queued in the same transaction, and nothing is
ever issued twice: the session row is locked, and the award origins carry unique indexes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from service.domain.training import (
    Decision,
    EnrolmentState,
    GivenSession,
    Origin,
    Participant,
    ParticipantRule,
    SessionState,
    Slot,
    TrainerRule,
    judge_participant,
    judge_trainer,
    pathway_earned,
)
from service.errors import Conflict, NotFound
from service.i18n.themes import label as theme_label
from service.persistence.repositories import BadgeClasses
from service.persistence.tables import Award, BadgeClass
from service.persistence.training_repositories import AwardOrigins, Closings, TrainingSessions
from service.persistence.training_tables import AwardOrigin, SessionClosing, TrainingSession
from service.usecases import audit, awards, outbox
from service.usecases.commands import AwardCreate, Evidence
from service.usecases.context import Context

# Up to this many participant awards, a session closes within the request (about 10 ms each);
# beyond, the workers close it in batches, each its own transaction, with visible progress.
INLINE_LIMIT = 200
CLOSING_BATCH = 100
CLOSING_LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Planned:
    """One line of the preview: this person, this badge class, earned or not and why."""

    decision: Decision
    name: str
    language: str
    already_awarded: bool


@dataclass(frozen=True, slots=True)
class Queued:
    """A closing handed to the workers; follow it with the job's progress."""

    session: TrainingSession
    job: SessionClosing


@dataclass(frozen=True, slots=True)
class Closed:
    session: TrainingSession
    awards: list[tuple[Award, Origin]]
    not_earned: list[Planned]


def preview(ctx: Context, training: TrainingSession) -> list[Planned]:
    """Who will get what if the session is closed now (pathway badges are decided at closing,
    from what each person then holds)."""
    participants = _participant_plan(ctx, training)
    peers = len({p.decision.email for p in participants if p.decision.earned})
    return participants + _trainer_plan(ctx, training, peers)


def close(ctx: Context, session_id: str, *, background: bool | None = None) -> Closed | Queued:
    """Close now, or, for a large session (or when asked), hand the closing to the workers."""
    training = _closable(ctx, session_id)
    participants = _participant_plan(ctx, training)
    pending = [line for line in participants if line.decision.earned and not line.already_awarded]
    if background or (background is None and len(pending) > INLINE_LIMIT):
        return _queue(ctx, training, len(pending))
    issued = [_issue_participant(ctx, training, line) for line in pending]
    finished, trainers = _finish(ctx, training, participants)
    not_earned = [line for line in participants + trainers if not line.decision.earned]
    audit.record(
        ctx, "session-closed", "session", training.id, training.issuer_id, issued=len(issued) + len(finished)
    )
    return Closed(training, issued + finished, not_earned)


def _closable(ctx: Context, session_id: str) -> TrainingSession:
    training = TrainingSessions(ctx.session).get_for_update(session_id)
    if training is None:
        raise NotFound("session-not-found", id=session_id)
    if training.state == SessionState.CLOSED:
        raise Conflict("session-already-closed", id=training.id)
    if training.state == SessionState.CANCELLED:
        raise Conflict("session-cancelled", id=training.id)
    if training.state == SessionState.CLOSING:
        job = ctx.session.get(SessionClosing, training.id)
        if job is None or job.state != "failed":
            raise Conflict("session-closing", id=training.id)
        return training  # a failed background closing may be asked again
    if not training.half_days:
        raise Conflict("session-has-no-half-days", id=training.id)
    if max(h.ends_at for h in training.half_days) > ctx.clock.now():
        raise Conflict("session-not-over", id=training.id)
    return training


def _queue(ctx: Context, training: TrainingSession, total: int) -> Queued:
    job = ctx.session.get(SessionClosing, training.id) or SessionClosing(session_id=training.id)
    job.state, job.total, job.done, job.error = "queued", total, 0, None
    job.claimed_by, job.claimed_until, job.finished_at = None, None, None
    job.requested_at = ctx.clock.now()
    training.state = SessionState.CLOSING.value
    ctx.session.add(job)
    ctx.session.flush()
    audit.record(ctx, "session-closing-queued", "session", training.id, training.issuer_id, pending=total)
    return Queued(training, job)


def _peers(participants: list[Planned]) -> int:
    return len({p.decision.email for p in participants if p.decision.earned})


def _issue_participant(ctx: Context, training: TrainingSession, line: Planned) -> tuple[Award, Origin]:
    return _issue(ctx, training, line, _session_evidence(training, line.decision)), Origin.SESSION


def _finish(
    ctx: Context, training: TrainingSession, participants: list[Planned]
) -> tuple[list[tuple[Award, Origin]], list[Planned]]:
    """Once every participant's award exists: the session is closed, trainers are credited and
    pathways completed. Returns what was issued and the trainers' plan it followed."""
    training.state = SessionState.CLOSED.value
    training.closed_at = ctx.clock.now()
    ctx.session.flush()  # the trainers' records below count this session as closed
    issued = []
    trainers = _trainer_plan(ctx, training, _peers(participants))
    for line in trainers:
        if line.decision.earned and not line.already_awarded:
            issued.append((_issue(ctx, training, line, _trainer_evidence(training, line)), Origin.TRAINER))
    issued += _pathways(ctx, training, participants + trainers)
    return issued, trainers


def claim_closing(ctx: Context, worker: str, lease: timedelta = CLOSING_LEASE) -> str | None:
    """A background closing to work on: queued, or abandoned by a worker whose lease ran out."""
    job = Closings(ctx.session).claimable(ctx.clock.now())
    if job is None:
        return None
    job.state, job.claimed_by, job.claimed_until = "running", worker, ctx.clock.now() + lease
    ctx.session.flush()
    return job.session_id


def advance_closing(
    ctx: Context, session_id: str, worker: str, batch: int = CLOSING_BATCH, lease: timedelta = CLOSING_LEASE
) -> bool:
    """Issue the next ``batch`` participant awards (one transaction); when none is left, finish.
    True when the job is over (finished, or no longer this worker's)."""
    job = Closings(ctx.session).get_for_update(session_id)
    if job is None or job.state != "running" or job.claimed_by != worker:
        return True
    training = TrainingSessions(ctx.session).get_for_update(session_id)
    if training is None:  # cascade-deleted with its session
        return True
    participants = _participant_plan(ctx, training)
    pending = [line for line in participants if line.decision.earned and not line.already_awarded]
    if pending:
        for line in pending[:batch]:
            _issue_participant(ctx, training, line)
        audit.record(
            ctx,
            "session-closing-batch",
            "session",
            training.id,
            training.issuer_id,
            issued=min(batch, len(pending)),
        )
        job.done += min(batch, len(pending))
        job.claimed_until = ctx.clock.now() + lease
        ctx.session.flush()
        return False
    finished, _ = _finish(ctx, training, participants)
    job.state, job.finished_at, job.claimed_until = "done", ctx.clock.now(), None
    ctx.session.flush()
    audit.record(ctx, "session-closed", "session", training.id, training.issuer_id, issued=len(finished))
    return True


def fail_closing(ctx: Context, session_id: str, worker: str, error: str) -> None:
    job = Closings(ctx.session).get_for_update(session_id)
    if job is not None and job.claimed_by == worker:
        job.state, job.error, job.claimed_until = "failed", error[:1000], None


def _participant_plan(ctx: Context, training: TrainingSession) -> list[Planned]:
    repo = TrainingSessions(ctx.session)
    slots = [Slot(h.id, h.starts_at, h.ends_at) for h in training.half_days]
    attended = repo.attendance(training.id)
    done = {(o.badge_class_id, o.recipient) for o in AwardOrigins(ctx.session).for_session(training.id)}
    plan = []
    for enrolment in repo.enrolments(training.id):
        if enrolment.state != EnrolmentState.REGISTERED:
            continue
        person = Participant(enrolment.email, attended.get(enrolment.id, frozenset()))
        for rule in training.rules:
            decision = judge_participant(
                ParticipantRule(
                    rule.badge_class_id, rule.min_hours, rule.all_half_days, rule.evaluation_required
                ),
                slots,
                person,
                training.evaluation_done,
            )
            already = (rule.badge_class_id, enrolment.email) in done
            plan.append(Planned(decision, enrolment.name, enrolment.language, already))
    return plan


def _trainer_plan(ctx: Context, training: TrainingSession, peers_here: int) -> list[Planned]:
    repo = TrainingSessions(ctx.session)
    origins = AwardOrigins(ctx.session)
    rules = origins.trainer_rules(training.issuer_id)
    plan = []
    for trainer in training.trainers:
        given = [
            GivenSession(s.id, repo.peers_awarded(s.id), frozenset(s.themes), s.evaluation_done)
            for s in repo.closed_sessions_given_by(training.issuer_id, trainer.email)
            if s.id != training.id
        ]
        given.append(
            GivenSession(training.id, peers_here, frozenset(training.themes), training.evaluation_done)
        )
        held = origins.held_series(training.issuer_id, trainer.email)
        for rule, series in rules:
            decision = judge_trainer(
                TrainerRule(
                    rule.badge_class_id,
                    rule.min_sessions,
                    rule.min_peers,
                    rule.min_themes,
                    rule.min_session_peers,
                    rule.max_session_peers,
                    rule.evaluation_required,
                ),
                trainer.email,
                given,
            )
            plan.append(Planned(decision, trainer.name, trainer.language, series in held))
    return plan


def _pathways(ctx: Context, training: TrainingSession, lines: list[Planned]) -> list[tuple[Award, Origin]]:
    origins = AwardOrigins(ctx.session)
    pathway_classes = origins.pathway_classes(training.issuer_id)
    if not pathway_classes:
        return []
    people = {line.decision.email: line for line in lines if line.decision.earned}
    issued = []
    for email, line in sorted(people.items()):
        held = origins.held_series(training.issuer_id, email)
        for badge_class in pathway_classes:
            if badge_class.series_id in held or not pathway_earned(badge_class.prerequisites, held):
                continue
            decision = Decision(email, badge_class.id, Origin.PATHWAY, True)
            planned = Planned(decision, line.name, line.language, False)
            evidence = Evidence(name="Parcours", narrative=_pathway_narrative(ctx, badge_class))
            issued.append((_issue(ctx, training, planned, [evidence]), Origin.PATHWAY))
            held.add(badge_class.series_id)
    return issued


def _issue(ctx: Context, training: TrainingSession, line: Planned, evidence: list[Evidence]) -> Award:
    badge_class = BadgeClasses(ctx.session).get(line.decision.badge_class_id)
    if badge_class is None:  # a rule's badge class is RESTRICT-protected: this is a bug
        raise NotFound("badge-class-not-found", id=line.decision.badge_class_id)
    command = AwardCreate(recipient_email=line.decision.email, recipient_name=line.name, evidence=evidence)
    award = awards.issue(ctx, badge_class, command, flush=False)  # written with the batch
    ctx.session.add(
        AwardOrigin(
            award_id=award.id,
            kind=line.decision.origin.value,
            session_id=training.id,
            badge_class_id=badge_class.id,
            recipient=line.decision.email,
        )
    )
    outbox.enqueue_award_email(ctx, award, line.language)
    # A duplicate fails at the batch's flush, on the unique index, and rolls the batch back.
    return award


def _dates(training: TrainingSession) -> str:
    first = min(h.starts_at for h in training.half_days)
    last = max(h.ends_at for h in training.half_days)
    if first.date() == last.date():
        return f"le {first:%d/%m/%Y}"
    return f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"


def _theme_names(training: TrainingSession) -> str:
    """The session's themes by their French labels (the evidence is written in French)."""
    return ", ".join(theme_label(str(t), "fr") for t in training.themes)


def _session_evidence(training: TrainingSession, decision: Decision) -> list[Evidence]:
    """The session, as evidence: what it was and this person's presence; nobody else's data."""
    total = len(training.half_days)
    parts = [
        f"Formation entre pairs {_dates(training)}",
        f"présence signée : {decision.hours:g} h"
        f" ({total} demi-journée{'s' if total > 1 else ''} au programme)",
    ]
    if training.venue_name:
        parts.append(f"lieu : {training.venue_name}")
    if training.themes:
        parts.append("thèmes : " + _theme_names(training))
    return [Evidence(name=training.title, narrative=" ; ".join(parts) + ".")]


def _trainer_evidence(training: TrainingSession, line: Planned) -> list[Evidence]:
    narrative = (
        f"A animé la formation entre pairs « {training.title} » {_dates(training)}"
        + (f", thèmes : {_theme_names(training)}" if training.themes else "")
        + "."
    )
    return [Evidence(name="Sessions animées", narrative=narrative)]


def _pathway_narrative(ctx: Context, badge_class: BadgeClass) -> str:
    names = []
    for series in badge_class.prerequisites:
        found = BadgeClasses(ctx.session).current_of_series(str(series))
        names.append(found.name if found else str(series))
    return "Parcours complété : " + ", ".join(names) + "."
