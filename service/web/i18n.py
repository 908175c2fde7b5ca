"""Languages of the pages: Babel message catalogues (French is the source language, English a
full translation), the reader's choice (a cookie set by the language switch), then
``Accept-Language``. Dates and numbers are formatted for the chosen locale."""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from service.i18n.language import Language

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
BABEL_LOCALES: dict[Language, str] = {"fr": "fr_FR", "en": "en_GB"}
TIMEZONE = ZoneInfo("Europe/Paris")


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """French is the language the messages are written in; English is read from its catalogue
    (compiled in memory, so the repository holds only the editable .po file)."""
    if language == "fr":
        return gettext.NullTranslations()
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True, slots=True)
class Formats:
    """Locale-aware formatting for one language; times are shown in mainland French time."""

    language: Language

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.language]

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return format_datetime(value, "d MMMM y", tzinfo=TIMEZONE, locale=self.locale)
        return format_date(value, "long", locale=self.locale)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, "d MMMM y HH:mm", tzinfo=TIMEZONE, locale=self.locale)

    def text_date(self, value: object) -> str:
        """A date read from someone else's document: formatted when it is ISO 8601, else as given."""
        text = str(value)
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        return self.date(moment) if moment.tzinfo else format_date(moment.date(), "long", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def month(self, value: dt.date) -> str:
        return format_date(value, "MMMM y", locale=self.locale)
