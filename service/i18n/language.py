"""Language of a response: French unless the caller prefers English (Accept-Language)."""

from __future__ import annotations

from typing import Literal

Language = Literal["fr", "en"]
SUPPORTED: tuple[Language, ...] = ("fr", "en")


def negotiate(accept_language: str | None) -> Language:
    """Pick the supported language with the highest q-value; ties and unknowns go to French."""
    best: Language = "fr"
    best_q = -1.0
    for part in (accept_language or "").split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower().split("-")[0]
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag in SUPPORTED and quality > 0 and quality > best_q:
            best, best_q = tag, quality
    return best
