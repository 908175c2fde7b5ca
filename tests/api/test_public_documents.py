"""The OB 2.0 documents as other software fetches them, and our own verification of them."""

import io
import zipfile
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from service.baking.png import unbake as unbake_png
from service.clock import FixedClock
from service.openbadges.ob2 import NEVER_ISSUED
from service.verification.ob2 import Fetched, verify_hosted, verify_signed
from service.verification.report import Outcome
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import auth, create_badge_class, earner_link, issue_award, publish

LD = {"Accept": "application/ld+json, application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def fetcher(client: TestClient):  # type: ignore[no-untyped-def]
    def fetch(url: str) -> Fetched:
        assert url.startswith(PUBLIC_URL), url
        response = client.get(url.removeprefix(PUBLIC_URL), headers=LD)
        try:
            document = response.json()
        except ValueError:
            document = None
        return Fetched(response.status_code, document)

    return fetch


def signed(client: TestClient, award_id: str) -> str:
    response = client.get(f"/awards/{award_id}/signed")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jose"
    return response.text


def test_documents_link_up(client: TestClient, world: World) -> None:
    assertion = client.get(f"/awards/{world.award_id}", headers=LD)
    assert assertion.headers["content-type"] == "application/ld+json"
    assert assertion.headers["access-control-allow-origin"] == "*"
    document = assertion.json()
    assert document["@context"] == "https://w3id.org/openbadges/v2"
    assert document["type"] == "Assertion"
    assert document["verification"] == {"type": "HostedBadge"}
    assert document["recipient"]["hashed"] is True
    badge = client.get(document["badge"].removeprefix(PUBLIC_URL)).json()
    assert badge["type"] == "BadgeClass"
    assert badge["alignment"][0] == {
        "targetName": "Identifier les besoins et y répondre par la technologie",
        "targetUrl": "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
        "targetFramework": "DigComp 2.2",
        "targetCode": "5.2",
    }
    assert badge["criteria"] == {
        "narrative": "Module de 3,5 h et mise en situation (diagnostic partagé, orientation)."
    }
    issuer = client.get(badge["issuer"].removeprefix(PUBLIC_URL)).json()
    assert issuer["type"] == "Issuer"
    assert issuer["revocationList"] == f"{PUBLIC_URL}/issuers/{world.issuer_id}/revocations"
    key = client.get(issuer["publicKey"].removeprefix(PUBLIC_URL)).json()
    assert (key["type"], key["owner"]) == ("CryptographicKey", issuer["id"])
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_browsers_get_html_with_escaped_text(client: TestClient, world: World) -> None:
    evil = create_badge_class(client, world.coordinator, world.issuer_id, name="<script>alert('x')</script>")
    for url in (f"/badges/{evil['id']}", f"/issuers/{world.issuer_id}"):
        page = client.get(url, headers=BROWSER)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "<script>" not in page.text
    assert "&lt;script&gt;" in client.get(f"/badges/{evil['id']}", headers=BROWSER).text
    # The award's own page is private until its earner publishes it: tests/api/test_web_badge_page.py


def test_signed_assertion_verifies(client: TestClient, world: World, clock: FixedClock) -> None:
    token = signed(client, world.award_id)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    payload = jwt.api_jws.PyJWS().decode(token, _key_pem(client, header["kid"]), algorithms=["RS256"])
    assert b'"SignedBadge"' in payload
    report = verify_signed(
        token, fetch=fetcher(client), now=clock.now(), expected_email="camille.durand@EXAMPLE.fr"
    ).report
    assert report.valid, report.checks
    assert {c.name for c in report.checks} >= {"signature", "key-owner", "status", "recipient"}
    wrong = verify_signed(
        token, fetch=fetcher(client), now=clock.now(), expected_email="someone@example.fr"
    ).report
    assert not wrong.valid
    assert wrong.outcome_of("recipient") is Outcome.FAILED


def _key_pem(client: TestClient, kid: str) -> str:
    pem: str = client.get(f"/keys/{kid}").json()["publicKeyPem"]
    return pem


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),  # signature bytes
        lambda t: t.split(".")[0] + "." + t.split(".")[1][:-4] + "abcd." + t.split(".")[2],  # payload
        lambda t: "eyJhbGciOiJub25lIn0." + t.split(".")[1] + ".",  # alg none
        lambda t: "not a jws",
        lambda t: "",
    ],
)
def test_tampered_signed_assertions_fail(
    client: TestClient, world: World, clock: FixedClock, tamper: Any
) -> None:
    report = verify_signed(
        tamper(signed(client, world.award_id)), fetch=fetcher(client), now=clock.now()
    ).report
    assert not report.valid
    assert report.failures


