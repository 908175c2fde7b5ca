"""Concurrent writes over a real server: nothing done twice, nothing lost, no 5xx."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI

from service.openbadges.ob2 import NEVER_ISSUED
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import auth
from tests.live import serve


def test_concurrent_revocations_revoke_once(app: FastAPI, world: World) -> None:
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as http:

        def revoke(i: int) -> httpx.Response:
            return http.post(
                f"/api/v1/awards/{world.award_id}/revoke",
                json={"reason": f"raison {i}"},
                headers=auth(world.coordinator),
            )

        with ThreadPoolExecutor(max_workers=6) as pool:
            responses = list(pool.map(revoke, range(6)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 409, 409, 409, 409, 409], [r.text for r in responses]
        winner = next(r for r in responses if r.status_code == 200).json()["revocation_reason"]
        final = http.get(f"/api/v1/awards/{world.award_id}", headers=auth(world.coordinator)).json()
        assert final["revocation_reason"] == winner  # the one that won is the one that stayed
        revocations = http.get(f"/issuers/{world.issuer_id}/revocations").json()["revokedAssertions"]
        assert [entry["id"] for entry in revocations if entry["id"] != NEVER_ISSUED] == [
            f"https://badges.example.test/awards/{world.award_id}"
        ]


def test_concurrent_key_rotations_leave_one_active_key(
    app: FastAPI, world: World, database: Database
) -> None:
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as http:

        def rotate(_: int) -> httpx.Response:
            return http.post(
                f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator)
            )

        with ThreadPoolExecutor(max_workers=4) as pool:
            responses = list(pool.map(rotate, range(4)))
        assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
        assert any(r.status_code == 201 for r in responses)
        keys = http.get(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.viewer)).json()["keys"]
        active = [k for k in keys if k["retired_at"] is None]
        assert sorted(k["purpose"] for k in active) == ["data-integrity", "ob2", "vc-jwt"]
        created = sum(r.status_code == 201 for r in responses)
        assert len(keys) == 3 + 3 * created  # no key row without its rotation, none lost
        # The issuer can still sign with what is active.
        award = http.post(
            f"/api/v1/badge-classes/{world.badge_class_id}/awards",
            json={"recipient_email": "a@example.fr"},
            headers=auth(world.coordinator),
        )
        assert award.status_code == 201, award.text
        assert award.json()["signing_kid"] == next(k["kid"] for k in active if k["purpose"] == "ob2")


def test_concurrent_issuance_gives_distinct_status_positions(app: FastAPI, world: World) -> None:
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as http:

        def issue(i: int) -> httpx.Response:
            return http.post(
                f"/api/v1/badge-classes/{world.badge_class_id}/awards",
                json={"recipient_email": f"pair{i}@example.fr"},
                headers=auth(world.coordinator),
            )

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(issue, range(16)))
        assert [r.status_code for r in responses] == [201] * 16, [r.text for r in responses]
        entries = [
            http.get(f"/awards/{r.json()['id']}/credential").json()["credentialStatus"] for r in responses
        ]
        positions = {(e["statusListCredential"], e["statusListIndex"]) for e in entries}
        assert len(positions) == 16


def test_concurrent_closings_issue_each_badge_once(app: FastAPI, world: World, database: Database) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from service.persistence.training_tables import AwardOrigin, OutboxMessage
    from tests.api.test_sessions import held_session

    with TestClient(app, base_url="https://badges.example.test") as client:
        cycle = held_session(client, world)
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as http:

        def close(_: int) -> httpx.Response:
            return http.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=auth(world.coordinator))

        with ThreadPoolExecutor(max_workers=6) as pool:
            responses = list(pool.map(close, range(6)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"session-already-closed"}
    with database.transaction(write=False) as session:
        origins = session.execute(
            select(AwardOrigin.badge_class_id, AwardOrigin.recipient, func.count()).group_by(
                AwardOrigin.badge_class_id, AwardOrigin.recipient
            )
        ).all()
        emails = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert len(origins) == 4  # three participants and the trainer
    assert all(count == 1 for *_, count in origins)
    assert emails == 4


def test_a_burst_larger_than_the_connection_pool_is_served_not_deadlocked(app: FastAPI, world: World) -> None:
    """64 verifications and 64 issues at once: more than the 15 database connections and the 40
    worker threads. Before admission control, every thread blocked waiting for a connection (or
    SQLite's write lock) while the requests holding them waited for a thread."""
    with serve(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        credential = http.get(f"/awards/{world.award_id}/credential").json()

        def verify(_: int) -> httpx.Response:
            return http.post("/verify", json={"credential": credential})

        def issue(i: int) -> httpx.Response:
            return http.post(
                f"/api/v1/badge-classes/{world.badge_class_id}/awards",
                json={"recipient_email": f"rafale{i}@example.fr"},
                headers=auth(world.coordinator),
            )

        with ThreadPoolExecutor(max_workers=128) as pool:
            verified = pool.map(verify, range(64))
            issued = pool.map(issue, range(64))
            verified_list, issued_list = list(verified), list(issued)
        assert {r.status_code for r in verified_list} == {200}
        assert {r.json()["verdict"] for r in verified_list} == {"valid"}
        assert {r.status_code for r in issued_list} == {201}, {r.text[:200] for r in issued_list}
        ids = {r.json()["id"] for r in issued_list}
        assert len(ids) == 64
        for award_id in ids:
            assert http.get(f"/api/v1/awards/{award_id}", headers=auth(world.coordinator)).status_code == 200
