"""Issue 19, point 5: what a wallet (or someone playing one) gets for each wrong move in the
OID4VCI pre-authorized flow: codes, tokens and nonces single use and short lived, a proof for
another audience or nonce refused, a wrong transaction code counted, answers in the protocols'
JSON. The whole flow with an independent client is in tests/interop/test_oid4vci.py."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.signing.holder import did_jwk
from service.signing.jwk import b64url
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL, START
from tests.factories import auth, earner_link

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIG = "OpenBadgeCredential_ldp_vc"
NOW = START  # the app's clock in tests: proofs are made at its time, not the wall clock's


def offer(client: TestClient, award_id: str) -> tuple[dict[str, Any], str, str]:
    """(the offer document, its id, the transaction code) from the earner's page."""
    page = client.post(f"{earner_link(client, award_id)}/portefeuille", headers={"Accept": "text/html"})
    assert page.status_code == 200
    uri = unescape(re.search(r'<a href="(openid-credential-offer://[^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    tx_code = re.search(r'<strong class="tx-code">(\d{6})</strong>', page.text).group(1)  # type: ignore[union-attr]
    path = unquote(uri.split("credential_offer_uri=", 1)[1]).removeprefix(PUBLIC_URL)
    document = client.get(path).json()
    return document, path.rsplit("/", 1)[1], tx_code


def token(client: TestClient, code: str, tx_code: str | None) -> Any:
    data = {"grant_type": PRE_AUTH, "pre-authorized_code": code}
    if tx_code is not None:
        data["tx_code"] = tx_code
    return client.post("/oid4vci/token", data=data)


def nonce(client: TestClient) -> str:
    answer = client.post("/oid4vci/nonce")
    assert answer.headers["cache-control"].startswith("no-store")
    value: str = answer.json()["c_nonce"]
    return value


def proof(
    key: ed25519.Ed25519PrivateKey,
    c_nonce: str,
    *,
    aud: str = PUBLIC_URL,
    iat: float | None = None,
    **header: Any,
) -> str:
    public = key.public_key().public_bytes_raw()
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public)}
    headers = {"typ": "openid4vci-proof+jwt", "kid": did_jwk(jwk) + "#0", **header}
    claims = {"aud": aud, "iat": int(iat if iat is not None else NOW.timestamp()), "nonce": c_nonce}
    return jwt.encode(claims, key, algorithm="EdDSA", headers=headers)


def ask(client: TestClient, access_token: str, proof_jwt: Any, **body: Any) -> Any:
    return client.post(
        "/oid4vci/credential",
        json={"credential_configuration_id": CONFIG, "proofs": {"jwt": [proof_jwt]}, **body},
        headers={"Authorization": f"Bearer {access_token}"},
    )


def access(client: TestClient, world: World) -> str:
    document, _, tx_code = offer(client, world.award_id)
    code = document["grants"][PRE_AUTH]["pre-authorized_code"]
    answer = token(client, code, tx_code)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"].startswith("no-store")
    value: str = answer.json()["access_token"]
    return value


def test_metadata_names_the_endpoints_and_what_is_offered(client: TestClient) -> None:
    issuer = client.get("/.well-known/openid-credential-issuer").json()
    assert issuer["credential_issuer"] == PUBLIC_URL
    assert issuer["credential_endpoint"] == f"{PUBLIC_URL}/oid4vci/credential"
    assert issuer["nonce_endpoint"] == f"{PUBLIC_URL}/oid4vci/nonce"
    configuration = issuer["credential_configurations_supported"][CONFIG]
    assert configuration["format"] == "ldp_vc"
    assert configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == [
        "EdDSA",
        "ES256",
    ]
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["token_endpoint"] == f"{PUBLIC_URL}/oid4vci/token"
    assert server["pre-authorized_grant_anonymous_access_supported"] is True


def test_the_offer_holds_no_transaction_code_and_the_page_no_personal_data_in_urls(
    client: TestClient, world: World
) -> None:
    document, offer_id, tx_code = offer(client, world.award_id)
    assert document["credential_configuration_ids"] == [CONFIG, "OpenBadgeCredential_jwt_vc_json"]
    grant = document["grants"][PRE_AUTH]
    assert grant["tx_code"] == {"input_mode": "numeric", "length": 6}
    assert tx_code not in repr(document)
    assert "camille" not in repr(document).lower()
    assert re.fullmatch(r"[a-z2-7]{26}", offer_id)


def test_a_wrong_transaction_code_is_counted_and_five_void_the_offer(
    client: TestClient, world: World
) -> None:
    document, _, tx_code = offer(client, world.award_id)
    code = document["grants"][PRE_AUTH]["pre-authorized_code"]
    wrong = "000000" if tx_code != "000000" else "111111"
    missing = token(client, code, None)
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_grant")
    for _ in range(4):
        refused = token(client, code, wrong)
        assert refused.json()["error"] == "invalid_grant"
        assert "code de confirmation" in refused.json()["error_description"]
    assert token(client, code, tx_code).json()["error"] == "invalid_grant"  # the fifth failure was counted
    assert token(client, "forged", tx_code).json()["error"] == "invalid_grant"
    grant = client.post("/oid4vci/token", data={"grant_type": "authorization_code", "code": "x"})
    assert grant.json()["error"] == "unsupported_grant_type"


def test_a_code_serves_once_and_an_offer_expires(client: TestClient, world: World, clock: FixedClock) -> None:
    document, offer_id, tx_code = offer(client, world.award_id)
    code = document["grants"][PRE_AUTH]["pre-authorized_code"]
    assert token(client, code, tx_code).status_code == 200
    assert token(client, code, tx_code).json()["error"] == "invalid_grant"
    assert client.get(f"/oid4vci/offres/{offer_id}").status_code == 410  # used: no longer offered
    late, late_id, late_code = offer(client, world.award_id)
    clock.advance(timedelta(minutes=11))
    assert client.get(f"/oid4vci/offres/{late_id}").status_code == 410
    expired = token(client, late["grants"][PRE_AUTH]["pre-authorized_code"], late_code)
    assert expired.json()["error"] == "invalid_grant"


