from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.domain.recipients import hash_email
from service.persistence.database import Database
from tests.api.conftest import World
from tests.conftest import START
from tests.factories import auth, create_badge_class, issue_award, row_counts


def test_award_defaults(client: TestClient, world: World) -> None:
    award = client.get(f"/api/v1/awards/{world.award_id}", headers=auth(world.coordinator)).json()
    assert award["issued_on"] == "2026-11-22T10:00:00Z"
    assert award["expires_at"] is None
    assert award["revoked"] is False
    assert award["assertion_url"] == f"https://badges.example.test/awards/{world.award_id}"


def test_each_award_has_its_own_salt(client: TestClient, world: World) -> None:
    first = client.get(f"/awards/{world.award_id}").json()["recipient"]
    second_id = issue_award(client, world.coordinator, world.badge_class_id)["id"]
    second = client.get(f"/awards/{second_id}").json()["recipient"]
    assert first["salt"] != second["salt"]
    assert first["identity"] != second["identity"]
    for recipient in (first, second):
        assert recipient["identity"] == hash_email("camille.durand@example.fr", recipient["salt"])


def test_expiry_from_validity_period_or_explicit(client: TestClient, world: World) -> None:
    two_years = create_badge_class(client, world.coordinator, world.issuer_id, validity_days=730)
    derived = issue_award(client, world.coordinator, two_years["id"])
    assert derived["expires_at"] == (START + timedelta(days=730)).strftime("%Y-%m-%dT%H:%M:%SZ")
    explicit = issue_award(
        client,
        world.coordinator,
        two_years["id"],
        issued_on="2026-09-01T09:00:00+02:00",
        expires_at="2027-09-01T09:00:00+02:00",
        evidence=[{"url": "https://coop.example/sessions/42", "narrative": "Session du 1er septembre, 6 h"}],
        narrative="A mené un atelier de prévention des arnaques.",
    )
    assert (explicit["issued_on"], explicit["expires_at"]) == ("2026-09-01T07:00:00Z", "2027-09-01T07:00:00Z")
    document = client.get(f"/awards/{explicit['id']}").json()
    assert document["evidence"] == [
        {
            "type": "Evidence",
            "id": "https://coop.example/sessions/42",
            "narrative": "Session du 1er septembre, 6 h",
        }
    ]
    assert document["narrative"] == "A mené un atelier de prévention des arnaques."


def test_list_and_filter_awards(client: TestClient, world: World) -> None:
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email="dominique@example.fr")
    url = f"/api/v1/issuers/{world.issuer_id}/awards"
    everything = client.get(url, headers=auth(world.viewer)).json()
    assert everything["total"] == 2
    only = client.get(
        url, params={"recipient_email": "DOMINIQUE@example.fr"}, headers=auth(world.coordinator)
    ).json()
    assert [a["recipient_email"] for a in only["items"]] == ["dominique@example.fr"]
    assert [a["recipient_email"] for a in everything["items"]] == [None, None]  # a viewer's answer
    page = client.get(url, params={"limit": 1, "offset": 1}, headers=auth(world.viewer)).json()
    assert (len(page["items"]), page["total"]) == (1, 2)
    assert client.get(url, params={"limit": 0}, headers=auth(world.viewer)).status_code == 422


def test_revoke(client: TestClient, world: World, clock: FixedClock) -> None:
    clock.advance(timedelta(days=3))
    url = f"/api/v1/awards/{world.award_id}/revoke"
    response = client.post(url, json={"reason": "Attribué par erreur"}, headers=auth(world.coordinator))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["revoked"], body["revocation_reason"]) == (True, "Attribué par erreur")
    assert body["revoked_at"] == "2026-11-25T10:00:00Z"
    again = client.post(url, json={"reason": "encore"}, headers=auth(world.coordinator))
    assert again.status_code == 409
    assert again.json()["code"] == "award-already-revoked"
    assert (
        client.post(
            url.replace(world.award_id, "x" * 26), json={"reason": "x"}, headers=auth(world.admin)
        ).status_code
        == 404
    )
    revoked = client.get(
        f"/api/v1/issuers/{world.issuer_id}/awards", params={"revoked": True}, headers=auth(world.viewer)
    )
    assert [a["id"] for a in revoked.json()["items"]] == [world.award_id]


