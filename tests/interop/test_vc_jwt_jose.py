"""`jose` (panva, pinned in tests/interop/node) verifies our VC-JWTs: RS256 against the
JsonWebKey method of the issuer's DID document that the kid names (a DID URL listed in
``assertionMethod``), EdDSA against its Multikey, tokens from before 2026-12-03 (a thumbprint
kid) against the issuer's JWK Set; tampered tokens, a key of another issuer, a key the DID
document does not list and expired tokens are refused."""

from __future__ import annotations

import base64
import json
import subprocess
from datetime import timedelta
from pathlib import Path
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
from tests.api.conftest import World
from tests.factories import auth, issue_award
from tests.interop.test_ob3_digitalbazaar import NODE_DIR, node_verifier

pytestmark = pytest.mark.interop
__all__ = ["node_verifier"]
NOW = "2026-11-22T12:00:00Z"


def jose_verify(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", NODE_DIR / "verify_jwt.mjs"],
        input=json.dumps({"tokens": tokens}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=NODE_DIR,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output: list[dict[str, Any]] = json.loads(result.stdout)
    return output


def item(client: TestClient, issuer_id: str, token: str, at: str = NOW) -> dict[str, Any]:
    return {
        "token": token,
        "jwks": client.get(f"/issuers/{issuer_id}/jwks.json").json(),
        "didDocument": client.get(f"/issuers/{issuer_id}/did.json").json(),
        "at": at,
    }


def test_jose_verifies_rs256_and_eddsa(node_verifier: Path, client: TestClient, world: World) -> None:
    rs256 = client.get(f"/awards/{world.award_id}/credential.jwt").text
    eddsa = client.get(f"/awards/{world.award_id}/credential.jwt", params={"alg": "EdDSA"}).text
    results = jose_verify([item(client, world.issuer_id, rs256), item(client, world.issuer_id, eddsa)])
    assert [r["verified"] for r in results] == [True, True], results
    assert {r["iss"] for r in results} == {f"did:web:badges.example.test:issuers:{world.issuer_id}"}


def test_jose_refuses_tampered_foreign_and_expired(
    node_verifier: Path, client: TestClient, world: World, database: Database
) -> None:
    token = client.get(f"/awards/{world.award_id}/credential.jwt").text
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["name"] = "Autre"
    tampered = (
        f"{header}.{base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b'=').decode()}.{signature}"
    )
    with database.transaction() as session:
        other = SigningKeys(session).active(world.other_issuer_id, KeyPurpose.VC_JWT)
        assert other is not None
    keys = client.app.state.services.keys  # type: ignore[attr-defined]
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    foreign = vc_jwt.encode(
        credential, keys.load(world.other_issuer_id, other.kid), Algorithm.RS256, other.kid
    )
    expiring = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    expiring_token = client.get(f"/awards/{expiring['id']}/credential.jwt").text
    results = jose_verify(
        [
            item(client, world.issuer_id, tampered),
            item(client, world.issuer_id, foreign),  # the issuer's JWKS does not hold the other's key
            item(client, world.issuer_id, expiring_token, at="2027-01-01T00:00:00Z"),
        ]
    )
    assert [r["verified"] for r in results] == [False, False, False], results
    assert "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in results[0]["error"]
    assert "ERR_JWKS_NO_MATCHING_KEY" in results[1]["error"]
    assert "ERR_JWT_EXPIRED" in results[2]["error"]


def test_jose_refuses_a_retired_then_withdrawn_key(
    node_verifier: Path, client: TestClient, world: World, clock: FixedClock
) -> None:
    from tests.api.test_key_withdrawal import rotate_then_withdraw_old

    rs256 = client.get(f"/awards/{world.award_id}/credential.jwt").text
    eddsa = client.get(f"/awards/{world.award_id}/credential.jwt", params={"alg": "EdDSA"}).text
    rotate_then_withdraw_old(client, world, clock)
    results = jose_verify([item(client, world.issuer_id, rs256), item(client, world.issuer_id, eddsa)])
    assert [r["verified"] for r in results] == [False, False], results
    assert all("no assertion method" in r["error"] for r in results), results


def test_jose_ties_the_rs256_key_to_the_did_document_across_a_rotation(
    node_verifier: Path, client: TestClient, world: World, clock: FixedClock, database: Database
) -> None:
    """Regression (issue 15, point 2): the RS256 kid was a bare thumbprint, so a token re-signed
    with any RSA key under the issuer's name passed as well as ours wherever the verifier took
    the key from the token. Now the key is the DID document's, and a token made before a
    VC-JWT rotation keeps verifying (the retired key stays listed)."""
    before = client.get(f"/awards/{world.award_id}/credential.jwt").text
    kid = jwt.get_unverified_header(before)["kid"]
    assert kid.startswith(f"did:web:badges.example.test:issuers:{world.issuer_id}#")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    impostor = jwt.encode(vc_jwt.claims_for(credential), stranger, algorithm="RS256", headers={"kid": kid})
    with database.transaction() as session:
        key = SigningKeys(session).active(world.issuer_id, KeyPurpose.VC_JWT)
        assert key is not None
    keys = client.app.state.services.keys  # type: ignore[attr-defined]
    thumbprint_kid = vc_jwt.encode(credential, keys.load(world.issuer_id, key.kid), Algorithm.RS256, key.kid)
    clock.advance(timedelta(days=1))
    rotated = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/rotate",
        params={"purpose": "vc-jwt"},
        headers=auth(world.coordinator),
    )
    assert rotated.status_code == 201
    after = client.get(
        f"/awards/{issue_award(client, world.coordinator, world.badge_class_id)['id']}/credential.jwt"
    ).text
    assert jwt.get_unverified_header(after)["kid"] != kid
    results = jose_verify(
        [
            item(client, world.issuer_id, token, at="2026-11-24T00:00:00Z")
            for token in (before, after, thumbprint_kid, impostor)
        ]
    )
    assert [r["verified"] for r in results] == [True, True, True, False], results
    assert "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" in results[3]["error"]
