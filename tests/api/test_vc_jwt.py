"""OB 3.0 VC-JWT: issued RS256 (EdDSA on request), verified by our verifier; named attacks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.persistence.database import Database
from service.persistence.repositories import SigningKeys
from service.signing import vc_jwt
from service.signing.keystore import Algorithm, KeyPurpose
from service.verification.ob3 import verify_jwt
from service.verification.report import Outcome
from tests.api.conftest import World
from tests.api.test_ob3 import did_resolver, status_checker
from tests.factories import issue_award

DID_PREFIX = "did:web:badges.example.test:issuers:"


def jwks_resolver(client: TestClient):  # type: ignore[no-untyped-def]
    def resolve(issuer_did: str) -> dict[str, Any] | None:
        issuer_id = issuer_did.removeprefix(DID_PREFIX)
        response = client.get(f"/issuers/{issuer_id}/jwks.json")
        return response.json() if response.status_code == 200 else None

    return resolve


def verify(client: TestClient, token: str, clock: FixedClock):  # type: ignore[no-untyped-def]
    return verify_jwt(
        token,
        resolve_did=did_resolver(client),
        resolve_jwks=jwks_resolver(client),
        now=clock.now(),
        check_status=status_checker(client),
    )


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_rs256_and_eddsa_tokens(client: TestClient, world: World, clock: FixedClock) -> None:
    award = client.get(
        f"/api/v1/awards/{world.award_id}", headers={"Authorization": f"Bearer {world.viewer}"}
    ).json()
    rs256 = client.get(award["credential_jwt_url"].removeprefix("https://badges.example.test"))
    assert rs256.headers["content-type"] == "application/jwt"
    header = jwt.get_unverified_header(rs256.text)
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert header["jwk"]["kty"] == "RSA"
    did_document = client.get(f"/issuers/{world.issuer_id}/did.json").json()
    assert header["kid"].startswith(DID_PREFIX + world.issuer_id + "#")
    assert header["kid"] in did_document["assertionMethod"]
    (method,) = [m for m in did_document["verificationMethod"] if m["id"] == header["kid"]]
    assert (method["type"], method["controller"]) == ("JsonWebKey", DID_PREFIX + world.issuer_id)
    assert method["publicKeyJwk"] == header["jwk"]
    assert "https://w3id.org/security/jwk/v1" in did_document["@context"]
    claims = jwt.decode(rs256.text, options={"verify_signature": False})
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    assert vc_jwt.credential_of(claims) == {k: v for k, v in credential.items() if k != "proof"}
    assert "vc" not in claims  # VC Data Model 2.0: the payload is the credential
    assert claims["iss"] == DID_PREFIX + world.issuer_id
    assert claims["jti"] == credential["id"]
    assert claims["nbf"] == 1795341600  # 2026-11-22T10:00:00Z
    eddsa = client.get(f"/awards/{world.award_id}/credential.jwt", params={"alg": "EdDSA"}).text
    assert jwt.get_unverified_header(eddsa)["kid"] == credential["proof"][0]["verificationMethod"]
    assert (
        client.get(f"/awards/{world.award_id}/credential.jwt", params={"alg": "EdDSA"}).text == eddsa
    )  # stable
    for token in (rs256.text, eddsa):
        report = verify(client, token, clock)
        assert report.valid, report.checks


def test_alg_none_and_hs256_with_the_public_key_are_refused(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    token = client.get(f"/awards/{world.award_id}/credential.jwt").text
    _, payload, _ = token.split(".")
    original = jwt.get_unverified_header(token)
    none_token = f"{b64({'alg': 'none', 'kid': original['kid']})}.{payload}."
    assert verify(client, none_token, clock).outcome_of("issuer-key") is Outcome.FAILED
    thumbprint = original["kid"].split("#")[1]  # the kid is the key's DID URL
    pem = client.get(f"/keys/{thumbprint}").json()["publicKeyPem"].encode()
    hs_header = b64({"alg": "HS256", "kid": original["kid"], "typ": "JWT"})
    mac = hmac.new(pem, f"{hs_header}.{payload}".encode(), hashlib.sha256).digest()
    report = verify(client, f"{hs_header}.{payload}.{b64(mac)}", clock)
    assert not report.valid
    assert report.outcome_of("proof") is not Outcome.PASSED
    with pytest.raises(jwt.InvalidTokenError):
        vc_jwt.decode(
            f"{hs_header}.{payload}.{b64(mac)}",
            jwt.PyJWK(client.get(f"/issuers/{world.issuer_id}/jwks.json").json()["keys"][0]).key,
        )


def signed_by_the_other_issuer(client: TestClient, world: World, database: Database) -> str:
    """The world's credential as a VC-JWT signed with the other issuer's active RS256 key."""
    keys = client.app.state.services.keys  # type: ignore[attr-defined]
    with database.transaction() as session:
        other = SigningKeys(session).active(world.other_issuer_id, KeyPurpose.VC_JWT)
        assert other is not None
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    return vc_jwt.encode(credential, keys.load(world.other_issuer_id, other.kid), Algorithm.RS256, other.kid)


def test_a_token_signed_by_any_other_rsa_key_never_passes_for_the_issuers(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    """Regression (issue 15, point 2): the RS256 kid was a bare thumbprint and the key was not in
    the DID document, so nothing the issuer publishes tied it to the issuer. Now the kid is a DID
    URL of a JsonWebKey method the issuer lists; a token re-signed with another RSA key under
    that kid fails its proof, and one carrying only its own key proves no identity."""
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    token = client.get(f"/awards/{world.award_id}/credential.jwt").text
    kid = jwt.get_unverified_header(token)["kid"]
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    under_our_kid = jwt.encode(
        vc_jwt.claims_for(credential), stranger, algorithm="RS256", headers={"kid": kid}
    )
    report = verify(client, under_our_kid, clock)
    assert report.outcome_of("proof") is Outcome.FAILED
    assert not report.valid
    self_keyed = vc_jwt.encode(credential, stranger, Algorithm.RS256, kid="")
    header = jwt.get_unverified_header(self_keyed)
    bare = jwt.encode(
        vc_jwt.claims_for(credential), stranger, algorithm="RS256", headers={"jwk": header["jwk"]}
    )
    (key_check,) = [c for c in verify(client, bare, clock).checks if c.name == "issuer-key"]
    assert key_check.code == "key-in-token"  # its own key: no tie to any issuer (identity "none")
    foreign_fragment = f"{DID_PREFIX}{world.other_issuer_id}#{kid.split('#')[1]}"
    elsewhere = jwt.encode(
        vc_jwt.claims_for(credential), stranger, algorithm="RS256", headers={"kid": foreign_fragment}
    )
    assert verify(client, elsewhere, clock).outcome_of("issuer-key") is Outcome.FAILED


def test_a_kid_of_another_issuer_is_refused(
    client: TestClient, world: World, clock: FixedClock, database: Database
) -> None:
    report = verify(client, signed_by_the_other_issuer(client, world, database), clock)
    assert report.outcome_of("issuer-key") is Outcome.FAILED
    assert not report.valid


def test_tampered_and_expired_tokens(client: TestClient, world: World, clock: FixedClock) -> None:
    token = client.get(f"/awards/{world.award_id}/credential.jwt").text
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["achievement"]["name"] = "Autre"
    assert verify(client, f"{header}.{b64(claims)}.{signature}", clock).outcome_of("proof") is Outcome.FAILED
    expiring = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    expiring_token = client.get(f"/awards/{expiring['id']}/credential.jwt").text
    assert jwt.decode(expiring_token, options={"verify_signature": False})["exp"] == 1796083200
    clock.advance(timedelta(days=30))
    late = verify(client, expiring_token, clock)
    assert late.outcome_of("proof") is Outcome.PASSED
    assert late.outcome_of("validity") is Outcome.FAILED
    for junk in ("", "a.b", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.", 42, None):
        assert not verify(client, junk, clock).valid  # type: ignore[arg-type]


def test_issuer_jwks_holds_only_its_keys(client: TestClient, world: World) -> None:
    mine = {k["kid"] for k in client.get(f"/issuers/{world.issuer_id}/jwks.json").json()["keys"]}
    theirs = {k["kid"] for k in client.get(f"/issuers/{world.other_issuer_id}/jwks.json").json()["keys"]}
    assert len(mine) == 3  # OB 2.0, VC-JWT, Data Integrity
    assert not mine & theirs
    everything = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    assert mine | theirs == everything


def test_the_vc_claim_form_of_vc_data_model_1_1_still_verifies_and_claims_must_agree(
    client: TestClient, world: World, clock: FixedClock, database: Database
) -> None:
    keys = client.app.state.services.keys  # type: ignore[attr-defined]
    with database.transaction() as session:
        key = SigningKeys(session).active(world.issuer_id, KeyPurpose.VC_JWT)
        assert key is not None
    private = keys.load(world.issuer_id, key.kid)
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    current = vc_jwt.claims_for(credential)
    registered = {k: v for k, v in current.items() if k in vc_jwt.REGISTERED_CLAIMS}
    headers = {"kid": key.kid, "typ": "JWT"}
    legacy = jwt.encode({**registered, "vc": unsecured}, private, algorithm="RS256", headers=headers)
    assert verify(client, legacy, clock).valid  # as the tokens this service wrote before
    for claim, value, reason in (
        ("nbf", current["nbf"] + 3600, "nbf claim does not match"),
        ("jti", "urn:uuid:autre", "jti claim does not match"),
        ("sub", "urn:uuid:00000000-0000-5000-8000-000000000000", "sub claim does not match"),
    ):
        lying = jwt.encode({**current, claim: value}, private, algorithm="RS256", headers=headers)
        report = verify(client, lying, clock)
        assert report.outcome_of("proof") is Outcome.FAILED
        assert reason in next(c.reason for c in report.checks if c.name == "proof")


def test_every_vc_jwt_names_its_subject_in_sub(client: TestClient, world: World) -> None:
    """Regression (issue 15, point 1): OB 3.0 requires the ``sub`` claim, the credential
    subject's id; the subject had none. Now a URN of the award alone, the same each time."""
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    subject_id = credential["credentialSubject"]["id"]
    assert subject_id.startswith("urn:uuid:")
    for alg in ("RS256", "EdDSA"):
        token = client.get(f"/awards/{world.award_id}/credential.jwt", params={"alg": alg}).text
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["sub"] == subject_id
    other = issue_award(client, world.coordinator, world.badge_class_id, recipient_email="c@example.fr")
    assert client.get(f"/awards/{other['id']}/credential").json()["credentialSubject"]["id"] != subject_id
