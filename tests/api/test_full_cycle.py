"""The whole product in one story: the catalogue, a session, its spreadsheet, its closing, the
badges in both standards, the emails in a real mailbox, and the trainer's badge."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.verification.ob3 import verify_credential
from service.worker import drain_once
from tests.api.conftest import World
from tests.api.test_ob3 import did_resolver, status_checker
from tests.api.test_sessions import sender, services_of
from tests.factories import AFTERNOON, MORNING, auth
from tests.smtp_server import smtp_server

SHEET = (
    "\ufeffNom;Prénom;Adresse électronique;Structure;Fonction;Langue;"
    "20/11/2026 matin;20/11/2026 après-midi\r\n"
    "Durand;Camille;camille.durand@mairie-lunel.fr;Mairie de Lunel;Agente d'accueil;fr;x;x\r\n"
    "Haddad;Samir;samir.haddad@caf.example.fr;CAF de l'Hérault;Conseiller;français;oui;oui\r\n"
    "Smith;Jo;jo.smith@ccas.example.fr;CCAS;Social worker;anglais;x;x\r\n"
    "Moreau;Léa;lea.moreau@ccas.example.fr;CCAS;Travailleuse sociale;fr;x;\r\n"
)


def test_from_the_catalogue_to_the_trainers_badge(
    client: TestClient, app: FastAPI, world: World, clock: FixedClock
) -> None:
    token = auth(world.coordinator)
    catalogue = client.post(f"/api/v1/issuers/{world.issuer_id}/catalogue", headers=token).json()["created"]
    by_name = {c["name"]: c["id"] for c in catalogue}
    participant = by_name["Participant·e à un cycle entre pairs"]
    module = by_name["Accueillir et orienter les publics en illectronisme"]
    session = client.post(
        f"/api/v1/issuers/{world.issuer_id}/sessions",
        json={
            "title": "Accueillir les publics en illectronisme — Lunel",
            "themes": ["aide_aux_demarches_administratives"],
            "level": "N2",
            "venue_name": "France Services de Lunel",
            "venue_siret": "73282932000074",
            "venue_map_id": "a1b2c3",
            "capacity": 5,
            "half_days": [MORNING, AFTERNOON],
            "trainers": [{"name": "Alex Martin", "email": "alex.martin@coop.example.org"}],
            "rules": [
                {"badge_class_id": participant, "min_hours": 3, "all_half_days": True},
                {"badge_class_id": module, "min_hours": 3.5, "evaluation_required": True},
            ],
        },
        headers=token,
    ).json()
    url = f"/api/v1/sessions/{session['id']}"
    assert (
        session["venue_map_url"]
        == "https://cartographie.societenumerique.gouv.fr/cartographie/a1b2c3/details"
    )
    imported = client.post(
        f"{url}/import", files={"file": ("feuille.csv", SHEET.encode(), "text/csv")}, headers=token
    )
    assert imported.json()["imported"] == 4, imported.text
    held = client.patch(
        url, json={"state": "held", "evaluation_done": True, "evaluation_summary": "4,6/5"}, headers=token
    )
    assert held.json()["state"] == "held"

    preview = client.get(f"{url}/preview", headers=token).json()
    earned = sorted((p["email"], p["badge_class_id"]) for p in preview if p["earned"])
    closed = client.post(f"{url}/close", headers=token).json()
    assert (
        sorted((i["recipient_email"], i["badge_class_id"]) for i in closed["issued"]) == earned
    )  # as previewed
    lea = {
        i["badge_class_id"] for i in closed["issued"] if i["recipient_email"] == "lea.moreau@ccas.example.fr"
    }
    assert lea == {module}  # a morning is 3.5 h: the module, not the full-attendance badge
    trainer = {
        (i["recipient_email"], i["badge_class_id"]) for i in closed["issued"] if i["origin"] == "trainer"
    }
    # 4 peers in a session with its evaluation done: the first trainer level, not yet the confirmed one.
    assert ("alex.martin@coop.example.org", by_name["Formateur·rice pair"]) in trainer
    assert ("alex.martin@coop.example.org", by_name["Formateur·rice pair confirmé·e"]) not in trainer

    for item in closed["issued"]:  # both standards, and the OB 3.0 credential verifies
        assert (
            client.get(f"/awards/{item['award_id']}", headers={"Accept": "application/json"}).status_code
            == 200
        )
        assert client.get(f"/awards/{item['award_id']}/signed").status_code == 200
        credential = client.get(f"/awards/{item['award_id']}/credential").json()
        report = verify_credential(
            credential, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
        )
        assert report.valid, report

    with smtp_server() as (inbox, port):
        drained = drain_once(services_of(app), sender(port), "w")
    assert drained.sent == len(closed["issued"])
    subjects: dict[str, list[str]] = {}
    for message in inbox.messages:  # one email per award: a person may get several
        subjects.setdefault(message["To"].addresses[0].addr_spec.lower(), []).append(str(message["Subject"]))
    assert all(s.startswith("You have received") for s in subjects["jo.smith@ccas.example.fr"])  # "anglais"
    assert any(
        s.startswith("Vous avez reçu le badge « Formateur·rice pair »")
        for s in subjects["alex.martin@coop.example.org"]
    )
