"""Sign-in rules of the console, pure: when an account is locked, for how long, and whether a
browser session is still alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked
LOCK = timedelta(minutes=15)
IDLE = timedelta(hours=2)  # a console left alone this long asks for the password again
ABSOLUTE = timedelta(hours=12)  # and after a working day, whatever the activity
TOUCH_EVERY = timedelta(minutes=1)  # how often activity is written back


@dataclass(frozen=True, slots=True)
class Attempts:
    failures: int
    locked_until: datetime | None


def is_locked(attempts: Attempts, now: datetime) -> bool:
    return attempts.locked_until is not None and now < attempts.locked_until


def after_failure(attempts: Attempts, now: datetime) -> Attempts:
    """One more wrong password; the fifth in a row locks the account and starts counting anew."""
    failures = attempts.failures + 1
    if failures >= MAX_FAILURES:
        return Attempts(0, now + LOCK)
    return Attempts(failures, None if not is_locked(attempts, now) else attempts.locked_until)


def session_alive(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    return now < created_at + ABSOLUTE and now < last_seen_at + IDLE


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_EVERY
