"""Console sign-in: argon2id, one answer for every refusal, lockout, CSRF on every form, session
expiry, and accounts that see only their issuers."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.domain import signin
from service.domain.access import Role
from service.persistence.console_tables import ConsoleAccount, ConsoleSession
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import PASSWORD, console_csrf, form_value, make_account, sign_in

REFUSED = "Adresse ou mot de passe incorrect, ou compte temporairement verrouillé"


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


def test_five_failures_lock_the_account_for_fifteen_minutes(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    email = make_account(database, Role.COORDINATOR, [world.issuer_id])
    for _ in range(signin.MAX_FAILURES):
        assert sign_in(client, email, "guess").status_code == 401
    locked = sign_in(client, email)  # the right password, refused while locked
    assert locked.status_code == 401
    assert REFUSED in unescape(locked.text)
    with database.transaction(write=False) as session:
        account = session.scalars(select(ConsoleAccount)).one()
        assert account.locked_until == clock.now() + signin.LOCK
    clock.advance(signin.LOCK + timedelta(seconds=1))
    assert sign_in(client, email).status_code == 303


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
