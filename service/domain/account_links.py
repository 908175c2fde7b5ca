"""One-time links for console accounts, sent by email: an invitation to choose a password, or a
password reset. The token is ``<link id>.<MAC>`` (``domain.links``); the link's row says whose,
what for, until when, and whether it was used, so a token works once. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.domain.links import LinkSigner

INVITATION = "invitation"
RESET = "reset"
LIFETIMES = {INVITATION: timedelta(days=7), RESET: timedelta(hours=1)}
_ACCOUNT = LinkSigner(b"fabrique/account-link/v1")


def token_for(secret: str, link_id: str) -> str:
    return _ACCOUNT.token_for(secret, link_id)


def link_of(secret: str, token: str) -> str | None:
    return _ACCOUNT.subject_of(secret, token)


def usable(expires_at: datetime, used_at: datetime | None, now: datetime) -> bool:
    return used_at is None and now < expires_at
