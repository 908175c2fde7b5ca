"""A badge class that was awarded never changes: an edit makes a new version for future awards."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.test_sessions import held_session
from tests.factories import auth, create_badge_class, create_session, issue_award, png_bytes


def test_editing_an_awarded_badge_makes_a_new_version(client: TestClient, world: World) -> None:
    token = auth(world.coordinator)
    old_url = f"/api/v1/badge-classes/{world.badge_class_id}"
    before = client.get(old_url, headers=token).json()
    old_credential = client.get(f"/awards/{world.award_id}/credential").json()
    open_session = create_session(
        client, world.coordinator, world.issuer_id, rules=[{"badge_class_id": world.badge_class_id}]
    )
    edited = client.patch(old_url, json={"name": "Accueillir les publics, version 2"}, headers=token)
    assert edited.status_code == 200
    new = edited.json()
    assert new["id"] != world.badge_class_id
    assert (new["version"], new["series_id"], new["name"]) == (
        2,
        before["series_id"],
        "Accueillir les publics, version 2",
    )
    assert new["description"] == before["description"]  # everything not edited is carried over
    old = client.get(old_url, headers=token).json()
    assert (old["name"], old["replaced_by_id"], old["version"]) == (before["name"], new["id"], 1)
    # What was signed stays as it was, at its URLs.
    assert (
        client.get(f"/badges/{world.badge_class_id}", headers={"Accept": "application/json"}).json()["name"]
        == before["name"]
    )
    assert client.get(f"/awards/{world.award_id}/credential").json() == old_credential
    # Future awards use the new version; the old one refuses them and says which to use.
    refused = client.post(f"{old_url}/awards", json={"recipient_email": "a@example.fr"}, headers=token)
    assert refused.status_code == 409
    assert refused.json()["code"] == "badge-class-superseded"
    assert new["id"] in refused.json()["detail"]
    award = issue_award(client, world.coordinator, new["id"])
    assert (
        client.get(f"/awards/{award['id']}/credential").json()["credentialSubject"]["achievement"]["name"]
        == new["name"]
    )
    # Open sessions and the trainer rule follow the new version; lists show current versions only.
    rules = client.get(f"/api/v1/sessions/{open_session['id']}", headers=token).json()["rules"]
    assert [r["badge_class_id"] for r in rules] == [new["id"]]
    assert client.get(f"/api/v1/badge-classes/{new['id']}/trainer-rule", headers=token).status_code == 200
    assert client.get(f"{old_url}/trainer-rule", headers=token).status_code == 404
    listed = client.get(f"/api/v1/issuers/{world.issuer_id}/badge-classes", headers=token).json()
    assert [b["id"] for b in listed["items"]] == [new["id"]]
    # An old version cannot be edited again: edits go to the current one.
    again = client.patch(old_url, json={"name": "Autre"}, headers=token)
    assert again.json()["code"] == "badge-class-superseded"
    image = client.put(
        f"{old_url}/image", files={"image": ("b.png", png_bytes(), "image/png")}, headers=token
    )
    assert image.status_code == 409
    # The new version, not yet awarded... has one award now: its edit makes version 3.
    third = client.patch(f"/api/v1/badge-classes/{new['id']}", json={"tags": ["v3"]}, headers=token).json()
    assert (third["version"], third["series_id"]) == (3, before["series_id"])


def test_a_prerequisite_held_in_an_older_version_counts(client: TestClient, world: World) -> None:
    token = auth(world.coordinator)
    cycle = held_session(client, world)
    pathway = create_badge_class(
        client,
        world.coordinator,
        world.issuer_id,
        name="Parcours",
        prerequisites=[world.badge_class_id, cycle.participant_badge],
    )
    # Samir holds version 1 of the world's badge, which then gets a version 2.
    issue_award(
        client, world.coordinator, world.badge_class_id, recipient_email="samir.haddad@caf.example.fr"
    )
    client.patch(f"/api/v1/badge-classes/{world.badge_class_id}", json={"name": "Nouveau nom"}, headers=token)
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=token).json()
    pathway_awards = [
        (i["recipient_email"], i["badge_class_id"]) for i in closed["issued"] if i["origin"] == "pathway"
    ]
    assert pathway_awards == [("samir.haddad@caf.example.fr", pathway["id"])]
