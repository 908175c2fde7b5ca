from fastapi.testclient import TestClient

from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import SVG, auth, badge_class_body, create_badge_class, data_uri, png_bytes, row_counts


def test_badge_class_round_trip(client: TestClient, world: World) -> None:
    created = create_badge_class(
        client,
        world.coordinator,
        world.issuer_id,
        image=data_uri(SVG, "image/svg+xml"),
        criteria_url="https://coop.example/criteres",
        validity_days=730,
        tags=["culture_numerique", "culture_numerique", "securite_numerique"],
    )
    assert created["image_type"] == "image/svg+xml"
    assert created["tags"] == ["culture_numerique", "securite_numerique"]
    assert created["alignments"][0]["target_code"] == "5.2"
    read = client.get(f"/api/v1/badge-classes/{created['id']}", headers=auth(world.viewer)).json()
    assert read == created
    listed = client.get(f"/api/v1/issuers/{world.issuer_id}/badge-classes", headers=auth(world.viewer)).json()
    assert {b["id"] for b in listed["items"]} == {created["id"], world.badge_class_id}
    assert listed["total"] == 2


def test_update_and_replace_image_in_place_until_awarded(client: TestClient, world: World) -> None:
    fresh = create_badge_class(client, world.coordinator, world.issuer_id, name="Pas encore attribué")
    url = f"/api/v1/badge-classes/{fresh['id']}"
    response = client.patch(
        url, json={"name": "Accueillir les publics", "tags": ["inclusion"]}, headers=auth(world.coordinator)
    )
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["tags"]) == ("Accueillir les publics", ["inclusion"])
    assert (response.json()["id"], response.json()["version"]) == (fresh["id"], 1)  # never awarded: in place
    upload = client.put(
        f"{url}/image",
        files={"image": ("b.png", png_bytes(128, 128), "image/png")},
        headers=auth(world.coordinator),
    )
    assert upload.status_code == 200, upload.text
    assert client.get(f"/badges/{fresh['id']}/image").content == png_bytes(128, 128)


def test_clearing_all_criteria_is_refused(client: TestClient, world: World) -> None:
    response = client.patch(
        f"/api/v1/badge-classes/{world.badge_class_id}",
        json={"criteria_narrative": None},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "criteria-required"


def test_invalid_badge_classes_write_nothing(client: TestClient, world: World, database: Database) -> None:
    before = row_counts(database)
    url = f"/api/v1/issuers/{world.issuer_id}/badge-classes"
    cases = {
        "criteria": badge_class_body(criteria_narrative=None),
        "image": badge_class_body(image="https://example.org/badge.png"),
        "alignments.0.target_url": badge_class_body(alignments=[{"target_name": "DigComp 4.4"}]),
        "language": badge_class_body(language="français"),
        "validity_days": badge_class_body(validity_days=0),
        "tags": badge_class_body(tags=["x"] * 31),
        "description": badge_class_body(description="x" * 5001),
    }
    for field, body in cases.items():
        response = client.post(url, json=body, headers=auth(world.coordinator))
        assert response.status_code == 422, (field, response.text)
        errors = response.json()["errors"]
        assert any(e["field"].startswith(field) or field == "criteria" for e in errors), (field, errors)
    no_image = badge_class_body()
    del no_image["image"]
    assert client.post(url, json=no_image, headers=auth(world.coordinator)).status_code == 422
    wrong = client.put(
        f"/api/v1/badge-classes/{world.badge_class_id}/image",
        files={"image": ("b.png", b"%PDF-1.4", "image/png")},
        headers=auth(world.coordinator),
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "image-unsupported-type"
    assert row_counts(database) == before


def test_awarded_badge_class_cannot_be_deleted(client: TestClient, world: World) -> None:
    response = client.delete(f"/api/v1/badge-classes/{world.badge_class_id}", headers=auth(world.coordinator))
    assert response.status_code == 409
    assert response.json()["code"] == "badge-class-has-awards"
    fresh = create_badge_class(client, world.coordinator, world.issuer_id)
    assert (
        client.delete(f"/api/v1/badge-classes/{fresh['id']}", headers=auth(world.coordinator)).status_code
        == 204
    )
    assert client.get(f"/badges/{fresh['id']}").status_code == 404
