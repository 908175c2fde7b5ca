import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from service.openbadges.ob3 import CONTEXT, CREDENTIAL_SCHEMA
from service.openbadges.schema import schema_errors
from service.signing.data_integrity import add_proof, canonicalize, verify_proof

KEY = ed25519.Ed25519PrivateKey.generate()
METHOD = "did:web:badges.example.test:issuers:aaaaaaaaaaaaaaaaaaaaaaaaaa#k1"
WHEN = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def credential() -> dict[str, Any]:
    return {
        "@context": list(CONTEXT),
        "id": "https://badges.example.test/awards/a/credential",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {"id": METHOD.split("#")[0], "type": ["Profile"], "name": "Coop"},
        "validFrom": "2026-11-22T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.example.test/badges/b/achievement",
                "type": ["Achievement"],
                "name": "Culture numérique",
                "description": "D",
                "criteria": {"narrative": "c"},
            },
        },
        "credentialSchema": copy.deepcopy(CREDENTIAL_SCHEMA),
    }


def resolve(method: str) -> ed25519.Ed25519PublicKey | None:
    return KEY.public_key() if method == METHOD else None


def test_sign_then_verify() -> None:
    signed = add_proof(credential(), KEY, METHOD, WHEN)
    proof = signed["proof"][0]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["created"] == "2026-11-22T10:00:00Z"
    assert proof["proofValue"].startswith("z")
    assert verify_proof(signed, resolve).verified
    assert schema_errors(signed) == []


def test_signing_does_not_touch_the_input() -> None:
    original = credential()
    add_proof(original, KEY, METHOD, WHEN)
    assert "proof" not in original


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["achievement"].update(name="Autre chose"),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["proof"][0].update(created="2026-11-23T10:00:00Z"),
        lambda c: c["proof"][0].update(proofPurpose="authentication"),
        lambda c: c["proof"][0].update(proofValue="z" + "1" * 80),
        lambda c: c["proof"][0].update(proofValue="not multibase"),
        lambda c: c["proof"][0].update(verificationMethod=METHOD + "x"),
        lambda c: c["proof"][0].update(cryptosuite="ecdsa-rdfc-2019"),
        lambda c: c.pop("proof"),
        lambda c: c.update({"@context": [*c["@context"], "https://unknown.example/context"]}),
        lambda c: c.update(proof="garbage"),
    ],
)
def test_any_change_breaks_the_proof(tamper: Any) -> None:
    signed = add_proof(credential(), KEY, METHOD, WHEN)
    tamper(signed)
    result = verify_proof(signed, resolve)
    assert not result.verified
    assert result.reason


def test_a_context_without_a_local_copy_is_never_fetched() -> None:
    """Contexts come only from schemas/contexts: an unknown one is an error, not a download."""
    from service.signing.data_integrity import ProofError

    document = credential()
    document["@context"].append("https://contexts.example.org/v1")
    with pytest.raises(ProofError, match="canonicalization failed"):
        canonicalize(document)
