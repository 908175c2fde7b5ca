"""Opaque random identifiers for public URLs (never sequential)."""

from __future__ import annotations

import base64
import re
import secrets

ID_PATTERN = re.compile(r"^[a-z2-7]{26}$")


def new_id() -> str:
    """128 random bits as 26 lower-case base32 characters: URL, DID and file-name safe."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def is_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value))


KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_kid(value: str) -> bool:
    """A key id as we make them: a base64url RFC 7638 thumbprint."""
    return bool(KID_PATTERN.match(value))
