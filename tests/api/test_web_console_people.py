"""People and access from the console (issue 17, point 5): an administrator invites a coordinator
by email (a one-time link to choose a password), sets roles per issuer and deactivates accounts;
anyone resets a forgotten password by email, without learning whether an address has an account.
Emails go through the real outbox, worker and an SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.domain.access import Role
from service.persistence.audit_tables import AuditEvent
from service.persistence.console_tables import ConsoleAccount
from service.persistence.database import Database
from service.persistence.training_tables import OutboxMessage
from service.worker import drain_once
from tests.api.conftest import World
from tests.api.test_sessions import sender, services_of
from tests.factories import (
    PASSWORD,
    auth,
    console_csrf,
    create_badge_class,
    form_value,
    make_account,
    sign_in,
)
from tests.smtp_server import smtp_server

NEW_PASSWORD = "une phrase de passe assez longue"


def admin(client: TestClient, database: Database) -> str:
    sign_in(client, make_account(database, Role.ADMIN, email="admin@exemple.fr"))
    return console_csrf(client)


def emailed_link(app: FastAPI, recipient: str) -> str:
    """Send what is queued to a real SMTP server; the console link in ``recipient``'s email."""
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    mail = next(m for m in inbox.messages if recipient in str(m["To"]))
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+(/console/lien/\S+)", body)
    assert found, body
    return found.group(1)


def account(database: Database, email: str) -> ConsoleAccount:
    with database.transaction(write=False) as session:
        found = session.scalars(select(ConsoleAccount).where(ConsoleAccount.email == email)).one()
        session.expunge_all()
        return found


