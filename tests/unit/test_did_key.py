"""A credential whose issuer is a did:key verifies with no document fetched at all."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from service.signing.data_integrity import add_proof
from service.signing.did_key import did_key_document
from service.signing.multibase import ed25519_multikey
from service.verification.ob2 import Fetched
from service.verification.service import Verdict, verify_any
from tests.unit.test_data_integrity import credential

WHEN = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def nothing(url: str) -> Fetched:
    raise AssertionError(f"a did:key credential fetched {url}")


def test_a_did_key_issuer_needs_no_network() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    value = ed25519_multikey(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    did = f"did:key:{value}"
    unsigned = credential()
    unsigned["issuer"] = {**unsigned["issuer"], "id": did}
    signed = add_proof(unsigned, key, f"{did}#{value}", WHEN)
    import json

    result = verify_any(json.dumps(signed), fetch=nothing, now=WHEN)
    assert result.verdict is Verdict.VALID, result.report
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Autre"
    assert verify_any(json.dumps(tampered), fetch=nothing, now=WHEN).verdict is Verdict.INVALID
    other = ed25519.Ed25519PrivateKey.generate()
    forged = add_proof(unsigned, other, f"{did}#{value}", WHEN)  # signed by another key, claiming this one
    assert verify_any(json.dumps(forged), fetch=nothing, now=WHEN).verdict is Verdict.INVALID


def test_malformed_did_keys_have_no_document() -> None:
    assert did_key_document("did:key:z6MkNOTBASE58!!") is None
    assert did_key_document("did:key:zQ3sSecp256k1") is None  # not Ed25519
    assert did_key_document("did:web:example.org") is None
