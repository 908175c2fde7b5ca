"""Sign-in rules of the console, pure: when an account is locked out from an address, for how
long, and whether a browser session is still alive."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5  # consecutive wrong passwords from one address before it is locked out
FIRST_LOCK = timedelta(minutes=15)  # then twice as long at each new lock from that address
LONGEST_LOCK = timedelta(hours=24)
FORGET_AFTER = timedelta(hours=24)  # this long without a failure after a lock: counting starts over
IDLE = timedelta(hours=2)  # a console left alone this long asks for the password again
ABSOLUTE = timedelta(hours=12)  # and after a working day, whatever the activity
TOUCH_EVERY = timedelta(minutes=1)  # how often activity is written back
IPV6_PREFIX = 64  # one IPv6 subscriber holds a whole /64: its addresses count as one


@dataclass(frozen=True, slots=True)
class Attempts:
    """Failures of one account from one address: the lock is theirs alone, so nobody can keep
    someone else's account locked from their own address."""

    failures: int = 0  # wrong passwords since the last lock
    locks: int = 0  # locks served so far: each new one lasts twice as long
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None


def address_key(address: str) -> str:
    """The address a lock applies to: an IPv4 address, or the /64 an IPv6 address is in."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False))
    return str(parsed)


def lock_length(locks: int) -> timedelta:
    """How long the ``locks``-th lock lasts: 15 min, 30 min, 1 h, … up to a day."""
    doublings: int = min(max(locks - 1, 0), 16)
    return min(FIRST_LOCK * (1 << doublings), LONGEST_LOCK)


def is_locked(attempts: Attempts, now: datetime) -> bool:
    return attempts.locked_until is not None and now < attempts.locked_until


def current(attempts: Attempts, now: datetime) -> Attempts:
    """The attempts as they count now: forgotten a day after the last failure or lock ended."""
    latest = max(
        (t for t in (attempts.last_failure_at, attempts.locked_until) if t is not None), default=None
    )
    if latest is None or now - latest >= FORGET_AFTER:
        return Attempts()
    return attempts


def after_failure(attempts: Attempts, now: datetime) -> Attempts:
    """One more wrong password; the fifth in a row locks this address out, longer each time."""
    counted = current(attempts, now)
    failures = counted.failures + 1
    if failures >= MAX_FAILURES:
        locks = counted.locks + 1
        return Attempts(0, locks, now + lock_length(locks), now)
    return Attempts(failures, counted.locks, counted.locked_until, now)


def session_alive(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    return now < created_at + ABSOLUTE and now < last_seen_at + IDLE


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_EVERY
