"""The installed package works on its own (issue 15, point 5): the wheel is built, installed in a
clean virtual environment, and that install serves, issues one award and verifies its four forms.

Before, the wheel carried no JSON-LD contexts (``openbadges/contexts.py`` read ``schemas/``
beside the package), so an install without ``-e`` failed to sign any OB 3.0 credential. Run from
a folder outside the checkout, so nothing of the checkout can be imported instead."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.factories import create_badge_class, create_issuer, issue_award
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding the built wheel and its dependencies, nothing else."""
    build = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(build), str(ROOT)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    wheel = next(build.glob("fabrique_a_badges-*.whl"))
    venv = build / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True, timeout=900, capture_output=True
    )
    return venv


def test_the_wheel_installed_alone_serves_issues_and_verifies(
    installed: Path, database_url: str, tmp_path: Path
) -> None:
    fabrique = str(installed / "bin" / "fabrique")
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import service; print(service.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(installed)), where  # the installed copy, not the checkout
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FABRIQUE_DATABASE_URL": database_url,
        "FABRIQUE_KEYS_DIR": str(tmp_path / "keys"),
        "FABRIQUE_DATA_DIR": str(tmp_path / "var"),
        "FABRIQUE_PUBLIC_URL": base,
        "FABRIQUE_RATE_LIMITS_ENABLED": "false",
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }
    env.pop("FABRIQUE_HOME", None)
    created = subprocess.run(
        [fabrique, "tokens", "create", "--role", "admin", "--name", "wheel"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    # Installed, the instance is the per-user data directory (issue 21, point 1).
    assert f"instance {tmp_path / 'xdg' / 'fabrique-a-badges'} — " in created.stderr
    token = created.stdout.strip().splitlines()[-1]
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [fabrique, "serve", "--port", str(port)], env=env, cwd=tmp_path, stdout=log, stderr=log
    )
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            _wait(client)
            issuer = create_issuer(client, token)  # type: ignore[arg-type]
            badge = create_badge_class(client, token, issuer["id"])  # type: ignore[arg-type]
            award = issue_award(client, token, badge["id"], recipient_email="camille@example.fr")  # type: ignore[arg-type]
            forms = {
                "ob2-hosted": award["assertion_url"],
                "ob2-signed": client.get(f"/awards/{award['id']}/signed").text,
                "ob3-data-integrity": client.get(f"/awards/{award['id']}/credential").text,
                "ob3-jwt": client.get(f"/awards/{award['id']}/credential.jwt").text,
            }
            for form, given in forms.items():
                answer = client.post(
                    "/verify",
                    json={"input": given, "expected_email": "camille@example.fr"},
                )
                assert answer.status_code == 200, answer.text
                result = answer.json()
                assert (result["verdict"], result["form"]) == ("valid", form), result
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait(client: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the installed server did not come up")