def choose(client: TestClient, link: str, password: str, confirmation: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get(link)
    assert page.status_code == 200, page.text
    token = form_value(page.text, "form_token")
    return client.post(
        link,
        data={"form_token": token, "password": password, "confirmation": confirmation or password},
        follow_redirects=False,
    )


def test_an_invited_coordinator_chooses_a_password_through_a_link_that_works_once(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    csrf = admin(client, database)
    refused = client.post(
        "/console/comptes/inviter",
        data={"csrf": csrf, "email": "nadia@hub.example.fr", "name": "Nadia", "role": "coordinator"},
    )
    assert refused.status_code == 422  # a coordinator needs an issuer
    assert "doit avoir au moins un émetteur" in unescape(refused.text)
    assert 'value="nadia@hub.example.fr"' in refused.text
    invited = client.post(
        "/console/comptes/inviter",
        data={
            "csrf": csrf,
            "email": "Nadia@Hub.example.fr",
            "name": "Nadia Benali",
            "role": "coordinator",
            "issuer_ids": [world.issuer_id],
        },
    )
    assert "Invitation envoyée" in unescape(invited.text)
    assert "invitation en attente" in unescape(invited.text)
    again = client.post(
        "/console/comptes/inviter",
        data={"csrf": csrf, "email": "nadia@hub.example.fr", "role": "admin"},
    )
    assert again.status_code == 422
    assert "Un compte existe déjà pour nadia@hub.example.fr." in unescape(again.text)
    pending = account(database, "nadia@hub.example.fr")
    assert pending.password_hash == ""
    link = emailed_link(app, "nadia@hub.example.fr")

    nadia = TestClient(app, base_url=str(client.base_url))
    assert choose(nadia, link, NEW_PASSWORD, "autre chose encore").status_code == 422
    short = choose(nadia, link, "court")
    assert short.status_code == 422
    assert "de 12 à 256 caractères" in unescape(short.text)
    done = choose(nadia, link, NEW_PASSWORD)
    assert done.status_code == 303
    assert done.headers["location"] == "/console"
    assert world.issuer_id in nadia.get("/console").text  # signed in, with her issuer
    used = nadia.get(link)
    assert used.status_code == 404
    assert "Ce lien a déjà servi, a expiré" in unescape(used.text)
    with database.transaction(write=False) as session:
        actions = [
            (e.action, e.actor_label)
            for e in session.scalars(select(AuditEvent).where(AuditEvent.subject_id == pending.id))
        ]
    assert ("account-invited", "admin@exemple.fr") in actions
    assert ("account-password-set", "nadia@hub.example.fr") in actions


def test_a_forgotten_password_answers_the_same_for_any_address_and_its_link_expires(
    client: TestClient, app: FastAPI, database: Database, clock: FixedClock
) -> None:
    make_account(database, Role.ADMIN, email="lea@exemple.fr")
    url = "/console/mot-de-passe-oublie"

    def ask(email: str) -> str:
        token = form_value(client.get(url).text, "form_token")
        answer = client.post(url, data={"form_token": token, "email": email})
        assert answer.status_code == 200
        return unescape(answer.text)

    known, unknown = ask("lea@exemple.fr"), ask("personne@exemple.fr")
    assert "Si un compte actif existe pour cette adresse" in known
    assert known.replace("lea@exemple.fr", "") == unknown.replace("personne@exemple.fr", "")
    assert client.post(url, data={"email": "lea@exemple.fr"}).status_code == 403  # no form token
    with database.transaction(write=False) as session:
        kinds = session.scalars(select(OutboxMessage.recipient)).all()
    assert kinds == ["lea@exemple.fr"]
    link = emailed_link(app, "lea@exemple.fr")
    clock.advance(timedelta(hours=1, seconds=1))
    assert client.get(link).status_code == 404  # an hour, no more
    ask("lea@exemple.fr")
    fresh = emailed_link(app, "lea@exemple.fr")
    assert choose(client, fresh, NEW_PASSWORD).status_code == 303
    assert sign_in(client, "lea@exemple.fr", NEW_PASSWORD).status_code in (200, 303)


def test_access_is_changed_and_an_account_deactivated_by_an_administrator_only(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    coordinator = TestClient(app, base_url=str(client.base_url))
    sign_in(coordinator, make_account(database, Role.COORDINATOR, [world.issuer_id], email="c@exemple.fr"))
    assert coordinator.get("/console/comptes").status_code == 403
    target = account(database, "c@exemple.fr")
    assert coordinator.get(f"/console/comptes/{target.id}").status_code == 403
    csrf = admin(client, database)
    url = f"/console/comptes/{target.id}"
    assert "c@exemple.fr" in client.get("/console/comptes").text
    no_issuer = client.post(f"{url}/acces", data={"csrf": csrf, "role": "viewer"})
    assert no_issuer.status_code == 422
    changed = client.post(
        f"{url}/acces", data={"csrf": csrf, "role": "viewer", "issuer_ids": [world.other_issuer_id]}
    )
    assert "Accès enregistrés." in unescape(changed.text)
    assert account(database, "c@exemple.fr").role == "viewer"
    # the coordinator's session closed: it signs in again with its new rights
    assert coordinator.get("/console", follow_redirects=False).status_code == 303
    sign_in(coordinator, "c@exemple.fr")
    assert world.other_issuer_id in coordinator.get("/console").text
    assert world.issuer_id not in coordinator.get("/console").text
    deactivated = client.post(f"{url}/etat", data={"csrf": csrf, "action": "desactiver"})
    assert "Compte désactivé" in unescape(deactivated.text)
    assert coordinator.get("/console", follow_redirects=False).status_code == 303
    refused = sign_in(coordinator, "c@exemple.fr", PASSWORD)
    assert "Adresse ou mot de passe incorrect" in unescape(refused.text)
    client.post(f"{url}/etat", data={"csrf": csrf, "action": "reactiver"})
    assert sign_in(coordinator, "c@exemple.fr").status_code in (200, 303)
    me = account(database, "admin@exemple.fr")
    mine = client.post(f"/console/comptes/{me.id}/etat", data={"csrf": csrf, "action": "desactiver"})
    assert mine.status_code == 409
    demote = client.post(
        f"/console/comptes/{me.id}/acces",
        data={"csrf": csrf, "role": "viewer", "issuer_ids": [world.issuer_id]},
    )
    assert demote.status_code == 422
    assert account(database, "admin@exemple.fr").role == "admin"


def test_api_tokens_are_created_shown_once_used_and_revoked_from_the_console(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    csrf = admin(client, database)
    assert (
        client.post("/console/jetons", data={"csrf": csrf, "name": "", "role": "viewer"}).status_code == 422
    )
    no_issuer = client.post("/console/jetons", data={"csrf": csrf, "name": "Tableau", "role": "viewer"})
    assert no_issuer.status_code == 422
    assert 'value="Tableau"' in no_issuer.text
    created = client.post(
        "/console/jetons",
        data={"csrf": csrf, "name": "Suivi du réseau", "role": "viewer", "issuer_ids": [world.issuer_id]},
    )
    assert created.status_code == 200
    plaintext = re.search(r'<code id="new-token">([^<]+)</code>', created.text)
    assert plaintext
    token = plaintext.group(1)
    assert (
        created.headers["cache-control"].startswith("no-store")
        or "private" in created.headers["cache-control"]
    )
    listing = unescape(client.get("/console/jetons").text)
    assert token not in listing  # shown once
    assert "Suivi du réseau" in listing
    assert "jamais" in listing  # not used yet
    read = client.get(f"/api/v1/issuers/{world.issuer_id}", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200
    listing = unescape(client.get("/console/jetons").text)
    assert "22 novembre 2026" in listing.split("Suivi du réseau", 1)[1].split("</tr>", 1)[0]  # last used
    with database.transaction(write=False) as session:
        changes = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "change")).all()
    assert changes == []  # a use is not a change
    token_id = re.search(r"/console/jetons/([a-z2-7]{26})/revoquer", client.get("/console/jetons").text)
    assert token_id
    revoked = client.post(f"/console/jetons/{token_id.group(1)}/revoquer", data={"csrf": csrf})
    assert "Jeton révoqué" in unescape(revoked.text)
    after = client.get(f"/api/v1/issuers/{world.issuer_id}", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401


def test_one_account_coordinates_one_hub_and_only_views_another(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    """Issue 17, point 5: a role per issuer. Nadia coordinates the first hub and only views the
    second: she writes in the first, reads the second without its people, and cannot write there."""
    make_account(database, Role.COORDINATOR, [world.issuer_id], email="nadia@exemple.fr")
    target = account(database, "nadia@exemple.fr")
    csrf = admin(client, database)
    saved = client.post(
        f"/console/comptes/{target.id}/acces",
        data={
            "csrf": csrf,
            "role": "coordinator",
            "issuer_ids": [world.issuer_id, world.other_issuer_id],
            f"issuer_role_{world.other_issuer_id}": "viewer",
        },
    )
    assert "Accès enregistrés." in unescape(saved.text)
    page = unescape(client.get(f"/console/comptes/{target.id}").text)
    assert 'name="issuer_role_' in page
    again = client.post(  # saved twice with the same issuers: the rows are kept, not duplicated
        f"/console/comptes/{target.id}/acces",
        data={
            "csrf": csrf,
            "role": "coordinator",
            "issuer_ids": [world.issuer_id, world.other_issuer_id],
            f"issuer_role_{world.other_issuer_id}": "viewer",
        },
    )
    assert again.status_code == 200
    other_badge = create_badge_class(client, world.other_coordinator, world.other_issuer_id)
    other_award = client.post(
        f"/api/v1/badge-classes/{other_badge['id']}/awards",
        json={"recipient_email": "secret@example.fr", "recipient_name": "Personne Secrète", "notify": False},
        headers=auth(world.other_coordinator),
    ).json()
    nadia = TestClient(app, base_url=str(client.base_url))
    sign_in(nadia, "nadia@exemple.fr")
    nadia_csrf = console_csrf(nadia)
    mine = unescape(nadia.get(f"/console/emetteurs/{world.issuer_id}/attributions").text)
    assert "Camille.Durand@example.fr" in mine  # she coordinates this hub: she sees people
    theirs = nadia.get(f"/console/emetteurs/{world.other_issuer_id}/attributions")
    assert theirs.status_code == 200  # she reads the other hub
    assert "secret@example.fr" not in theirs.text
    assert "Personne Secrète" not in unescape(theirs.text)
    refused = nadia.post(
        f"/console/attributions/{other_award['id']}/revoquer",
        data={"csrf": nadia_csrf, "reason": "x", "confirme": "oui"},
    )
    assert refused.status_code == 403
    assert (
        nadia.post(
            f"/console/attributions/{world.award_id}/revoquer",
            data={"csrf": nadia_csrf, "reason": "Erreur", "confirme": "oui"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    wrong = client.post(
        f"/console/comptes/{target.id}/acces",
        data={
            "csrf": csrf,
            "role": "coordinator",
            "issuer_ids": [world.issuer_id],
            f"issuer_role_{world.issuer_id}": "admin",
        },
    )
    assert wrong.status_code == 422  # an issuer's role is coordinator or viewer
