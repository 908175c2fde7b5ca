"""Peer-training sessions, end to end: record, enrol, attend, preview, close, and the emails
delivered to a real SMTP server on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.domain import earner_links
from service.mail.smtp import SmtpSender
from service.persistence.database import Database
from service.services import Services
from service.settings import SmtpSecurity
from service.worker import drain_once
from tests.api.conftest import World
from tests.factories import (
    AFTERNOON,
    MORNING,
    auth,
    create_badge_class,
    create_session,
    issue_award,
    row_counts,
)
from tests.smtp_server import Inbox, smtp_server

PEERS = [
    ("Camille Durand", "camille.durand@mairie-lunel.fr", "fr"),
    ("Samir Haddad", "Samir.Haddad@caf.example.fr", "fr"),
    ("Jo Smith", "jo.smith@ccas.example.fr", "en"),
    ("Léa Moreau", "lea.moreau@ccas.example.fr", "fr"),  # will attend the morning only
]


@dataclass(frozen=True)
class Cycle:
    session: dict[str, Any]
    participant_badge: str


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


def services_of(app: FastAPI) -> Services:
    found: Services = app.state.services
    return found


def sender(port: int) -> SmtpSender:
    return SmtpSender("127.0.0.1", port, SmtpSecurity.NONE, None, None, timeout=10)


def held_session(client: TestClient, world: World, **overrides: Any) -> Cycle:
    """A session with a participant rule, four enrolled peers and their attendance marked."""
    badge = create_badge_class(client, world.coordinator, world.issuer_id, name="Participant·e à un cycle")
    session = create_session(
        client,
        world.coordinator,
        world.issuer_id,
        rules=[{"badge_class_id": badge["id"], "min_hours": 3, "all_half_days": True}],
        **overrides,
    )
    token = auth(world.coordinator)
    people = [{"name": n, "email": e, "structure": "CCAS", "language": lang} for n, e, lang in PEERS]
    enrolled = client.post(
        f"/api/v1/sessions/{session['id']}/enrolments", json={"enrolments": people}, headers=token
    )
    assert enrolled.status_code == 200, enrolled.text
    morning, afternoon = (h["id"] for h in session["half_days"])
    marks = [{"email": e, "half_day_id": morning} for _, e, _ in PEERS]
    marks += [{"email": e, "half_day_id": afternoon} for _, e, _ in PEERS[:3]]
    marked = client.post(f"/api/v1/sessions/{session['id']}/attendance", json={"marks": marks}, headers=token)
    assert marked.json() == {"changed": 7}
    return Cycle(session, badge["id"])


def test_a_session_from_attendance_to_badges_and_emails(
    client: TestClient, app: FastAPI, world: World, inbox: tuple[Inbox, int]
) -> None:
    cycle = held_session(client, world)
    token = auth(world.coordinator)
    session_id = cycle.session["id"]
    assert cycle.session["planned_hours"] == 7.0
    enrolments = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=token).json()
    assert {e["email"]: e["attended_hours"] for e in enrolments} == {
        "camille.durand@mairie-lunel.fr": 7.0,
        "samir.haddad@caf.example.fr": 7.0,  # work emails are compared lower-cased
        "jo.smith@ccas.example.fr": 7.0,
        "lea.moreau@ccas.example.fr": 3.5,
    }

    preview = client.get(f"/api/v1/sessions/{session_id}/preview", headers=token).json()
    participants = {p["email"]: p for p in preview if p["origin"] == "session"}
    assert [e for e, p in sorted(participants.items()) if p["earned"]] == [
        "camille.durand@mairie-lunel.fr",
        "jo.smith@ccas.example.fr",
        "samir.haddad@caf.example.fr",
    ]
    assert participants["lea.moreau@ccas.example.fr"]["reasons"] == ["half-days-missed:1"]
    trainer = next(p for p in preview if p["origin"] == "trainer")
    assert trainer["email"] == "alex.martin@coop.example.org"
    assert trainer["earned"]  # 3 peers in a session: within the rule's 3 to 5
    assert client.get(f"/api/v1/sessions/{session_id}", headers=token).json()["state"] == "planned"

    closed = client.post(f"/api/v1/sessions/{session_id}/close", headers=token)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["session"]["state"] == "closed"
    issued = {(i["recipient_email"], i["origin"]) for i in body["issued"]}
    assert issued == {
        ("camille.durand@mairie-lunel.fr", "session"),
        ("samir.haddad@caf.example.fr", "session"),
        ("jo.smith@ccas.example.fr", "session"),
        ("alex.martin@coop.example.org", "trainer"),
    }
    assert [p["email"] for p in body["not_earned"]] == ["lea.moreau@ccas.example.fr"]

    for item in body["issued"]:  # both Open Badges forms, with the session as evidence
        hosted = client.get(f"/awards/{item['award_id']}", headers={"Accept": "application/ld+json"}).json()
        assert hosted["type"] == "Assertion"
        credential = client.get(f"/awards/{item['award_id']}/credential").json()
        assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
        evidence = credential["credentialSubject"].get("evidence") or credential.get("evidence")
        text = repr(evidence) + repr(hosted.get("evidence"))
        assert "Accueillir les publics en illectronisme" in text
        for name, email, _ in PEERS:  # nobody else's data in anyone's evidence
            assert email.lower() not in text
            assert name not in text

    smtp, port = inbox
    drained = drain_once(services_of(app), sender(port), "worker-test")
    assert (drained.claimed, drained.sent, drained.failed) == (4, 4, 0)
    assert drain_once(services_of(app), sender(port), "worker-test").claimed == 0  # never twice
    by_recipient = {m["To"].addresses[0].addr_spec.lower(): m for m in smtp.messages}
    assert len(smtp.messages) == 4
    assert set(by_recipient) == {email for email, _ in issued}
    french = by_recipient["camille.durand@mairie-lunel.fr"]
    assert french["Subject"] == (
        "Vous avez reçu le badge « Participant·e à un cycle » de Coop des médiateurs du Rhône"
    )
    assert french["Content-Language"] == "fr"
    text_fr = french.get_body(("plain",)).get_content()
    assert text_fr.index("Bonjour Camille Durand") < text_fr.index("Hello Camille Durand")  # French first
    award_id = next(i["award_id"] for i in body["issued"] if i["recipient_email"].startswith("camille"))
    assert f"https://badges.example.test/b/{award_id}" in text_fr
    english = by_recipient["jo.smith@ccas.example.fr"]
    assert english["Subject"].startswith("You have received the badge “Participant·e à un cycle”")
    text_en = english.get_body(("plain",)).get_content()
    assert text_en.index("Hello Jo Smith") < text_en.index("Bonjour Jo Smith")
    html = french.get_body(("html",)).get_content()
    # The button leads to the earner's private page, whose link opens it; the public address is text.
    private = re.search(r'href="https://badges\.example\.test(/mon-badge/[^"]+)"', html)
    assert private
    assert private.group(1) in text_fr
    assert (
        earner_links.award_of(services_of(app).secret, private.group(1).removeprefix("/mon-badge/"))
        == award_id
    )
    assert client.get(private.group(1), headers={"Accept": "text/html"}).status_code == 200
    # Issue 18, point 8: the training it was earned in, the badge image inline, the earner space.
    assert (
        "Pour votre participation à la formation entre pairs « Accueillir les publics en illectronisme », le "
    ) in " ".join(text_fr.split())
    assert "à France Services de Lunel." in " ".join(text_fr.split())
    assert "https://badges.example.test/mon-espace" in text_fr
    images = [p for p in french.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    trainer_text = by_recipient["alex.martin@coop.example.org"].get_body(("plain",)).get_content()
    assert "Pour l'animation de la formation entre pairs" in " ".join(trainer_text.split())
    # The attestation of the training, from the earner's own page (a PDF made by WeasyPrint).
    own_page = client.get(private.group(1), headers={"Accept": "text/html"}).text
    assert f'href="{private.group(1)}/attestation.pdf"' in own_page
    pdf = client.get(f"{private.group(1)}/attestation.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content.startswith(b"%PDF-")


def test_closing_twice_issues_nothing_twice(client: TestClient, world: World, database: Database) -> None:
    cycle = held_session(client, world)
    token = auth(world.coordinator)
    first = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=token)
    assert first.status_code == 200
    counts = row_counts(database)
    again = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=token)
    assert again.status_code == 409
    assert again.json()["code"] == "session-already-closed"
    assert row_counts(database) == counts
    edit = client.patch(f"/api/v1/sessions/{cycle.session['id']}", json={"title": "Autre"}, headers=token)
    assert edit.status_code == 409
    assert edit.json()["code"] == "session-closed"


def test_a_trainer_badge_counts_sessions_across_the_record(client: TestClient, world: World) -> None:
    confirmed = create_badge_class(
        client, world.coordinator, world.issuer_id, name="Formateur·rice pair confirmé·e"
    )
    rule = {"min_sessions": 2, "min_peers": 6, "min_themes": 2}
    response = client.put(
        f"/api/v1/badge-classes/{confirmed['id']}/trainer-rule", json=rule, headers=auth(world.coordinator)
    )
    assert response.status_code == 200
    first = held_session(client, world, themes=["culture_numerique"])
    closed = client.post(
        f"/api/v1/sessions/{first.session['id']}/close", headers=auth(world.coordinator)
    ).json()
    trainer_awards = {i["badge_class_id"] for i in closed["issued"] if i["origin"] == "trainer"}
    assert trainer_awards == {world.badge_class_id}  # the first level; not yet the confirmed one
    second = held_session(
        client, world, themes=["securite_numerique"], title="Sécurité numérique du quotidien"
    )
    preview = client.get(f"/api/v1/sessions/{second.session['id']}/preview", headers=auth(world.coordinator))
    lines = {p["badge_class_id"]: p for p in preview.json() if p["origin"] == "trainer"}
    assert lines[confirmed["id"]]["earned"]
    assert lines[world.badge_class_id]["already_awarded"]
    closed = client.post(
        f"/api/v1/sessions/{second.session['id']}/close", headers=auth(world.coordinator)
    ).json()
    assert {i["badge_class_id"] for i in closed["issued"] if i["origin"] == "trainer"} == {confirmed["id"]}


def test_a_pathway_badge_follows_its_prerequisites(client: TestClient, world: World) -> None:
    cycle = held_session(client, world)
    pathway = create_badge_class(
        client,
        world.coordinator,
        world.issuer_id,
        name="Parcours médiation N2",
        prerequisites=[cycle.participant_badge, world.badge_class_id],
    )
    assert pathway["prerequisites"] == [cycle.participant_badge, world.badge_class_id]
    token = auth(world.coordinator)
    # Camille already holds the world's badge, given directly: the session completes her pathway.
    issue_award(
        client, world.coordinator, world.badge_class_id, recipient_email="Camille.Durand@mairie-lunel.fr"
    )
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=token).json()
    pathway_awards = [i for i in closed["issued"] if i["origin"] == "pathway"]
    assert [(i["recipient_email"], i["badge_class_id"]) for i in pathway_awards] == [
        ("camille.durand@mairie-lunel.fr", pathway["id"])
    ]


def test_enrolment_beyond_capacity_waits(client: TestClient, world: World) -> None:
    session = create_session(client, world.coordinator, world.issuer_id, capacity=2)
    people = [{"name": n, "email": e} for n, e, _ in PEERS[:3]]
    response = client.post(
        f"/api/v1/sessions/{session['id']}/enrolments",
        json={"enrolments": people},
        headers=auth(world.coordinator),
    )
    states = {e["email"]: e["state"] for e in response.json()}
    assert sorted(states.values()) == ["registered", "registered", "waiting"]
    assert states["jo.smith@ccas.example.fr"] == "waiting"  # in the order received


def test_the_clock_decides_when_a_session_can_close(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    later = {"starts_at": "2026-11-22T12:30:00Z", "ends_at": "2026-11-22T16:00:00Z"}  # today, afternoon
    session = create_session(client, world.coordinator, world.issuer_id, half_days=[MORNING, later])
    early = client.post(f"/api/v1/sessions/{session['id']}/close", headers=auth(world.coordinator))
    assert early.status_code == 409
    assert early.json()["code"] == "session-not-over"
    from datetime import timedelta

    clock.advance(timedelta(hours=7))
    assert (
        client.post(f"/api/v1/sessions/{session['id']}/close", headers=auth(world.coordinator)).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"half_days": [MORNING, {**MORNING, "ends_at": "2026-11-20T09:00:00Z"}]}, "half_days"),
        (
            {"half_days": [{"starts_at": "2026-11-20T08:00:00Z", "ends_at": "2026-11-20T19:00:00Z"}]},
            "half_days.0",
        ),
        ({"half_days": [{**AFTERNOON, "ends_at": AFTERNOON["starts_at"]}]}, "half_days.0"),
        (
            {"half_days": [{"starts_at": "2026-11-20T08:00:00", "ends_at": "2026-11-20T11:00:00Z"}]},
            "half_days.0.starts_at",
        ),
        ({"venue_siret": "12345678901234"}, "venue_siret"),
        ({"venue_map_id": "../../etc"}, "venue_map_id"),
        ({"format": "sur la lune"}, "format"),
        ({"level": "N9"}, "level"),
        ({"capacity": 0}, "capacity"),
        ({"title": ""}, "title"),
        ({"trainers": [{"name": "X", "email": "pas-un-courriel"}]}, "trainers.0.email"),
        ({"rules": [{"badge_class_id": "x" * 26}]}, "rules.0.badge_class_id"),
    ],
)
def test_bad_sessions_are_refused_and_write_nothing(
    client: TestClient, world: World, database: Database, body: dict[str, Any], field: str
) -> None:
    from tests.factories import session_body

    counts = row_counts(database)
    response = client.post(
        f"/api/v1/issuers/{world.issuer_id}/sessions",
        json=session_body(**body),
        headers=auth(world.coordinator),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(e["field"].startswith(field) for e in response.json()["errors"]), response.json()
    assert row_counts(database) == counts


def test_a_rule_may_not_use_another_issuers_badge(
    client: TestClient, world: World, database: Database
) -> None:
    foreign = create_badge_class(client, world.admin, world.other_issuer_id)
    counts = row_counts(database)
    response = client.post(
        f"/api/v1/issuers/{world.issuer_id}/sessions",
        json={"title": "T", "rules": [{"badge_class_id": foreign["id"]}]},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule-badge-class-unknown"
    assert row_counts(database) == counts


def test_bad_attendance_is_refused_whole(client: TestClient, world: World, database: Database) -> None:
    cycle = held_session(client, world)
    session_id = cycle.session["id"]
    morning = cycle.session["half_days"][0]["id"]
    counts = row_counts(database)
    token = auth(world.coordinator)
    marks = [
        {"email": PEERS[0][1], "half_day_id": morning, "present": False},  # valid, but the batch fails
        {"email": "inconnu@example.fr", "half_day_id": morning},
    ]
    response = client.post(f"/api/v1/sessions/{session_id}/attendance", json={"marks": marks}, headers=token)
    assert response.status_code == 422
    assert response.json()["code"] == "attendance-unknown-person"
    assert response.json()["errors"][0]["field"] == "marks.1.email"
    other = client.post(
        f"/api/v1/sessions/{session_id}/attendance",
        json={"marks": [{"email": PEERS[0][1], "half_day_id": world.session_id}]},
        headers=token,
    )
    assert other.json()["code"] == "attendance-unknown-half-day"
    assert row_counts(database) == counts


def test_a_cancelled_session_cannot_close_or_change(client: TestClient, world: World) -> None:
    token = auth(world.coordinator)
    url = f"/api/v1/sessions/{world.session_id}"
    assert client.patch(url, json={"state": "cancelled"}, headers=token).json()["state"] == "cancelled"
    assert client.post(f"{url}/close", headers=token).json()["code"] == "session-cancelled"
    assert (
        client.patch(url, json={"title": "Nouveau titre"}, headers=token).json()["code"]
        == "session-cancelled"
    )
    assert client.patch(url, json={"state": "planned"}, headers=token).json()["state"] == "planned"
    assert (
        client.patch(url, json={"title": "Nouveau titre"}, headers=token).json()["title"] == "Nouveau titre"
    )
    refused = client.patch(url, json={"state": "closed"}, headers=token)
    assert refused.status_code == 422  # closing is its own operation, with its rules
