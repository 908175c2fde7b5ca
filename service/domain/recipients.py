"""Recipient identity: salted SHA-256 of a normalised email (OB 2.0 IdentityObject, OB 3.0 IdentityHash)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively here, as every OB verifier lower-cases before hashing."""
    return email.strip().lower()


def new_salt() -> str:
    """A fresh salt per award: one site-wide salt would let hashes be linked across awards."""
    return secrets.token_hex(16)


def hash_email(email: str, salt: str) -> str:
    digest = hashlib.sha256((normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


@dataclass(frozen=True, slots=True)
class HashedRecipient:
    identity: str
    salt: str

    @classmethod
    def for_email(cls, email: str, salt: str) -> HashedRecipient:
        return cls(identity=hash_email(email, salt), salt=salt)

    def matches(self, email: str) -> bool:
        """Constant-time comparison of the expected email's hash with the published one."""
        return hmac.compare_digest(hash_email(email, self.salt), self.identity)
