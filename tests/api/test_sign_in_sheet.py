"""Signed attendance per half-day (issue 17, point 9): the half-day's link (and QR code) in the
console, a participant signing on their phone during the half-day, late signatures marked, the
link refused outside its window, forged or for people not enrolled; the trainer's
countersignature; the grid saying which presences were signed and which ticked."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.domain import sign_in_sheet
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.training_tables import Attendance, HalfDay
from tests.api.conftest import World
from tests.factories import auth, console_csrf, form_value, make_account, sign_in

# The tests' clock stands at 2026-11-22T10:00Z; this half-day runs 09:30–12:30 Paris (08:30Z).
START = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
HALF_DAY = {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=3)).isoformat()}
PEOPLE = [("Camille Durand", "camille@mairie.example.fr"), ("Samir Haddad", "samir@caf.example.fr")]


def session_today(client: TestClient, world: World) -> tuple[str, str]:
    token = auth(world.coordinator)
    made = client.post(
        f"/api/v1/issuers/{world.issuer_id}/sessions",
        json={
            "title": "Accueillir en illectronisme",
            "half_days": [HALF_DAY],
            "trainers": [{"name": "Nadia Benali", "email": "nadia@hub.example.fr"}],
        },
        headers=token,
    ).json()
    client.post(
        f"/api/v1/sessions/{made['id']}/enrolments",
        json={"enrolments": [{"name": n, "email": e} for n, e in PEOPLE]},
        headers=token,
    )
    return made["id"], made["half_days"][0]["id"]


def sheet_url(client: TestClient, database: Database, world: World, session_id: str) -> str:
    """The sign-in link as the console shows it to the trainer."""
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    page = client.get(f"/console/formations/{session_id}").text
    found = re.search(r'href="https?://[^"/]+(/emargement/[^"]+)"', page)
    assert found, "the console shows the half-day's sign-in link"
    return found.group(1)


def signs(client: TestClient, url: str, email: str, name: str, certify: str = "1"):  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200, unescape(page.text)
    token = form_value(page.text, "form_token")
    return client.post(url, data={"form_token": token, "email": email, "name": name, "certify": certify})


def test_a_participant_signs_on_the_link_and_the_grid_says_signed_and_when(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    session_id, half_day_id = session_today(client, world)
    url = sheet_url(client, database, world, session_id)
    qr = client.get(f"/console/formations/{session_id}/emargement/{half_day_id}.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<script" not in qr.content
    phone = TestClient(client.app, base_url=str(client.base_url))
    # 10:00Z is 90 minutes after the start: a late signature
    done = signs(phone, url, "Camille@Mairie.example.fr", "Camille Durand")
    assert done.status_code == 200
    text = unescape(done.text)
    assert "Merci, votre présence est signée à 11:00 au nom de « Camille Durand »." in text
    assert "(arrivée après le début de la demi-journée)" in text
    again = signs(phone, url, "camille@mairie.example.fr", "C. Durand")
    assert "au nom de « Camille Durand »" in unescape(again.text)  # signed once; the first stands
    with database.transaction(write=False) as session:
        rows = session.scalars(select(Attendance).where(Attendance.half_day_id == half_day_id)).all()
        assert [(r.signed_name, r.late) for r in rows] == [("Camille Durand", True)]
    grid = unescape(client.get(f"/console/formations/{session_id}").text)
    assert "signé à 11:00 · en retard" in grid
    enrolments = client.get(
        f"/api/v1/sessions/{session_id}/enrolments", headers=auth(world.coordinator)
    ).json()
    attended = {e["email"]: e["attended_hours"] for e in enrolments}
    assert attended == {"camille@mairie.example.fr": 3.0, "samir@caf.example.fr": 0.0}


def test_the_link_is_refused_when_forged_closed_or_for_someone_not_enrolled(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    session_id, half_day_id = session_today(client, world)
    url = sheet_url(client, database, world, session_id)
    phone = TestClient(client.app, base_url=str(client.base_url))
    forged = phone.get(f"/emargement/{half_day_id}.{'A' * 32}")
    assert forged.status_code == 404
    assert "Ce lien d'émargement n'est pas valide" in unescape(forged.text)
    stranger = signs(phone, url, "quelquun@example.fr", "Quelqu'un")
    assert stranger.status_code == 422
    assert "Aucune inscription à cette formation ne correspond à cette adresse" in unescape(stranger.text)
    hidden = signs(phone, url, "samir@caf.example.fr", "Samir\u202eHaddad")  # a direction override
    assert hidden.status_code == 422
    assert "sans caractères invisibles" in unescape(hidden.text)
    unchecked = signs(phone, url, "samir@caf.example.fr", "Samir Haddad", certify="")
    assert unchecked.status_code == 422
    assert "Cochez la case pour certifier votre présence." in unescape(unchecked.text)
    token = form_value(phone.get(url).text, "form_token")
    assert (
        phone.post(url, data={"email": "samir@caf.example.fr", "name": "S", "certify": "1"}).status_code
        == 403
    )
    assert token
    clock.advance(timedelta(hours=2, minutes=31))  # 12:31Z: an hour after the end, and a minute
    closed = phone.get(url)
    assert closed.status_code == 409
    assert "ouvre 30 minutes avant le début et ferme une heure après la fin" in unescape(closed.text)
    with database.transaction(write=False) as session:
        assert session.scalars(select(Attendance).where(Attendance.half_day_id == half_day_id)).all() == []
    # before the window: 30 minutes before the start opens it
    assert sign_in_sheet.is_open(START, START + timedelta(hours=3), START - timedelta(minutes=30))
    assert not sign_in_sheet.is_open(START, START + timedelta(hours=3), START - timedelta(minutes=31))
    assert not sign_in_sheet.is_late(START, START + timedelta(minutes=15))
    assert sign_in_sheet.is_late(START, START + timedelta(minutes=16))


def test_a_cancelled_session_takes_no_signatures(
    client: TestClient, database: Database, world: World
) -> None:
    session_id, _ = session_today(client, world)
    url = sheet_url(client, database, world, session_id)
    cancelled = client.patch(
        f"/api/v1/sessions/{session_id}", json={"state": "cancelled"}, headers=auth(world.coordinator)
    )
    assert cancelled.status_code == 200, cancelled.text
    assert TestClient(client.app, base_url=str(client.base_url)).get(url).status_code == 409


def test_a_trainer_countersigns_the_half_day_from_the_console(
    client: TestClient, database: Database, world: World
) -> None:
    session_id, half_day_id = session_today(client, world)
    sheet_url(client, database, world, session_id)
    csrf = console_csrf(client)
    url = f"/console/formations/{session_id}/contresigner"
    wrong = client.post(url, data={"csrf": csrf, "half_day_id": half_day_id, "trainer": "Quelqu'un d'autre"})
    assert wrong.status_code == 422
    assert "Choisissez un des pairs formateurs de la formation." in unescape(wrong.text)
    done = client.post(url, data={"csrf": csrf, "half_day_id": half_day_id, "trainer": "Nadia Benali"})
    assert "Demi-journée contresignée." in unescape(done.text)
    assert "contresignée par Nadia Benali le 22 novembre 2026 11:00" in unescape(done.text)
    with database.transaction(write=False) as session:
        half_day = session.get(HalfDay, half_day_id)
        assert half_day is not None
        assert half_day.countersigned_by == "Nadia Benali"


def test_people_signing_at_the_same_moment_are_all_recorded_once(
    client: TestClient, database: Database, world: World
) -> None:
    """A room signs within the same minute: every signature lands, none twice (PostgreSQL too)."""
    session_id, half_day_id = session_today(client, world)
    token = auth(world.coordinator)
    many = [(f"Pair {i}", f"pair{i}@example.fr") for i in range(12)]
    client.post(
        f"/api/v1/sessions/{session_id}/enrolments",
        json={"enrolments": [{"name": n, "email": e} for n, e in many]},
        headers=token,
    )
    url = sheet_url(client, database, world, session_id)
    answers: list[int] = []

    def one(name: str, email: str) -> None:
        phone = TestClient(client.app, base_url=str(client.base_url))
        answers.append(signs(phone, url, email, name).status_code)

    threads = [threading.Thread(target=one, args=person) for person in many + many[:4]]  # four sign twice
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * len(threads)
    with database.transaction(write=False) as session:
        rows = session.scalars(select(Attendance).where(Attendance.half_day_id == half_day_id)).all()
    assert len(rows) == len(many)
    assert all(row.signed_at is not None for row in rows)
