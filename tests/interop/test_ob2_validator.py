"""The 1EdTech Open Badges 2.0 validator (``openbadges`` 1.1.2, in a venv of its own) verifies
what the running service publishes. Its documents are served by a live server on loopback;
the validator never reaches the internet. Where it is known to be blind (a hosted assertion
answered 410 with ``revoked: true``; a RevocationList with a single entry), the test says so
and our own verifier covers the case."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.domain.access import Role
from service.persistence.database import Database
from service.verification.ob2 import verify_hosted
from service.verification.report import Outcome
from tests.api.test_public_documents import fetcher
from tests.conftest import PUBLIC_URL
from tests.factories import auth, create_badge_class, create_issuer, earner_link, issue_award, make_token

pytestmark = pytest.mark.interop
HERE = Path(__file__).parent / "ob2_validator"
ROOT = HERE.parents[2]
CONTEXTS = {"https://w3id.org/openbadges/v2": str(ROOT / "schemas" / "contexts" / "openbadges-v2.jsonld")}
EMAIL = "camille.durand@example.fr"


def validate(python: Path, live: str, badge_input: str, email: str | None = EMAIL) -> dict[str, Any]:
    request = {
        "input": badge_input,
        "email": email,
        "public_url": PUBLIC_URL,
        "local_url": live,
        "contexts": CONTEXTS,
    }
    result = subprocess.run(
        [python, HERE / "run_validator.py"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def errors(result: dict[str, Any]) -> list[str]:
    return [m["result"] for m in result["report"]["messages"] if m["messageLevel"] == "ERROR"]


@pytest.fixture
def award(client: TestClient, database: Database) -> dict[str, Any]:
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(client, admin)
    coordinator = make_token(database, Role.COORDINATOR, [issuer["id"]])
    badge_class = create_badge_class(client, coordinator, issuer["id"])
    created = issue_award(
        client,
        coordinator,
        badge_class["id"],
        evidence=[
            {"url": "https://coop.example/sessions/7", "narrative": "Session entre pairs, 2 demi-journées"}
        ],
        expires_at="2099-11-22T10:00:00Z",  # the validator judges expiry by the wall clock
    )
    return {**created, "token": coordinator, "admin": admin, "badge_class_id": badge_class["id"]}


def signed(client: TestClient, award_id: str) -> str:
    return client.get(f"/awards/{award_id}/signed").text


def test_hosted_assertion_is_valid_for_its_recipient(
    validator_python: Path, live: str, award: dict[str, Any]
) -> None:
    result = validate(validator_python, live, award["assertion_url"])
    assert result["report"]["valid"] is True, errors(result)
    assert result["report"]["errorCount"] == 0
    assert result["report"]["recipientProfile"] == {"email": EMAIL}
    fetched = result["fetched"]
    assert any(u.endswith(f"/awards/{award['id']}") for u in fetched)
    assert any("/badges/" in u for u in fetched)
    assert any("/issuers/" in u for u in fetched)


def test_signed_assertion_is_valid(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any]
) -> None:
    result = validate(validator_python, live, signed(client, award["id"]))
    assert result["report"]["valid"] is True, errors(result)
    assert any("/keys/" in u for u in result["fetched"])  # it fetched the CryptographicKey
    assert any(u.endswith("/revocations") for u in result["fetched"])  # and checked revocation


def test_wrong_recipient_is_reported(validator_python: Path, live: str, award: dict[str, Any]) -> None:
    result = validate(validator_python, live, award["assertion_url"], email="quelquun@example.fr")
    assert result["report"]["valid"] is False
    assert errors(result)


def test_tampered_signed_assertion_is_invalid(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any]
) -> None:
    header, payload, signature = signed(client, award["id"]).split(".")
    tampered_signature = (
        f"{header}.{payload}.{signature[:-6]}{'A' * 6 if not signature.endswith('AAAAAA') else 'B' * 6}"
    )
    result = validate(validator_python, live, tampered_signature)
    assert result["report"]["valid"] is False
    assert any("Signature" in e for e in errors(result)), errors(result)


def test_revoked_signed_assertion_is_invalid(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any]
) -> None:
    token = signed(client, award["id"])
    other = issue_award(
        client, award["token"], award["badge_class_id"], recipient_email="dominique@example.fr"
    )
    for award_id, reason in ((award["id"], "Attribué par erreur"), (other["id"], "Doublon")):
        response = client.post(
            f"/api/v1/awards/{award_id}/revoke", json={"reason": reason}, headers=auth(award["token"])
        )
        assert response.status_code == 200
    # Two entries: the validator's revocation check only works on a list (see the next test).
    result = validate(validator_python, live, token)
    assert result["report"]["valid"] is False
    assert any("revoked" in e and "Attribué par erreur" in e for e in errors(result)), errors(result)


def test_known_gaps_of_the_validator_are_covered_by_our_verifier(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any], clock: FixedClock
) -> None:
    """GAPS (1EdTech openbadges 1.1.2): a RevocationList holding a single entry is compacted to an
    object that its check iterates as keys, and a hosted assertion answered 410 + revoked is not
    checked at all; both came out valid. Our lists never hold a single entry (a never-issued
    placeholder joins the first revocation), so an issuer's first revocation is seen by the
    validator (regression, issue 15 point 4); the 410 gap is still there (this test tells us when
    the validator is fixed), and our own verifier reports both as revoked."""
    token = signed(client, award["id"])
    client.post(
        f"/api/v1/awards/{award['id']}/revoke", json={"reason": "Fraude"}, headers=auth(award["token"])
    )
    hosted = client.get(f"/awards/{award['id']}", headers={"Accept": "application/ld+json"})
    assert hosted.status_code == 410
    assert hosted.json()["revoked"] is True
    first = validate(validator_python, live, token)
    assert first["report"]["valid"] is False  # the first revocation, seen
    assert any("revoked" in e and "Fraude" in e for e in errors(first)), errors(first)
    listing = client.get(f"/issuers/{award['issuer_id']}/revocations").json()
    assert len(listing["revokedAssertions"]) == 2  # the revoked award and the placeholder
    assert validate(validator_python, live, award["assertion_url"])["report"]["valid"] is True  # the 410 gap
    ours = verify_hosted(award["assertion_url"], fetch=fetcher(client), now=clock.now()).report
    assert ours.outcome_of("status") is Outcome.FAILED
    from service.verification.ob2 import verify_signed

    assert (
        verify_signed(token, fetch=fetcher(client), now=clock.now()).report.outcome_of("status")
        is Outcome.FAILED
    )


def test_key_rotation(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any], clock: FixedClock
) -> None:
    """After an OB 2.0 key rotation, everything the service hands out validates, an award issued
    before included: its signed assertion downloaded again, baked in its image and in the earner's
    archive are signed by the current key (regression, issue 15 point 3). GAP (1EdTech openbadges
    1.1.2): it accepts exactly one ``publicKey`` on an Issuer (the spec says "key(s)"; a list fails
    its schema check for every badge), so a file downloaded *before* the rotation fails its
    key-ownership check (the README says so); our verifier accepts it through the key's ``owner``
    link on the issuer's own origin. A VC-JWT rotation leaves OB 2.0 alone."""
    from service.baking.png import unbake
    from service.verification.ob2 import verify_signed

    before = signed(client, award["id"])
    url = f"/api/v1/issuers/{award['issuer_id']}/keys/rotate"
    client.post(url, params={"purpose": "vc-jwt"}, headers=auth(award["token"]))
    assert validate(validator_python, live, before)["report"]["valid"] is True  # OB 2.0 untouched
    rotated = client.post(url, params={"purpose": "ob2"}, headers=auth(award["token"]))
    assert [k["purpose"] for k in rotated.json()] == ["ob2"]
    after = issue_award(client, award["token"], award["badge_class_id"])
    baked = unbake(client.get(f"/awards/{award['id']}/image", params={"standard": "ob2"}).content)
    assert baked is not None
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{earner_link(client, award['id'])}/archive.zip").content)
    )
    served = (
        signed(client, after["id"]),
        signed(client, award["id"]),
        baked[1],
        archive.read("open-badges-2.0-assertion-signee.jws").decode(),
        after["assertion_url"],
        award["assertion_url"],
    )
    for badge_input in served:
        result = validate(validator_python, live, badge_input)
        assert result["report"]["valid"] is True, errors(result)
    old = validate(validator_python, live, before)
    assert old["report"]["valid"] is False
    assert errors(old) == [errors(old)[0]]
    assert "other than those authorized by issuer profile" in errors(old)[0]
    assert verify_signed(before, fetch=fetcher(client), now=clock.now(), expected_email=EMAIL).report.valid


