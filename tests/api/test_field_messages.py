"""Why a field is refused comes from the catalogue, by code, in the reader's language: no French
answer or page holds a validator's English (regression, issue 16: "half-days overlap", "not a
valid SIRET…", "value is not a valid email address" reached French readers)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.domain.access import Role
from service.i18n.catalogue import translate
from service.i18n.messages import FIELD_MESSAGES
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import AFTERNOON, auth, console_csrf, issuer_body, make_account, session_body, sign_in

SERVICE = Path(__file__).parents[2] / "service"
ENGLISH = ("half-days overlap", "not a valid SIRET", "not a valid email", "value is not", "Value error")


def test_every_code_a_validator_raises_has_french_and_english() -> None:
    raised = set()
    for path in SERVICE.rglob("*.py"):
        raised |= set(re.findall(r'\binvalid\(\s*"([a-z0-9-]+)"', path.read_text()))
    assert len(raised) >= 15
    missing = sorted(code for code in raised if code not in FIELD_MESSAGES)
    untranslated = sorted(
        code for code in raised if translate(FIELD_MESSAGES[code], "en") == FIELD_MESSAGES[code]
    )
    assert missing == []
    assert untranslated == []


@pytest.mark.parametrize(("language", "expected"), [("fr", "SIRET invalide"), ("en", "not a valid SIRET")])
def test_a_refused_field_is_explained_in_the_readers_language(
    client: TestClient, world: World, language: str, expected: str
) -> None:
    response = client.post(
        "/api/v1/issuers",
        json=issuer_body(siret="12345678901234", email="pas-une-adresse"),
        headers={**auth(world.admin), "Accept-Language": language},
    )
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["siret"]["type"] == "siret-invalid"
    assert errors["siret"]["message"].startswith(expected)
    assert errors["email"]["type"] == "email-invalid"
    if language == "fr":
        assert errors["email"]["message"] == "adresse électronique invalide"
        assert not any(text in response.text for text in ENGLISH), response.text


def test_overlapping_half_days_are_refused_in_french(client: TestClient, world: World) -> None:
    overlapping = {"starts_at": "2026-11-20T15:00:00Z", "ends_at": "2026-11-20T17:00:00Z"}
    response = client.post(
        f"/api/v1/issuers/{world.issuer_id}/sessions",
        json=session_body(half_days=[AFTERNOON, overlapping]),
        headers={**auth(world.coordinator), "Accept-Language": "fr-FR"},
    )
    assert response.status_code == 422
    assert [e["type"] for e in response.json()["errors"]] == ["half-days-overlap"]
    assert response.json()["errors"][0]["message"] == "des demi-journées se chevauchent"
    assert not any(text in response.text for text in ENGLISH)


def test_a_console_form_shows_the_french_reason_next_to_the_field(
    client: TestClient, database: Database, world: World
) -> None:
    sign_in(client, make_account(database, Role.ADMIN))
    form = {"name": "Hub", "url": "https://hub.example.fr", "email": "hub", "siret": "123"}
    page = client.post("/console/emetteurs/nouveau", data={**form, "csrf": console_csrf(client)})
    assert page.status_code == 422
    text = unescape(page.text)
    assert "adresse électronique invalide" in text
    assert "SIRET invalide" in text
    assert not any(english in text for english in ENGLISH)


def test_the_api_and_the_pages_choose_the_language_one_way(client: TestClient, world: World) -> None:
    """The reader's explicit choice (the language switch's cookie) first, then Accept-Language,
    then French: the same for a problem of the API as for a page."""
    client.cookies.set("fabrique_lang", "en")
    chosen = client.get("/api/v1/awards/" + "a" * 26, headers={**auth(world.viewer), "Accept-Language": "fr"})
    assert (chosen.status_code, chosen.headers["content-language"]) == (404, "en")
    page = client.get("/verifier", headers={"Accept-Language": "fr"})
    assert page.headers["content-language"] == "en"
    client.cookies.clear()
    default = client.get(
        "/api/v1/awards/" + "a" * 26, headers={**auth(world.viewer), "Accept-Language": "de"}
    )
    assert default.headers["content-language"] == "fr"
    asked = client.get(
        "/api/v1/awards/" + "a" * 26, headers={**auth(world.viewer), "Accept-Language": "en-GB"}
    )
    assert asked.headers["content-language"] == "en"
