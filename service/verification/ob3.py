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

from service.openbadges.contexts import CREDENTIALS_V1, CREDENTIALS_V2
from service.openbadges.schema import endorsement_schema_errors, schema_errors
from service.signing import vc_jwt
from service.signing.data_integrity import Canonicalize, verify_proof
from service.signing.multibase import ed25519_from_multikey
from service.verification.identity import domain_of
from service.verification.report import Report

Json = dict[str, Any]
DidResolver = Callable[[str], Json | None]
JwksResolver = Callable[[str], Json | None]  # issuer id -> that issuer's JWK Set
DocumentResolver = Callable[[str], Json | None]  # an https URL -> the JSON document there
StatusChecker = Callable[[Json, Report], None]  # adds the "status" check to the report


class Unreachable(Exception):
    """A document the verification needs (a DID document, a JWK Set) could not be reached."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def verify_credential(
    credential: Any,
    *,
    resolve_did: DidResolver,
    now: datetime,
    check_status: StatusChecker | None = None,
    canonicalize: Canonicalize | None = None,
) -> Report:
    """``canonicalize`` runs RDFC-1.0: in this process by default, bounded worker processes for
    documents from outside (``verification.sandbox``)."""
    report = Report()
    if not _well_formed(credential, report):
        return report
    issuer_id = _issuer_id(credential)
    resolved: dict[str, Json | None] = {}

    def key_for(method_id: str) -> ed25519.Ed25519PublicKey | None:
        return assertion_key(method_id, issuer_id, resolve_did, resolved)

    try:
        proof = verify_proof(credential, key_for, canonicalize)
    except Unreachable as exc:
        report.failed("issuer-key", "did-unreachable", unreachable=True, url=exc.url)
        return report
    if proof.verified:
        report.passed("proof", "signed-by", key=proof.verification_method)
        report.passed("issuer-key", "key-of-issuer", issuer=issuer_id)
    elif proof.code in ("key-unresolved",):
        report.failed("issuer-key", "key-not-the-issuers", key=proof.verification_method, issuer=issuer_id)
        return report
    elif proof.code == "signature-mismatch":
        report.failed("proof", "tampered")
        return report
    else:
        report.failed("proof", proof.code, term=proof.term)
        return report
    _check_schema(credential, report)
    _check_window(credential, now, report, None)
    _check_status(credential, check_status, report)
    return report


def _check_schema(credential: Json, report: Report) -> None:
    if credential.get("@context", [None])[0] == CREDENTIALS_V1:
        # OB 3.0 on VC 1.1 (context 3.0.2 and before) predates the 3.0.3 schema we carry: its
        # proof and dates are checked, its shape is not judged against a later schema.
        report.skipped("schema", "schema-vc1")
        return
    proofs = credential.get("proof")
    if isinstance(proofs, dict):
        # One proof as an object or as a list of one is the same JSON-LD; the schema only
        # writes the list (the DCC's tools write the object).
        credential = {**credential, "proof": [proofs]}
    types = credential.get("type")
    is_endorsement = isinstance(types, list) and "EndorsementCredential" in types
    errors = endorsement_schema_errors(credential) if is_endorsement else schema_errors(credential)
    if errors:
        report.failed("schema", "schema-errors", errors="; ".join(errors[:3]))
    else:
        report.passed("schema", "schema-ok")


def _well_formed(credential: Any, report: Report) -> TypeGuard[Json]:
    if not isinstance(credential, dict):
        report.failed("format", "not-an-object")
        return False
    contexts = credential.get("@context")
    types = credential.get("type")
    if not isinstance(contexts, list) or not contexts or contexts[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        report.failed("format", "first-context", context=CREDENTIALS_V2)
        return False
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        report.failed("format", "not-a-vc")
        return False
    report.passed("format", "vc-2" if contexts[0] == CREDENTIALS_V2 else "vc-1")
    return True


def _issuer_id(credential: Json) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


def assertion_method(
    method_id: str, issuer_id: str, resolve_did: DidResolver, cache: dict[str, Json | None]
) -> Json | None:
    """The verification method ``method_id`` when the issuer's DID document lists it for
    assertions and names the issuer as its controller, or None."""
    did = method_id.split("#", 1)[0]
    if did != issuer_id:
        return None
    if did not in cache:
        cache[did] = resolve_did(did)  # may raise Unreachable
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
            return method
    return None


def assertion_key(
    method_id: str, issuer_id: str, resolve_did: DidResolver, cache: dict[str, Json | None]
) -> ed25519.Ed25519PublicKey | None:
    """The Ed25519 key of a Multikey method the issuer lists for assertions, or None."""
    method = assertion_method(method_id, issuer_id, resolve_did, cache)
    if method is None or "publicKeyMultibase" not in method:
        return None
    try:
        raw = ed25519_from_multikey(str(method.get("publicKeyMultibase")))
    except ValueError:
        return None
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


def _check_window(credential: Json, now: datetime, report: Report, expires_at: int | None) -> None:
    """validFrom and validUntil; for a VC-JWT, its ``exp`` too, which may stand alone."""
    # VC 2.0 names them validFrom and validUntil; VC 1.1, issuanceDate and expirationDate.
    start = credential.get("validFrom") or credential.get("issuanceDate")
    end = credential.get("validUntil") or credential.get("expirationDate")
    try:
        valid_from = _moment(start)
        valid_until = _moment(end) if end else None
    except ValueError:
        report.failed("validity", "unreadable-date", value=end or start)
        return
    if expires_at is not None:
        from_exp = datetime.fromtimestamp(expires_at, tz=now.tzinfo)
        valid_until = from_exp if valid_until is None else min(valid_until, from_exp)
    if valid_from is not None and valid_from > now:
        report.failed("validity", "not-yet-valid", date=valid_from.isoformat())
    elif valid_until is not None and valid_until <= now:
        report.failed("validity", "expired", date=valid_until.isoformat())
    else:
        report.passed("validity", "within-validity")


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
        report.skipped("status", "no-status-entry")
        return
    if check_status is None:
        report.failed("status", "no-status-checker")
        return
    check_status(credential, report)


def verify_jwt(
    token: Any,
    *,
    resolve_did: DidResolver,
    resolve_jwks: JwksResolver,
    now: datetime,
    check_status: StatusChecker | None = None,
    resolve_url: DocumentResolver | None = None,
) -> Report:
    """Verify an OB 3.0 VC-JWT: the key from the DID document (kid = DID URL) or from the
    issuer's own JWK Set (kid = thumbprint), RS256 or EdDSA only, claims consistent with the
    credential, then the same schema, validity and status checks as an embedded proof."""
    report = Report()
    try:
        header = jwt.get_unverified_header(str(token))
        unverified = jwt.decode(str(token), options={"verify_signature": False})
    except (jwt.InvalidTokenError, ValueError):
        report.failed("format", "not-a-jwt")
        return report
    credential = vc_jwt.credential_of(unverified)
    if not _well_formed(credential, report):
        return report
    issuer_id = _issuer_id(credential)
    if unverified.get("iss") != issuer_id:
        report.failed("issuer-key", "iss-mismatch")
        return report
    try:
        key, how = _jwt_key(header, issuer_id, resolve_did, resolve_jwks, resolve_url)
    except Unreachable as exc:
        report.failed("issuer-key", "did-unreachable", unreachable=True, url=exc.url)
        return report
    if key is None:
        report.failed("issuer-key", "key-not-the-issuers", key=header.get("kid"), issuer=issuer_id)
        return report
    try:
        claims = vc_jwt.decode(str(token), key)
    except jwt.InvalidTokenError:
        report.failed("proof", "tampered")
        return report
    mismatch = _claims_mismatch(claims, credential)
    if mismatch:
        report.failed("proof", "claims-mismatch", claim=mismatch)
        return report
    report.passed("proof", "jwt-signed-by", algorithm=header.get("alg"), key=header.get("kid"))
    report.passed("issuer-key", how, issuer=issuer_id)
    _check_schema(credential, report)
    exp = claims.get("exp")
    _check_window(
        credential, now, report, exp if isinstance(exp, int) and not isinstance(exp, bool) else None
    )
    _check_status(credential, check_status, report)
    return report


def _claims_mismatch(claims: Json, credential: Json) -> str | None:
    """The registered claims must say what the credential says (OB 3.0, verifying a VC-JWT)."""
    if claims.get("jti") != credential.get("id"):
        return "jti"
    try:
        valid_from = _moment(credential.get("validFrom") or credential.get("issuanceDate"))
    except ValueError:
        return "nbf"
    if valid_from is None or claims.get("nbf") != int(valid_from.timestamp()):
        return "nbf"
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    if subject_id is not None and claims.get("sub") != subject_id:
        return "sub"
    return None


PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey
KEY_IN_TOKEN = "key-in-token"  # noqa: S105 - a check code: the token carries its own key


def _jwt_key(
    header: Json,
    issuer_id: str,
    resolve_did: DidResolver,
    resolve_jwks: JwksResolver,
    resolve_url: DocumentResolver | None,
) -> tuple[PublicKey | None, str]:
    """The key the header names, and how it belongs to the issuer (a check code): a DID URL
    of the issuer's DID document, a thumbprint in the issuer's JWK Set, an https URL on the
    issuer's own domain, or a ``jwk`` in the header itself (which proves no identity)."""
    kid, alg = header.get("kid"), header.get("alg")
    if alg not in vc_jwt.ALLOWED_ALGORITHMS:
        return None, "key-not-the-issuers"
    if kid is None and isinstance(header.get("jwk"), dict):
        return _from_jwk(header["jwk"], str(alg)), KEY_IN_TOKEN
    if not isinstance(kid, str):
        return None, "key-not-the-issuers"
    if kid.startswith(f"{issuer_id}#"):
        return _method_key(assertion_method(kid, issuer_id, resolve_did, {}), str(alg)), "key-of-issuer"
    if kid.startswith("https://") and resolve_url is not None:
        issuer_domain = domain_of(issuer_id)
        if issuer_domain is None or domain_of(kid) != issuer_domain:
            return None, "key-not-the-issuers"
        document = resolve_url(kid) or {}
        listed = document.get("keys")
        entries: list[Any] = listed if isinstance(listed, list) else [document]
        for entry in entries:
            if isinstance(entry, dict) and entry.get("kid") in (kid, None, kid.rsplit("#", 1)[-1]):
                return _from_jwk(entry, str(alg)), "key-of-issuer"
        return None, "key-not-the-issuers"
    jwks = resolve_jwks(issuer_id) or {}
    for entry in jwks.get("keys") or []:
        if isinstance(entry, dict) and entry.get("kid") == kid:
            return _from_jwk(entry, str(alg)), "key-of-issuer"
    return None, "key-not-the-issuers"