def test_a_withdrawn_key_no_longer_validates(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any], clock: FixedClock
) -> None:
    token = signed(client, award["id"])
    clock.advance(timedelta(days=1))
    client.post(f"/api/v1/issuers/{award['issuer_id']}/keys/rotate", headers=auth(award["token"]))
    old_kid = token.split(".")[0]
    import base64

    kid = json.loads(base64.urlsafe_b64decode(old_kid + "=="))["kid"]
    response = client.post(
        f"/api/v1/issuers/{award['issuer_id']}/keys/{kid}/withdraw", headers=auth(award["admin"])
    )
    assert response.status_code == 200
    result = validate(validator_python, live, token)
    assert result["report"]["valid"] is False
    assert errors(result)


def test_one_published_url_gives_a_card_to_crawlers_and_the_document_to_the_validator(
    validator_python: Path, live: str, client: TestClient, award: dict[str, Any]
) -> None:
    """Issue 18, point 1, both sides of one address in one run: the 1EdTech validator reads the
    published badge's assertion URL as a valid Open Badge while LinkedIn's and Facebook's
    crawlers, asking that same URL over HTTP, get the page with its card."""
    import httpx
    from PIL import Image

    assert client.post(f"{earner_link(client, award['id'])}/publier").status_code in (200, 303)
    result = validate(validator_python, live, award["assertion_url"])
    assert result["report"]["valid"] is True, errors(result)
    local = award["assertion_url"].replace(PUBLIC_URL, live)
    for agent in (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    ):
        page = httpx.get(local, headers={"User-Agent": agent, "Accept": "*/*"})
        assert page.headers["content-type"].startswith("text/html"), agent
        card_url = page.text.split('<meta property="og:image" content="', 1)[1].split('"', 1)[0]
        card = httpx.get(card_url.replace(PUBLIC_URL, live), headers={"User-Agent": agent})
        assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    for accept in ("application/ld+json", "application/json"):
        document = httpx.get(local, headers={"Accept": accept, "User-Agent": "python-requests/2.32"})
        assert document.headers["content-type"].startswith(accept)
        assert document.json()["id"] == award["assertion_url"]
