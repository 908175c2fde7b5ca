"""Create and rotate issuers' signing keys, one per purpose (OB 2.0, VC-JWT, Data Integrity).
The newest of a purpose signs; every key not withdrawn stays published."""

from __future__ import annotations

from collections.abc import Iterable

from service.errors import Conflict, NotFound
from service.persistence.database import register_pending_file
from service.persistence.repositories import SigningKeys
from service.persistence.tables import SigningKey
from service.signing import keystore
from service.signing.keystore import KeyPurpose
from service.usecases import audit
from service.usecases.context import Context

ISSUER_PURPOSES = tuple(KeyPurpose)


def create_key(ctx: Context, issuer_id: str, purpose: KeyPurpose) -> SigningKey:
    generated = keystore.generate(purpose.algorithm)
    path = ctx.keys.save(issuer_id, generated)
    register_pending_file(ctx.session, path)
    row = SigningKey(
        kid=generated.kid,
        issuer_id=issuer_id,
        algorithm=purpose.algorithm.value,
        purpose=purpose.value,
        public_jwk=generated.public_jwk,
        public_pem=generated.public_pem,
        created_at=ctx.clock.now(),
        retired_at=None,
    )
    ctx.session.add(row)
    ctx.session.flush()
    SigningKeys(ctx.session).forget_active(issuer_id)
    return row


def rotate(
    ctx: Context, issuer_id: str, purposes: Iterable[KeyPurpose] = ISSUER_PURPOSES
) -> list[SigningKey]:
    """Retire the active key of each purpose named and make a new one; the others are left
    alone, and retired keys stay published (in the DID document and the JWK Set) until withdrawn.
    After an OB 2.0 rotation, the signed assertions served are signed anew with the new key."""
    repo = SigningKeys(ctx.session)
    created = []
    for purpose in dict.fromkeys(purposes):
        current = repo.active(issuer_id, purpose)
        if current is not None:
            repo.retire(current, ctx.clock.now())
        created.append(create_key(ctx, issuer_id, purpose))
        audit.record(ctx, "key-rotated", "issuer", issuer_id, issuer_id, purpose=purpose.value)
    return created


def withdraw(ctx: Context, issuer_id: str, kid: str) -> SigningKey:
    """Stop publishing a retired key (after a compromise, say): everything it signed stops
    verifying. The active key cannot be withdrawn: rotate first, then withdraw the old one."""
    key = SigningKeys(ctx.session).get(kid)
    if key is None or key.issuer_id != issuer_id:
        raise NotFound("key-not-found", id=kid)
    if key.retired_at is None:
        raise Conflict("key-is-active", id=kid)
    if key.withdrawn_at is not None:
        raise Conflict("key-already-withdrawn", id=kid)
    key.withdrawn_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, "key-withdrawn", "key", key.kid, issuer_id, purpose=key.purpose)
    return key
