"""OB 3.0 AchievementCredentials: built, checked against the official schema, then signed with
an ``eddsa-rdfc-2022`` Data Integrity proof by the issuer's active Ed25519 key, and as a VC-JWT
by its active VC-JWT key (RS256), whose ``kid`` is that key's DID URL."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from service.domain import endorsements as endorsement_rules
from service.errors import Conflict, InvalidInput, NotFound
from service.openbadges import ob3
from service.openbadges.schema import schema_errors
from service.persistence.repositories import SigningKeys
from service.persistence.tables import Award, BadgeClass, Issuer, SigningKey
from service.signing import vc_jwt
from service.signing.data_integrity import add_proof
from service.signing.did_web import PublishedKey, did_document, issuer_did, verification_method_id
from service.signing.keystore import Algorithm, KeyFileMissing, KeyPurpose
from service.usecases import endorsements, status
from service.usecases.context import Context


def did_of(ctx: Context, issuer_id: str) -> str:
    return issuer_did(ctx.urls.host, issuer_id)


def issuer_did_document(ctx: Context, issuer: Issuer) -> dict[str, Any]:
    """Every Data Integrity and VC-JWT key of the issuer not withdrawn, newest last: what was
    signed before a rotation keeps verifying."""
    repo = SigningKeys(ctx.session)
    proofs = repo.for_issuer(issuer.id, KeyPurpose.DATA_INTEGRITY, published_only=True)
    tokens = repo.for_issuer(issuer.id, KeyPurpose.VC_JWT, published_only=True)
    return did_document(
        did_of(ctx, issuer.id),
        [PublishedKey(k.kid, k.public_jwk) for k in proofs],
        [PublishedKey(k.kid, k.public_jwk) for k in tokens],
    )


def profile(ctx: Context, issuer: Issuer) -> dict[str, Any]:
    """The issuer's Profile with the endorsements of the issuer not withdrawn."""
    found = endorsements.embedded(ctx, endorsement_rules.ISSUER, issuer.id)
    return ob3.profile(issuer, did_of(ctx, issuer.id), ctx.urls, endorsements=found)


def achievement(ctx: Context, badge_class: BadgeClass, awarded_by: Issuer | None = None) -> dict[str, Any]:
    """The badge class's Achievement with its endorsements not withdrawn (a credential signed
    now carries them; a withdrawal later shows in each one's status). Awarded by a member
    structure of the class's network, it names the network as its ``creator``."""
    found = endorsements.embedded(ctx, endorsement_rules.BADGE_CLASS, badge_class.id)
    creator = None
    if awarded_by is not None and awarded_by.id != badge_class.issuer_id:
        creator = ob3.profile(badge_class.issuer, did_of(ctx, badge_class.issuer_id), ctx.urls)
    return ob3.achievement(badge_class, ctx.urls, badge_class.language, endorsements=found, creator=creator)


def sign_credential(
    ctx: Context,
    award: Award,
    badge_class: BadgeClass,
    active_keys: dict[KeyPurpose, SigningKey] | None = None,
    issuer: Issuer | None = None,
) -> None:
    """Give the award its OB 3.0 credential. An invalid credential is refused, never signed.
    ``active_keys`` (algorithm to current key) saves a query when the caller has them;
    ``issuer`` is who awards (a member structure of the class's network), by default the class's."""
    issuer = issuer or badge_class.issuer
    if active_keys is None:
        active_keys = SigningKeys(ctx.session).active_by_purpose(issuer.id)
    unsigned = ob3.credential(
        award,
        issuer_profile=profile(ctx, issuer),
        achievement_document=achievement(ctx, badge_class, issuer),
        urls=ctx.urls,
        credential_status=status.allocate(ctx, award),
        endorsements=endorsements.embedded(ctx, endorsement_rules.AWARD, award.id),
    )
    errors = schema_errors(unsigned)
    if errors:
        raise InvalidInput("credential-schema-invalid", errors="; ".join(errors[:5]))
    key = _active(active_keys, issuer.id, KeyPurpose.DATA_INTEGRITY)
    private_key = ctx.keys.load(issuer.id, key.kid)
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise KeyFileMissing(f"key {key.kid} is not an Ed25519 key")
    method = verification_method_id(did_of(ctx, issuer.id), key.kid)
    award.credential = add_proof(unsigned, private_key, method, ctx.clock.now())
    award.credential_kid = key.kid
    # The kid is the key's DID URL: a JsonWebKey method the issuer's DID document lists for
    # assertions (tokens made before 2026-12-03 name a thumbprint of the issuer's JWK Set).
    jwt_key = _active(active_keys, issuer.id, KeyPurpose.VC_JWT)
    award.credential_jwt = vc_jwt.encode(
        unsigned,
        ctx.keys.load(issuer.id, jwt_key.kid),
        Algorithm.RS256,
        verification_method_id(did_of(ctx, issuer.id), jwt_key.kid),
    )


def signed_credential(award: Award) -> dict[str, Any]:
    if award.credential is None:
        raise NotFound("credential-not-available", id=award.id)
    return award.credential


def credential_jwt(ctx: Context, award: Award, algorithm: Algorithm) -> str:
    """The award's VC-JWT: RS256 as stored at issue; EdDSA signed on request with the key that
    made the Data Integrity proof (Ed25519 is deterministic: the same token every time)."""
    if award.credential is None:
        raise NotFound("credential-not-available", id=award.id)
    if algorithm is Algorithm.RS256 and award.credential_jwt:
        return award.credential_jwt
    if algorithm is Algorithm.EDDSA and award.credential_kid:
        kid = award.credential_kid
        private_key = ctx.keys.load(award.issuer_id, kid)
        method = verification_method_id(did_of(ctx, award.issuer_id), kid)
        return vc_jwt.encode(award.credential, private_key, Algorithm.EDDSA, method)
    raise NotFound("credential-not-available", id=award.id)


def issuer_jwks(ctx: Context, issuer: Issuer) -> dict[str, Any]:
    """Every key of the issuer not withdrawn, as a JWK Set (RFC 7517) with thumbprint kids."""
    keys = SigningKeys(ctx.session).for_issuer(issuer.id, published_only=True)
    return {"keys": [{**k.public_jwk, "kid": k.kid, "alg": k.algorithm, "use": "sig"} for k in keys]}


def _active(active_keys: dict[KeyPurpose, SigningKey], issuer_id: str, purpose: KeyPurpose) -> SigningKey:
    key = active_keys.get(purpose)
    if key is None:
        raise Conflict("issuer-has-no-signing-key", id=issuer_id)
    return key
