import copy
import string
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from service.openbadges.contexts import CREDENTIALS_V2
from service.openbadges.ob3 import CONTEXT, CREDENTIAL_SCHEMA
from service.openbadges.schema import schema_errors
from service.signing.data_integrity import (
    add_proof,
    canonicalize,
    canonicalize_proof_configuration,
    proof_configuration,
    verify_proof,
)

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
    with pytest.raises(ProofError, match=r"unknown-context: https://contexts\.example\.org/v1"):
        canonicalize(document)


IRI_CHARS = st.text(
    alphabet=string.ascii_letters + string.digits + "._~:/?#@!$&'()*+,;=%-", min_size=1, max_size=40
)
WHENS = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 1, 1), timezones=st.just(UTC))


@settings(max_examples=60, deadline=None)
@given(
    method=st.one_of(
        st.builds(lambda s: f"did:web:badges.example.test:issuers:{s}", IRI_CHARS),
        st.builds(lambda s: f"https://h.example/{s}", IRI_CHARS),
    ),
    created=WHENS,
    context=st.sampled_from([list(CONTEXT), [CREDENTIALS_V2]]),
)
def test_the_direct_proof_configuration_form_equals_the_full_algorithm(
    method: str, created: datetime, context: list[str]
) -> None:
    config = proof_configuration({"@context": context}, method, created)
    assert canonicalize_proof_configuration(config) == canonicalize(config)


@pytest.mark.parametrize(
    "change",
    [
        {"proofPurpose": "authentication"},
        {"created": "2026-11-22T10:00:00.123Z"},
        {"verificationMethod": "did:web:x.example#a b"},  # not a plain IRI: the full algorithm decides
        {"extra": "x"},
        {"@context": ["https://www.w3.org/2018/credentials/v1"]},
    ],
)
def test_an_unusual_proof_configuration_takes_the_full_algorithm(change: dict[str, Any]) -> None:
    config = {**proof_configuration({"@context": list(CONTEXT)}, METHOD, WHEN), **change}
    try:
        expected: str | None = canonicalize(config)
    except Exception as exc:  # the full algorithm refuses it: so must the shortcut
        expected = None
        with pytest.raises(type(exc)):
            canonicalize_proof_configuration(config)
    if expected is not None:
        assert canonicalize_proof_configuration(config) == expected


# --- Safe mode: what JSON-LD would drop is never signed, so it must never pass -----------------


@pytest.mark.parametrize(
    ("added", "code", "term"),
    [
        ({"holderName": "Camille Martin"}, "undefined-term", "holderName"),
        ({"grade": "A"}, "undefined-term", "grade"),
        ({"issuanceDate": "2020-01-01T00:00:00Z"}, "undefined-term", "issuanceDate"),
        ({"credentialSubject": {"achievement": {"level": "expert"}}}, "undefined-term", "level"),
        ({"id": "relatif/123"}, "relative-iri", "relatif/123"),
        ({"type": ["VerifiableCredential", "AchievementCredential", "Diplome"]}, "relative-iri", "Diplome"),
    ],
)
def test_an_undefined_term_or_relative_iri_added_to_a_signed_credential_fails(
    added: dict[str, Any], code: str, term: str
) -> None:
    """Regression (issue 14, point 3): these additions are dropped by JSON-LD, so the signature
    still matched and the verifier said valid while Digital Bazaar and the DCC refuse them."""
    key = ed25519.Ed25519PrivateKey.generate()
    signed = add_proof(credential(), key, METHOD, WHEN)
    forged = copy.deepcopy(signed)
    for name, value in added.items():
        if isinstance(value, dict) and isinstance(forged.get(name), dict):
            forged[name]["achievement"].update(value["achievement"])
        else:
            forged[name] = value
    check = verify_proof(forged, lambda method: key.public_key())
    assert not check.verified
    assert (check.code, check.term) == (code, term)
    assert verify_proof(signed, lambda method: key.public_key()).verified


def test_inline_contexts_are_bounded_in_size_and_depth() -> None:
    """An inline context of deep scoped contexts (30 KB) ran past 100 s in expansion."""
    key = ed25519.Ed25519PrivateKey.generate()
    deep: dict[str, Any] = {"@vocab": "https://e.test/v#"}
    for level in range(6):
        deep = {f"p{level}": {"@id": f"https://e.test/p{level}", "@context": deep}}
    document = credential()
    document["@context"] = [*document["@context"], deep]
    check = verify_proof(
        add_proof(credential(), key, METHOD, WHEN) | {"@context": document["@context"]},
        lambda m: key.public_key(),
    )
    assert (check.verified, check.code) == (False, "inline-context-too-deep")
    large = {f"t{i}": f"https://e.test/terms#t{i}" for i in range(600)}
    document["@context"] = [*credential()["@context"], large]
    check = verify_proof(
        add_proof(credential(), key, METHOD, WHEN) | {"@context": document["@context"]},
        lambda m: key.public_key(),
    )
    assert (check.verified, check.code) == (False, "inline-context-too-large")
