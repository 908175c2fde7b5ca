"""Issue 19, points 1 and 2: the Learner Credential Wallet's messages (its exchanges.ts and
credentialRequest.ts), sent by tests/interop/node/lcw_exchange.mjs with the Digital Credentials
Consortium's libraries that LCW signs with (Ed25519Signature2020, did:key), against a live
server: the interaction URL's protocols, the VC-API exchange with DIDAuthentication, the older
deep link; the copy verifies with Digital Bazaar and with us; a replayed, foreign or tampered
presentation gets nothing."""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import auth, earner_link
from tests.interop.test_ob3_dcc import dcc_verify
from tests.interop.test_ob3_digitalbazaar import did_documents, node_verifier, node_verify

pytestmark = pytest.mark.interop
__all__ = ["node_verifier"]  # the fixture, shared with the Digital Bazaar tests
NODE_DIR = Path(__file__).parent / "node"


def links(client: TestClient, award_id: str) -> dict[str, str]:
    """The earner's wallet page: the interaction URL (its QR code), LCW's two deep links."""
    page = client.post(f"{earner_link(client, award_id)}/portefeuille", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    found = [unescape(u) for u in re.findall(r'<a href="(https://lcw\.app/request\?[^"]+)"', page.text)]
    offer = unescape(re.search(r'<a href="(openid-credential-offer://[^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    offer_id = unquote(offer).rsplit("/", 1)[1]
    return {
        "modern": found[0],
        "legacy": found[1],
        "interaction": f"{PUBLIC_URL}/portefeuille/{offer_id}?iuv=1",
    }


def lcw(live: str, **request: Any) -> dict[str, Any]:
    done = subprocess.run(
        ["node", "lcw_exchange.mjs"],
        input=json.dumps({"public_base": PUBLIC_URL, "local_base": live, **request}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=NODE_DIR,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_interaction_url_names_both_protocols(client: TestClient, world: World) -> None:
    found = links(client, world.award_id)
    answer = client.get(found["interaction"].removeprefix(PUBLIC_URL)).json()
    protocols = answer["protocols"]
    assert protocols["vcapi"].startswith(f"{PUBLIC_URL}/exchanges/")
    assert protocols["OID4VCI"].startswith("openid-credential-offer://?credential_offer_uri=")
    request = json.loads(parse_qs(urlsplit(found["modern"]).query)["request"][0])
    assert request == answer  # LCW's deep link carries the same request
    legacy = parse_qs(urlsplit(found["legacy"]).query)
    assert legacy["auth_type"] == ["bearer"]
    assert legacy["vc_request_url"][0] == protocols["vcapi"] + "/dcc"
    browser = client.get(
        found["interaction"].removeprefix(PUBLIC_URL).split("?")[0], headers={"Accept": "text/html"}
    )
    assert "Ouvrir dans Learner Credential Wallet" in unescape(browser.text)


def test_lcw_completes_the_vc_api_exchange_and_gets_a_bound_copy(
    node_verifier: Path, live: str, client: TestClient, world: World
) -> None:
    found = links(client, world.award_id)
    got = lcw(live, interaction=found["interaction"], flow="vcapi")
    query = got["request"]["verifiablePresentationRequest"]
    assert query["query"][0]["type"] == "DIDAuthentication"
    assert query["domain"] == "badges.example.test"
    assert got["status"] == 200, got["response"]
    (copy,) = got["response"]["verifiablePresentation"]["verifiableCredential"]
    assert copy["credentialSubject"]["id"] == got["holder"]
    assert client.post("/verify", json={"credential": copy}).json()["verdict"] == "valid"
    (checked,) = node_verify(node_verifier, [copy], did_documents(client, world.issuer_id), client=client)
    assert checked["verified"] is True, checked
    # The DCC's own verifier (what LCW verifies with) accepts the copy it received.
    (dcc,) = dcc_verify(client, world.issuer_id, [copy])
    steps = {k: dcc["steps"][k] for k in ("valid_signature", "revocation_status", "expiration")}
    assert steps == {"valid_signature": True, "revocation_status": True, "expiration": True}, dcc
    assert dcc["schema"] == [True], dcc
    assert "Ce badge est déjà dans 1 portefeuille." in unescape(
        client.get(earner_link(client, world.award_id), headers={"Accept": "text/html"}).text
    )
    replay = lcw(live, interaction=found["interaction"], flow="vcapi")
    assert replay["interaction"]["error"] == "invalid_request"  # used: the offer is gone


def test_lcw_older_deep_link_gets_the_same(live: str, client: TestClient, world: World) -> None:
    found = links(client, world.award_id)
    got = lcw(live, deep_link=found["legacy"], flow="dcc")
    assert got["status"] == 200, got["response"]
    (copy,) = got["response"]["verifiablePresentation"]["verifiableCredential"]
    assert copy["credentialSubject"]["id"] == got["holder"]
    # The offer was used: its OID4VCI code gives nothing any more.
    offer_id = found["interaction"].split("/portefeuille/")[1].split("?")[0]
    assert client.get(f"/oid4vci/offres/{offer_id}").status_code == 410


@pytest.mark.parametrize(
    ("tamper", "words"),
    [("challenge", "ne porte pas le défi"), ("holder", "signée par une autre clé")],
)
def test_a_wrong_presentation_gets_nothing(
    live: str, client: TestClient, world: World, tamper: str, words: str
) -> None:
    found = links(client, world.award_id)
    got = lcw(live, interaction=found["interaction"], flow="vcapi", tamper=tamper)
    assert got["status"] == 400
    assert got["response"]["error"] == "invalid_proof"
    assert words in got["response"]["error_description"]
    assert client.get(found["interaction"].removeprefix(PUBLIC_URL)).status_code == 200  # still open
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "x"}, headers=auth(world.coordinator)
    )
    revoked = lcw(live, interaction=found["interaction"], flow="vcapi")
    assert revoked["status"] == 410
    assert revoked["response"]["error"] == "credential_request_denied"


def test_a_wallet_signing_with_eddsa_rdfc_2022_completes_the_exchange(
    live: str, client: TestClient, world: World
) -> None:
    """The other suite the exchange accepts, signed by Digital Bazaar's @digitalbazaar/vc and
    eddsa-rdfc-2022 cryptosuite (a VC 2.0 presentation, DataIntegrityProof)."""
    found = links(client, world.award_id)
    got = lcw(live, interaction=found["interaction"], flow="vcapi", suite="eddsa-rdfc-2022")
    assert got["status"] == 200, got["response"]
    (copy,) = got["response"]["verifiablePresentation"]["verifiableCredential"]
    assert copy["credentialSubject"]["id"] == got["holder"]
    assert got["holder"].startswith("did:key:z6Mk")