def test_proofs_are_checked_and_nonces_serve_once(client: TestClient, world: World) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    access_token = access(client, world)
    cases = {
        "invalid_nonce": proof(key, "never-given"),
        "invalid_proof": proof(key, nonce(client), aud="https://elsewhere.example"),
    }
    for error, bad in cases.items():
        answer = ask(client, access_token, bad)
        assert (answer.status_code, answer.json()["error"]) == (400, error), answer.json()
    old = proof(key, nonce(client), iat=NOW.timestamp() - 3600)
    assert ask(client, access_token, old).json()["error"] == "invalid_proof"
    untyped = proof(key, nonce(client), typ="JWT")
    assert ask(client, access_token, untyped).json()["error"] == "invalid_proof"
    unsigned = jwt.encode(
        {"aud": PUBLIC_URL, "iat": int(NOW.timestamp()), "nonce": nonce(client)},
        None,
        algorithm="none",
        headers={"typ": "openid4vci-proof+jwt", "kid": "did:jwk:x#0"},
    )
    assert ask(client, access_token, unsigned).json()["error"] == "invalid_proof"
    other = ed25519.Ed25519PrivateKey.generate()  # signed by another key than the one named
    forged = proof(
        other,
        nonce(client),
        kid=did_jwk({"kty": "OKP", "crv": "Ed25519", "x": b64url(key.public_key().public_bytes_raw())})
        + "#0",
    )
    assert ask(client, access_token, forged).json()["error"] == "invalid_proof"
    assert ask(client, access_token, "not a jwt").json()["error"] == "invalid_proof"
    unknown = ask(client, access_token, proof(key, nonce(client)), credential_configuration_id="mso_mdoc")
    assert unknown.json()["error"] == "unknown_credential_configuration"
    two = client.post(
        "/oid4vci/credential",
        json={"credential_configuration_id": CONFIG, "proofs": {"jwt": [proof(key, nonce(client))] * 2}},
        headers={"Authorization": f"Bearer {access_token}"},
    )
    assert two.json()["error"] == "invalid_proof"
    # Refusals used nothing: the token still works, once, with a fresh nonce; that nonce then
    # serves nothing more.
    c_nonce = nonce(client)
    issued = ask(client, access_token, proof(key, c_nonce))
    assert issued.status_code == 200, issued.json()
    credential = issued.json()["credentials"][0]["credential"]
    assert credential["credentialSubject"]["id"].startswith("did:jwk:")
    replay = ask(client, access(client, world), proof(key, c_nonce))
    assert replay.json()["error"] == "invalid_nonce"


def test_tokens_are_required_and_expire(client: TestClient, world: World, clock: FixedClock) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    bare = client.post("/oid4vci/credential", json={"credential_configuration_id": CONFIG})
    assert bare.status_code == 401
    assert bare.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert ask(client, "forged", proof(key, nonce(client))).status_code == 401
    access_token = access(client, world)
    clock.advance(timedelta(minutes=6))
    late = ask(client, access_token, proof(key, nonce(client), iat=clock.now().timestamp()))
    assert (late.status_code, late.json()["error"]) == (401, "invalid_token")
    broken = client.post(
        "/oid4vci/credential",
        content=b"{not json",
        headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
    )
    assert broken.json()["error"] == "invalid_credential_request"


def test_a_p256_key_named_by_a_jwk_header_is_bound_as_did_jwk(client: TestClient, world: World) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    claims = {"aud": PUBLIC_URL, "iat": int(NOW.timestamp()), "nonce": nonce(client)}
    signed = jwt.encode(claims, key, algorithm="ES256", headers={"typ": "openid4vci-proof+jwt", "jwk": jwk})
    issued = ask(client, access(client, world), signed)
    assert issued.status_code == 200, issued.json()
    assert issued.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == did_jwk(jwk)


def test_no_offer_for_a_revoked_badge_and_erasure_forgets_the_copies(
    client: TestClient, world: World
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    issued = ask(client, access(client, world), proof(key, nonce(client)))
    assert issued.status_code == 200
    client.post(f"{earner_link(client, world.award_id)}/effacer", data={"confirm": "1"})
    refused = client.post(
        f"{earner_link(client, world.award_id)}/portefeuille", headers={"Accept": "text/html"}
    )
    assert refused.status_code == 410
    from sqlalchemy import func, select

    from service.persistence.wallet_tables import WalletCopy, WalletOffer

    database = client.app.state.services.database  # type: ignore[attr-defined]
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(WalletCopy)) == 0
        assert session.scalar(select(func.count()).select_from(WalletOffer)) == 0
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "x"}, headers=auth(world.coordinator)
    )


def test_web_wallets_may_call_from_any_origin_and_discovery_has_both_names(client: TestClient) -> None:
    preflight = client.options(
        "/oid4vci/credential",
        headers={"Origin": "https://wallet.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    assert client.options("/exchanges/" + "a" * 26).status_code == 204
    assert client.post("/oid4vci/nonce").headers["access-control-allow-origin"] == "*"
    refused = client.post("/oid4vci/credential", json={}, headers={"Authorization": "DPoP x"})
    assert refused.status_code == 401  # tokens here are Bearer tokens; no DPoP binding is claimed
    assert refused.headers["access-control-allow-origin"] == "*"
    oauth = client.get("/.well-known/oauth-authorization-server").json()
    assert client.get("/.well-known/openid-configuration").json() == oauth
