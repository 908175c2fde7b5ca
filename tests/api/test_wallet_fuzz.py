"""Junk in, never a 5xx out, on the wallet protocols (issue 19, point 5): hypothesis-generated
bodies, forms, proofs and presentations on the OID4VCI and VC-API endpoints, with a genuine
offer, token and challenge so that the junk reaches the deepest checks; and no junk gets a
credential."""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from typing import Any
from urllib.parse import unquote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import World
from tests.api.test_fuzz import hostile_text, json_values
from tests.factories import earner_link

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# JWTs whose header and claims are junk, and presentations whose every member may be junk.
junk_jwts = st.builds(
    lambda header, claims, signature: f"{b64(header)}.{b64(claims)}.{b64(signature)}",
    json_values
    | st.fixed_dictionaries(
        {
            "typ": st.just("openid4vci-proof+jwt"),
            "alg": st.sampled_from(["EdDSA", "ES256", "none", "HS256"]),
            "kid": hostile_text | st.just("did:key:z6Mk"),
        }
    ),
    json_values,
    st.binary(max_size=80),
)
presentations = json_values | st.fixed_dictionaries(
    {
        "type": st.just(["VerifiablePresentation"]),
        "holder": hostile_text | st.just("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    },
    optional={
        "proof": json_values,
        "@context": json_values | st.just(["https://www.w3.org/ns/credentials/v2"]),
    },
)


_OPENED: dict[str, tuple[str, str, str]] = {}


def opened(client: TestClient, world: World) -> tuple[str, str, str]:
    """(offer id, pre-authorized code, transaction code) of one offer per award, shared by the
    examples of a test (the fixtures are too): junk never uses it up."""
    if world.award_id in _OPENED:
        return _OPENED[world.award_id]
    page = client.post(f"{earner_link(client, world.award_id)}/portefeuille", headers={"Accept": "text/html"})
    offer = unescape(re.search(r'<a href="(openid-credential-offer://[^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    offer_id = unquote(offer).rsplit("/", 1)[1]
    tx_code = re.search(r'<strong class="tx-code">(\d{6})</strong>', page.text).group(1)  # type: ignore[union-attr]
    code = client.get(f"/oid4vci/offres/{offer_id}").json()["grants"][PRE_AUTH]["pre-authorized_code"]
    _OPENED[world.award_id] = (offer_id, code, tx_code)
    return offer_id, code, tx_code


_TOKENS: dict[str, str] = {}


def token_for(client: TestClient, world: World) -> str:
    if world.award_id not in _TOKENS:
        _, code, tx_code = opened(client, world)
        data = {"grant_type": PRE_AUTH, "pre-authorized_code": code, "tx_code": tx_code}
        answer = client.post("/oid4vci/token", data=data).json()
        assert "access_token" in answer, answer
        _TOKENS[world.award_id] = answer["access_token"]
    return _TOKENS[world.award_id]


@SETTINGS
@given(form=st.dictionaries(hostile_text, hostile_text, max_size=4), code=hostile_text, tx=hostile_text)
def test_the_token_endpoint_answers_junk_in_words(
    client: TestClient, world: World, form: dict[str, str], code: str, tx: str
) -> None:
    for data in (form, {"grant_type": PRE_AUTH, "pre-authorized_code": code, "tx_code": tx}):
        answer = client.post("/oid4vci/token", data=data)
        assert answer.status_code in (400, 429), (data, answer.text)
        assert answer.json()["error"] in (
            "invalid_request",
            "invalid_grant",
            "unsupported_grant_type",
            "slow_down",
        )


@SETTINGS
@given(body=json_values, proof=junk_jwts | hostile_text | json_values)
def test_the_credential_endpoint_gives_nothing_for_junk(
    client: TestClient, world: World, body: Any, proof: Any
) -> None:
    access = token_for(client, world)
    for payload in (
        body,
        {"credential_configuration_id": "OpenBadgeCredential_ldp_vc", "proofs": {"jwt": [proof]}},
        {"format": "ldp_vc", "proof": {"proof_type": "jwt", "jwt": proof}},
    ):
        answer = client.post(
            "/oid4vci/credential", json=payload, headers={"Authorization": f"Bearer {access}"}
        )
        assert 400 <= answer.status_code < 500, (payload, answer.text)
        assert "credentials" not in answer.json()


@SETTINGS
@given(presentation=presentations, raw=st.binary(max_size=200))
def test_the_exchange_gives_nothing_for_junk(
    client: TestClient, world: World, presentation: Any, raw: bytes
) -> None:
    offer_id, _, _ = opened(client, world)
    for path in (f"/exchanges/{offer_id}", f"/exchanges/{offer_id}/dcc"):
        for answer in (
            client.post(path, json={"verifiablePresentation": presentation}),
            client.post(path, json=presentation),
            client.post(path, content=raw, headers={"Content-Type": "application/json"}),
        ):
            assert 200 <= answer.status_code < 500, (path, presentation, answer.text)
            assert (
                "verifiablePresentation" not in answer.json()
                or "verifiablePresentationRequest" in answer.json()
            )