def test_revocation_needs_a_reason(client: TestClient, world: World) -> None:
    for body in ({}, {"reason": "  "}, {"reason": "x" * 1001}):
        response = client.post(
            f"/api/v1/awards/{world.award_id}/revoke", json=body, headers=auth(world.coordinator)
        )
        assert response.status_code == 422, body
    assert client.get(f"/awards/{world.award_id}").status_code == 200


def test_invalid_awards_write_nothing(client: TestClient, world: World, database: Database) -> None:
    before = row_counts(database)
    url = f"/api/v1/badge-classes/{world.badge_class_id}/awards"
    cases = {
        "recipient_email": {"recipient_email": "camille@"},
        "issued_on": {"recipient_email": "a@example.fr", "issued_on": "2026-11-22T10:00:00"},  # no time zone
        "expires_at": {"recipient_email": "a@example.fr", "expires_at": "demain"},
        "evidence.0": {"recipient_email": "a@example.fr", "evidence": [{"name": "no url nor narrative"}]},
        "evidence.0.url": {"recipient_email": "a@example.fr", "evidence": [{"url": "javascript:alert(1)"}]},
    }
    for field, body in cases.items():
        response = client.post(url, json=body, headers=auth(world.coordinator))
        assert response.status_code == 422, (field, response.text)
        assert any(e["field"].startswith(field) for e in response.json()["errors"]), (field, response.json())
    future = client.post(
        url,
        json={"recipient_email": "a@example.fr", "issued_on": "2027-01-01T00:00:00Z"},
        headers=auth(world.coordinator),
    )
    assert future.json()["code"] == "issued-on-in-future"
    backwards = client.post(
        url,
        json={
            "recipient_email": "a@example.fr",
            "issued_on": "2026-01-02T00:00:00Z",
            "expires_at": "2026-01-01T00:00:00Z",
        },
        headers=auth(world.coordinator),
    )
    assert backwards.status_code == 422
    assert (
        client.post(
            "/api/v1/badge-classes/nope/awards",
            json={"recipient_email": "a@example.fr"},
            headers=auth(world.admin),
        ).status_code
        == 404
    )
    assert row_counts(database) == before


@pytest.mark.parametrize(
    ("field", "moment"),
    [
        ("expires_at", "9999-12-31T23:00:00-05:00"),  # overflowed on the way to UTC: a 500
        ("issued_on", "0001-01-01T00:30:00+01:00"),
        ("expires_at", "9500-01-01T00:00:00Z"),
        ("issued_on", "1969-12-31T23:59:59Z"),
    ],
)
def test_dates_at_the_edge_of_the_range_get_a_422_never_a_500(
    client: TestClient, world: World, database: Database, field: str, moment: str
) -> None:
    """Regression (issue 15, point 13)."""
    before = row_counts(database)
    response = client.post(
        f"/api/v1/badge-classes/{world.badge_class_id}/awards",
        json={"recipient_email": "camille@example.fr", field: moment},
        headers={**auth(world.coordinator), "Accept-Language": "fr"},
    )
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any("entre 1970 et 9000" in error["message"] for error in errors), errors
    assert row_counts(database) == before


@pytest.mark.parametrize(
    "name", ["Coop\u202edes médiateurs", "Coop\u200bdes médiateurs", "\u2066Camille\u2069", "Ca\u00admille"]
)
def test_names_shown_to_people_refuse_invisible_and_direction_changing_characters(
    client: TestClient, world: World, name: str
) -> None:
    """Regression (issue 15, point 13): a right-to-left override makes a name read as another."""
    for path, body in (
        (
            f"/api/v1/badge-classes/{world.badge_class_id}/awards",
            {"recipient_email": "c@example.fr", "recipient_name": name},
        ),
        (
            f"/api/v1/issuers/{world.issuer_id}/badge-classes",
            {"name": name, "description": "D", "criteria_narrative": "C"},
        ),
    ):
        response = client.post(path, json=body, headers={**auth(world.coordinator), "Accept-Language": "fr"})
        assert response.status_code == 422, (path, response.text)
        assert "caractères invisibles" in response.text
