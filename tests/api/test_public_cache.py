"""Public documents from process memory: what raises the public revision, how soon another
process sees a change, and verification of our own badges without the database."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from service.app import create_app
from service.clock import FixedClock
from service.persistence.database import Database
from service.persistence.public_cache import PublicCache
from service.persistence.tables import Award
from service.services import Services
from service.settings import Settings
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import auth, issue_award

JSON = {"Accept": "application/json"}


class Calls:
    def __init__(self) -> None:
        self.count = 0

    def changed(self) -> None:
        self.count += 1


def test_revoking_rotating_and_editing_raise_the_revision_and_issuing_does_not(
    client: TestClient, world: World, database: Database
) -> None:
    start = database.public_revision()
    issue_award(client, world.coordinator, world.badge_class_id)
    assert database.public_revision() == start  # a new award changes no existing document
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Erreur"}, headers=auth(world.coordinator)
    )
    assert database.public_revision() == start + 1
    refused = client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Encore"}, headers=auth(world.viewer)
    )
    assert refused.status_code == 403
    assert database.public_revision() == start + 1
    rotated = client.post(f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator))
    assert rotated.status_code in {200, 201}
    assert database.public_revision() == start + 2  # one transaction, one step, however many keys
    edited = client.patch(
        f"/api/v1/issuers/{world.issuer_id}", json={"name": "Hub Nord"}, headers=auth(world.coordinator)
    )
    assert edited.status_code == 200
    assert database.public_revision() == start + 3


def test_a_rolled_back_revocation_raises_nothing_and_tells_no_one(
    client: TestClient, world: World, database: Database, clock: FixedClock
) -> None:
    calls = Calls()
    database.on_public_change(calls.changed)
    start = database.public_revision()

    def revoke_then_fail() -> None:
        with database.transaction() as session:
            award = session.get(Award, world.award_id)
            assert award is not None
            award.revoked_at = clock.now()
            session.flush()
            raise RuntimeError("the request failed after the revocation was written")

    with pytest.raises(RuntimeError):
        revoke_then_fail()
    assert database.public_revision() == start
    assert calls.count == 0
    assert client.get(f"/awards/{world.award_id}", headers=JSON).status_code == 200
    with database.transaction() as session:
        award = session.get(Award, world.award_id)
        assert award is not None
        award.revoked_at = clock.now()
    assert database.public_revision() == start + 1
    assert calls.count == 1


@contextmanager
def second_process(
    settings: Settings, clock: FixedClock, database_url: str, **changes: Any
) -> Iterator[FastAPI]:
    """Another application over its own engine: all it shares with the first is the database."""
    other = Database.from_url(database_url)
    try:
        yield create_app(settings.model_copy(update=changes), clock=clock, database=other)
    finally:
        other.dispose()


def test_another_process_sees_a_revocation_once_its_interval_has_passed(
    client: TestClient, world: World, settings: Settings, clock: FixedClock, database_url: str
) -> None:
    with second_process(settings, clock, database_url) as app:
        services: Services = app.state.services
        now = [0.0]
        cache = PublicCache(services.database.public_revision, interval=0.25, clock=lambda: now[0])
        services.database.on_public_change(cache.stale)
        app.state.services = dataclasses.replace(services, public=cache)
        with TestClient(app, base_url=PUBLIC_URL) as other:
            credential = client.get(f"/awards/{world.award_id}/credential").json()
            list_url = credential["credentialStatus"]["statusListCredential"].removeprefix(PUBLIC_URL)
            assert other.get(f"/awards/{world.award_id}", headers=JSON).status_code == 200
            list_before = other.get(list_url).json()
            revoked = client.post(
                f"/api/v1/awards/{world.award_id}/revoke",
                json={"reason": "Fraude"},
                headers=auth(world.coordinator),
            )
            assert revoked.status_code == 200
            assert client.get(f"/awards/{world.award_id}", headers=JSON).status_code == 410  # this process
            now[0] = 0.2  # within the interval the other process may still answer from memory
            assert other.get(f"/awards/{world.award_id}", headers=JSON).status_code == 200
            now[0] = 0.25
            gone = other.get(f"/awards/{world.award_id}", headers=JSON)
            assert gone.status_code == 410
            assert gone.json()["revocationReason"] == "Fraude"
            assert other.get(list_url).json() != list_before


def test_with_an_interval_of_zero_another_process_sees_a_revocation_at_once(
    client: TestClient, world: World, settings: Settings, clock: FixedClock, database_url: str
) -> None:
    with (
        second_process(settings, clock, database_url, public_cache_seconds=0) as app,
        TestClient(app, base_url=PUBLIC_URL) as other,
    ):
        assert other.get(f"/awards/{world.award_id}", headers=JSON).status_code == 200
        client.post(
            f"/api/v1/awards/{world.award_id}/revoke",
            json={"reason": "Fraude"},
            headers=auth(world.coordinator),
        )
        assert other.get(f"/awards/{world.award_id}", headers=JSON).status_code == 410


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def test_verifying_our_own_badge_again_reads_nothing_from_the_database_until_it_changes(
    client: TestClient, world: World, database: Database
) -> None:
    # The revision is re-read every 0.25 s of wall time; on a slow machine two requests can be
    # further apart than that (a CI run saw it). What is tested here is what comes from memory:
    # the interval is lifted for the test, and this process's own revocation still shows at once.
    public = client.app.state.services.public  # type: ignore[attr-defined]
    public.interval = 3600.0
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    first = client.post("/verify", json={"credential": credential})
    assert first.json()["verdict"] == "valid"
    with statements(database) as seen:
        again = client.post("/verify", json={"credential": credential})
        page = client.post("/verifier", data={"input": json.dumps(credential)})
    assert again.json()["verdict"] == "valid"
    assert page.status_code == 200
    assert "valide" in page.text.lower()
    assert seen == []  # issuer's DID document, status list: all from memory
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Fraude"}, headers=auth(world.coordinator)
    )
    after = client.post("/verify", json={"credential": credential}).json()
    assert after["verdict"] == "invalid"  # this process's change dropped what it held
    assert next(c for c in after["checks"] if c["name"] == "status")["outcome"] == "failed"
