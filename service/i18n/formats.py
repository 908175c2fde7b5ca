"""Dates and numbers as people of each language write them (Babel locales), times shown in
mainland French time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from service.i18n.language import Language

BABEL_LOCALES: dict[Language, str] = {"fr": "fr_FR", "en": "en_GB"}
TIMEZONE = ZoneInfo("Europe/Paris")


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

    def time(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, "HH:mm", tzinfo=TIMEZONE, locale=self.locale)

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
