"""The wallet's key, and its proof of possession (OpenID for Verifiable Credential Issuance 1.0,
§8.2.1 and Appendix F.1): a JWT typed ``openid4vci-proof+jwt``, signed by the holder's key,
naming this issuer as audience and carrying the nonce this issuer gave.

The key is named by a DID URL in ``kid`` (``did:key`` Ed25519 or P-256, ``did:jwk``) or given as a
``jwk`` header; a bare ``jwk`` becomes a ``did:jwk``, so that every holder-bound credential names
its holder by a DID. Verification returns the holder or the code of why not; it never raises on
what the wallet sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from service.signing.data_integrity import Canonicalize
from service.signing.data_integrity import verify_proof as verify_data_integrity
from service.signing.jwk import b64url, b64url_decode
from service.signing.multibase import ED25519_PUB_PREFIX, from_multibase_z

PROOF_TYPE = "openid4vci-proof+jwt"
ALGORITHMS = ("EdDSA", "ES256")
P256_PUB_PREFIX = b"\x80\x24"  # multicodec p256-pub (0x1200), as a varint
MAX_PROOF_BYTES = 8192
MAX_AGE = timedelta(minutes=5)  # a proof made longer ago, or in the future, is refused
HolderKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


@dataclass(frozen=True, slots=True)
class Holder:
    did: str  # did:key or did:jwk, without fragment
    nonce: str


@dataclass(frozen=True, slots=True)
class ProofRefused:
    code: str  # proof-malformed | proof-type | proof-algorithm | proof-key | proof-signature |
    # proof-audience | proof-time | proof-nonce-missing


def key_of_did(did_url: str) -> tuple[str, HolderKey] | None:
    """(the DID, its key) for a did:key (Ed25519, P-256) or did:jwk (OKP Ed25519, EC P-256)."""
    did = did_url.split("#", 1)[0]
    try:
        if did.startswith("did:key:z"):
            decoded = from_multibase_z(did.removeprefix("did:key:"))
            if decoded.startswith(ED25519_PUB_PREFIX) and len(decoded) == 34:
                return did, ed25519.Ed25519PublicKey.from_public_bytes(decoded[2:])
            if decoded.startswith(P256_PUB_PREFIX) and len(decoded) == 35:
                return did, ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), decoded[2:])
            return None
        if did.startswith("did:jwk:") and len(did) < 2048:
            found = key_of_jwk(json.loads(b64url_decode(did.removeprefix("did:jwk:"))))
            return (did, found) if found is not None else None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return None


def key_of_jwk(jwk: Any) -> HolderKey | None:
    """A public Ed25519 or P-256 key from a JWK; None for anything else, and for a private key."""
    if not isinstance(jwk, dict) or "d" in jwk:
        return None
    try:
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            key = OKPAlgorithm.from_jwk(json.dumps(jwk))
            return key if isinstance(key, ed25519.Ed25519PublicKey) else None
        if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
            ec_key = ECAlgorithm.from_jwk(json.dumps(jwk))
            return ec_key if isinstance(ec_key, ec.EllipticCurvePublicKey) else None
    except (jwt.InvalidKeyError, ValueError, TypeError, KeyError):
        return None
    return None


def did_jwk(jwk: dict[str, Any]) -> str:
    """did:jwk of a public key: its public members only, in a stable order."""
    public = {k: jwk[k] for k in ("crv", "kty", "x", "y") if k in jwk}
    return "did:jwk:" + b64url(json.dumps(public, separators=(",", ":"), sort_keys=True).encode())


def verify_proof(token: Any, *, audience: str, now: datetime) -> Holder | ProofRefused:
    """The holder a proof JWT names, once its type, key, signature, audience and time are right.
    The nonce is returned for the caller to check against the nonces it gave (single use)."""
    if not isinstance(token, str) or len(token) > MAX_PROOF_BYTES or token.count(".") != 2:
        return ProofRefused("proof-malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return ProofRefused("proof-malformed")
    if header.get("typ") != PROOF_TYPE:
        return ProofRefused("proof-type")
    if header.get("alg") not in ALGORITHMS:
        return ProofRefused("proof-algorithm")
    holder = _holder_key(header)
    if holder is None:
        return ProofRefused("proof-key")
    did, key = holder
    expected = "EdDSA" if isinstance(key, ed25519.Ed25519PublicKey) else "ES256"
    if header["alg"] != expected:
        return ProofRefused("proof-algorithm")
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[expected],
            audience=audience,
            options={"require": ["aud", "iat"], "verify_exp": True, "verify_iat": False},
        )
    except jwt.InvalidAudienceError:
        return ProofRefused("proof-audience")
    except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError):
        return ProofRefused("proof-time")
    except jwt.PyJWTError:
        return ProofRefused("proof-signature")
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or abs(now.timestamp() - issued) > MAX_AGE.total_seconds():
        return ProofRefused("proof-time")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        return ProofRefused("proof-nonce-missing")
    return Holder(did, nonce)


def _holder_key(header: dict[str, Any]) -> tuple[str, HolderKey] | None:
    kid, jwk = header.get("kid"), header.get("jwk")
    if (kid is None) == (jwk is None):  # exactly one of them (F.1)
        return None
    if isinstance(kid, str):
        return key_of_did(kid) if kid.startswith("did:") else None
    key = key_of_jwk(jwk)
    if key is None or not isinstance(jwk, dict):
        return None
    return did_jwk(jwk), key


# DID authentication (VC-API exchanges, the Learner Credential Wallet): a presentation signed by
# the holder's did:key, over the issuer's challenge (and domain when the request gave one).


def check_did_authentication(
    presentation: Any,
    *,
    challenge: str,
    domain: str | None,
    canonicalize: Canonicalize,
) -> str | ProofRefused:
    """The holder's DID when ``presentation`` proves control of it for this challenge; the code
    of why not otherwise. Ed25519Signature2020 (what the wallet signs with) and DataIntegrityProof
    ``eddsa-rdfc-2022``, by an Ed25519 did:key that is the presentation's holder."""
    if not isinstance(presentation, dict):
        return ProofRefused("vp-malformed")
    types = presentation.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        return ProofRefused("vp-malformed")
    holder = presentation.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    found = key_of_did(holder) if isinstance(holder, str) and holder.startswith("did:key:") else None
    if found is None or "#" in str(holder):
        return ProofRefused("vp-holder")
    did, found_key = found
    if not isinstance(found_key, ed25519.Ed25519PublicKey):
        return ProofRefused("vp-holder")
    key: ed25519.Ed25519PublicKey = found_key
    proofs = presentation.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else proofs
    if not isinstance(proof, dict):
        return ProofRefused("vp-malformed")
    if proof.get("challenge") != challenge:
        return ProofRefused("vp-challenge")
    if (domain is not None or "domain" in proof) and proof.get("domain") != domain:
        return ProofRefused("vp-domain")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or method.split("#", 1)[0] != did:
        return ProofRefused("vp-key")

    def key_for(method_id: str) -> ed25519.Ed25519PublicKey | None:
        return key if method_id.split("#", 1)[0] == did else None

    checked = verify_data_integrity(presentation, key_for, canonicalize, purpose="authentication")
    if checked.code == "graph-too-complex":
        return ProofRefused("vp-unverifiable")
    if not checked.verified:
        return ProofRefused("vp-signature" if checked.code == "signature-mismatch" else "vp-malformed")
    return did
