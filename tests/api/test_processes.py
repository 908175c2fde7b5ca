"""Two `fabrique serve` processes and two `fabrique worker` processes on one database, under a
load of issues, double revocations, background closings asked of both servers at once, and
email delivery (both databases; PostgreSQL is the production case).

Nothing may be duplicated (award, status place, email) and nothing lost (every award asked for
exists, every queued email arrives once)."""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.persistence.database import Database
from service.persistence.tables import Award, StatusEntry
from service.persistence.training_tables import AwardOrigin, OutboxMessage, SessionClosing
from tests.api.conftest import World
from tests.factories import auth, create_badge_class, create_session
from tests.live import free_port
from tests.smtp_server import smtp_server
from tests.test_cli import FABRIQUE, cli_env

PEOPLE = 25  # per session


@contextmanager
def processes(
    commands: list[list[str]], env: dict[str, str], logs: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    started = []
    try:
        for i, command in enumerate(commands):
            with (logs / f"process-{i}.log").open("wb") as log:  # the child keeps its own copy
                started.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


def prepared_session(
    client: TestClient, world: World, badge_class_id: str, tag: str, people: int = PEOPLE
) -> str:
    """A session held in the past, ``people`` enrolled and present at every half-day."""
    session = create_session(
        client,
        world.coordinator,
        world.issuer_id,
        rules=[{"badge_class_id": badge_class_id, "min_hours": 3, "all_half_days": True}],
        capacity=people,
    )
    enrolments = [
        {"name": f"Pair {tag}{i}", "email": f"pair{tag}{i}@exemple.fr", "structure": "CCAS", "language": "fr"}
        for i in range(people)
    ]
    token = auth(world.coordinator)
    enrolled = client.post(
        f"/api/v1/sessions/{session['id']}/enrolments", json={"enrolments": enrolments}, headers=token
    )
    assert enrolled.status_code == 200, enrolled.text
    marks = [{"email": p["email"], "half_day_id": h["id"]} for p in enrolments for h in session["half_days"]]
    marked = client.post(f"/api/v1/sessions/{session['id']}/attendance", json={"marks": marks}, headers=token)
    assert marked.status_code == 200, marked.text
    return str(session["id"])


def test_two_servers_and_two_workers_lose_nothing_and_duplicate_nothing(
    client: TestClient, world: World, database: Database, database_url: str, tmp_path: Path
) -> None:
    badge = create_badge_class(client, world.coordinator, world.issuer_id, name="Pair formé")
    sessions = [prepared_session(client, world, badge["id"], tag) for tag in ("a", "b")]
    with smtp_server() as (inbox, smtp_port):
        env = {
            **os.environ,
            **cli_env(database_url, tmp_path),
            "FABRIQUE_SMTP_HOST": "127.0.0.1",
            "FABRIQUE_SMTP_PORT": str(smtp_port),
        }
        ports = [free_port(), free_port()]
        servers = [[FABRIQUE, "serve", "--port", str(p)] for p in ports]
        workers = [[FABRIQUE, "worker", "--poll", "0.2"]] * 2
        with processes(servers + workers, env, tmp_path):
            bases = [f"http://127.0.0.1:{p}" for p in ports]
            for base in bases:
                wait_healthy(base)
            token = auth(world.coordinator)
            # No kept-alive connections: 32 threads sharing a pool could reuse a socket the server
            # had closed after its keep-alive delay ("Bad file descriptor" on a loaded machine).
            no_reuse = httpx.Limits(max_keepalive_connections=0)
            with (
                httpx.Client(timeout=120, limits=no_reuse) as http,
                ThreadPoolExecutor(max_workers=32) as pool,
            ):

                def issue(i: int) -> httpx.Response:
                    return http.post(
                        f"{bases[i % 2]}/api/v1/badge-classes/{world.badge_class_id}/awards",
                        # no email: the count below is of the sessions' emails; revoked at once
                        json={"recipient_email": f"charge{i}@exemple.fr", "notify": False},
                        headers=token,
                    )

                def close(i: int) -> httpx.Response:  # each session asked of both servers at once
                    return http.post(
                        f"{bases[i % 2]}/api/v1/sessions/{sessions[i // 2]}/close?background=true",
                        headers=token,
                    )

                closes = list(pool.map(close, range(4)))
                issued = list(pool.map(issue, range(40)))
                assert sorted(r.status_code for r in closes) == [202, 202, 409, 409], [r.text for r in closes]
                assert {r.status_code for r in issued} == {201}, {r.text[:200] for r in issued}
                ids = [r.json()["id"] for r in issued]
                revoking = ids[:20]
                json_accept = {"Accept": "application/json"}
                for base in bases:  # each server now holds these hosted assertions in memory
                    assert {
                        http.get(f"{base}/awards/{a}", headers=json_accept).status_code for a in revoking
                    } == {200}

                def revoke(i: int) -> httpx.Response:  # every award revoked through both servers at once
                    return http.post(
                        f"{bases[i % 2]}/api/v1/awards/{ids[i // 2]}/revoke",
                        json={"reason": "essai"},
                        headers=token,
                    )

                revoked = list(pool.map(revoke, range(40)))
                per_award = Counter((i // 2, r.status_code) for i, r in enumerate(revoked))
                assert all(per_award[(n, 200)] == 1 and per_award[(n, 409)] == 1 for n in range(20)), (
                    per_award
                )

                def gone_on_both() -> bool:  # whichever server revoked it
                    return all(
                        http.get(f"{base}/awards/{a}", headers=json_accept).status_code == 410
                        for base in bases
                        for a in revoking
                    )

                # Each server re-reads the public revision every FABRIQUE_PUBLIC_CACHE_SECONDS (0.25 s).
                shown_by = time.monotonic() + 10
                while not gone_on_both() and time.monotonic() < shown_by:
                    time.sleep(0.1)
                assert gone_on_both()

            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with database.transaction(write=False) as session:
                    closings = session.scalars(select(SessionClosing.state)).all()
                    pending = session.scalar(
                        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state != "sent")
                    )
                if closings == ["done", "done"] and pending == 0:
                    break
                time.sleep(0.5)
        logs = "\n".join(
            p.read_text(errors="replace")[-2000:] for p in sorted(tmp_path.glob("process-*.log"))
        )
        assert closings == ["done", "done"], logs
        assert pending == 0, logs

    with database.transaction(write=False) as session:
        awards = session.scalar(select(func.count()).select_from(Award))
        origins = session.scalars(
            select(AwardOrigin.recipient).where(AwardOrigin.session_id.in_(sessions))
        ).all()
        entries = session.execute(
            select(StatusEntry.list_id, StatusEntry.position, StatusEntry.award_id)
        ).all()
        messages = session.scalars(select(OutboxMessage.recipient)).all()
        revoked_count = session.scalar(
            select(func.count()).select_from(Award).where(Award.revoked_at.is_not(None))
        )
    # world's award + 40 issued + one per person of each session (and any trainer credited)
    assert len(origins) >= 2 * PEOPLE
    assert len(set(origins)) == len(origins)  # one badge per person, badge and session
    assert awards == 1 + 40 + len(origins)
    assert len(entries) == awards  # every award has its status place
    assert len({(e[0], e[1]) for e in entries}) == awards  # no place given twice
    assert len({e[2] for e in entries}) == awards  # no award with two places
    assert revoked_count == 20
    assert len(messages) == len(origins)  # one email per award from a session
    assert len(inbox.messages) == len(messages)  # each delivered once
    assert len({m["Message-ID"] for m in inbox.messages}) == len(messages)
    assert Counter(str(m["To"]).split("<")[-1].rstrip(">").lower() for m in inbox.messages) == Counter(
        m.lower() for m in messages
    )
