"""The earner's private link, sent in their email: it lets them publish, hide, download or erase
their badge without an account. Pure: a keyed MAC over the award id, with nothing stored.

The token is ``<award id>.<MAC>``; the MAC key is derived from the instance secret for this one
use, so a token cannot be replayed as anything else the secret signs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

_PURPOSE = b"fabrique/earner-link/v1"
_MAC_CHARS = 32  # 192 bits of the SHA-256 MAC, base64url


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _mac(secret: str, award_id: str) -> str:
    digest = hmac.new(_key(secret), award_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_MAC_CHARS]


def token_for(secret: str, award_id: str) -> str:
    return f"{award_id}.{_mac(secret, award_id)}"


def award_of(secret: str, token: str) -> str | None:
    """The award id a genuine token names; None for anything else (forged, cut, altered)."""
    award_id, dot, mac = token.partition(".")
    if not dot or not award_id or len(mac) != _MAC_CHARS or len(award_id) > 64:
        return None
    if not hmac.compare_digest(mac.encode(), _mac(secret, award_id).encode()):
        return None
    return award_id
