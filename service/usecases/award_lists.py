"""Award one badge class to a list of people read from a spreadsheet (name and email, optional
language): all or nothing, with every line's problem, as the session import does.

The sheet is read by the same reader as attendance sheets (``domain.enrolment_csv``): the same
encodings, separators and French headers; columns other than name, email and language are
ignored and named in the report (structure, profession and attendance mean nothing here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from service.domain.enrolment_csv import Problem, Row, parse
from service.domain.training import normalise_email
from service.persistence.tables import Award, BadgeClass
from service.usecases import audit, awards
from service.usecases.commands import AwardCreate
from service.usecases.context import Context

MAX_PEOPLE = 500  # each award is signed twice while the request waits; larger lists: a session
MAX_BYTES = 256 * 1024
USED = ("name", "email", "language")


@dataclass(slots=True)
class ListReport:
    rows: int = 0
    issued: list[Award] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


class ListRejected(Exception):
    """Nothing was issued: the report says, line by line, what to correct."""

    def __init__(self, report: ListReport) -> None:
        super().__init__(f"{len(report.problems)} problem(s)")
        self.report = report


def award_list(ctx: Context, badge_class: BadgeClass, content: bytes, *, notify: bool = True) -> ListReport:
    sheet = parse(content)
    report = ListReport(rows=len(sheet.rows), problems=list(sheet.problems))
    report.ignored_columns = sheet.ignored_columns + [column.header for column in sheet.half_day_columns]
    if len(sheet.rows) > MAX_PEOPLE:
        report.problems.append(Problem(1, "csv-too-many-rows", value=str(MAX_PEOPLE)))
    commands: list[AwardCreate] = []
    seen: set[str] = set()
    for row in sheet.rows:
        command = _command(row, report, notify)
        if command is None:
            continue
        email = normalise_email(str(command.recipient_email))
        if email in seen:
            report.problems.append(Problem(row.line, "csv-duplicate-person", column="courriel", value=email))
            continue
        seen.add(email)
        commands.append(command)
    if report.problems:
        report.problems.sort(key=lambda p: p.line)
        raise ListRejected(report)  # nothing issued
    report.issued = [awards.award(ctx, badge_class, command) for command in commands]
    audit.record(
        ctx,
        "award-list-issued",
        "badge-class",
        badge_class.id,
        badge_class.issuer_id,
        issued=len(report.issued),
    )
    return report


def _command(row: Row, report: ListReport, notify: bool) -> AwardCreate | None:
    fields = {k: v for k, v in row.fields.items() if v != "" and k in USED}
    name = fields.get("name", "")  # the reader joins first and last names
    body = {"recipient_email": fields.get("email", ""), "recipient_name": name or None, "notify": notify}
    if "language" in fields:
        body["language"] = fields["language"]
    try:
        return AwardCreate.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else ""
            label = {"recipient_email": "courriel", "recipient_name": "nom", "language": "langue"}.get(column)
            value = {"courriel": fields.get("email"), "nom": name, "langue": fields.get("language")}.get(
                label or ""
            )
            report.problems.append(Problem(row.line, "csv-bad-value", column=label or column, value=value))
        return None
