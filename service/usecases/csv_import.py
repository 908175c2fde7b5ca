"""Import a session's enrolments and attendance from a spreadsheet export: all or nothing,
unless the coordinator explicitly accepts the valid rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from service.domain.enrolment_csv import HalfDayColumn, Problem, Row, parse
from service.domain.training import normalise_email
from service.persistence.training_tables import HalfDay, TrainingSession
from service.usecases import sessions
from service.usecases.context import Context
from service.usecases.session_commands import AttendanceMarks, EnrolmentIn, Mark

# Attendance sheets name half-days by their French local date and period.
LOCAL = ZoneInfo("Europe/Paris")
BATCH = 500
MAX_BYTES = 2 * 1024 * 1024  # about 20,000 rows; FABRIQUE_MAX_REQUEST_BYTES also applies over HTTP


@dataclass(slots=True)
class ImportReport:
    rows: int = 0  # data rows read
    imported: int = 0  # rows written
    attendance_marks: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ";"
    written: bool = False


class CsvRejected(Exception):
    """The file has problems and the coordinator did not accept writing only the valid rows."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.problems)} problem(s)")
        self.report = report


def import_sheet(
    ctx: Context,
    training: TrainingSession,
    content: bytes,
    *,
    accept_valid_rows: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    sheet = parse(content)
    report = ImportReport(
        rows=len(sheet.rows),
        problems=list(sheet.problems),
        ignored_columns=sheet.ignored_columns,
        encoding=sheet.encoding,
        delimiter=sheet.delimiter,
    )
    half_days = _half_days(training, sheet.half_day_columns, report)
    people: list[tuple[Row, EnrolmentIn]] = []
    seen: dict[str, int] = {}
    for row in sheet.rows:
        person = _person(row, report)
        if person is None:
            continue
        email = normalise_email(str(person.email))
        if email in seen:
            report.problems.append(Problem(row.line, "csv-duplicate-person", column="courriel", value=email))
            continue
        seen[email] = row.line
        people.append((row, person))
    file_level = any(p.line == 1 for p in report.problems)
    if report.problems and (not accept_valid_rows or file_level):
        raise CsvRejected(report)  # nothing written
    report.problems.sort(key=lambda p: p.line)
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        sessions.enrol(ctx, training, [person for _, person in batch])
        marks = [
            Mark(email=person.email, half_day_id=half_days[column].id, present=present)
            for row, person in batch
            for column, present in row.attendance.items()
            if column in half_days
        ]
        if marks:
            report.attendance_marks += sessions.mark_attendance(ctx, training, AttendanceMarks(marks=marks))
        report.imported += len(batch)
        if progress is not None:
            progress(len(batch))
    report.written = True
    return report


def _person(row: Row, report: ImportReport) -> EnrolmentIn | None:
    try:
        return EnrolmentIn.model_validate({k: v for k, v in row.fields.items() if v != ""})
    except ValidationError as exc:
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else None
            label = {"email": "courriel", "name": "nom"}.get(column or "", column)
            value = row.fields.get(column or "")
            report.problems.append(Problem(row.line, "csv-bad-value", column=label, value=value))
        return None


def _half_days(
    training: TrainingSession, columns: list[HalfDayColumn], report: ImportReport
) -> dict[HalfDayColumn, HalfDay]:
    found: dict[HalfDayColumn, HalfDay] = {}
    for column in columns:
        match = [
            h
            for h in training.half_days
            if h.starts_at.astimezone(LOCAL).date() == column.day
            and (h.starts_at.astimezone(LOCAL).hour >= 12) == column.afternoon
        ]
        if len(match) == 1:
            found[column] = match[0]
        else:
            report.problems.append(Problem(1, "csv-unknown-half-day", column=column.header))
    return found
