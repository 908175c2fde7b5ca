"""kill -9 of a real `fabrique worker` process in the middle of sending: no email lost, none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.test_outbox import closed_session, states
from tests.smtp_server import smtp_server
from tests.test_cli import FABRIQUE, cli_env, run

LEASE_SECONDS = 5


def test_a_worker_killed_while_sending_is_taken_over_once_its_lease_ends(
    client: TestClient, app: FastAPI, world: World, database_url: str, tmp_path: Path
) -> None:
    expected = closed_session(client, world)
    with smtp_server() as (inbox, port):
        env = {
            **os.environ,
            **cli_env(database_url, tmp_path),
            "FABRIQUE_SMTP_HOST": "127.0.0.1",
            "FABRIQUE_SMTP_PORT": str(port),
            "FABRIQUE_WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        inbox.hold = True
        worker = subprocess.Popen(
            [FABRIQUE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert inbox.held.wait(timeout=30), "the worker never reached the SMTP server"
            worker.send_signal(signal.SIGKILL)  # claimed, connected, not yet sent
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
            inbox.release.set()
        claimed_at = time.monotonic()
        assert worker.returncode == -signal.SIGKILL
        assert inbox.messages == []
        assert {state for state, _ in states(app)} == {"sending"}  # all claimed by the dead worker
        inbox.hold = False
        early = run("worker", "--once", env=env)
        assert early.stdout.strip().endswith("0 email(s) sent")  # its lease still holds
        time.sleep(max(0.0, LEASE_SECONDS + 1 - (time.monotonic() - claimed_at)))
        late = run("worker", "--once", env=env)
        assert late.returncode == 0, late.stderr
        assert late.stdout.strip().endswith(f"{expected} email(s) sent")
        assert len(inbox.messages) == expected
        assert len({m["Message-ID"] for m in inbox.messages}) == expected
    assert states(app) == [("sent", 2)] * expected
