import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from service.signing.did_web import did_to_url, issuer_did
from service.signing.multibase import (
    base58btc_decode,
    base58btc_encode,
    ed25519_from_multikey,
    ed25519_multikey,
)
from service.usecases.commands import canonical_language


@given(st.binary(max_size=80))
def test_base58btc_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


def test_base58btc_known_values() -> None:
    # Vectors from the base58 draft (draft-msporny-base58): "Hello World!" and leading zeros.
    assert base58btc_encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert base58btc_encode(b"\x00\x00\x28\x7f\xb4\xcd") == "11233QC4"
    with pytest.raises(ValueError, match="base58btc"):
        base58btc_decode("0OIl")


@given(st.binary(min_size=32, max_size=32))
def test_ed25519_multikey_round_trip(raw: bytes) -> None:
    encoded = ed25519_multikey(raw)
    assert encoded.startswith("z6Mk")
    assert ed25519_from_multikey(encoded) == raw


def test_multikey_of_another_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Ed25519"):
        ed25519_from_multikey("z" + base58btc_encode(b"\x12\x00" + bytes(32)))


@pytest.mark.parametrize(
    ("host", "did", "url"),
    [
        (
            "badges.example.org",
            "did:web:badges.example.org:issuers:abc",
            "https://badges.example.org/issuers/abc/did.json",
        ),
        (
            "localhost:8000",
            "did:web:localhost%3A8000:issuers:abc",
            "https://localhost:8000/issuers/abc/did.json",
        ),
    ],
)
def test_did_web(host: str, did: str, url: str) -> None:
    assert issuer_did(host, "abc") == did
    assert did_to_url(did) == url
    assert did_to_url(did + "#key-1") == url


@pytest.mark.parametrize("bad", ["did:key:z6Mk", "did:web:", "did:web:host::x", "did:web:host:a%2Fb"])
def test_malformed_dids(bad: str) -> None:
    with pytest.raises(ValueError, match="did:web"):
        did_to_url(bad)


@pytest.mark.parametrize(
    ("given_tag", "canonical"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-fr", "fr-FR"),
        ("fr_FR", "fr-FR"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
    ],
)
def test_language_tags_take_the_schema_case(given_tag: str, canonical: str) -> None:
    assert canonical_language(given_tag) == canonical


@pytest.mark.parametrize("bad", ["français", "f", "fr-", "en-GB-oxendict", ""])
def test_language_tags_the_schema_refuses(bad: str) -> None:
    with pytest.raises(PydanticCustomError) as refused:
        canonical_language(bad)
    assert refused.value.type == "language-tag-invalid"
