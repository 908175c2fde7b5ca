"""Issue 21, points 1 and 2: the README's walkthrough, command by command, each from another
directory, reaches the one instance the server uses; the emails are read with the mail sink
(`fabrique worker --once --sink`), which shows the earner's link without any SMTP server.

The instance directory is given by FABRIQUE_HOME here (a checkout's default is the checkout
itself, which a test must not fill); ``test_settings`` checks the defaults, ``test_wheel`` the
installed package's per-user directory. The database is the instance's embedded SQLite file,
as in the walkthrough."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.factories import create_badge_class, create_issuer
from tests.live import free_port

FABRIQUE = str(Path(sys.executable).parent / "fabrique")


def run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [FABRIQUE, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def test_the_walkthrough_from_any_directory_with_the_mail_sink(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FABRIQUE_")} | {
        "FABRIQUE_HOME": str(home),
        "FABRIQUE_PUBLIC_URL": base,
        "FABRIQUE_RATE_LIMITS_ENABLED": "false",
    }
    said = f"instance {home} — database sqlite:///{home}/var/fabrique.db — keys {home}/keys"

    (tmp_path / "server").mkdir()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [FABRIQUE, "serve", "--port", str(port)], env=env, cwd=tmp_path / "server", stdout=log, stderr=log
    )
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            _wait(client)
            created = run(
                env, tmp_path / "elsewhere", "tokens", "create", "--role", "admin", "--name", "walkthrough"
            )
            assert said in created.stderr  # every command says which instance it works on
            token = created.stdout.strip().splitlines()[-1]
            issuer = create_issuer(client, token)  # type: ignore[arg-type]
            create_badge_class(client, token, issuer["id"])  # type: ignore[arg-type]
            imported = run(env, tmp_path / "third", "catalogue", "import", "--issuer", issuer["id"])
            assert said in imported.stderr
            listed = client.get(
                f"/api/v1/issuers/{issuer['id']}/badge-classes?limit=100",
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            assert listed["total"] >= 13  # the server sees what the command did: one instance
            badge = next(b for b in listed["items"] if b["name"].startswith("Participant"))
            awarded = client.post(
                f"/api/v1/badge-classes/{badge['id']}/awards",
                json={"recipient_email": "camille@example.fr", "recipient_name": "Camille Durand"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert awarded.status_code == 201, awarded.text

            # The emails, without an SMTP server: written to the instance, their links printed.
            sunk = run(env, tmp_path / "fourth", "worker", "--once", "--sink")
            assert "1 email(s) written" in sunk.stdout
            assert "→ Camille Durand <camille@example.fr> — " in sunk.stdout
            link = re.search(re.escape(base) + r"/mon-badge/\S+", sunk.stdout)
            assert link, sunk.stdout
            assert client.get(link.group(0)).status_code == 200  # the earner's private page
            stored = list((home / "var" / "courriels").glob("*.eml"))
            assert len(stored) == 1
            assert b"camille@example.fr" in stored[0].read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert f"instance {home}" in (tmp_path / "server.log").read_text()
    assert not (tmp_path / "server" / "var").exists()  # nothing created where the commands ran
    assert not (tmp_path / "elsewhere" / "keys").exists()


def test_the_mail_sink_refuses_production(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FABRIQUE_")} | {
        "FABRIQUE_HOME": str(tmp_path),
        "FABRIQUE_ENVIRONMENT": "production",
        "FABRIQUE_SECRET_KEY": "x" * 40,
        "FABRIQUE_PUBLIC_URL": "https://badges.example.test",
    }
    done = subprocess.run(
        [FABRIQUE, "worker", "--once", "--sink"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--sink is for trials" in done.stderr


def _wait(client: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not come up")