def test_revocation_shows_everywhere(client: TestClient, world: World, clock: FixedClock) -> None:
    token = signed(client, world.award_id)
    publish(client, world.award_id)  # the earner made the page public: it shows the revocation
    assert client.get(f"/issuers/{world.issuer_id}/revocations").json()["revokedAssertions"] == []
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Fraude"}, headers=auth(world.coordinator)
    )
    hosted = client.get(f"/awards/{world.award_id}", headers=LD)
    assert hosted.status_code == 410
    assert (hosted.json()["revoked"], hosted.json()["revocationReason"]) == (True, "Fraude")
    assert hosted.headers["cache-control"] == "no-cache"
    revocations = client.get(f"/issuers/{world.issuer_id}/revocations").json()
    assert revocations["revokedAssertions"] == [
        {"id": f"{PUBLIC_URL}/awards/{world.award_id}", "revocationReason": "Fraude"},
        {"id": NEVER_ISSUED},  # so that the list stays a list for the 1EdTech validator
    ]
    # The first revocation: the case the 1EdTech validator missed (one entry); ours never did.
    report = verify_signed(token, fetch=fetcher(client), now=clock.now()).report
    assert report.outcome_of("signature") is Outcome.PASSED
    assert report.outcome_of("status") is Outcome.FAILED
    assert "Fraude" in next(c.reason for c in report.checks if c.name == "status")
    hosted_report = verify_hosted(
        f"{PUBLIC_URL}/awards/{world.award_id}", fetch=fetcher(client), now=clock.now()
    ).report
    assert not hosted_report.valid
    page = client.get(f"/awards/{world.award_id}", headers=BROWSER).text
    assert "Badge révoqué" in page
    assert "Fraude" in page
    # The award keeps its URL and its signed form.
    assert signed(client, world.award_id) == token


def test_expired_awards_fail_verification(client: TestClient, world: World, clock: FixedClock) -> None:
    award = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    hosted_url = f"{PUBLIC_URL}/awards/{award['id']}"
    publish(client, award["id"])
    assert verify_hosted(hosted_url, fetch=fetcher(client), now=clock.now()).report.valid
    clock.advance(timedelta(days=30))
    report = verify_hosted(hosted_url, fetch=fetcher(client), now=clock.now()).report
    assert report.outcome_of("validity") is Outcome.FAILED
    assert "Badge expiré" in client.get(f"/awards/{award['id']}", headers=BROWSER).text


def test_key_rotation_keeps_old_signatures_verifying(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    old_token = signed(client, world.award_id)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    clock.advance(timedelta(days=1))
    rotated = client.post(f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator))
    assert rotated.status_code == 201, rotated.text
    new_rsa = next(k for k in rotated.json() if k["purpose"] == "ob2")
    assert new_rsa["kid"] != old_kid
    new_award = issue_award(client, world.coordinator, world.badge_class_id)
    new_token = signed(client, new_award["id"])
    assert jwt.get_unverified_header(new_token)["kid"] == new_rsa["kid"]
    issuer = client.get(f"/issuers/{world.issuer_id}").json()
    assert issuer["publicKey"] == f"{PUBLIC_URL}/keys/{new_rsa['kid']}"
    old_key = client.get(f"/keys/{old_kid}").json()
    assert old_key["owner"] == issuer["id"]  # the retired key is still published, still owned
    for token in (old_token, new_token):
        assert verify_signed(token, fetch=fetcher(client), now=clock.now()).report.valid
    old_report = verify_signed(old_token, fetch=fetcher(client), now=clock.now()).report
    assert "earlier key" in next(c.reason for c in old_report.checks if c.name == "key-owner")
    jwks = client.get("/.well-known/jwks.json")
    assert jwks.headers["content-type"] == "application/jwk-set+json"
    kids = {k["kid"] for k in jwks.json()["keys"]}
    assert {old_kid, new_rsa["kid"]} <= kids
    assert len(kids) == 9  # two issuers x (OB 2.0, VC-JWT, Data Integrity), plus the three new keys
    keys = client.get(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.viewer)).json()["keys"]
    assert sum(k["retired_at"] is None for k in keys) == 3


