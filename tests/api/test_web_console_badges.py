"""Issuers and badge classes edited from the console alone (issue 17): the catalogue imported, an
issuer's profile, a badge class with its alignments, prerequisites and trainer rule, and the new
version an edit makes once the badge was awarded, said before saving."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from service.domain.access import Role
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import (
    auth,
    console_csrf,
    create_badge_class,
    make_account,
    png_bytes,
    row_counts,
    sign_in,
)


def coordinator(client: TestClient, database: Database, world: World) -> str:
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    return console_csrf(client)


def form_values(html: str) -> dict[str, str]:
    """What a form shows filled in: text-like inputs and textareas, as the browser would send."""
    page = unescape(html)
    values = dict(
        re.findall(
            r'<input type="(?:text|email|url|number|hidden)" id="[^"]+" name="([^"]+)" value="([^"]*)"', page
        )
    )
    values.update(re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)</textarea>', page))
    values.pop("csrf", None)
    return values


def test_the_catalogue_is_imported_from_the_console_once(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/emetteurs/{world.issuer_id}/catalogue"
    first = unescape(client.post(url, data={"csrf": csrf}).text)
    assert "Catalogue importé\u202f: 12 badge(s) créé(s), 0 déjà présent(s)" in first
    assert "Aidants Connect — usage sécurisé" in first
    again = unescape(client.post(url, data={"csrf": csrf}).text)
    assert "Catalogue importé\u202f: 0 badge(s) créé(s), 12 déjà présent(s)" in again
    listed = client.get(f"/api/v1/issuers/{world.issuer_id}/badge-classes", headers=auth(world.coordinator))
    assert listed.json()["total"] == 13  # the world's badge and the twelve
    viewer = TestClient(client.app, base_url=str(client.base_url))
    sign_in(viewer, make_account(database, Role.VIEWER, [world.issuer_id], email="v@exemple.fr"))
    assert viewer.post(url, data={"csrf": console_csrf(viewer)}).status_code == 403


def test_an_issuer_is_edited_from_the_console(client: TestClient, database: Database, world: World) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/emetteurs/{world.issuer_id}/modifier"
    values = form_values(client.get(url).text)
    assert values["name"]
    assert values["email"]
    before = row_counts(database)
    for wrong, field, message in (
        ({"siret": "12345678901234"}, "siret", "SIRET invalide"),
        ({"email": "contact@"}, "email", "adresse électronique invalide"),
        ({"name": " "}, "name", "Ce champ est obligatoire."),
        ({"rna": "X123"}, "rna", "numéro RNA invalide"),
    ):
        refused = client.post(url, data={**values, **wrong, "csrf": csrf})
        assert refused.status_code == 422, wrong
        assert message in unescape(refused.text), wrong
        assert f'<a href="#{field}">' in refused.text, wrong
    assert row_counts(database) == before
    saved = client.post(
        url,
        data={**values, "name": "Hub numérique d'Occitanie", "rna": "W751234567", "siret": "", "csrf": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Émetteur enregistré." in unescape(client.get(saved.headers["location"]).text)
    issuer = client.get(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.coordinator)).json()
    assert (issuer["name"], issuer["rna"], issuer["siret"]) == (
        "Hub numérique d'Occitanie",
        "W751234567",
        None,
    )
    other = f"/console/emetteurs/{world.other_issuer_id}/modifier"
    assert client.get(other).status_code == 403
    assert client.post(other, data={**values, "csrf": csrf}).status_code == 403


def test_an_awarded_badge_class_says_an_edit_makes_a_new_version_and_makes_it(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/badges/{world.badge_class_id}"
    page = unescape(client.get(url).text)
    assert "Ce badge a déjà été attribué. L'enregistrer crée une version 2" in page
    assert "Enregistrer une nouvelle version" in page
    prerequisite = create_badge_class(client, world.coordinator, world.issuer_id, name="Culture numérique")
    values = form_values(client.get(url).text)
    values.update(
        name="Accueillir les publics (2026)",
        al_name_0="Accompagner un usager",
        al_url_0="https://pix.fr/competences/5.2",
        al_framework_0="PIX",
        al_code_0="5.2",
    )
    refused = client.post(
        f"{url}/modifier", data={**values, "al_url_1": "pas une adresse", "al_name_1": "X", "csrf": csrf}
    )
    assert refused.status_code == 422
    assert "une adresse web complète est attendue (http:// ou https://)" in unescape(refused.text)
    assert '<a href="#alignments">' in refused.text
    assert '<legend id="alignments"' in refused.text  # the link leads somewhere
    assert 'value="Accueillir les publics (2026)"' in unescape(refused.text)
    saved = client.post(
        f"{url}/modifier",
        data={**values, "prerequisites": [prerequisite["id"]], "csrf": csrf},
        files={"image": ("nouvelle.png", png_bytes(rgb=(200, 30, 30)), "image/png")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, unescape(saved.text)
    new_id = saved.headers["location"].split("/badges/")[1].split("?")[0]
    assert new_id != world.badge_class_id
    shown = unescape(client.get(saved.headers["location"]).text)
    assert "une nouvelle version a été créée\u202f; les badges déjà émis ne changent pas" in shown
    token = auth(world.coordinator)
    new = client.get(f"/api/v1/badge-classes/{new_id}", headers=token).json()
    assert new["name"] == "Accueillir les publics (2026)"
    assert new["version"] == 2
    assert new["prerequisites"] == [prerequisite["id"]]
    assert [(a["target_name"], a["target_code"]) for a in new["alignments"]] == [
        ("Accompagner un usager", "5.2")
    ]
    old = client.get(f"/api/v1/badge-classes/{world.badge_class_id}", headers=token).json()
    assert old["name"] != new["name"]  # the awarded version never changes
    assert "Cette version a été remplacée" in unescape(client.get(url).text)
    # The new version, never awarded, is edited in place.
    values = form_values(client.get(f"/console/badges/{new_id}").text)
    again = client.post(
        f"/console/badges/{new_id}/modifier",
        data={**values, "al_name_0": "", "al_url_0": "", "csrf": csrf},
        follow_redirects=False,
    )
    assert again.headers["location"] == f"/console/badges/{new_id}?fait=modifie"
    assert client.get(f"/api/v1/badge-classes/{new_id}", headers=token).json()["alignments"] == []


def test_a_trainer_rule_is_set_checked_and_removed_from_the_console(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/badges/{world.badge_class_id}/regle-formateurs"
    token = auth(world.coordinator)
    inverted = client.post(
        url, data={"csrf": csrf, "min_sessions": "2", "min_session_peers": "8", "max_session_peers": "3"}
    )
    assert inverted.status_code == 422
    assert "max_session_peers doit être au moins égal à min_session_peers" in unescape(inverted.text)
    assert 'value="8"' in inverted.text  # kept
    saved = client.post(
        url,
        data={
            "csrf": csrf,
            "min_sessions": "2",
            "min_peers": "10",
            "min_themes": "1",
            "evaluation_required": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    rule = client.get(f"/api/v1/badge-classes/{world.badge_class_id}/trainer-rule", headers=token).json()
    assert (rule["min_sessions"], rule["min_peers"], rule["evaluation_required"]) == (2, 10, True)
    assert rule["min_session_peers"] is None
    removed = client.post(url, data={"csrf": csrf, "action": "retirer"}, follow_redirects=False)
    assert removed.status_code == 303
    gone = client.get(f"/api/v1/badge-classes/{world.badge_class_id}/trainer-rule", headers=token)
    assert gone.status_code == 404
    assert "Aucune règle\u202f: ce badge n'est pas délivré aux formateurs." in unescape(
        client.get(f"/console/badges/{world.badge_class_id}").text
    )
