"""The one catalogue of words per language: every text a person reads (pages, problem details,
field and CSV-line errors, verification checks and verdicts, report headers, emails) is written
in French in the code, marked ``N_`` where it is not translated on the spot, and translated from
``locales/<language>/LC_MESSAGES/messages.po``. French needs no catalogue; adding a language is
adding its ``.po`` file (and its code to ``language.SUPPORTED``).

``tests/unit/test_catalogue.py`` extracts every marked message of the package and fails when one
has no translation or its placeholders differ."""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from service.i18n.language import Language

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE: Language = "fr"


def N_(message: str) -> str:
    """Marks a French message for extraction; it is translated where it is shown."""
    return message


# French typography: a narrow no-break space (U+202F) before the high punctuation marks, so that
# « : » never starts a line. Messages are written with an ordinary space, as people type them.
_HIGH_PUNCTUATION = re.compile(r"[ \u00a0]([:;!?])(?=\s|$|[<\"»)])")


def french_typography(message: str) -> str:
    return _HIGH_PUNCTUATION.sub("\u202f\\1", message)


class FrenchTranslations(gettext.NullTranslations):
    """The source language, set with French typography."""

    def gettext(self, message: str) -> str:
        return french_typography(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return french_typography(msgid1 if n == 1 else msgid2)


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """French is the language the messages are written in (with its typography); another
    language is read from its catalogue, compiled in memory (the repository holds only the
    editable .po file)."""
    if language == SOURCE_LANGUAGE:
        return FrenchTranslations()
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(message: str, language: Language) -> str:
    return translations(language).gettext(message)


def text(message: str, language: Language, params: Mapping[str, Any] | None = None) -> str:
    """The message in the language with its ``{name}`` parameters filled in; a parameter the
    caller did not give shows as « ? » rather than failing."""
    template = translate(message, language)
    if not params and "{" not in template:
        return template
    try:
        return template.format_map(_MissingAsQuestionMark(params or {}))
    except (ValueError, IndexError, AttributeError):
        return template


class _MissingAsQuestionMark(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"
