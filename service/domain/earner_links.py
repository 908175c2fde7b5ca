"""The earner's private link, sent in their email: it lets them publish, hide, download or erase
their badge without an account. Pure: ``<award id>.<MAC>`` (``domain.links``), nothing stored."""

from __future__ import annotations

from service.domain.links import LinkSigner

_EARNER = LinkSigner(b"fabrique/earner-link/v1")


def token_for(secret: str, award_id: str) -> str:
    return _EARNER.token_for(secret, award_id)


def award_of(secret: str, token: str) -> str | None:
    """The award id a genuine token names; None for anything else (forged, cut, altered)."""
    return _EARNER.subject_of(secret, token)
