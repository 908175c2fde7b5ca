"""Figures for funders, from facts about sessions and awards. Pure: no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class SessionFacts:
    session_id: str
    state: str
    themes: tuple[str, ...]
    planned_hours: float
    trainers: tuple[str, ...]  # emails
    attended_hours: dict[str, float]  # email -> hours attended, people present at least once
    trainer_names: dict[str, str] = field(default_factory=dict)  # email -> name


@dataclass(frozen=True, slots=True)
class AwardFacts:
    badge_series: str
    badge_name: str  # of the current version
    tags: tuple[str, ...]
    origin: str  # session | trainer | pathway | direct
    revoked: bool
    month: str = ""  # YYYY-MM of issue, in French time


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    label: str
    awarded: int
    revoked: int


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    label: str
    value: int


@dataclass(slots=True)
class Report:
    start: date
    end: date
    sessions_held: int = 0
    sessions_cancelled: int = 0
    planned_hours: float = 0.0
    training_hours: float = 0.0  # hours attended, summed over people
    peers_trained: int = 0
    trainers_active: int = 0
    badges_issued: int = 0
    badges_revoked: int = 0
    by_origin: dict[str, int] = field(default_factory=dict)
    by_badge_class: list[Line] = field(default_factory=list)
    by_theme: list[Line] = field(default_factory=list)
    sessions_by_theme: dict[str, int] = field(default_factory=dict)
    # The label of every theme key above, in the reader's language (keys stay slugs).
    theme_labels: dict[str, str] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)  # YYYY-MM -> badges issued
    peers_by_trainer: list[Count] = field(default_factory=list)  # people present in their sessions


def build(
    start: date,
    end: date,
    sessions: Iterable[SessionFacts],
    awards: Iterable[AwardFacts],
    theme_labels: Mapping[str, str] | None = None,
) -> Report:
    """The figures; ``theme_labels`` names the themes and level tags (slug → label)."""
    labels = theme_labels or {}
    report = Report(start, end)
    peers: set[str] = set()
    trainers: set[str] = set()
    themes: Counter[str] = Counter()
    trained_by: dict[str, set[str]] = {}
    trainer_names: dict[str, str] = {}
    for facts in sessions:
        if facts.state == "cancelled":
            report.sessions_cancelled += 1
            continue
        report.sessions_held += 1
        report.planned_hours += facts.planned_hours
        report.training_hours += sum(facts.attended_hours.values())
        peers.update(facts.attended_hours)
        trainers.update(facts.trainers)
        themes.update(facts.themes)
        for trainer in facts.trainers:
            trained_by.setdefault(trainer, set()).update(facts.attended_hours)
            trainer_names[trainer] = facts.trainer_names.get(trainer, trainer)
    report.peers_trained = len(peers)
    report.trainers_active = len(trainers)
    report.planned_hours = round(report.planned_hours, 2)
    report.training_hours = round(report.training_hours, 2)
    report.sessions_by_theme = dict(sorted(themes.items()))
    report.peers_by_trainer = sorted(
        (Count(email, trainer_names[email], len(people - {email})) for email, people in trained_by.items()),
        key=lambda count: (-count.value, count.label),
    )
    months: Counter[str] = Counter()
    by_class: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    by_tag: dict[str, list[int]] = {}
    origins: Counter[str] = Counter()
    for award in awards:
        report.badges_issued += 1
        report.badges_revoked += award.revoked
        origins[award.origin] += 1
        if award.month:
            months[award.month] += 1
        names[award.badge_series] = award.badge_name
        counts = by_class.setdefault(award.badge_series, [0, 0])
        counts[0] += 1
        counts[1] += award.revoked
        for tag in award.tags:
            tag_counts = by_tag.setdefault(tag, [0, 0])
            tag_counts[0] += 1
            tag_counts[1] += award.revoked
    report.by_origin = dict(sorted(origins.items()))
    report.by_month = dict(sorted(months.items()))
    report.by_badge_class = sorted(
        (Line(key, names[key], c[0], c[1]) for key, c in by_class.items()),
        key=lambda line: (-line.awarded, line.label),
    )
    report.by_theme = sorted(
        (Line(tag, labels.get(tag, tag), c[0], c[1]) for tag, c in by_tag.items()),
        key=lambda line: (-line.awarded, line.key),
    )
    report.theme_labels = {key: labels.get(key, key) for key in sorted({*by_tag, *report.sessions_by_theme})}
    return report
