"""OB 3.0 AchievementCredentials: built, checked against the official schema, then signed with
an ``eddsa-rdfc-2022`` Data Integrity proof by the issuer's active Ed25519 key."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from service.errors import Conflict, InvalidInput
from service.openbadges import ob3
from service.openbadges.schema import schema_errors
from service.persistence.repositories import SigningKeys
from service.persistence.tables import Award, BadgeClass, Issuer, SigningKey
from service.signing.data_integrity import add_proof
from service.signing.did_web import PublishedKey, did_document, issuer_did, verification_method_id
from service.signing.keystore import Algorithm, KeyFileMissing
from service.usecases.context import Context


def did_of(ctx: Context, issuer_id: str) -> str:
    return issuer_did(ctx.urls.host, issuer_id)


def issuer_did_document(ctx: Context, issuer: Issuer) -> dict[str, Any]:
    """Every Ed25519 key the issuer ever had, newest last: old proofs keep verifying."""
    keys = SigningKeys(ctx.session).for_issuer(issuer.id, Algorithm.EDDSA.value)
    return did_document(did_of(ctx, issuer.id), [PublishedKey(k.kid, k.public_jwk) for k in keys])


def profile(ctx: Context, issuer: Issuer) -> dict[str, Any]:
    return ob3.profile(issuer, did_of(ctx, issuer.id), ctx.urls)


def achievement(ctx: Context, badge_class: BadgeClass) -> dict[str, Any]:
    return ob3.achievement(badge_class, ctx.urls, badge_class.language)


def sign_credential(ctx: Context, award: Award, badge_class: BadgeClass) -> None:
    """Give the award its OB 3.0 credential. An invalid credential is refused, never signed."""
    issuer = badge_class.issuer
    unsigned = ob3.credential(
        award,
        issuer_profile=profile(ctx, issuer),
        achievement_document=achievement(ctx, badge_class),
        urls=ctx.urls,
    )
    errors = schema_errors(unsigned)
    if errors:
        raise InvalidInput("credential-schema-invalid", errors="; ".join(errors[:5]))
    key = _active_ed25519(ctx, issuer.id)
    private_key = ctx.keys.load(issuer.id, key.kid)
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise KeyFileMissing(f"key {key.kid} is not an Ed25519 key")
    method = verification_method_id(did_of(ctx, issuer.id), key.kid)
    award.credential = add_proof(unsigned, private_key, method, ctx.clock.now())
    award.credential_kid = key.kid


def _active_ed25519(ctx: Context, issuer_id: str) -> SigningKey:
    key = SigningKeys(ctx.session).active(issuer_id, Algorithm.EDDSA.value)
    if key is None:
        raise Conflict("issuer-has-no-signing-key", id=issuer_id)
    return key
