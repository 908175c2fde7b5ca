"""Faults: kill -9 of the worker and of the server in the middle of a bulk close, and PostgreSQL
restarted under traffic. After each, every award is whole (both OB forms, a status place, an
email queued) or absent, the close can be resumed, and nothing asked for is lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.persistence.database import Database
from service.persistence.tables import Award, StatusEntry
from service.persistence.training_tables import AwardOrigin, OutboxMessage, SessionClosing
from tests.api.conftest import World
from tests.api.test_processes import prepared_session, processes, wait_healthy
from tests.factories import auth, create_badge_class
from tests.live import free_port, serve
from tests.smtp_server import smtp_server
from tests.test_cli import FABRIQUE, cli_env

LEASE = 5


def session_awards(database: Database, session_id: str) -> tuple[int, int]:
    """(awards of the session, those of them that are whole)."""
    with database.transaction(write=False) as session:
        ids = session.scalars(select(AwardOrigin.award_id).where(AwardOrigin.session_id == session_id)).all()
        whole = session.scalar(
            select(func.count())
            .select_from(Award)
            .where(
                Award.id.in_(ids),
                Award.credential.is_not(None),
                Award.credential_jwt.is_not(None),
                Award.signed_assertion.is_not(None),
                Award.id.in_(select(StatusEntry.award_id)),
                Award.id.in_(select(OutboxMessage.award_id)),
            )
        )
    return len(ids), int(whole or 0)


def closing_state(database: Database, session_id: str) -> tuple[str | None, int]:
    with database.transaction(write=False) as session:
        job = session.get(SessionClosing, session_id)
        return (job.state, job.done) if job else (None, 0)


def test_a_worker_killed_mid_bulk_close_leaves_whole_awards_and_another_resumes(
    client: TestClient, world: World, database: Database, database_url: str, tmp_path: Path
) -> None:
    badge = create_badge_class(client, world.coordinator, world.issuer_id, name="Pair formé")
    people = 400  # four batches of 100, one transaction each
    session_id = prepared_session(client, world, badge["id"], "k", people=people)
    queued = client.post(
        f"/api/v1/sessions/{session_id}/close?background=true", headers=auth(world.coordinator)
    )
    assert queued.status_code == 202
    with smtp_server() as (_inbox, port):
        env = {
            **os.environ,
            **cli_env(database_url, tmp_path),
            "FABRIQUE_SMTP_HOST": "127.0.0.1",
            "FABRIQUE_SMTP_PORT": str(port),
            "FABRIQUE_WORKER_LEASE_SECONDS": str(LEASE),
        }
        with processes([[FABRIQUE, "worker", "--poll", "0.1"]], env, tmp_path) as [worker]:
            deadline = time.monotonic() + 120
            while closing_state(database, session_id)[1] < 100 and time.monotonic() < deadline:
                time.sleep(0.01)
            worker.send_signal(signal.SIGKILL)  # in the middle of the next batch
            worker.wait(timeout=10)
        killed_at = time.monotonic()
        state, done = closing_state(database, session_id)
        issued, whole = session_awards(database, session_id)
        assert state == "running"  # the dead worker's job, not finished
        assert 100 <= done < people
        assert issued == whole == done  # whole batches only: nothing half-issued
        with processes([[FABRIQUE, "worker", "--poll", "0.2"]], env, _logs(tmp_path, "again")):
            deadline = time.monotonic() + 120
            while closing_state(database, session_id)[0] != "done" and time.monotonic() < deadline:
                time.sleep(0.2)
        assert time.monotonic() - killed_at >= LEASE  # taken over only once the lease ended
    assert closing_state(database, session_id) == ("done", people)
    assert session_awards(database, session_id) == (people, people)
    assert (
        client.get(f"/api/v1/sessions/{session_id}", headers=auth(world.coordinator)).json()["state"]
        == "closed"
    )


def _logs(tmp_path: Path, name: str) -> Path:
    """A folder for the logs of processes started again (the first ones keep theirs)."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    return folder


