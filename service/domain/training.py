"""Who earns what from a peer-training session. Pure rules: facts in, decisions out, no I/O.

A participant earns a session's badge class when its conditions hold (hours attended, every
half-day signed, evaluation done). A trainer earns a trainer badge class from the record of the
sessions they gave, across sessions. A pathway badge class is earned when all its prerequisites
are held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SessionState(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CLOSING = "closing"  # being closed in the background by the workers
    CLOSED = "closed"
    CANCELLED = "cancelled"


# What a coordinator may move a session to, from each state. Closing is its own operation.
TRANSITIONS: Mapping[SessionState, frozenset[SessionState]] = {
    SessionState.PLANNED: frozenset({SessionState.HELD, SessionState.CANCELLED}),
    SessionState.HELD: frozenset({SessionState.PLANNED, SessionState.CANCELLED}),
    SessionState.CLOSING: frozenset(),
    SessionState.CLOSED: frozenset(),
    SessionState.CANCELLED: frozenset({SessionState.PLANNED}),
}


class EnrolmentState(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Format(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"
    HYBRID = "hybrid"


class TrainerRole(StrEnum):
    LEAD = "lead"
    CO_TRAINER = "co_trainer"


class Origin(StrEnum):
    SESSION = "session"
    TRAINER = "trainer"
    PATHWAY = "pathway"


@dataclass(frozen=True, slots=True)
class Slot:
    """A half-day: its id and its length."""

    id: str
    starts_at: datetime
    ends_at: datetime

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class ParticipantRule:
    badge_class_id: str
    min_hours: float | None = None
    all_half_days: bool = False
    evaluation_required: bool = False


@dataclass(frozen=True, slots=True)
class TrainerRule:
    badge_class_id: str
    min_sessions: int = 1
    min_peers: int = 0
    min_themes: int = 0
    min_session_peers: int | None = None
    max_session_peers: int | None = None
    evaluation_required: bool = False


@dataclass(frozen=True, slots=True)
class GivenSession:
    """One closed (or closing) session a trainer gave, as their record counts it."""

    session_id: str
    peers: int  # participants who earned at least one badge of that session
    themes: frozenset[str]
    evaluation_done: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """One person and one badge class: earned or not, and why."""

    email: str
    badge_class_id: str
    origin: Origin
    earned: bool
    reasons: tuple[str, ...] = ()  # message codes, with their values, when not earned
    hours: float = 0.0


@dataclass(frozen=True, slots=True)
class Participant:
    email: str
    attended: frozenset[str] = field(default_factory=frozenset)  # half-day ids


def attended_hours(slots: Sequence[Slot], attended: Iterable[str]) -> float:
    present = set(attended)
    return round(sum(slot.hours for slot in slots if slot.id in present), 2)


def judge_participant(
    rule: ParticipantRule, slots: Sequence[Slot], person: Participant, evaluation_done: bool
) -> Decision:
    hours = attended_hours(slots, person.attended)
    reasons: list[str] = []
    if not person.attended & {slot.id for slot in slots}:
        reasons.append("absent")
    if rule.min_hours is not None and hours + 1e-9 < rule.min_hours:
        reasons.append(f"hours-below-minimum:{hours:g}<{rule.min_hours:g}")
    if rule.all_half_days:
        missed = [slot for slot in slots if slot.id not in person.attended]
        if missed:
            reasons.append(f"half-days-missed:{len(missed)}")
    if rule.evaluation_required and not evaluation_done:
        reasons.append("evaluation-not-done")
    return Decision(person.email, rule.badge_class_id, Origin.SESSION, not reasons, tuple(reasons), hours)


def judge_trainer(rule: TrainerRule, email: str, given: Sequence[GivenSession]) -> Decision:
    counted = [s for s in given if s.evaluation_done or not rule.evaluation_required]
    peers = sum(s.peers for s in counted)
    themes = frozenset().union(*(s.themes for s in counted)) if counted else frozenset()
    reasons: list[str] = []
    if len(counted) < len(given):  # said first: it is usually why the counts below fall short
        reasons.append(f"sessions-without-evaluation:{len(given) - len(counted)}")
    if len(counted) < rule.min_sessions:
        reasons.append(f"sessions-below-minimum:{len(counted)}<{rule.min_sessions}")
    if peers < rule.min_peers:
        reasons.append(f"peers-below-minimum:{peers}<{rule.min_peers}")
    if len(themes) < rule.min_themes:
        reasons.append(f"themes-below-minimum:{len(themes)}<{rule.min_themes}")
    if rule.min_session_peers is not None or rule.max_session_peers is not None:
        low = rule.min_session_peers or 0
        high = rule.max_session_peers if rule.max_session_peers is not None else 10**9
        if not any(low <= s.peers <= high for s in counted):
            reasons.append(f"no-session-with-peers-between:{low}-{high}")
    return Decision(email, rule.badge_class_id, Origin.TRAINER, not reasons, tuple(reasons))


def pathway_earned(prerequisites: Iterable[str], held: Iterable[str]) -> bool:
    """A pathway badge class with prerequisites is earned once every one of them is held."""
    needed = set(prerequisites)
    return bool(needed) and needed <= set(held)


def normalise_email(value: str) -> str:
    """The key that says two enrolments or awards are the same person: trimmed, lower-cased."""
    return value.strip().lower()
