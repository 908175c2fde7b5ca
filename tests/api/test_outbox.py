"""The email outbox survives workers that die, SMTP servers that refuse, and never sends one
award's email twice."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.persistence.training_tables import OutboxMessage
from service.usecases import outbox
from service.worker import drain_once
from tests.api.conftest import World
from tests.api.test_sessions import held_session, sender, services_of
from tests.factories import auth
from tests.smtp_server import free_port, smtp_server


def closed_session(client: TestClient, world: World) -> int:
    cycle = held_session(client, world)
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=auth(world.coordinator))
    assert closed.status_code == 200
    return len(closed.json()["issued"])


def states(app: FastAPI) -> list[tuple[str, int]]:
    services = services_of(app)
    with services.database.transaction(write=False) as session:
        rows = session.execute(select(OutboxMessage.state, OutboxMessage.attempts).order_by(OutboxMessage.id))
        return [(row[0], row[1]) for row in rows]


def test_a_worker_killed_after_claiming_loses_nothing_and_duplicates_nothing(
    client: TestClient, app: FastAPI, world: World, clock: FixedClock
) -> None:
    expected = closed_session(client, world)
    services = services_of(app)
    # A worker claims the batch, then dies (kill -9): nothing after the claim's commit happens.
    with services.database.transaction() as session:
        ctx = services.context(session)
        assert len(outbox.claim(ctx, "worker-that-dies", 100)) == expected
    with smtp_server() as (inbox, port):
        survivor = drain_once(services, sender(port), "survivor")
        assert survivor.claimed == 0  # the dead worker's lease still holds
        clock.advance(outbox.LEASE + timedelta(seconds=1))
        survivor = drain_once(services, sender(port), "survivor")
        assert (survivor.claimed, survivor.sent) == (expected, expected)
        assert drain_once(services, sender(port), "survivor").claimed == 0
        assert len(inbox.messages) == expected
        assert len({m["Message-ID"] for m in inbox.messages}) == expected
    assert states(app) == [("sent", 2)] * expected  # claimed twice, sent once


def test_a_refusing_server_means_retries_with_backoff_then_delivery(
    client: TestClient, app: FastAPI, world: World, clock: FixedClock
) -> None:
    expected = closed_session(client, world)
    services = services_of(app)
    with smtp_server() as (inbox, port):
        inbox.refuse_with = "451 4.3.0 try again later"
        first = drain_once(services, sender(port), "w")
        assert (first.claimed, first.sent, first.retried) == (expected, 0, expected)
        assert drain_once(services, sender(port), "w").claimed == 0  # not due yet: backoff
        assert states(app) == [("pending", 1)] * expected
        inbox.refuse_with = None
        clock.advance(outbox.backoff(1))
        second = drain_once(services, sender(port), "w")
        assert second.sent == expected
        assert len(inbox.messages) == expected


def test_an_unreachable_server_and_a_permanent_refusal(
    client: TestClient, app: FastAPI, world: World, clock: FixedClock
) -> None:
    expected = closed_session(client, world)
    services = services_of(app)
    nobody = drain_once(services, sender(free_port()), "w")  # connection refused
    assert nobody.retried == expected
    clock.advance(outbox.backoff(1))
    with smtp_server() as (inbox, port):
        inbox.refuse_with = "550 5.1.1 no such mailbox"
        refused = drain_once(services, sender(port), "w")
        assert refused.failed == expected
        clock.advance(timedelta(days=1))
        assert drain_once(services, sender(port), "w").claimed == 0  # permanent: not retried
    assert states(app) == [("failed", 2)] * expected


def test_backoff_grows_and_is_bounded() -> None:
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.backoff(30) == timedelta(hours=4)
