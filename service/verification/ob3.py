"""Verify an OB 3.0 AchievementCredential secured with an embedded ``eddsa-rdfc-2022`` proof.

DID documents come from an injected resolver; time is passed in. Every check is reported with
its reason; nothing raises on bad input. A ``credentialStatus`` without a status checker fails
(closed), as a verifier that cannot see a revocation must not say valid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeGuard

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from service.openbadges.contexts import CREDENTIALS_V2
from service.openbadges.schema import schema_errors
from service.signing import vc_jwt
from service.signing.data_integrity import verify_proof
from service.signing.multibase import ed25519_from_multikey
from service.verification.report import Report

Json = dict[str, Any]
DidResolver = Callable[[str], Json | None]
JwksResolver = Callable[[str], Json | None]  # issuer id -> that issuer's JWK Set
StatusChecker = Callable[[Json], tuple[bool, str]]


def verify_credential(
    credential: Any, *, resolve_did: DidResolver, now: datetime, check_status: StatusChecker | None = None
) -> Report:
    report = Report()
    if not _well_formed(credential, report):
        return report
    errors = schema_errors(credential)
    if errors:
        report.failed("schema", "not an OB 3.0 AchievementCredential: " + "; ".join(errors[:3]))
    else:
        report.passed("schema", "valid against the 1EdTech OB 3.0 JSON Schema")
    issuer_id = _issuer_id(credential)
    resolved: dict[str, Json | None] = {}

    def key_for(method_id: str) -> ed25519.Ed25519PublicKey | None:
        return assertion_key(method_id, issuer_id, resolve_did, resolved)

    proof = verify_proof(credential, key_for)
    if proof.verified:
        report.passed("proof", proof.reason)
        report.passed("issuer-key", f"the key belongs to the issuer {issuer_id}")
    elif proof.verification_method and not proof.verification_method.startswith(f"{issuer_id}#"):
        report.failed(
            "issuer-key", f"the proof's key {proof.verification_method} is not controlled by {issuer_id}"
        )
    else:
        report.failed("proof", proof.reason)
    _check_window(credential, now, report)
    _check_status(credential, check_status, report)
    return report


def _well_formed(credential: Any, report: Report) -> TypeGuard[Json]:
    if not isinstance(credential, dict):
        report.failed("format", "a credential is a JSON object")
        return False
    contexts = credential.get("@context")
    types = credential.get("type")
    if not isinstance(contexts, list) or not contexts or contexts[0] != CREDENTIALS_V2:
        report.failed("format", f"the first @context must be {CREDENTIALS_V2}")
        return False
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        report.failed("format", "type must list VerifiableCredential")
        return False
    report.passed("format", "a Verifiable Credential (data model 2.0)")
    return True


def _issuer_id(credential: Json) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


def assertion_key(
    method_id: str, issuer_id: str, resolve_did: DidResolver, cache: dict[str, Json | None]
) -> ed25519.Ed25519PublicKey | None:
    """The Ed25519 key of a verification method the issuer lists for assertions, or None."""
    did = method_id.split("#", 1)[0]
    if did != issuer_id:
        return None
    if did not in cache:
        cache[did] = resolve_did(did)
    document = cache[did]
    if not isinstance(document, dict) or document.get("id") != did:
        return None
    assertion = document.get("assertionMethod") or []
    if method_id not in [
        m if isinstance(m, str) else m.get("id") for m in assertion if isinstance(m, str | dict)
    ]:
        return None
    for method in document.get("verificationMethod") or []:
        if isinstance(method, dict) and method.get("id") == method_id and method.get("controller") == did:
            try:
                raw = ed25519_from_multikey(str(method.get("publicKeyMultibase")))
            except ValueError:
                return None
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    return None


def _check_window(credential: Json, now: datetime, report: Report) -> None:
    try:
        valid_from = _moment(credential.get("validFrom"))
        valid_until = _moment(credential.get("validUntil")) if credential.get("validUntil") else None
    except ValueError as exc:
        report.failed("validity", f"unreadable date: {exc}")
        return
    if valid_from is not None and valid_from > now:
        report.failed("validity", f"not valid before {credential['validFrom']}")
    elif valid_until is not None and valid_until <= now:
        report.failed("validity", f"expired on {credential['validUntil']}")
    else:
        report.passed("validity", "within its validity period")


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value} has no time zone")
    return moment


def _check_status(credential: Json, check_status: StatusChecker | None, report: Report) -> None:
    status = credential.get("credentialStatus")
    if status is None:
        report.skipped("status", "the credential carries no status entry")
        return
    if check_status is None:
        report.failed("status", "the credential has a status entry and no status checker was given")
        return
    ok, reason = check_status(credential)
    (report.passed if ok else report.failed)("status", reason)


def verify_jwt(
    token: Any,
    *,
    resolve_did: DidResolver,
    resolve_jwks: JwksResolver,
    now: datetime,
    check_status: StatusChecker | None = None,
) -> Report:
    """Verify an OB 3.0 VC-JWT: the key from the DID document (kid = DID URL) or from the
    issuer's own JWK Set (kid = thumbprint), RS256 or EdDSA only, claims consistent with the
    credential, then the same schema, validity and status checks as an embedded proof."""
    report = Report()
    try:
        header = jwt.get_unverified_header(str(token))
        unverified = jwt.decode(str(token), options={"verify_signature": False})
    except (jwt.InvalidTokenError, ValueError) as exc:
        report.failed("format", f"not a JWT: {exc}")
        return report
    credential = vc_jwt.credential_of(unverified)
    if not _well_formed(credential, report):
        return report
    issuer_id = _issuer_id(credential)
    if unverified.get("iss") != issuer_id:
        report.failed("issuer-key", "the JWT's iss is not the credential's issuer")
        return report
    key = _jwt_key(header, issuer_id, resolve_did, resolve_jwks)
    if key is None:
        report.failed("issuer-key", f"the key {header.get('kid')!r} is not one of the issuer's keys")
        return report
    try:
        claims = vc_jwt.decode(str(token), key)
    except jwt.InvalidTokenError as exc:
        report.failed("proof", f"the JWT does not verify: {exc}")
        return report
    mismatch = _claims_mismatch(claims, credential)
    if mismatch:
        report.failed("proof", mismatch)
        return report
    report.passed("proof", f"JWT signed with {header.get('alg')} by {header.get('kid')}")
    report.passed("issuer-key", f"the key belongs to the issuer {issuer_id}")
    errors = schema_errors(credential)
    if errors:
        report.failed("schema", "not an OB 3.0 AchievementCredential: " + "; ".join(errors[:3]))
    else:
        report.passed("schema", "valid against the 1EdTech OB 3.0 JSON Schema")
    _check_window(credential, now, report)
    _check_status(credential, check_status, report)
    return report


def _claims_mismatch(claims: Json, credential: Json) -> str | None:
    """The registered claims must say what the credential says (OB 3.0, verifying a VC-JWT)."""
    if claims.get("jti") != credential.get("id"):
        return "jti does not match the credential id"
    try:
        valid_from = _moment(credential.get("validFrom") or credential.get("issuanceDate"))
    except ValueError:
        return "the credential's validFrom is unreadable"
    if valid_from is None or claims.get("nbf") != int(valid_from.timestamp()):
        return "nbf does not match the credential's validFrom"
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    if subject_id is not None and claims.get("sub") != subject_id:
        return "sub does not match the credential subject's id"
    return None


def _jwt_key(
    header: Json, issuer_id: str, resolve_did: DidResolver, resolve_jwks: JwksResolver
) -> ed25519.Ed25519PublicKey | rsa.RSAPublicKey | None:
    kid, alg = header.get("kid"), header.get("alg")
    if not isinstance(kid, str) or alg not in vc_jwt.ALLOWED_ALGORITHMS:
        return None
    if kid.startswith(f"{issuer_id}#"):
        return assertion_key(kid, issuer_id, resolve_did, {}) if alg == "EdDSA" else None
    jwks = resolve_jwks(issuer_id) or {}
    for entry in jwks.get("keys") or []:
        if isinstance(entry, dict) and entry.get("kid") == kid:
            try:
                key = jwt.PyJWK(entry, algorithm=str(alg)).key
            except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
                return None
            if isinstance(key, rsa.RSAPublicKey) and alg == "RS256":
                return key
            if isinstance(key, ed25519.Ed25519PublicKey) and alg == "EdDSA":
                return key
    return None
