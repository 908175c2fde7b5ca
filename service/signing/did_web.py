"""did:web identifiers and DID documents for issuers (W3C did:web method).

``did:web:<host>:issuers:<id>`` resolves to ``https://<host>/issuers/<id>/did.json``; a port in
the host is percent-encoded (``%3A``). Every Ed25519 key the issuer has not withdrawn is listed as
a Multikey verification method and every VC-JWT key as a JsonWebKey one, all in
``assertionMethod``: what was signed before a rotation keeps verifying, and a VC-JWT's ``kid``
(a DID URL) ties its key to the issuer's identity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from service.openbadges.contexts import DID_V1, JWK_V1, MULTIKEY_V1
from service.signing.jwk import b64url_decode
from service.signing.multibase import ed25519_multikey


@dataclass(frozen=True, slots=True)
class PublishedKey:
    kid: str
    public_jwk: dict[str, str]


def issuer_did(public_host: str, issuer_id: str) -> str:
    return f"did:web:{quote(public_host, safe='')}:issuers:{issuer_id}"


def endorser_did(public_host: str, endorser_id: str) -> str:
    """An endorser hosted here: ``did:web:<host>:endorsers:<id>`` (``/endorsers/<id>/did.json``)."""
    return f"did:web:{quote(public_host, safe='')}:endorsers:{endorser_id}"


def did_to_url(did: str) -> str:
    """The https URL of a did:web DID's document (did:web §3.2 Read)."""
    if not did.startswith("did:web:"):
        raise ValueError("not a did:web DID")
    parts = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    host, path = unquote(parts[0]), [unquote(p) for p in parts[1:]]
    if not host or any(not p or "/" in p for p in path):
        raise ValueError("malformed did:web DID")
    return f"https://{host}/{'/'.join(path)}/did.json" if path else f"https://{host}/.well-known/did.json"


def verification_method_id(did: str, kid: str) -> str:
    return f"{did}#{kid}"


def did_document(
    did: str, ed25519_keys: Iterable[PublishedKey], json_web_keys: Iterable[PublishedKey] = ()
) -> dict[str, Any]:
    multikeys = [
        {
            "id": verification_method_id(did, key.kid),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": ed25519_multikey(b64url_decode(key.public_jwk["x"])),
        }
        for key in ed25519_keys
    ]
    jwks = [
        {
            "id": verification_method_id(did, key.kid),
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": dict(key.public_jwk),
        }
        for key in json_web_keys
    ]
    context = [DID_V1, MULTIKEY_V1] + ([JWK_V1] if jwks else [])
    return {
        "@context": context,
        "id": did,
        "verificationMethod": multikeys + jwks,
        "assertionMethod": [m["id"] for m in multikeys + jwks],
        "authentication": [m["id"] for m in multikeys],
    }
