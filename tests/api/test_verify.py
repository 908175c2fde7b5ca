"""POST /verify: every form our badges travel in, each with its expected verdict and reason."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import SVG, auth, create_badge_class, data_uri, issue_award, row_counts

EMAIL = "Camille.Durand@example.fr"  # the world's award


def verify(client: TestClient, given: str | bytes, *, email: str | None = None, language: str = "fr") -> Any:
    headers = {"Accept-Language": language}
    if isinstance(given, bytes):
        data = {"expected_email": email} if email else {}
        response = client.post("/verify", files={"file": ("badge", given)}, data=data, headers=headers)
    else:
        body: dict[str, Any] = {"input": given}
        if email:
            body["expected_email"] = email
        response = client.post("/verify", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def checks(result: Any) -> dict[str, str]:
    return {c["name"]: c["outcome"] for c in result["checks"]}


def forms(client: TestClient, award_id: str) -> dict[str, Callable[[], str | bytes]]:
    base = "https://badges.example.test"
    return {
        "ob2-hosted-url": lambda: f"{base}/awards/{award_id}",
        "ob2-hosted-json": lambda: json.dumps(
            client.get(f"/awards/{award_id}", headers={"Accept": "application/json"}).json()
        ),
        "ob2-signed": lambda: client.get(f"/awards/{award_id}/signed").text,
        "ob3-url": lambda: f"{base}/awards/{award_id}/credential",
        "ob3-json": lambda: client.get(f"/awards/{award_id}/credential").text,
        "ob3-jwt-rs256": lambda: client.get(f"/awards/{award_id}/credential.jwt").text,
        "ob3-jwt-eddsa": lambda: (
            client.get(f"/awards/{award_id}/credential.jwt", params={"alg": "EdDSA"}).text
        ),
        "png-ob3": lambda: client.get(f"/awards/{award_id}/image").content,
        "png-ob2": lambda: client.get(f"/awards/{award_id}/image", params={"standard": "ob2"}).content,
    }


EXPECTED_FORM = {
    "ob2-hosted-url": "ob2-hosted",
    "ob2-hosted-json": "ob2-hosted",
    "ob2-signed": "ob2-signed",
    "ob3-url": "ob3-data-integrity",
    "ob3-json": "ob3-data-integrity",
    "ob3-jwt-rs256": "ob3-jwt",
    "ob3-jwt-eddsa": "ob3-jwt",
    "png-ob3": "ob3-data-integrity",
    "png-ob2": "ob2-signed",
}


@pytest.mark.parametrize("form", list(EXPECTED_FORM))
def test_every_form_of_a_genuine_badge_is_valid_and_says_whose_it_is(
    client: TestClient, world: World, form: str
) -> None:
    given = forms(client, world.award_id)[form]()
    result = verify(client, given, email=EMAIL)
    assert result["verdict"] == "valid", result
    assert result["form"] == EXPECTED_FORM[form]
    assert result["headline"] == result["message"]
    assert result["headline"].startswith(
        "Badge authentique et valide\u202f: « Accueillir et orienter les publics en illectronisme »,"
        " émis par Coop des médiateurs du Rhône (émetteur de ce service), le "
    )
    assert checks(result)["recipient"] == "passed"
    assert result["badge"]["name"] == "Accueillir et orienter les publics en illectronisme"
    assert result["badge"]["issuer"] == "Coop des médiateurs du Rhône"
    assert result["issuer"]["identity"] == "this-instance"
    assert result["issuer"]["name"] == "Coop des médiateurs du Rhône"
    if form.startswith("png"):
        assert result["baked_in"] == "png"
    wrong = verify(client, given, email="quelqu.un@example.fr", language="en")
    assert wrong["verdict"] == "invalid"
    assert checks(wrong)["recipient"] == "failed"
    assert wrong["headline"] == "This badge was not issued to this address."


@pytest.mark.parametrize("form", list(EXPECTED_FORM))
def test_every_form_of_a_revoked_badge_is_invalid(client: TestClient, world: World, form: str) -> None:
    given = forms(client, world.award_id)[form]() if not form.startswith("png") else None
    if given is None:  # baked images of a revoked award are no longer handed out: bake before
        given = forms(client, world.award_id)[form]()
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Fraude"}, headers=auth(world.coordinator)
    )
    result = verify(client, given)
    assert result["verdict"] == "invalid", result
    assert checks(result)["status"] == "failed"
    assert client.get(f"/awards/{world.award_id}/image").status_code == 410


@pytest.mark.parametrize("form", ["ob2-signed", "ob3-json", "ob3-jwt-rs256", "png-ob3"])
def test_an_expired_badge_is_invalid(client: TestClient, world: World, clock: FixedClock, form: str) -> None:
    award = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    given = forms(client, award["id"])[form]()
    clock.advance(timedelta(days=30))
    result = verify(client, given)
    assert result["verdict"] == "invalid"
    assert checks(result)["validity"] == "failed"


def tamper_jws(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    if "badge" in claims:
        claims["issuedOn"] = "2020-01-01T00:00:00Z"
    else:
        claims["name"] = "Autre"
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def test_tampered_badges_are_invalid(client: TestClient, world: World) -> None:
    every = forms(client, world.award_id)
    credential = json.loads(str(every["ob3-json"]()))
    credential["credentialSubject"]["achievement"]["name"] = "Badge modifié"
    assert checks(verify(client, json.dumps(credential)))["proof"] == "failed"
    assert checks(verify(client, tamper_jws(str(every["ob2-signed"]()))))["signature"] == "failed"
    assert checks(verify(client, tamper_jws(str(every["ob3-jwt-rs256"]()))))["proof"] == "failed"
    from service.baking import png

    baked = every["png-ob3"]()
    assert isinstance(baked, bytes)
    forged = png.bake(baked, json.dumps(credential), png.OB3_KEYWORD)
    result = verify(client, forged)
    assert (result["verdict"], result["baked_in"], checks(result)["proof"]) == ("invalid", "png", "failed")


def test_svg_badges_bake_and_verify(client: TestClient, world: World) -> None:
    badge = create_badge_class(
        client, world.coordinator, world.issuer_id, image=data_uri(SVG, "image/svg+xml")
    )
    award = issue_award(client, world.coordinator, badge["id"])
    for standard, form in (("ob3", "ob3-data-integrity"), ("ob2", "ob2-signed")):
        image = client.get(f"/awards/{award['id']}/image", params={"standard": standard})
        assert image.headers["content-type"].startswith("image/svg+xml")
        assert "sandbox" in image.headers["content-security-policy"]
        result = verify(client, image.content, email=EMAIL)
        assert (result["verdict"], result["form"], result["baked_in"]) == ("valid", form, "svg")


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("bonjour", "neither a URL"),
        ("{", "unreadable input"),
        ("[1, 2]", "neither a URL"),
        ('{"type": "Assertion"}', "not an Open Badges 2.0 assertion"),
        ("a.b.c", "unreadable input"),
        ("eyJhbGciOiJub25lIn0.eyJ2YyI6e319.", "format"),
        ("https://badges.example.test/awards/inconnuinconnuinconnuinco", "does not exist (HTTP 404)"),
        ("https://ailleurs.example.org/badge.json", "could not be reached"),
    ],
)
def test_malformed_or_unknown_input_gets_a_reason_never_a_500(
    client: TestClient, world: World, database: Database, given: str, reason: str
) -> None:
    counts = row_counts(database)
    result = verify(client, given, language="en")
    assert result["verdict"] in {"invalid", "cannot-tell"}
    assert any(reason in c["reason"] or reason == c["name"] for c in result["checks"]), result
    assert row_counts(database) == counts  # verifying writes nothing


def test_another_hosts_badge_cannot_be_told_yet(client: TestClient, world: World) -> None:
    result = verify(client, "https://ailleurs.example.org/badge.json")
    assert result["verdict"] == "cannot-tell"
    assert result["message"].startswith("Impossible de conclure")


def test_nothing_or_junk_uploads(client: TestClient) -> None:
    empty = client.post("/verify", json={})
    assert empty.status_code == 422
    assert empty.json()["code"] == "verify-nothing-given"
    bad_email = client.post(
        "/verify", files={"file": ("b.png", b"x")}, data={"expected_email": "pas-un-courriel"}
    )
    assert bad_email.json()["code"] == "verify-bad-email"
    for junk in (b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xfe\x00", b"<svg", b"GIF89a"):
        result = client.post("/verify", files={"file": ("b", junk)})
        assert result.status_code == 200, result.text
        assert result.json()["verdict"] == "invalid"


def test_every_reason_our_scenarios_produce_reads_in_french(client: TestClient, world: World) -> None:
    """Each check carries a code; the French answer is the catalogue's French, never the English."""
    from service.i18n.verification import MESSAGES

    every = forms(client, world.award_id)
    inputs = [make() for make in every.values()]
    credential = json.loads(str(every["ob3-json"]()))
    credential["credentialSubject"]["achievement"]["name"] = "Badge modifié"
    inputs += [
        json.dumps(credential),
        tamper_jws(str(every["ob2-signed"]())),
        tamper_jws(str(every["ob3-jwt-rs256"]())),
    ]
    inputs += ["bonjour", "{", '{"type": "Assertion"}', "https://127.0.0.1/x", "http://example.org/x"]
    seen: dict[str, tuple[str, str]] = {}
    for email in (EMAIL, "autre@example.fr"):
        for given in inputs:
            french = verify(client, given, email=email)["checks"]
            english = verify(client, given, email=email, language="en")["checks"]
            for fr, en in zip(french, english, strict=True):
                seen[fr["code"]] = (fr["reason"], en["reason"])
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Fraude"}, headers=auth(world.coordinator)
    )
    for given in inputs[:7]:
        for check in verify(client, given)["checks"]:
            seen[check["code"]] = (check["reason"], "")
    assert set(seen) <= set(MESSAGES)
    assert len(seen) > 15
    assert [code for code, (fr, en) in seen.items() if fr == en] == []
    revoked = verify(client, inputs[0])  # French by default
    assert "révoqué" in next(c["reason"] for c in revoked["checks"] if c["name"] == "status")
    # The hosted OB 2.0 badge of this instance: its server says when (the clock of the tests).
    assert revoked["headline"] == "Révoqué par l'émetteur le 22 novembre 2026\u202f: Fraude."
    credential = verify(client, inputs[4])  # OB 3.0 JSON: the status list says revoked, not when
    assert credential["headline"] == "Révoqué par l'émetteur."