def _method_key(method: Json | None, alg: str) -> PublicKey | None:
    """The key of a DID document's verification method: a Multikey (Ed25519) or a JsonWebKey
    (``publicKeyJwk``, also under its former name JsonWebKey2020), of the kind ``alg`` needs."""
    if method is None:
        return None
    jwk = method.get("publicKeyJwk")
    if method.get("type") in ("JsonWebKey", "JsonWebKey2020") and isinstance(jwk, dict):
        return _from_jwk(jwk, alg)
    if method.get("type") == "Multikey" and alg == "EdDSA":
        try:
            raw = ed25519_from_multikey(str(method.get("publicKeyMultibase")))
        except ValueError:
            return None
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    return None


def _from_jwk(entry: Json, alg: str) -> PublicKey | None:
    """The public key of a JWK, when it is of the kind ``alg`` needs; never a private key's
    secret parts, never an HMAC secret."""
    if entry.get("kty") not in ("RSA", "OKP") or "d" in entry:
        return None
    try:
        key = jwt.PyJWK(entry, algorithm=alg).key
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
        return None
    if isinstance(key, rsa.RSAPublicKey) and alg == "RS256":
        return key
    if isinstance(key, ed25519.Ed25519PublicKey) and alg == "EdDSA":
        return key
    return None
