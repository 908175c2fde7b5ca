"""One catalogue per language (issue 16): every message of the package — pages, emails, problem
details, field and CSV-line errors, verification words, report headers — is written in French,
extracted from the code and the templates, and translated in the English catalogue; every code
the code raises has its message."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from service.i18n import csv_messages, documents, messages, verification
from service.i18n.catalogue import LOCALES, text, translate
from service.i18n.language import SUPPORTED

SERVICE = Path(__file__).resolve().parents[2] / "service"
METHODS = [
    ("**.py", "python"),
    ("web/templates/**.html", "jinja2"),
    ("mail/templates/**.html", "jinja2"),
    ("mail/templates/**.txt", "jinja2"),
]
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, method in METHODS if method == "jinja2"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "tr": (2,)}
TABLES: dict[str, list[str]] = {
    "problems": [part for pair in messages.MESSAGES.values() for part in pair],
    "fields": [*messages.FIELD_MESSAGES.values(), messages.FIELD_REFUSED],
    "csv lines": [*csv_messages.LINE_MESSAGES.values(), csv_messages.INVALID_LINE],
    "reports": [
        *documents.REPORT_HEADERS,
        *documents.REPORT_SECTIONS.values(),
        *documents.REPORT_TOTALS.values(),
    ],
    "emails": [documents.EMAIL_SUBJECT, documents.EMAIL_SEPARATOR],
    "verification": [
        *verification.MESSAGES.values(),
        *verification.CHECK_NAMES.values(),
        *verification.FORMS.values(),
        *verification.HEADLINES.values(),
        *verification.WHAT.values(),
    ],
}


def extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SERVICE, METHODS, OPTIONS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(language: str) -> dict[str, object]:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return {m.id[0] if isinstance(m.id, tuple) else m.id: m for m in read_po(source) if m.id}


def _percent(message: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", message))


def _braces(message: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(message) if name}


@pytest.mark.parametrize("language", [code for code in SUPPORTED if code != "fr"])
def test_every_message_has_its_translation_with_the_same_placeholders(language: str) -> None:
    found = extracted()
    assert len(found) > 600  # pages, emails, problems, fields, CSV lines, verification, reports
    translated = catalogue(language)
    missing = sorted(found - set(translated))
    assert missing == [], f"no {language}: {missing} (run pybabel extract, then fill the .po)"
    for key, message in translated.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
        assert all(strings), f"empty translation: {key!r}"
        assert not message.fuzzy, key  # type: ignore[attr-defined]
        for rendered in strings:
            assert _percent(rendered) == _percent(key), key
            assert _braces(rendered) == _braces(key), key


def test_every_table_entry_is_marked_for_the_catalogue() -> None:
    """A French text in a table but not marked N_ would never reach the translators."""
    found = extracted()
    for table, entries in TABLES.items():
        assert [entry for entry in entries if entry not in found] == [], table


def test_every_problem_code_the_service_raises_has_its_words() -> None:
    raised = set()
    pattern = r'\b(?:NotFound|Gone|Conflict|InvalidInput|Forbidden|PayloadTooLarge)\(\s*"([a-z0-9-]+)"'
    literal = r'\bproblem\([^)]*?"([a-z0-9-]+)"'
    for path in SERVICE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        raised |= set(re.findall(pattern, source)) | set(re.findall(literal, source))
    assert len(raised) > 60
    assert sorted(raised - set(messages.MESSAGES)) == []


def test_every_csv_line_code_has_its_words() -> None:
    source = (SERVICE / "domain" / "enrolment_csv.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'"(csv-[a-z0-9-]+)"', source))
    assert len(codes) >= 10
    assert sorted(codes - set(csv_messages.LINE_MESSAGES)) == []


def test_english_words_come_from_the_catalogue_and_french_is_the_source() -> None:
    title, detail = messages.render("issuer-not-found", "en", {"id": "abc"})
    assert (title, detail) == ("Issuer not found", "No issuer has the id abc.")
    assert (
        messages.render("issuer-not-found", "fr", {"id": "abc"})[1] == "Aucun émetteur n'a l'identifiant abc."
    )
    assert translate("Badge authentique et valide : {what}.", "en") == "Genuine and valid badge: {what}."
    # a parameter the caller forgot shows as « ? », never as a raw template or an error
    assert text("Aucun émetteur n'a l'identifiant {id}.", "fr") == "Aucun émetteur n'a l'identifiant ?."
    # values are never read as templates: a name holding braces stays as typed
    assert text("« {name} »", "fr", {"name": "{id} {0}"}) == "« {id} {0} »"
