"""The audit log (issue 17, point 5): every change made in the console, the API, the CLI or by an
earner's link is recorded with who, what, when and on which object; administrators read and
filter it in the console and the API; a refused change records nothing."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.domain.access import Role
from service.persistence.audit_tables import AuditEvent
from service.persistence.database import Database
from service.persistence.tables import Award
from tests.api.conftest import World
from tests.factories import auth, console_csrf, earner_link, make_account, sign_in
from tests.test_cli import cli_env, run


def events(database: Database, **where: str) -> list[AuditEvent]:
    with database.transaction(write=False) as session:
        query = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def test_changes_are_recorded_with_who_what_and_on_which_object(
    client: TestClient, database: Database, world: World
) -> None:
    token = auth(world.coordinator)
    made = client.post(
        f"/api/v1/badge-classes/{world.badge_class_id}/awards",
        json={"recipient_email": "ines@example.fr"},
        headers=token,
    ).json()
    [issued] = events(database, action="award-issued", subject_id=made["id"])
    assert (issued.actor_kind, issued.actor_label) == ("token", "test coordinator")
    assert (issued.subject_type, issued.issuer_id) == ("award", world.issuer_id)
    assert issued.details["route"] == "POST /api/v1/badge-classes/{badge_class_id}/awards"
    assert issued.details["email"] is True

    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id], email="nadia@exemple.fr"))
    csrf = console_csrf(client)
    client.post(
        f"/console/attributions/{made['id']}/revoquer",
        data={"csrf": csrf, "reason": "Erreur", "confirme": "oui"},
    )
    [revoked] = events(database, action="award-revoked")
    assert (revoked.actor_kind, revoked.actor_label, revoked.subject_id) == (
        "account",
        "nadia@exemple.fr",
        made["id"],
    )
    assert "Erreur" not in str(revoked.details)  # the reason may name the earner: not copied here
    [signed_in] = events(database, action="account-signed-in")
    assert signed_in.actor_label == "nadia@exemple.fr"

    client.post(f"{earner_link(client, world.award_id)}/publier", data={}, follow_redirects=False)
    [published] = events(database, action="award-published")
    assert (published.actor_kind, published.subject_id) == ("earner", world.award_id)


def test_a_refused_change_records_nothing(client: TestClient, database: Database, world: World) -> None:
    before = len(events(database))
    refused = client.post(
        f"/api/v1/badge-classes/{world.badge_class_id}/awards",
        json={"recipient_email": "pas-une-adresse"},
        headers=auth(world.coordinator),
    )
    assert refused.status_code == 422
    assert (
        client.post(
            f"/api/v1/awards/{world.award_id}/revoke", json={}, headers=auth(world.viewer)
        ).status_code
        == 403
    )
    assert len(events(database)) == before


def test_a_change_no_use_case_recorded_is_still_logged(database: Database, world: World) -> None:
    """The safety net: a transaction that changed audited rows without saying what it did gets a
    generic event per row, so nothing is ever missing from the log."""
    with database.transaction() as session:
        award = session.get(Award, world.award_id)
        assert award is not None
        award.recipient_name = "Camille D."
    [change] = events(database, action="change")
    assert (change.subject_type, change.subject_id, change.issuer_id) == (
        "awards",
        world.award_id,
        world.issuer_id,
    )
    assert change.actor_kind == "system"
    assert "route" not in change.details


def test_the_cli_is_an_actor_of_its_own(database_url: str, database: Database, tmp_path: Path) -> None:
    done = run(
        "tokens", "create", "--role", "admin", "--name", "sauvegarde", env=cli_env(database_url, tmp_path)
    )
    assert done.returncode == 0, done.stderr
    [created] = events(database, action="token-created")
    assert created.actor_kind == "cli"
    assert created.actor_label  # the system user who ran it
    assert created.details["name"] == "sauvegarde"


def test_administrators_read_and_filter_the_log_in_the_console_and_the_api(
    client: TestClient, database: Database, world: World
) -> None:
    token = auth(world.coordinator)
    for email in ("a@example.fr", "b@example.fr"):
        client.post(
            f"/api/v1/badge-classes/{world.badge_class_id}/awards",
            json={"recipient_email": email},
            headers=token,
        )
    client.post(f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Doublon"}, headers=token)
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    assert client.get("/console/journal").status_code == 403
    assert client.get("/api/v1/audit-events", headers=token).status_code == 403
    sign_in(client, make_account(database, Role.ADMIN, email="admin@exemple.fr"))
    page = unescape(client.get("/console/journal").text)
    assert "badge attribué" in page
    assert "badge révoqué" in page
    assert "jeton d'API" in page
    revoked = unescape(client.get("/console/journal", params={"action": "award-revoked"}).text)
    assert "1 modification" in revoked
    assert f"/console/emetteurs/{world.issuer_id}/attributions?q={world.award_id}" in revoked
    elsewhere = unescape(client.get("/console/journal", params={"emetteur": world.other_issuer_id}).text)
    assert "1 modification" in elsewhere  # the other issuer's creation, and nothing of this one
    assert "émetteur créé" in elsewhere
    assert "badge attribué" not in elsewhere.split("<table", 1)[1]
    english = unescape(client.get("/console/journal", headers={"Accept-Language": "en"}).text)
    assert "badge awarded" in english
    assert client.get("/console/journal", params={"du": "2026-02-30"}).status_code == 422
    listed = client.get(
        "/api/v1/audit-events",
        params={"action": "award-issued", "issuer_id": world.issuer_id},
        headers=auth(world.admin),
    ).json()
    assert listed["total"] == 3  # the world's award, then these two
    assert {item["actor_label"] for item in listed["items"]} == {"test coordinator"}
    assert all(item["subject_type"] == "award" for item in listed["items"])
