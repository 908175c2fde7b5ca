"""Who earns what: the pure rules, case by case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.training import (
    GivenSession,
    Participant,
    ParticipantRule,
    Slot,
    TrainerRule,
    attended_hours,
    judge_participant,
    judge_trainer,
    pathway_earned,
)

DAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
MORNING = Slot("m", DAY, DAY + timedelta(hours=3, minutes=30))
AFTERNOON = Slot("a", DAY + timedelta(hours=4, minutes=30), DAY + timedelta(hours=8))
SLOTS = [MORNING, AFTERNOON]


@pytest.mark.parametrize(
    ("rule", "attended", "evaluation", "reasons"),
    [
        (ParticipantRule("b", min_hours=7), {"m", "a"}, False, ()),
        (ParticipantRule("b", min_hours=7), {"m"}, False, ("hours-below-minimum:3.5<7",)),
        (ParticipantRule("b", min_hours=3.5), {"m"}, False, ()),  # exactly the minimum
        (ParticipantRule("b", all_half_days=True), {"a"}, False, ("half-days-missed:1",)),
        (ParticipantRule("b", evaluation_required=True), {"m", "a"}, False, ("evaluation-not-done",)),
        (ParticipantRule("b", evaluation_required=True), {"m", "a"}, True, ()),
        (ParticipantRule("b"), set(), True, ("absent",)),  # no condition still needs presence
        (ParticipantRule("b"), {"someone-else's-half-day"}, True, ("absent",)),
    ],
)
def test_participants(
    rule: ParticipantRule, attended: set[str], evaluation: bool, reasons: tuple[str, ...]
) -> None:
    decision = judge_participant(rule, SLOTS, Participant("p@example.fr", frozenset(attended)), evaluation)
    assert decision.reasons == reasons
    assert decision.earned is (reasons == ())


def given_sessions(
    *peers: int, themes: tuple[str, ...] = ("a",), evaluated: bool = True
) -> list[GivenSession]:
    return [GivenSession(f"s{i}", n, frozenset(themes), evaluated) for i, n in enumerate(peers)]


@pytest.mark.parametrize(
    ("rule", "sessions", "earned"),
    [
        (TrainerRule("t", min_session_peers=3, max_session_peers=5), given_sessions(4), True),
        (TrainerRule("t", min_session_peers=3, max_session_peers=5), given_sessions(2, 6), False),
        (TrainerRule("t", min_sessions=5, min_peers=20), given_sessions(4, 4, 4, 4, 4), True),
        (TrainerRule("t", min_sessions=5, min_peers=20), given_sessions(4, 4, 4, 4, 3), False),
        (TrainerRule("t", min_themes=2), given_sessions(4, 4), False),
        (TrainerRule("t", evaluation_required=True), given_sessions(4, evaluated=False), False),
        (TrainerRule("t"), [], False),
    ],
)
def test_trainers(rule: TrainerRule, sessions: list[GivenSession], earned: bool) -> None:
    assert judge_trainer(rule, "t@example.fr", sessions).earned is earned


def test_themes_are_counted_across_sessions() -> None:
    sessions = [*given_sessions(4, themes=("culture_numerique",)), *given_sessions(4, themes=("securite",))]
    assert judge_trainer(TrainerRule("t", min_sessions=2, min_themes=2), "t@x.fr", sessions).earned


def test_pathways() -> None:
    assert pathway_earned(["a", "b"], {"a", "b", "c"})
    assert not pathway_earned(["a", "b"], {"a"})
    assert not pathway_earned([], {"a"})  # no prerequisites: not a pathway badge


@given(st.sets(st.sampled_from(["m", "a"])))
def test_hours_are_the_sum_of_the_half_days_attended(attended: set[str]) -> None:
    expected = sum(slot.hours for slot in SLOTS if slot.id in attended)
    assert attended_hours(SLOTS, attended) == pytest.approx(expected)


def test_a_session_without_its_evaluation_is_named_when_it_does_not_count() -> None:
    decision = judge_trainer(
        TrainerRule("t", evaluation_required=True), "t@x.fr", given_sessions(4, evaluated=False)
    )
    assert decision.reasons == ("sessions-without-evaluation:1", "sessions-below-minimum:0<1")


def test_a_principal_may_hold_a_role_per_issuer() -> None:
    """A console account coordinating hub A and viewing hub B (issue 17, point 5)."""
    from service.domain.access import Principal, Role

    mixed = Principal("account:x", Role.COORDINATOR, frozenset({"a", "b"}), {"b": Role.VIEWER})
    assert (mixed.role_for("a"), mixed.role_for("b"), mixed.role_for("c")) == (
        Role.COORDINATOR,
        Role.VIEWER,
        None,
    )
    assert (mixed.can_write("a"), mixed.can_write("b"), mixed.can_write("c")) == (True, False, False)
    assert (mixed.sees_people_in("a"), mixed.sees_people_in("b")) == (True, False)
    assert mixed.sees_people is False  # not everywhere it reads
    assert mixed.can_read("b")
    assert not mixed.can_read("c")
    token = Principal("t", Role.VIEWER, frozenset({"a"}))
    assert (token.can_write("a"), token.sees_people, token.role_for("a")) == (False, False, Role.VIEWER)
    admin = Principal("t", Role.ADMIN, frozenset())
    assert admin.can_write("anything")
    assert admin.sees_people_in("anything")
