"""What a coordinator sends about peer-training sessions, validated at the edge."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from service.domain.training import EnrolmentState, Format, SessionState, TrainerRole
from service.usecases.commands import Command, Email, Name, Rna, Siret, Tag, Text, canonical_language
from service.usecases.invalid import invalid

MAX_HALF_DAY_HOURS = 6  # a half-day longer than this is a typing mistake, not a half-day
Level = Literal["N1", "N2", "N3", "N4"]
MapId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Language = Annotated[str, StringConstraints(strip_whitespace=True, max_length=35)]


class HalfDayIn(Command):
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _length(self) -> Self:
        hours = (self.ends_at - self.starts_at).total_seconds() / 3600
        if hours <= 0:
            raise invalid("half-day-ends-before-start")
        if hours > MAX_HALF_DAY_HOURS:
            raise invalid("half-day-too-long", hours=MAX_HALF_DAY_HOURS)
        return self


class TrainerIn(Command):
    name: Name
    email: Email
    role: TrainerRole = TrainerRole.LEAD
    language: Language = "fr"

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return canonical_language(value)


class RuleIn(Command):
    badge_class_id: str
    min_hours: float | None = Field(default=None, ge=0, le=500)
    all_half_days: bool = False
    evaluation_required: bool = False


def _half_days_do_not_overlap(half_days: list[HalfDayIn]) -> list[HalfDayIn]:
    ordered = sorted(half_days, key=lambda h: h.starts_at)
    for before, after in itertools.pairwise(ordered):
        if after.starts_at < before.ends_at:
            raise invalid("half-days-overlap")
    return ordered


class SessionFields(Command):
    objectives: Text | None = None
    themes: list[Tag] = Field(default_factory=list, max_length=10)
    level: Level | None = None
    format: Format = Format.IN_PERSON
    venue_name: Name | None = None
    venue_siret: Siret | None = None
    venue_rna: Rna | None = None
    venue_map_id: MapId | None = Field(default=None, description="id in the national map of mediation places")
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    audience: Text | None = None

    @field_validator("themes")
    @classmethod
    def _unique_themes(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class SessionCreate(SessionFields):
    title: Name
    half_days: list[HalfDayIn] = Field(default_factory=list, max_length=40)
    trainers: list[TrainerIn] = Field(default_factory=list, max_length=10)
    rules: list[RuleIn] = Field(default_factory=list, max_length=20)

    @field_validator("half_days")
    @classmethod
    def _no_overlap(cls, value: list[HalfDayIn]) -> list[HalfDayIn]:
        return _half_days_do_not_overlap(value)


class SessionUpdate(Command):
    """Only what is given changes. Lists given replace the current ones."""

    title: Name | None = None
    objectives: Text | None = None
    themes: list[Tag] | None = Field(default=None, max_length=10)
    level: Level | None = None
    format: Format | None = None
    venue_name: Name | None = None
    venue_map_id: MapId | None = None
    capacity: int | None = Field(default=None, ge=1, le=10_000)
    audience: Text | None = None
    state: Literal[SessionState.PLANNED, SessionState.HELD, SessionState.CANCELLED] | None = None
    evaluation_done: bool | None = None
    evaluation_summary: Text | None = None
    half_days: list[HalfDayIn] | None = Field(default=None, max_length=40)
    trainers: list[TrainerIn] | None = Field(default=None, max_length=10)
    rules: list[RuleIn] | None = Field(default=None, max_length=20)

    @field_validator("half_days")
    @classmethod
    def _no_overlap(cls, value: list[HalfDayIn] | None) -> list[HalfDayIn] | None:
        return None if value is None else _half_days_do_not_overlap(value)


class EnrolmentIn(Command):
    name: Name
    email: Email
    structure: Name | None = None
    profession: Name | None = None
    state: EnrolmentState = EnrolmentState.REGISTERED
    language: Language = "fr"

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return canonical_language(value)


class Enrolments(Command):
    enrolments: list[EnrolmentIn] = Field(min_length=1, max_length=5000)


class Mark(Command):
    email: Email
    half_day_id: str
    present: bool = True


class AttendanceMarks(Command):
    marks: list[Mark] = Field(min_length=1, max_length=20_000)


class TrainerRuleIn(Command):
    min_sessions: int = Field(default=1, ge=1, le=1000)
    min_peers: int = Field(default=0, ge=0, le=100_000)
    min_themes: int = Field(default=0, ge=0, le=50)
    min_session_peers: int | None = Field(default=None, ge=0, le=1000)
    max_session_peers: int | None = Field(default=None, ge=0, le=1000)
    evaluation_required: bool = False

    @model_validator(mode="after")
    def _range(self) -> Self:
        low, high = self.min_session_peers, self.max_session_peers
        if low is not None and high is not None and high < low:
            raise invalid("peer-limits-inverted")
        return self
