"""Issue 18, point 4: an earner asks for a link by email and sees every badge issued to that
address, all issuers together; from there each badge's own page (publish, hide, download,
erase). Asking never tells whether an address has badges; links expire; a flood sends no more."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.persistence.database import Database
from service.persistence.training_tables import OutboxMessage
from service.worker import drain_once
from tests.api.conftest import World
from tests.api.test_sessions import sender, services_of
from tests.factories import auth, create_badge_class, issue_award
from tests.smtp_server import smtp_server

BROWSER = {"Accept": "text/html"}


def ask(client: TestClient, email: str) -> tuple[int, str]:
    answer = client.post("/mon-espace", data={"email": email}, headers=BROWSER)
    return answer.status_code, unescape(answer.text)


def space_links(database: Database) -> list[str]:
    with database.transaction(write=False) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "earner-space-link"))
        return [row.recipient for row in rows]


def emailed_space_link(app: FastAPI, recipient: str) -> tuple[str, str]:
    """Send what is queued to a real SMTP server: (the link's path, the email's text)."""
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    mail = next(m for m in inbox.messages if recipient in str(m["To"]).lower())
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+(/mon-espace/\S+)", body)
    assert found, body
    assert mail["Subject"] == "Vos badges\u202f: votre lien de connexion"
    return found.group(1), body


def test_every_badge_of_an_address_from_a_link_sent_to_it(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    other = create_badge_class(client, world.other_coordinator, world.other_issuer_id, name="Aidants Connect")
    issue_award(client, world.other_coordinator, other["id"])  # another issuer, the same person
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email="quelquun@example.fr")
    status, text = ask(client, "  camille.durand@EXAMPLE.fr ")
    assert status == 200
    assert "Si des badges ont été délivrés à cette adresse" in text
    assert space_links(database) == ["camille.durand@example.fr"]
    link, body = emailed_space_link(app, "camille.durand@example.fr")
    assert "camille" not in link.lower()  # the address is not in the link
    assert "valable jusqu'au" in body
    space = client.get(link, headers=BROWSER)
    assert space.status_code == 200
    assert space.headers["cache-control"] == "no-store"
    assert space.headers["referrer-policy"] == "no-referrer"
    assert space.headers["x-robots-tag"] == "noindex"
    html = unescape(space.text)
    assert "Badges délivrés à camille.durand@example.fr" in html
    assert "Aidants Connect" in html
    assert html.count("Gérer ce badge") == 2  # not the badge of quelquun@example.fr
    own = re.findall(r'href="(/mon-badge/[^"]+)"', space.text)
    assert len(own) == 2
    page = client.get(unescape(own[0]), headers=BROWSER)
    assert page.status_code == 200
    assert "Rendre ma page publique" in unescape(page.text)


def test_asking_says_nothing_of_whether_an_address_has_badges(
    client: TestClient, database: Database, world: World
) -> None:
    known = ask(client, "camille.durand@example.fr")
    unknown = ask(client, "personne@example.fr")
    assert known == unknown
    assert space_links(database) == ["camille.durand@example.fr"]
    invalid = ask(client, "pas une adresse")
    assert invalid[0] == 422
    assert "Cette adresse électronique n'est pas valide" in invalid[1]
    assert 'aria-invalid="true"' in client.post("/mon-espace", data={"email": "x"}, headers=BROWSER).text


def test_a_flood_of_requests_sends_three_links_an_hour(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    for _ in range(5):
        assert ask(client, "camille.durand@example.fr")[0] == 200
    assert len(space_links(database)) == 3
    clock.advance(timedelta(hours=1, seconds=1))
    ask(client, "camille.durand@example.fr")
    assert len(space_links(database)) == 4


def test_links_expire_after_an_hour_and_forged_ones_open_nothing(
    client: TestClient, app: FastAPI, world: World, clock: FixedClock
) -> None:
    ask(client, "camille.durand@example.fr")
    link, _ = emailed_space_link(app, "camille.durand@example.fr")
    clock.advance(timedelta(minutes=59))
    assert client.get(link, headers=BROWSER).status_code == 200
    clock.advance(timedelta(minutes=2))
    expired = client.get(link, headers=BROWSER)
    assert expired.status_code == 410
    assert "Ce lien vers vos badges a expiré" in unescape(expired.text)
    assert 'action="/mon-espace"' not in expired.text or "Recevoir un lien" in unescape(expired.text)
    token = link.rsplit("/", 1)[1]
    message_id, mac = token.split(".")
    for forged in (f"{message_id}.{'A' * len(mac)}", message_id, "x" * 200, f"{'a' * 26}.{mac}"):
        answer = client.get(f"/mon-espace/{forged}", headers=BROWSER)
        assert answer.status_code == 404, forged
        assert "Ce lien vers vos badges n'est pas valide" in unescape(answer.text)


def test_a_revoked_badge_shows_as_revoked_and_an_erased_one_stays_out_of_reach(
    client: TestClient, app: FastAPI, world: World
) -> None:
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "erreur"}, headers=auth(world.coordinator)
    )
    ask(client, "camille.durand@example.fr")
    link, _ = emailed_space_link(app, "camille.durand@example.fr")
    html = unescape(client.get(link, headers=BROWSER).text)
    assert "Badge révoqué" in html
