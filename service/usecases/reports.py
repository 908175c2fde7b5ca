"""The funders' report of an issuer over a period, as figures and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from service.domain.reports import AwardFacts, Report, SessionFacts, build
from service.domain.training import Slot, attended_hours
from service.errors import InvalidInput
from service.i18n.documents import REPORT_TOTALS, report_headers, section, total
from service.i18n.language import Language
from service.persistence.tables import Issuer
from service.persistence.training_repositories import ReportFacts
from service.usecases import themes
from service.usecases.context import Context

LOCAL = ZoneInfo("Europe/Paris")  # periods are French calendar days
MAX_DAYS = 3660
FIRST_YEAR, LAST_YEAR = 2000, 2200


def report(ctx: Context, issuer: Issuer, start: date, end: date, language: Language = "fr") -> Report:
    """Sessions whose first half-day falls in [start, end], awards issued in it (both days included)."""
    for day, field in ((start, "start"), (end, "end")):
        # Far dates overflow the time zone arithmetic (year 1 minus an hour) and mean nothing here.
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidInput("period-out-of-range", field=field, first=FIRST_YEAR, last=LAST_YEAR)
    if end < start:
        raise InvalidInput("period-reversed", field="end")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("period-too-long", field="end", days=MAX_DAYS)
    since = datetime.combine(start, time.min, LOCAL)
    until = datetime.combine(end + timedelta(days=1), time.min, LOCAL)
    facts = ReportFacts(ctx.session)
    sessions = facts.sessions(issuer.id, since, until)
    attendance = facts.attendance_by_email([s.id for s in sessions])
    session_facts = []
    for training in sessions:
        slots = [Slot(h.id, h.starts_at, h.ends_at) for h in training.half_days]
        people = attendance.get(training.id, {})
        session_facts.append(
            SessionFacts(
                session_id=training.id,
                state=training.state,
                themes=tuple(str(t) for t in training.themes),
                planned_hours=attended_hours(slots, [s.id for s in slots]),
                trainers=tuple(t.email for t in training.trainers),
                trainer_names={t.email: t.name for t in training.trainers},
                attended_hours={email: attended_hours(slots, ids) for email, ids in people.items()},
            )
        )
    names = facts.current_names(issuer.id)
    award_facts = [
        AwardFacts(
            series,
            names.get(series, series),
            tuple(str(t) for t in tags),
            origin or "direct",
            revoked,
            issued_on.astimezone(LOCAL).strftime("%Y-%m"),
        )
        for series, tags, origin, revoked, issued_on in facts.awards(issuer.id, since, until)
    ]
    return build(start, end, session_facts, award_facts, themes.labels(ctx, language))


def as_csv(found: Report, language: Language = "fr") -> str:
    """One table a spreadsheet opens as is: UTF-8 with BOM, ``;`` separated, French headers."""
    out = io.StringIO()
    writer = _NeutralWriter(csv.writer(out, delimiter=";", lineterminator="\r\n"))
    writer.writerow(report_headers(language))
    writer.writerow([section("period", language), "start", found.start.isoformat(), "", ""])
    writer.writerow([section("period", language), "end", found.end.isoformat(), "", ""])
    for key in REPORT_TOTALS:
        writer.writerow(
            [section("total", language), key, total(key, language), _number(getattr(found, key)), ""]
        )
    for origin, count in found.by_origin.items():
        writer.writerow([section("origin", language), origin, origin, count, ""])
    for line in found.by_badge_class:
        writer.writerow([section("badge", language), line.key, line.label, line.awarded, line.revoked])
    for line in found.by_theme:
        writer.writerow([section("theme", language), line.key, line.label, line.awarded, line.revoked])
    for theme, count in found.sessions_by_theme.items():
        writer.writerow(
            [section("sessions-by-theme", language), theme, found.theme_labels.get(theme, theme), count, ""]
        )
    return "\ufeff" + out.getvalue()


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")  # French decimal comma, as the spreadsheet expects


class _NeutralWriter:
    """Every text cell of every row goes through ``neutral``: keys (badge tags, session themes
    typed by coordinators), labels and headers alike, never one column only."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([neutral(cell) if isinstance(cell, str) else cell for cell in row])


_FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")  # and their full-width forms


def neutral(text: str) -> str:
    """No formula injection (OWASP "CSV injection"): a cell that a spreadsheet would read as a
    formula, even after leading spaces, starts with an apostrophe and is read as text."""
    stripped = text.lstrip(" ")
    if text[:1] in _FORMULA_START or stripped[:1] in _FORMULA_START:
        return "'" + text
    return text
