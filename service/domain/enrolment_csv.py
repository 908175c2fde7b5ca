"""Reading enrolment and attendance sheets as French spreadsheets export them. Pure: bytes in,
rows and per-line problems out.

Accepted: UTF-8 with or without BOM (and Windows-1252, which Excel still writes), ``;`` or ``,``
separators, French headers in any case and with or without accents, attendance columns headed
by a date ``JJ/MM/AAAA`` and a half-day (``matin`` / ``après-midi``). Columns we do not know are
ignored and reported: they are never stored (only professionals' contact data is kept).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 1 is the header line
    code: str
    column: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class HalfDayColumn:
    header: str
    day: date
    afternoon: bool


@dataclass(slots=True)
class Row:
    line: int
    fields: dict[str, str]  # name, email, structure, profession, state, language
    attendance: dict[HalfDayColumn, bool] = field(default_factory=dict)


@dataclass(slots=True)
class Sheet:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    half_day_columns: list[HalfDayColumn] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ";"


ALIASES: dict[str, str] = {
    "nom": "last_name",
    "nom de famille": "last_name",
    "prenom": "first_name",
    "nom complet": "name",
    "nom et prenom": "name",
    "prenom et nom": "name",
    "nom prenom": "name",
    "prenom nom": "name",
    "courriel": "email",
    "courriel professionnel": "email",
    "e-mail": "email",
    "email": "email",
    "mail": "email",
    "adresse e-mail": "email",
    "adresse email": "email",
    "adresse mail": "email",
    "adresse electronique": "email",
    "structure": "structure",
    "organisme": "structure",
    "employeur": "structure",
    "structure employeuse": "structure",
    "profession": "profession",
    "fonction": "profession",
    "metier": "profession",
    "poste": "profession",
    "statut": "state",
    "etat": "state",
    "langue": "language",
}
STATES = {
    "inscrit": "registered",
    "inscrite": "registered",
    "inscrit·e": "registered",
    "inscrit(e)": "registered",
    "en attente": "waiting",
    "liste d'attente": "waiting",
    "annule": "cancelled",
    "annulee": "cancelled",
    "annule·e": "cancelled",
    "annule(e)": "cancelled",
    "desinscrit": "cancelled",
    "registered": "registered",
    "waiting": "waiting",
    "cancelled": "cancelled",
}
LANGUAGES = {"fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en", "english": "en"}
PRESENT = {"oui", "o", "x", "present", "presente", "present·e", "1", "yes", "y", "✓", "✔"}
ABSENT = {"", "non", "n", "absent", "absente", "absent·e", "0", "no", "-"}
_HALF_DAY = re.compile(
    r"^(?:presence\s+)?(\d{1,2})/(\d{1,2})/(\d{4})\s*(?:-\s*)?(matin|am|apres-midi|apres midi|aprem|pm)$"
)


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how headers and keywords are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("_", " ").split())


def decode(content: bytes) -> tuple[str, str]:
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace"), "windows-1252"


def parse(content: bytes) -> Sheet:
    text, encoding = decode(content)
    sheet = Sheet(encoding=encoding)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        sheet.problems.append(Problem(1, "csv-empty"))
        return sheet
    sheet.delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sheet.delimiter)
    try:
        header = next(reader)
    except csv.Error:
        sheet.problems.append(Problem(1, "csv-unreadable"))
        return sheet
    columns = _columns(header, sheet)
    if sheet.problems:
        return sheet
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(sheet.rows) >= MAX_ROWS:
                sheet.problems.append(Problem(line, "csv-too-many-rows", value=str(MAX_ROWS)))
                break
            _row(record, line, header, columns, sheet)
    except csv.Error as exc:
        sheet.problems.append(Problem(reader.line_num, "csv-unreadable", value=str(exc)))
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(Problem(1, "csv-no-rows"))
    return sheet


def _columns(header: list[str], sheet: Sheet) -> dict[int, str | HalfDayColumn]:
    columns: dict[int, str | HalfDayColumn] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        key = fold(raw)
        match = _HALF_DAY.match(key)
        if match:
            day_, month, year, period = match.groups()
            try:
                day = date(int(year), int(month), int(day_))
            except ValueError:
                sheet.problems.append(Problem(1, "csv-bad-date", column=raw.strip(), value=raw.strip()))
                continue
            column = HalfDayColumn(raw.strip(), day, period in {"apres-midi", "apres midi", "aprem", "pm"})
            columns[index] = column
            sheet.half_day_columns.append(column)
        elif key in ALIASES:
            name = ALIASES[key]
            if name in seen:
                sheet.problems.append(Problem(1, "csv-duplicate-column", column=raw.strip()))
            seen.add(name)
            columns[index] = name
        elif key:
            sheet.ignored_columns.append(raw.strip())
    if "email" not in seen:
        sheet.problems.append(Problem(1, "csv-missing-column", column="courriel"))
    if not ({"name", "last_name"} & seen):
        sheet.problems.append(Problem(1, "csv-missing-column", column="nom"))
    return columns


def _row(
    record: list[str], line: int, header: list[str], columns: dict[int, str | HalfDayColumn], sheet: Sheet
) -> None:
    if len(record) > len(header):
        sheet.problems.append(Problem(line, "csv-too-many-cells", value=str(len(record))))
        return
    fields: dict[str, str] = {}
    row = Row(line, fields)
    ok = True
    for index, column in columns.items():
        cell = record[index].strip() if index < len(record) else ""
        if isinstance(column, HalfDayColumn):
            folded = fold(cell)
            if folded in PRESENT:
                row.attendance[column] = True
            elif folded in ABSENT:
                row.attendance[column] = False
            else:
                sheet.problems.append(Problem(line, "csv-bad-presence", column=column.header, value=cell))
                ok = False
        else:
            fields[column] = cell
    name = fields.pop("name", "") or " ".join(
        part for part in (fields.pop("first_name", ""), fields.pop("last_name", "")) if part
    )
    fields.pop("first_name", None)
    fields.pop("last_name", None)
    fields["name"] = name
    if not name:
        sheet.problems.append(Problem(line, "csv-missing-value", column="nom"))
        ok = False
    if not fields.get("email"):
        sheet.problems.append(Problem(line, "csv-missing-value", column="courriel"))
        ok = False
    for key, table, code in (("state", STATES, "csv-bad-state"), ("language", LANGUAGES, "csv-bad-language")):
        raw = fields.get(key, "")
        if raw:
            known = table.get(fold(raw))
            if known is None:
                sheet.problems.append(Problem(line, code, column=key, value=raw))
                ok = False
            else:
                fields[key] = known
        else:
            fields.pop(key, None)
    if ok:
        sheet.rows.append(row)
