"""Console sign-in: argon2id, one answer for every refusal, lockout, CSRF on every form, session
expiry, and accounts that see only their issuers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.domain import signin
from service.domain.access import Role
from service.errors import NotFound
from service.persistence.console_tables import ConsoleSession, ConsoleSigninFailure
from service.persistence.database import Database
from service.usecases import accounts
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import PASSWORD, console_csrf, form_value, make_account, sign_in

REFUSED = "Adresse ou mot de passe incorrect, ou connexion suspendue depuis votre adresse"


def test_the_console_asks_to_sign_in_first(client: TestClient) -> None:
    response = client.get("/console/emetteurs/x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/connexion?suite=%2Fconsole%2Femetteurs%2Fx"
    assert client.post("/console/deconnexion", follow_redirects=False).status_code == 303


def test_sign_in_and_out(client: TestClient, database: Database, world: World) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    signed = sign_in(client, email)
    assert signed.status_code == 303
    assert signed.headers["location"] == "/console"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("__Host-fabrique_console=")  # https: the strictest cookie name
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert attribute.lower() in cookie.lower(), attribute
    with database.transaction(write=False) as session:
        stored = session.scalars(select(ConsoleSession.id_hash)).all()
    value = cookie.split(";")[0].split("=", 1)[1]
    assert value not in stored
    assert len(stored) == 1
    dashboard = client.get("/console")
    assert dashboard.status_code == 200
    assert "Alex Coordination" in dashboard.text
    out = client.post("/console/deconnexion", data={"csrf": console_csrf(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/console", follow_redirects=False).status_code == 303
    with database.transaction(write=False) as session:
        assert session.scalars(select(ConsoleSession)).all() == []


def test_every_refusal_reads_the_same(client: TestClient, database: Database, world: World) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    wrong = sign_in(client, email, "not the password")
    unknown = sign_in(client, "nobody@example.fr", PASSWORD)
    nul = sign_in(client, "co\x00ord@example.fr", PASSWORD)  # PostgreSQL refuses NUL in a query
    for response in (wrong, unknown, nul):
        assert response.status_code == 401
        assert REFUSED in unescape(response.text)
        assert (
            "set-cookie" not in response.headers or "fabrique_console" not in response.headers["set-cookie"]
        )


def failures_of(database: Database) -> list[ConsoleSigninFailure]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(ConsoleSigninFailure)).all())


def test_five_failures_lock_out_that_address_only_and_never_the_owner_elsewhere(
    app: FastAPI, database: Database, world: World, clock: FixedClock
) -> None:
    """Regression (issue 15, point 13): five wrong passwords from anywhere locked the account
    for everybody, so a stranger could keep a known coordinator out indefinitely."""
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    with from_address(app, "203.0.113.7") as stranger, from_address(app, "198.51.100.20") as owner:
        for _ in range(signin.MAX_FAILURES):
            assert sign_in(stranger, email, "guess").status_code == 401
        locked = sign_in(stranger, email)  # the right password, refused from the stranger's address
        assert locked.status_code == 401
        assert REFUSED in unescape(locked.text)
        assert sign_in(owner, email).status_code == 303  # the owner, elsewhere, comes in
        (failure,) = failures_of(database)
        assert (failure.address, failure.locks) == ("203.0.113.7", 1)
        assert failure.locked_until == clock.now() + signin.FIRST_LOCK
        clock.advance(signin.FIRST_LOCK + timedelta(seconds=1))
        assert sign_in(stranger, email).status_code == 303  # the lock ends; success clears it
        assert failures_of(database) == []


def test_each_new_lock_from_an_address_lasts_twice_as_long(
    app: FastAPI, database: Database, world: World, clock: FixedClock
) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    with (
        from_address(app, "2001:db8:1:2:3:4:5:6") as stranger,
        from_address(app, "2001:db8:1:2::99") as same_64,
    ):
        for lock in (1, 2, 3):
            for _ in range(signin.MAX_FAILURES):
                assert sign_in(stranger, email, "guess").status_code == 401
            (failure,) = failures_of(database)
            assert failure.address == "2001:db8:1:2::/64"  # an IPv6 subscriber's whole /64
            assert failure.locked_until == clock.now() + signin.FIRST_LOCK * 2 ** (lock - 1)
            assert sign_in(same_64, email).status_code == 401  # another address of that /64
            clock.advance(signin.FIRST_LOCK * 2 ** (lock - 1) + timedelta(seconds=1))
        clock.advance(signin.FORGET_AFTER)  # a quiet day after the last lock: counting starts over
        for _ in range(signin.MAX_FAILURES):
            assert sign_in(stranger, email, "guess").status_code == 401
        (failure,) = failures_of(database)
        assert (failure.locks, failure.locked_until) == (1, clock.now() + signin.FIRST_LOCK)


def test_an_administrator_or_a_new_password_lifts_every_lock(
    app: FastAPI, database: Database, world: World
) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    with from_address(app, "203.0.113.7") as stranger:
        for _ in range(signin.MAX_FAILURES):
            sign_in(stranger, email, "guess")
        assert sign_in(stranger, email).status_code == 401
        with database.transaction() as session:
            assert accounts.unlock(session, email) == 1
        assert sign_in(stranger, email).status_code == 303
        for _ in range(signin.MAX_FAILURES):
            sign_in(stranger, email, "guess")
        with database.transaction() as session:
            accounts.set_password(session, email, PASSWORD)
        assert failures_of(database) == []
        with database.transaction() as session, pytest.raises(NotFound):
            accounts.unlock(session, "personne@example.fr")


@contextmanager
def from_address(app: FastAPI, address: str) -> Iterator[TestClient]:
    with TestClient(app, base_url=PUBLIC_URL, client=(address, 40000)) as browser:
        yield browser


def test_the_sign_in_form_needs_its_token(client: TestClient, database: Database, world: World) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    form = client.get("/console/connexion")
    token = form_value(form.text, "form_token")
    data = {"email": email, "password": PASSWORD, "suite": "/console"}
    assert client.post("/console/connexion", data={**data, "form_token": "forged"}).status_code == 403
    other_site = client.post(
        "/console/connexion", data={**data, "form_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert other_site.status_code == 403
    client.cookies.clear()  # no sign-in cookie: the token alone is not enough
    assert client.post("/console/connexion", data={**data, "form_token": token}).status_code == 403


def test_console_forms_refuse_a_missing_wrong_or_replayed_csrf_token(
    client: TestClient, database: Database, world: World
) -> None:
    email = make_account(database, Role.ADMIN)
    sign_in(client, email)
    csrf = console_csrf(client)
    body = {"name": "Hub", "url": "https://hub.example.fr", "email": "hub@example.fr"}
    for data in (body, {**body, "csrf": "x" * len(csrf)}):
        refused = client.post("/console/emetteurs/nouveau", data=data)
        assert refused.status_code == 403
        assert "Ce formulaire n'est plus valable" in unescape(refused.text)
    foreign = client.post(
        "/console/emetteurs/nouveau", data={**body, "csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    # The browser's Origin is the host it sent the form to: accepted (here, the public address).
    created = client.post(
        "/console/emetteurs/nouveau",
        data={**body, "csrf": csrf},
        headers={"Origin": "https://badges.example.test"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    # Reached directly by another name than the public URL (127.0.0.1 for localhost): its own
    # host is its origin; a different port is another origin.
    direct = {"Host": "127.0.0.1:8000", "Origin": "https://127.0.0.1:8000"}
    other_port = {"Host": "127.0.0.1:8000", "Origin": "https://127.0.0.1:9999"}
    body2 = {**body, "name": "Hub bis", "csrf": csrf}
    assert client.post("/console/emetteurs/nouveau", data=body2, headers=other_port).status_code == 403
    direct_post = client.post(
        "/console/emetteurs/nouveau", data=body2, headers=direct, follow_redirects=False
    )
    assert direct_post.status_code == 303
    # Signed out, the old token is worth nothing: the session it belonged to is gone.
    client.post("/console/deconnexion", data={"csrf": csrf})
    sign_in(client, email)
    replayed = client.post("/console/emetteurs/nouveau", data={**body, "csrf": csrf})
    assert replayed.status_code == 403


def test_sessions_expire_when_idle_and_after_a_day(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    sign_in(client, email)
    clock.advance(signin.IDLE - timedelta(minutes=1))
    assert client.get("/console").status_code == 200  # activity keeps it alive
    clock.advance(signin.IDLE - timedelta(minutes=1))
    assert client.get("/console").status_code == 200
    clock.advance(signin.IDLE + timedelta(seconds=1))
    assert client.get("/console", follow_redirects=False).status_code == 303
    sign_in(client, email)
    for _ in range(int(signin.ABSOLUTE / timedelta(hours=1))):
        clock.advance(timedelta(hours=1))
        client.get("/console")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_an_account_sees_and_changes_only_its_issuers(
    client: TestClient, database: Database, world: World
) -> None:
    email = make_account(database, Role.COORDINATOR, [world.other_issuer_id])
    sign_in(client, email)
    assert world.issuer_id not in client.get("/console").text
    assert client.get(f"/console/emetteurs/{world.issuer_id}").status_code == 403
    assert client.get(f"/console/emetteurs/{world.other_issuer_id}").status_code == 200
    csrf = console_csrf(client)
    attempt = client.post(
        f"/console/formations/{world.session_id}/inscrire",
        data={"csrf": csrf, "name": "Intruse", "email": "intruse@example.fr"},
    )
    assert attempt.status_code == 403
    assert (
        client.post(
            f"/console/attributions/{world.award_id}/revoquer", data={"csrf": csrf, "reason": "x"}
        ).status_code
        == 403
    )
    assert client.get("/console/emetteurs/nouveau").status_code == 403  # admins only


def test_a_viewer_reads_but_does_not_write(client: TestClient, database: Database, world: World) -> None:
    email = make_account(database, Role.VIEWER, [world.issuer_id])
    sign_in(client, email)
    page = client.get(f"/console/emetteurs/{world.issuer_id}/attributions")
    assert page.status_code == 200
    assert "Révoquer" not in page.text
    csrf = console_csrf(client)
    revoke = client.post(
        f"/console/attributions/{world.award_id}/revoquer", data={"csrf": csrf, "reason": "x"}
    )
    assert revoke.status_code == 403
