"""The link that opens an earner's space (every badge issued to one address), sent by email on
request. Pure: ``<outbox message id>.<MAC>`` (``domain.links``): the address is not in the link,
only the id of the message that carried it, and the link lasts ``LIFETIME`` from that message."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.domain.links import LinkSigner

_SPACE = LinkSigner(b"fabrique/earner-space/v1")
LIFETIME = timedelta(hours=1)
LINKS_PER_HOUR = 3  # per address: asking again and again sends no more


def token_for(secret: str, message_id: str) -> str:
    return _SPACE.token_for(secret, message_id)


def message_of(secret: str, token: str) -> str | None:
    """The message id a genuine token names; None for anything else."""
    return _SPACE.subject_of(secret, token)


def expires_at(sent_for: datetime) -> datetime:
    return sent_for + LIFETIME


def usable(created_at: datetime, now: datetime) -> bool:
    return now < expires_at(created_at)