def test_a_server_killed_mid_inline_close_issues_all_or_nothing_and_the_close_resumes(
    client: TestClient, world: World, database: Database, database_url: str, tmp_path: Path
) -> None:
    badge = create_badge_class(client, world.coordinator, world.issuer_id, name="Pair formé")
    people = 150  # closed inline: one transaction
    session_id = prepared_session(client, world, badge["id"], "s", people=people)
    env = {**os.environ, **cli_env(database_url, tmp_path)}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    answers: list[int] = []
    with processes([[FABRIQUE, "serve", "--port", str(port)]], env, tmp_path) as [server]:
        wait_healthy(base)

        def close() -> None:
            try:
                response = httpx.post(
                    f"{base}/api/v1/sessions/{session_id}/close", headers=auth(world.coordinator), timeout=60
                )
                answers.append(response.status_code)
            except httpx.HTTPError:
                answers.append(0)  # the server died under the request

        request = threading.Thread(target=close)
        request.start()
        time.sleep(0.3)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        request.join(timeout=30)
    issued, whole = session_awards(database, session_id)
    assert issued == whole
    assert issued in {0, people}, issued
    state = client.get(f"/api/v1/sessions/{session_id}", headers=auth(world.coordinator)).json()["state"]
    assert (state == "closed") == (issued == people)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with processes([[FABRIQUE, "serve", "--port", str(port)]], env, _logs(tmp_path, "again")):
        wait_healthy(base)
        again = httpx.post(
            f"{base}/api/v1/sessions/{session_id}/close", headers=auth(world.coordinator), timeout=60
        )
        assert again.status_code == (409 if issued else 200), again.text
    assert session_awards(database, session_id) == (people, people)


def _postgresql_cluster() -> tuple[str, str] | None:
    if shutil.which("pg_ctlcluster") is None or os.geteuid() != 0:
        return None
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    return (versions[-1], "main") if versions else None


def pg_ctl(action: str) -> None:
    cluster = _postgresql_cluster()
    assert cluster is not None
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            *cluster,
            action,
            *(["-m", "fast"] if action == "stop" else []),
        ],
        check=True,
        timeout=60,
        capture_output=True,
    )


@contextmanager
def traffic(
    base: str, award_id: str, token: dict[str, str], badge_class_id: str
) -> Iterator[list[tuple[float, str, int, str]]]:
    """Reads and writes in a loop: (time, kind, status, award id issued or '')."""
    seen: list[tuple[float, str, int, str]] = []
    stop = threading.Event()

    def loop() -> None:
        n = 0
        with httpx.Client(base_url=base, timeout=10) as http:
            while not stop.is_set():
                n += 1
                try:
                    read = http.get(f"/awards/{award_id}/credential")
                    seen.append((time.monotonic(), "read", read.status_code, ""))
                    wrote = http.post(
                        f"/api/v1/badge-classes/{badge_class_id}/awards",
                        json={"recipient_email": f"panne{n}@exemple.fr"},
                        headers=token,
                    )
                    issued = wrote.json().get("id", "") if wrote.status_code == 201 else ""
                    seen.append((time.monotonic(), "write", wrote.status_code, issued))
                    if wrote.status_code == 503:
                        assert wrote.headers["content-type"].startswith("application/problem+json")
                        assert wrote.headers["retry-after"]
                except httpx.HTTPError:
                    seen.append((time.monotonic(), "error", 0, ""))
                time.sleep(0.02)

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(timeout=30)


def test_postgresql_restarted_under_traffic_gives_503s_then_recovers_without_a_restart(
    app: FastAPI, world: World, database: Database, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server restart; SQLite has no server to restart")
    if _postgresql_cluster() is None:
        pytest.fail("pg_ctlcluster (as root) is needed to restart the machine's PostgreSQL")
    with (
        serve(app) as base,
        traffic(base, world.award_id, auth(world.coordinator), world.badge_class_id) as seen,
    ):
        time.sleep(1)
        stopped_at = time.monotonic()
        pg_ctl("stop")
        try:
            time.sleep(2)
        finally:
            pg_ctl("start")
        started_at = time.monotonic()
        deadline = started_at + 30
        recovered_at = None
        while time.monotonic() < deadline and recovered_at is None:
            recovered_at = next((s[0] for s in seen if s[0] > started_at and s[2] == 201), None)
            time.sleep(0.2)
        assert recovered_at is not None, "no write succeeded within 30 s of the restart"
        time.sleep(3)  # then traffic goes on as before
    down = [s for s in seen if stopped_at < s[0] < started_at]
    assert any(status == 503 for _, _, status, _ in down), down[:5]
    assert all(status in {200, 201, 503} for _, _, status, _ in seen), {s[2] for s in seen}
    after = [s for s in seen if s[0] > recovered_at + 1]
    assert len(after) > 10
    assert all(status in {200, 201} for _, _, status, _ in after), after[:5]
    issued = [award_id for _, kind, status, award_id in seen if kind == "write" and status == 201]
    with database.transaction(write=False) as session:
        kept = set(session.scalars(select(Award.id).where(Award.id.in_(issued))).all())
    assert kept == set(issued)  # every 201 survived the restart
