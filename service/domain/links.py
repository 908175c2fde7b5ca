"""Links that carry their own proof: ``<id>.<MAC>``, a keyed MAC over an id, with nothing stored
for the link itself. Each use has its own purpose, from which the MAC key is derived from the
instance secret, so a token made for one use cannot be replayed as another. Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

_MAC_CHARS = 32  # 192 bits of the SHA-256 MAC, base64url


@dataclass(frozen=True, slots=True)
class LinkSigner:
    purpose: bytes  # b"fabrique/<use>/v1"

    def _mac(self, secret: str, subject: str) -> str:
        key = hmac.new(secret.encode(), self.purpose, hashlib.sha256).digest()
        digest = hmac.new(key, subject.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_MAC_CHARS]

    def token_for(self, secret: str, subject: str) -> str:
        return f"{subject}.{self._mac(secret, subject)}"

    def subject_of(self, secret: str, token: str) -> str | None:
        """The id a genuine token names; None for anything else (forged, cut, altered)."""
        subject, dot, mac = token.partition(".")
        if not dot or not subject or len(mac) != _MAC_CHARS or len(subject) > 64:
            return None
        if not hmac.compare_digest(mac.encode(), self._mac(secret, subject).encode()):
            return None
        return subject
