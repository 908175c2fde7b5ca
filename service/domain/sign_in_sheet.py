"""Signing in per half-day (émargement): when a half-day's sign-in link works, and when a
signature counts as late. Pure.

The link opens 30 minutes before the half-day starts and closes an hour after it ends (people
sign on arrival, or at the end, as French training sheets are usually signed); a signature more
than 15 minutes after the start is marked late."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.domain.links import LinkSigner

OPENS_BEFORE = timedelta(minutes=30)
CLOSES_AFTER = timedelta(hours=1)
LATE_AFTER = timedelta(minutes=15)
_SHEET = LinkSigner(b"fabrique/sign-in-sheet/v1")


def token_for(secret: str, half_day_id: str) -> str:
    return _SHEET.token_for(secret, half_day_id)


def half_day_of(secret: str, token: str) -> str | None:
    return _SHEET.subject_of(secret, token)


def is_open(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    return starts_at - OPENS_BEFORE <= now <= ends_at + CLOSES_AFTER


def is_late(starts_at: datetime, signed_at: datetime) -> bool:
    return signed_at > starts_at + LATE_AFTER
