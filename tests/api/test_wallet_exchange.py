"""Issue 19, points 2 and 5, through the app: a VC-API exchange answered with an
``eddsa-rdfc-2022`` presentation (the other suite LCW-like wallets sign with), and what each
wrong or hostile presentation gets. LCW's own messages and libraries are in
tests/interop/test_lcw_exchange.py."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric import ed25519
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.signing.data_integrity import canonicalize, canonicalize_proof_configuration, hash_data
from service.signing.multibase import ed25519_multikey, multibase_z
from tests.api.conftest import World
from tests.conftest import START
from tests.factories import earner_link

HOST = "badges.example.test"
V2 = "https://www.w3.org/ns/credentials/v2"


def exchange_of(client: TestClient, award_id: str) -> str:
    page = client.post(f"{earner_link(client, award_id)}/portefeuille", headers={"Accept": "text/html"})
    offer = unescape(re.search(r'<a href="(openid-credential-offer://[^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    return f"/exchanges/{unquote(offer).rsplit('/', 1)[1]}"


def presentation(
    key: ed25519.Ed25519PrivateKey, challenge: str, domain: str | None = HOST, **overrides: Any
) -> dict[str, Any]:
    multikey = ed25519_multikey(key.public_key().public_bytes_raw())
    holder = f"did:key:{multikey}"
    document: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": holder}
    config: dict[str, Any] = {
        "@context": [V2],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": START.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": f"{holder}#{multikey}",
        "proofPurpose": "authentication",
        "challenge": challenge,
        **({"domain": domain} if domain is not None else {}),
        **overrides,
    }
    signature = key.sign(hash_data(canonicalize_proof_configuration(config), canonicalize(document)))
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = multibase_z(signature)
    return {**document, "proof": proof}


def test_an_eddsa_rdfc_2022_presentation_gets_the_bound_copy(client: TestClient, world: World) -> None:
    url = exchange_of(client, world.award_id)
    started = client.post(url, json={})
    assert started.status_code == 200
    request = started.json()["verifiablePresentationRequest"]
    assert request["domain"] == HOST
    key = ed25519.Ed25519PrivateKey.generate()
    answer = client.post(url, json={"verifiablePresentation": presentation(key, request["challenge"])})
    assert answer.status_code == 200, answer.json()
    (copy,) = answer.json()["verifiablePresentation"]["verifiableCredential"]
    assert copy["credentialSubject"]["id"].startswith("did:key:z6Mk")
    assert client.post("/verify", json={"credential": copy}).json()["verdict"] == "valid"
    again = client.post(url, json={"verifiablePresentation": presentation(key, request["challenge"])})
    assert (again.status_code, again.json()["error"]) == (410, "invalid_request")  # one copy per offer


def test_each_wrong_presentation_is_refused_and_leaves_the_offer_open(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    url = exchange_of(client, world.award_id)
    challenge = client.post(url, json={}).json()["verifiablePresentationRequest"]["challenge"]
    key = ed25519.Ed25519PrivateKey.generate()
    good = presentation(key, challenge)
    forged_signature = {**good, "proof": {**good["proof"], "proofValue": multibase_z(b"\x00" * 64)}}
    other_holder = presentation(ed25519.Ed25519PrivateKey.generate(), challenge)
    other_holder["holder"] = good["holder"]
    cases = {
        "vp-challenge": presentation(key, "another"),
        "vp-domain": presentation(key, challenge, domain="evil.example"),
        "vp-domain-missing": presentation(key, challenge, domain=None),
        "vp-purpose": presentation(key, challenge, proofPurpose="assertionMethod"),
        "vp-signature": forged_signature,
        "vp-key": other_holder,
        "vp-holder": {**good, "holder": "did:web:evil.example"},
        "vp-no-proof": {k: v for k, v in good.items() if k != "proof"},
        "vp-two-proofs": {**good, "proof": [good["proof"], good["proof"]]},
        "vp-not-a-presentation": {**good, "type": ["VerifiableCredential"]},
        "vp-string": "not a presentation",
    }
    for name, bad in cases.items():
        answer = client.post(url, json={"verifiablePresentation": bad})
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_proof"), (name, answer.json())
    for body in (b"{not json", b"[1, 2]", b"x" * (70 * 1024)):
        answer = client.post(url, content=body, headers={"Content-Type": "application/json"})
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request"), body[:20]
    assert client.post(url, json={"verifiablePresentation": good}).status_code == 200  # still open
    late = exchange_of(client, world.award_id)
    clock.advance(timedelta(minutes=11))
    assert client.post(late, json={}).status_code == 410
    assert client.post("/exchanges/" + "a" * 26, json={}).status_code == 410