def test_after_an_ob2_rotation_what_is_served_is_signed_by_the_current_key(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    """Regression (issue 15, point 3): after an OB 2.0 key rotation, the signed assertion of an
    award issued before was still served with the old key, which the issuer profile no longer
    names (and which validators accepting one publicKey refuse). Every form handed out from then
    on (alone, baked, in the earner's archive) is signed by the current key; the download made
    before keeps verifying here through the retired key's owner link."""
    before = signed(client, world.award_id)
    clock.advance(timedelta(days=1))
    rotated = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/rotate",
        params={"purpose": "ob2"},
        headers=auth(world.coordinator),
    )
    (new_key,) = rotated.json()
    again = signed(client, world.award_id)
    assert again != before
    baked = unbake_png(client.get(f"/awards/{world.award_id}/image", params={"standard": "ob2"}).content)
    assert baked is not None
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{earner_link(client, world.award_id)}/archive.zip").content)
    )
    in_archive = archive.read("open-badges-2.0-assertion-signee.jws").decode()
    for token in (again, baked[1], in_archive):
        assert jwt.get_unverified_header(token)["kid"] == new_key["kid"]
        assert verify_signed(token, fetch=fetcher(client), now=clock.now()).report.valid
    assert jwt.get_unverified_header(before)["kid"] != new_key["kid"]
    assert verify_signed(before, fetch=fetcher(client), now=clock.now()).report.valid
    assert signed(client, world.award_id) == again  # RS256 is deterministic: the same bytes


def test_jwks_members_are_public_only(client: TestClient, world: World) -> None:
    for key in client.get("/.well-known/jwks.json").json()["keys"]:
        assert set(key) <= {"kty", "n", "e", "crv", "x", "kid", "alg", "use"}
        assert key["alg"] in {"RS256", "EdDSA"}


def test_unknown_public_documents(client: TestClient) -> None:
    for url in (
        "/awards/x",
        "/awards/x/signed",
        "/badges/x",
        "/badges/x/image",
        "/issuers/x",
        "/keys/x",
        "/issuers/x/revocations",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/problem+json"


def test_a_key_hosted_elsewhere_cannot_claim_the_issuer(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    """An attacker's key document naming our issuer as owner, served from another origin."""
    from service.signing import keystore
    from service.signing.jws import sign_json
    from service.signing.keystore import Algorithm

    genuine = jwt.api_jws.PyJWS().decode(signed(client, world.award_id), options={"verify_signature": False})
    payload = __import__("json").loads(genuine)
    rogue = keystore.generate(Algorithm.RS256)
    rogue_url = "https://attacker.example/key"
    payload["verification"]["creator"] = rogue_url
    token = sign_json(payload, rogue.private_key, Algorithm.RS256, rogue.kid)
    ours = fetcher(client)

    def fetch(url: str) -> Fetched:
        if url == rogue_url:
            return Fetched(
                200,
                {
                    "id": rogue_url,
                    "type": "CryptographicKey",
                    "owner": f"{PUBLIC_URL}/issuers/{world.issuer_id}",
                    "publicKeyPem": rogue.public_pem,
                },
            )
        return ours(url)

    report = verify_signed(token, fetch=fetch, now=clock.now()).report
    assert report.outcome_of("signature") is Outcome.PASSED
    assert report.outcome_of("key-owner") is Outcome.FAILED
    assert not report.valid
