"""Language of a response, chosen one way for the API, the pages and the console: the reader's
explicit choice (the language cookie the pages' switch sets), then ``Accept-Language``, then
French."""

from __future__ import annotations

from typing import Literal

Language = Literal["fr", "en"]
SUPPORTED: tuple[Language, ...] = ("fr", "en")
LANGUAGE_COOKIE = "fabrique_lang"


def supported(tag: str | None) -> Language | None:
    """The supported language a tag names (``en``, ``en-GB``, ``EN``), or None."""
    primary = (tag or "").strip().lower().split("-")[0]
    for language in SUPPORTED:
        if language == primary:
            return language
    return None


def negotiate(accept_language: str | None) -> Language:
    """Pick the supported language with the highest q-value; ties and unknowns go to French."""
    best: Language = "fr"
    best_q = -1.0
    for part in (accept_language or "").split(","):
        pieces = part.strip().split(";")
        tag = supported(pieces[0])
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag is not None and quality > 0 and quality > best_q:
            best, best_q = tag, quality
    return best


def choose(cookie: str | None, accept_language: str | None) -> Language:
    """The reader's explicit choice first, then what their browser asks for, then French."""
    return supported(cookie) or negotiate(accept_language)
