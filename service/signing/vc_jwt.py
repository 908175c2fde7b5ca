"""VC-JWT: the Open Badges 3.0 JSON Web Token proof format (1EdTech OB 3.0, "JSON Web Token
Proof Format").

The JWT payload is the credential itself (VC Data Model 2.0), without its embedded proof, with
the registered claims derived from it added: ``iss`` = issuer id, ``jti`` = credential id,
``nbf`` = validFrom, ``exp`` = validUntil, ``sub`` = credentialSubject.id when there is one. The
JOSE header names the algorithm, the key id and the public key (``jwk``). Reading, a payload
that wraps the credential in a ``vc`` claim (the VC Data Model 1.1 form, which this service
wrote before 2026-11-22) is accepted too, as the specification asks of verifiers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt

from service.signing.jwk import PublicKey, public_jwk
from service.signing.keystore import Algorithm, PrivateKey

ALLOWED_ALGORITHMS = [Algorithm.RS256.value, Algorithm.EDDSA.value]


def _epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


# RFC 7519 §4.1: the registered claim names, which are not members of a credential.
REGISTERED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})


def claims_for(credential: dict[str, Any]) -> dict[str, Any]:
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    issuer = unsecured["issuer"]
    claims: dict[str, Any] = {
        **unsecured,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": unsecured["id"],
        "nbf": _epoch(unsecured["validFrom"]),
    }
    if unsecured.get("validUntil"):
        claims["exp"] = _epoch(unsecured["validUntil"])
    subject = unsecured.get("credentialSubject") or {}
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    return claims


def credential_of(claims: dict[str, Any]) -> Any:
    """The credential a payload carries: the payload without its registered claims, or the
    ``vc`` claim of a VC Data Model 1.1 style token."""
    if "vc" in claims and "@context" not in claims:
        return claims["vc"]
    return {k: v for k, v in claims.items() if k not in REGISTERED_CLAIMS}


def encode(credential: dict[str, Any], private_key: PrivateKey, algorithm: Algorithm, kid: str) -> str:
    public: PublicKey = private_key.public_key()
    headers = {"kid": kid, "typ": "JWT", "jwk": public_jwk(public)}
    return jwt.encode(claims_for(credential), private_key, algorithm=algorithm.value, headers=headers)


def decode(token: str, key: PublicKey) -> dict[str, Any]:
    """The verified claims, or ``jwt.InvalidTokenError``. Only RS256 and EdDSA are accepted:
    never ``none``, never an HMAC keyed with a public key. Time claims are not judged here:
    the verifier reports the validity window against its injected clock."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise jwt.InvalidAlgorithmError(f"algorithm {header.get('alg')!r} is not accepted")
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=[header["alg"]],
        options={
            "require": ["iss", "jti", "nbf"],
            "verify_aud": False,
            "verify_exp": False,
            "verify_nbf": False,
        },
    )
    return claims
