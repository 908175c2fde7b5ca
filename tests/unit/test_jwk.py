import base64

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from service.signing import keystore
from service.signing.jwk import thumbprint
from service.signing.jws import sign_json, unverified_header, verify_json
from service.signing.keystore import Algorithm, KeyFileMissing, KeyStore

RFC7638_KEY = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",  # noqa: E501 - RFC 7638 §3.1 example key
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


def test_thumbprint_matches_rfc7638_example() -> None:
    assert thumbprint(RFC7638_KEY) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize("algorithm", list(Algorithm))
def test_generated_keys_have_thumbprint_ids(algorithm: Algorithm) -> None:
    key = keystore.generate(algorithm)
    assert key.kid == thumbprint(key.public_jwk)
    assert "d" not in key.public_jwk
    assert "p" not in key.public_jwk
    if algorithm is Algorithm.RS256:
        assert isinstance(key.private_key, rsa.RSAPrivateKey)
        assert key.private_key.key_size == 2048


@pytest.mark.parametrize("passphrase", [None, b"une phrase de passe assez longue"])
def test_keystore_round_trip_and_encryption(tmp_path, passphrase: bytes | None) -> None:  # type: ignore[no-untyped-def]
    store = KeyStore(tmp_path, passphrase)
    key = keystore.generate(Algorithm.EDDSA)
    path = store.save("a" * 26, key)
    pem = path.read_bytes()
    assert (b"ENCRYPTED" in pem) is (passphrase is not None)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = KeyStore(tmp_path, passphrase).load("a" * 26, key.kid)
    assert loaded.public_key().public_bytes_raw() == key.private_key.public_key().public_bytes_raw()  # type: ignore[union-attr]


def test_keystore_refuses_paths_outside_its_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = KeyStore(tmp_path)
    with pytest.raises(ValueError, match="invalid key location"):
        store.path_for("../../etc", "passwd")
    with pytest.raises(KeyFileMissing):
        store.load("b" * 26, "missing")


def test_jws_round_trip_and_tampering() -> None:
    key = keystore.generate(Algorithm.RS256)
    token = sign_json({"id": "urn:x", "name": "Médiation"}, key.private_key, Algorithm.RS256, key.kid)
    assert unverified_header(token) == {"alg": "RS256", "kid": key.kid}
    assert verify_json(token, key.public_pem, ["RS256"]) == {"id": "urn:x", "name": "Médiation"}
    header, _payload, signature = token.split(".")
    forged = base64.urlsafe_b64encode(b'{"id":"urn:y"}').rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify_json(f"{header}.{forged}.{signature}", key.public_pem, ["RS256"])


def test_jws_refuses_hs256_signed_with_the_public_key() -> None:
    """The classic key-confusion attack: an HMAC keyed with the published PEM."""
    key = keystore.generate(Algorithm.RS256)
    header = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(b'{"id":"urn:x"}').rstrip(b"=").decode()
    import hashlib
    import hmac

    mac = hmac.new(key.public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    with pytest.raises(jwt.InvalidAlgorithmError):
        verify_json(token, key.public_pem, ["RS256"])
