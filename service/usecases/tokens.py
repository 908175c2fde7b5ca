"""API tokens: random secrets shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.clock import Clock
from service.domain.access import Principal, Role
from service.errors import InvalidInput, NotFound
from service.ids import new_id
from service.persistence.repositories import ApiTokens, Issuers
from service.persistence.tables import ApiToken, ApiTokenScope
from service.usecases import audit

TOKEN_PREFIX = "fab_"  # noqa: S105 - a public prefix


def hash_token(plaintext: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; a slow KDF would only add latency.
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create(
    session: Session, clock: Clock, *, name: str, role: Role, issuer_ids: Iterable[str]
) -> tuple[ApiToken, str]:
    """Return the stored token and its plaintext, which is never stored nor shown again."""
    scopes = sorted(set(issuer_ids))
    if role is not Role.ADMIN and not scopes:
        raise InvalidInput("token-needs-issuer", role=role.value)
    if role is Role.ADMIN and scopes:
        raise InvalidInput("admin-token-has-no-scope")
    issuers = Issuers(session)
    for issuer_id in scopes:
        if issuers.get(issuer_id) is None:
            raise NotFound("issuer-not-found", id=issuer_id)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        id=new_id(),
        name=name,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:10],
        role=role.value,
        created_at=clock.now(),
        revoked_at=None,
        scopes=[ApiTokenScope(issuer_id=i) for i in scopes],
    )
    session.add(token)
    session.flush()
    audit.record_in(
        session, clock, "token-created", "token", token.id, None, role=role.value, name=name[:100]
    )
    return token, plaintext


def authenticate(session: Session, plaintext: str) -> Principal | None:
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    token = ApiTokens(session).by_hash(hash_token(plaintext))
    if token is None or token.revoked_at is not None:
        return None
    return Principal(token_id=token.id, role=Role(token.role), issuer_ids=token.issuer_ids)


LAST_USE_STEP = timedelta(minutes=5)  # last use is kept to this step: one write per token at most


def is_stale(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= LAST_USE_STEP


def needs_touch(session: Session, clock: Clock, token_id: str) -> bool:
    token = ApiTokens(session).get(token_id)
    return token is not None and is_stale(token.last_used_at, clock.now())


def touch(session: Session, clock: Clock, token_id: str) -> None:
    """Note that the token was used now (not an audited change: a use, not an edit)."""
    token = ApiTokens(session).get(token_id)
    if token is not None and is_stale(token.last_used_at, clock.now()):
        token.last_used_at = clock.now()
        session.flush()


def name_of(session: Session, token_id: str) -> str:
    token = ApiTokens(session).get(token_id)
    return token.name if token is not None else ""


def revoke(session: Session, clock: Clock, token_id: str) -> ApiToken:
    token = ApiTokens(session).get(token_id)
    if token is None:
        raise NotFound("token-not-found", id=token_id)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        session.flush()
        audit.record_in(session, clock, "token-revoked", "token", token.id)
    return token
