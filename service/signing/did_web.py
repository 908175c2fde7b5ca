"""did:web identifiers and DID documents for issuers (W3C did:web method).

``did:web:<host>:issuers:<id>`` resolves to ``https://<host>/issuers/<id>/did.json``; a port in
the host is percent-encoded (``%3A``). Every Ed25519 key the issuer ever had is listed as a
Multikey verification method, so proofs made before a rotation keep verifying.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from service.openbadges.contexts import DID_V1, MULTIKEY_V1
from service.signing.jwk import b64url_decode
from service.signing.multibase import ed25519_multikey


@dataclass(frozen=True, slots=True)
class PublishedKey:
    kid: str
    public_jwk: dict[str, str]


def issuer_did(public_host: str, issuer_id: str) -> str:
    return f"did:web:{quote(public_host, safe='')}:issuers:{issuer_id}"


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


def did_document(did: str, ed25519_keys: Iterable[PublishedKey]) -> dict[str, Any]:
    methods = [
        {
            "id": verification_method_id(did, key.kid),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": ed25519_multikey(b64url_decode(key.public_jwk["x"])),
        }
        for key in ed25519_keys
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
