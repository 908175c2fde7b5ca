"""did:key for Ed25519 keys (W3C did:key method v0.7): the DID *is* the public key, so its
document is derived, never fetched."""

from __future__ import annotations

from typing import Any

from service.openbadges.contexts import DID_V1, MULTIKEY_V1
from service.signing.multibase import ed25519_from_multikey


def did_key_document(did: str) -> dict[str, Any] | None:
    """The DID document of an Ed25519 ``did:key``, or None for anything else or malformed."""
    if not did.startswith("did:key:z6Mk"):
        return None
    value = did.removeprefix("did:key:").split("#", 1)[0]
    try:
        ed25519_from_multikey(value)
    except ValueError:
        return None
    method = f"did:key:{value}#{value}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": f"did:key:{value}",
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": f"did:key:{value}", "publicKeyMultibase": value}
        ],
        "assertionMethod": [method],
        "authentication": [method],
    }
