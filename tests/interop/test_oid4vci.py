"""Issue 19, point 3: a wallet written by others — the OpenWallet Foundation's OID4VCI client
(@openid4vc/openid4vci 0.4.6, pinned in tests/interop/node) — runs the whole pre-authorized code
flow against a live server: the offer (by reference, as the earner's QR code holds it, and by
value), the metadata, the token with the transaction code, the nonce, the proof of possession,
the credential. The copy it receives is bound to its key, verified by Digital Bazaar and by our
verifier, and revoked with its award."""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from service.clock import FixedClock
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import auth, earner_link
from tests.interop.test_ob3_digitalbazaar import did_documents, node_verifier, node_verify

pytestmark = pytest.mark.interop
__all__ = ["node_verifier"]  # the fixture, shared with the Digital Bazaar tests
NODE_DIR = Path(__file__).parent / "node"


def offer_from_page(client: TestClient, award_id: str) -> tuple[str, str]:
    """(the offer URI, the transaction code) as the earner's page shows them."""
    page = client.post(f"{earner_link(client, award_id)}/portefeuille", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    uri = re.search(r'<a href="(openid-credential-offer://[^"]+)"', page.text)
    code = re.search(r'<strong class="tx-code">(\d{6})</strong>', page.text)
    assert uri
    assert code
    return unescape(uri.group(1)), code.group(1)


def wallet(live: str, offer: str, tx_code: str, clock: FixedClock, **options: str) -> dict[str, Any]:
    request = {
        "offer": offer,
        "tx_code": tx_code,
        "public_base": PUBLIC_URL,
        "local_base": live,
        "now": clock.now().isoformat(),
        **options,
    }
    done = subprocess.run(
        ["node", "oid4vci_wallet.mjs"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=NODE_DIR,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(("key", "binding"), [("EdDSA", "did:key"), ("ES256", "did:jwk"), ("EdDSA", "jwk")])
def test_a_wallet_receives_a_copy_bound_to_its_key(
    node_verifier: Path,
    live: str,
    client: TestClient,
    world: World,
    clock: FixedClock,
    key: str,
    binding: str,
) -> None:
    offer, tx_code = offer_from_page(client, world.award_id)
    got = wallet(live, offer, tx_code, clock, key=key, binding=binding)
    assert "error" not in got, got
    copy = got["credential"]
    original = client.get(f"/awards/{world.award_id}/credential").json()
    assert copy["credentialSubject"]["id"] == got["holder"]
    assert copy["id"].startswith("urn:uuid:")
    assert copy["id"] != original["id"]
    assert copy["credentialStatus"] == original["credentialStatus"]  # one status for every copy
    assert copy["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    ours = client.post("/verify", json={"credential": copy}).json()
    assert ours["verdict"] == "valid", ours
    documents = did_documents(client, world.issuer_id)
    (checked,) = node_verify(node_verifier, [copy], documents, client=client)
    assert checked["verified"] is True, checked
    assert checked["statuses"] == [{"purpose": "revocation", "set": False, "verified": True}]
    own_page = client.get(earner_link(client, world.award_id), headers={"Accept": "text/html"}).text
    assert "Ce badge est déjà dans 1 portefeuille." in unescape(own_page)

    # Replays: the access token, the proof (its nonce) and the code served once.
    again = client.post(
        "/oid4vci/credential",
        json={
            "credential_configuration_id": "OpenBadgeCredential_ldp_vc",
            "proofs": {"jwt": [got["proof_jwt"]]},
        },
        headers={"Authorization": f"Bearer {got['access_token']}"},
    )
    assert (again.status_code, again.json()["error"]) == (401, "invalid_token")
    second = wallet(live, offer, tx_code, clock, key=key, binding=binding)
    assert "error" in second  # the offer was used: its code gives nothing any more

    # Revoking the award revokes the copy, for Digital Bazaar and for us.
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "erreur"}, headers=auth(world.coordinator)
    )
    (revoked,) = node_verify(node_verifier, [copy], documents, client=client)
    assert revoked["statuses"][0]["set"] is True
    assert client.post("/verify", json={"credential": copy}).json()["verdict"] == "invalid"


def test_an_offer_by_value_works_as_by_reference(
    live: str, client: TestClient, world: World, clock: FixedClock
) -> None:
    by_reference, tx_code = offer_from_page(client, world.award_id)
    offer_url = by_reference.split("credential_offer_uri=", 1)[1]
    document = client.get(offer_url.replace("%3A", ":").replace("%2F", "/").removeprefix(PUBLIC_URL)).json()
    by_value = "openid-credential-offer://?credential_offer=" + quote(json.dumps(document), safe="")
    got = wallet(live, by_value, tx_code, clock, key="EdDSA", binding="did:key")
    assert "error" not in got, got
    assert got["credential"]["credentialSubject"]["id"].startswith("did:key:z6Mk")


def test_a_wrong_transaction_code_gets_no_token(
    live: str, client: TestClient, world: World, clock: FixedClock
) -> None:
    offer, tx_code = offer_from_page(client, world.award_id)
    wrong = "000000" if tx_code != "000000" else "111111"
    got = wallet(live, offer, wrong, clock, key="EdDSA", binding="did:key")
    assert "error" in got
    assert "credential" not in got


def test_a_wallet_may_take_the_copy_as_a_vc_jwt(
    live: str, client: TestClient, world: World, clock: FixedClock
) -> None:
    """The second configuration, ``jwt_vc_json``: the same holder-bound copy as a VC-JWT (RS256,
    the issuer's VC-JWT key), verified by jose (the library most JWT verifiers use) and by us."""
    from tests.interop.test_vc_jwt_jose import item, jose_verify

    offer, tx_code = offer_from_page(client, world.award_id)
    got = wallet(
        live,
        offer,
        tx_code,
        clock,
        key="EdDSA",
        binding="did:key",
        configuration="OpenBadgeCredential_jwt_vc_json",
    )
    assert "error" not in got, got
    token = got["credential"]
    assert isinstance(token, str)
    assert token.count(".") == 2
    import jwt

    assert jwt.decode(token, options={"verify_signature": False})["sub"] == got["holder"]
    (checked,) = jose_verify([item(client, world.issuer_id, token)])
    assert checked["verified"] is True, checked
    report = client.post("/verify", json={"input": token}).json()
    assert (report["verdict"], report["form"]) == ("valid", "ob3-jwt"), report
