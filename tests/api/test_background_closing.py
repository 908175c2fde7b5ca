"""Large sessions close in the background: batch by batch, resumable, with visible progress."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.clock import FixedClock
from service.persistence.training_tables import AwardOrigin, OutboxMessage
from service.usecases import closing
from service.usecases.context import Context
from service.worker import close_sessions_once
from tests.api.conftest import World
from tests.api.test_sessions import held_session, services_of
from tests.factories import auth


def counts(app: FastAPI) -> tuple[int, int]:
    services = services_of(app)
    with services.database.transaction(write=False) as session:
        origins = session.scalar(select(func.count()).select_from(AwardOrigin)) or 0
        emails = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    return origins, emails


def test_a_background_closing_shows_progress_then_closes(
    client: TestClient, app: FastAPI, world: World
) -> None:
    token = auth(world.coordinator)
    cycle = held_session(client, world)
    url = f"/api/v1/sessions/{cycle.session['id']}"
    queued = client.post(f"{url}/close", params={"background": "true"}, headers=token)
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == f"{url}/closing"
    assert (queued.json()["state"], queued.json()["total"], queued.json()["done"]) == ("queued", 3, 0)
    assert client.get(url, headers=token).json()["state"] == "closing"
    assert client.post(f"{url}/close", headers=token).json()["code"] == "session-closing"
    assert client.patch(url, json={"title": "X"}, headers=token).json()["code"] == "session-closed"
    assert client.get(f"{url}/closing", headers=auth(world.viewer)).json()["state"] == "queued"
    assert counts(app) == (0, 0)

    assert close_sessions_once(services_of(app), "worker-1") == 1
    progress = client.get(f"{url}/closing", headers=token).json()
    assert (progress["state"], progress["done"], progress["total"]) == ("done", 3, 3)
    assert client.get(url, headers=token).json()["state"] == "closed"
    assert counts(app) == (4, 4)  # three participants and the trainer, each with one email
    assert close_sessions_once(services_of(app), "worker-1") == 0


def test_a_worker_killed_mid_closing_is_taken_over_without_duplicates(
    client: TestClient, app: FastAPI, world: World, clock: FixedClock
) -> None:
    token = auth(world.coordinator)
    cycle = held_session(client, world)
    session_id = cycle.session["id"]
    client.post(f"/api/v1/sessions/{session_id}/close", params={"background": "true"}, headers=token)
    services = services_of(app)

    def ctx(session: Session) -> Context:
        return services.context(session)

    with services.database.transaction() as session:
        assert closing.claim_closing(ctx(session), "worker-that-dies") == session_id
    with services.database.transaction() as session:
        assert closing.advance_closing(ctx(session), session_id, "worker-that-dies", batch=1) is False
    # kill -9 here: one award fully issued (both forms, status entry, email queued), two to go.
    assert counts(app) == (1, 1)
    assert client.get(f"/api/v1/sessions/{session_id}/closing", headers=token).json()["done"] == 1
    assert close_sessions_once(services, "worker-2") == 0  # the lease still holds
    clock.advance(closing.CLOSING_LEASE + timedelta(seconds=1))
    assert close_sessions_once(services, "worker-2") == 1
    assert counts(app) == (4, 4)
    with services.database.transaction(write=False) as session:
        # What the dead worker would do if it woke up: nothing, the job is no longer its own.
        assert closing.advance_closing(ctx(session), session_id, "worker-that-dies") is True
    assert counts(app) == (4, 4)
    assert client.get(f"/api/v1/sessions/{session_id}", headers=token).json()["state"] == "closed"


def test_inline_closing_can_be_required(client: TestClient, world: World) -> None:
    cycle = held_session(client, world)
    closed = client.post(
        f"/api/v1/sessions/{cycle.session['id']}/close",
        params={"background": "false"},
        headers=auth(world.coordinator),
    )
    assert closed.status_code == 200
    assert len(closed.json()["issued"]) == 4
    none = client.get(f"/api/v1/sessions/{cycle.session['id']}/closing", headers=auth(world.coordinator))
    assert none.status_code == 404
    assert none.json()["code"] == "closing-not-found"
