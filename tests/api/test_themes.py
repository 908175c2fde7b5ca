"""Issue 21, point 4: themes and levels are one vocabulary. A theme typed as its label or its slug
is stored as its slug; an unknown one is refused (API and console), never stored as typed; an
administrator extends the list; reports and evidence show labels, in the reader's language."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient

from service.domain.access import Role
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import (
    auth,
    console_csrf,
    create_session,
    issue_award,
    make_account,
    row_counts,
    session_body,
    sign_in,
)


def test_a_theme_given_by_label_or_slug_is_one_theme(
    client: TestClient, database: Database, world: World
) -> None:
    created = create_session(
        client,
        world.coordinator,
        world.issuer_id,
        themes=["Inclusion numérique", "inclusion_numerique", "  SÉCURITÉ numérique ", "Digital culture"],
    )
    assert created["themes"] == ["inclusion_numerique", "securite_numerique", "culture_numerique"]
    before = row_counts(database)
    refused = client.post(
        f"/api/v1/issuers/{world.issuer_id}/sessions",
        json=session_body(themes=["inclusion numerique", "cuisine du monde"]),
        headers=auth(world.coordinator),
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "theme-unknown"
    assert "« cuisine du monde » n'est pas un thème connu" in refused.json()["detail"]
    assert row_counts(database) == before
    patched = client.patch(
        f"/api/v1/sessions/{created['id']}", json={"themes": ["accueil"]}, headers=auth(world.coordinator)
    )
    assert patched.status_code == 422
    assert client.get(f"/api/v1/sessions/{created['id']}", headers=auth(world.coordinator)).json()[
        "themes"
    ] == [
        "inclusion_numerique",
        "securite_numerique",
        "culture_numerique",
    ]


def test_an_administrator_extends_the_vocabulary(client: TestClient, world: World) -> None:
    listed = client.get("/api/v1/themes", headers=auth(world.viewer)).json()
    assert {
        "slug": "culture_numerique",
        "label_fr": "Culture numérique",
        "label_en": "Digital culture",
    } in listed
    body = {
        "slug": "accessibilite_numerique",
        "label_fr": "Accessibilité numérique",
        "label_en": "Digital accessibility",
    }
    assert client.post("/api/v1/themes", json=body, headers=auth(world.coordinator)).status_code == 403
    assert client.post("/api/v1/themes", json=body, headers=auth(world.admin)).status_code == 201
    assert client.post("/api/v1/themes", json=body, headers=auth(world.admin)).status_code == 409
    for bad in (
        {**body, "slug": "Pas un slug"},
        {**body, "slug": "culture_numerique"},
        {**body, "label_en": " "},
    ):
        assert client.post("/api/v1/themes", json=bad, headers=auth(world.admin)).status_code in (409, 422), (
            bad
        )
    created = create_session(client, world.coordinator, world.issuer_id, themes=["Digital accessibility"])
    assert created["themes"] == ["accessibilite_numerique"]


def test_reports_and_the_console_show_labels(client: TestClient, database: Database, world: World) -> None:
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    french = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report", params=period, headers=auth(world.viewer)
    ).json()
    labels = {line["key"]: line["label"] for line in french["by_theme"]}
    assert labels["culture_numerique"] == "Culture numérique"  # the world's badge is tagged so
    english = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report",
        params=period,
        headers={**auth(world.viewer), "Accept-Language": "en"},
    ).json()
    assert {line["key"]: line["label"] for line in english["by_theme"]}[
        "culture_numerique"
    ] == "Digital culture"
    assert (
        english["theme_labels"]["aide_aux_demarches_administratives"]
        == "Help with online administrative procedures"
    )
    csv = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report",
        params={**period, "format": "csv"},
        headers=auth(world.viewer),
    ).content.decode("utf-8-sig")
    assert ";culture_numerique;Culture numérique;" in csv
    # The console offers the vocabulary as a checklist, and refuses what is not in it.
    make_account(database, Role.COORDINATOR, [world.issuer_id], email="coord@example.fr")
    sign_in(client, "coord@example.fr")
    form = unescape(client.get(f"/console/emetteurs/{world.issuer_id}/formations/nouvelle").text)
    assert 'type="checkbox" id="theme-inclusion_numerique" name="themes" value="inclusion_numerique"' in form
    assert "Inclusion numérique</label>" in form
    refused = client.post(
        f"/console/emetteurs/{world.issuer_id}/formations/nouvelle",
        data={"csrf": console_csrf(client), "title": "Atelier", "themes": ["cuisine"], "format": "in_person"},
    )
    assert refused.status_code == 422
    assert "« cuisine » n'est pas un thème connu" in unescape(refused.text)
    assert issue_award  # the world's award is what the report counts
