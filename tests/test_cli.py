"""The ``fabrique`` console script, run as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from service.persistence import migrate
from service.persistence.database import Database
from service.usecases import tokens
from tests.factories import auth, create_issuer, sign_in

FABRIQUE = shutil.which("fabrique", path=str(Path(sys.executable).parent)) or "fabrique"


def run(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FABRIQUE, *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "FABRIQUE_DATABASE_URL": database_url,
        "FABRIQUE_KEYS_DIR": str(tmp_path / "keys"),
        "FABRIQUE_DATA_DIR": str(tmp_path / "var"),
        "FABRIQUE_PUBLIC_URL": "https://badges.example.test",
    }


def test_db_upgrade_is_idempotent(database_url: str, tmp_path: Path) -> None:
    result = run("db", "upgrade", env=cli_env(database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    assert run("db", "current", env=cli_env(database_url, tmp_path)).stdout.strip() == migrate.head_revision()


def test_tokens_create_prints_the_token_alone_on_the_last_line(
    database_url: str, database: Database, tmp_path: Path, client: TestClient
) -> None:
    result = run("tokens", "create", "--role", "admin", "--name", "ci", env=cli_env(database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("fab_")
    assert " " not in token
    with database.transaction() as session:
        principal = tokens.authenticate(session, token)
    assert principal is not None
    assert principal.is_admin
    issuer = create_issuer(client, token)
    listed = run("tokens", "list", env=cli_env(database_url, tmp_path)).stdout
    assert token[:10] in listed
    assert token not in listed
    scoped = run(
        "tokens",
        "create",
        "--role",
        "coordinator",
        "--issuer",
        issuer["id"],
        env=cli_env(database_url, tmp_path),
    )
    coordinator = scoped.stdout.strip().splitlines()[-1]
    assert client.get(f"/api/v1/issuers/{issuer['id']}", headers=auth(coordinator)).status_code == 200


def test_tokens_create_refuses_bad_scopes(database_url: str, database: Database, tmp_path: Path) -> None:
    env = cli_env(database_url, tmp_path)
    unscoped = run("tokens", "create", "--role", "coordinator", env=env)
    assert unscoped.returncode == 1
    assert "token-needs-issuer" in unscoped.stderr
    unknown = run("tokens", "create", "--role", "coordinator", "--issuer", "x" * 26, env=env)
    assert unknown.returncode == 1
    assert "issuer-not-found" in unknown.stderr
    bad_role = run("tokens", "create", "--role", "superuser", env=env)
    assert bad_role.returncode == 2


def test_keys_rotate(database_url: str, database: Database, tmp_path: Path, client: TestClient) -> None:
    admin_result = run("tokens", "create", "--role", "admin", env=cli_env(database_url, tmp_path))
    admin = admin_result.stdout.strip().splitlines()[-1]
    issuer = create_issuer(client, admin)
    old = {k["kid"] for k in issuer["keys"]}
    # The CLI must see the keys the app wrote: point it at the app's keys directory.
    env = {
        **cli_env(database_url, tmp_path),
        "FABRIQUE_KEYS_DIR": str(client.app.state.services.keys.directory),
    }  # type: ignore[attr-defined]
    result = run("keys", "rotate", "--issuer", issuer["id"], "--purpose", "vc-jwt", env=env)
    assert result.returncode == 0, result.stderr
    listing = run("keys", "list", "--issuer", issuer["id"], env=env).stdout
    assert listing.count("active") == 3
    assert [line.split("\t")[0] for line in listing.splitlines() if "retired" in line] == ["vc-jwt"]
    purpose, algorithm, new_kid = result.stdout.split("\t")[:3]
    assert (purpose, algorithm) == ("vc-jwt", "RS256")
    assert new_kid not in old
    assert (client.app.state.services.keys.directory / issuer["id"] / f"{new_kid}.pem").exists()  # type: ignore[attr-defined]
    missing = run("keys", "rotate", "--issuer", "y" * 26, env=env)
    assert missing.returncode == 1
    for option in (["--purpose", "HS256"], ["--algorithm", "RS256"]):  # refused, never ignored
        refused = run("keys", "rotate", "--issuer", issuer["id"], *option, env=env)
        assert refused.returncode == 2, option


def test_production_refuses_to_start_with_placeholder_secret(database_url: str, tmp_path: Path) -> None:
    env = {
        **cli_env(database_url, tmp_path),
        "FABRIQUE_ENVIRONMENT": "production",
        "FABRIQUE_SECRET_KEY": "changeme",
    }
    result = run("serve", env=env)
    assert result.returncode == 2
    assert "FABRIQUE_SECRET_KEY" in result.stderr


def test_accounts_are_created_and_their_password_changed_from_the_command_line(
    database_url: str, tmp_path: Path, client: TestClient
) -> None:
    env = cli_env(database_url, tmp_path)
    email = "Coordination@Hub.example.fr"
    created = run(
        "accounts",
        "create",
        "--email",
        email,
        "--role",
        "admin",
        "--password-stdin",
        env=env,
        stdin="a long enough secret\n",
    )
    assert created.returncode == 0, created.stderr
    assert "a long enough secret" not in created.stdout + created.stderr
    again = run(
        "accounts",
        "create",
        "--email",
        email.lower(),
        "--role",
        "admin",
        "--password-stdin",
        env=env,
        stdin="another long secret\n",
    )
    assert (again.returncode, "account-exists" in again.stderr) == (1, True)
    short = run("accounts", "create", "--email", "b@example.fr", "--password-stdin", env=env, stdin="short\n")
    assert (short.returncode, "password-length" in short.stderr) == (1, True)
    assert sign_in(client, email, "a long enough secret").status_code == 303
    assert client.get("/console").status_code == 200
    changed = run(
        "accounts", "password", "--email", email, "--password-stdin", env=env, stdin="a new long secret\n"
    )
    assert changed.returncode == 0, changed.stderr
    assert client.get("/console", follow_redirects=False).status_code == 303  # its sessions were closed
    assert sign_in(client, email, "a long enough secret").status_code == 401
    assert sign_in(client, email, "a new long secret").status_code == 303
    for _ in range(5):  # locked out from this address, then lifted by an administrator
        sign_in(client, email, "a wrong guess")
    assert sign_in(client, email, "a new long secret").status_code == 401
    unlocked = run("accounts", "unlock", "--email", email, env=env)
    assert (unlocked.returncode, unlocked.stdout.strip()) == (0, f"{email}: 1 address(es) unlocked")
    assert sign_in(client, email, "a new long secret").status_code == 303
    unknown = run("accounts", "unlock", "--email", "personne@example.fr", env=env)
    assert (unknown.returncode, "account-not-found" in unknown.stderr) == (1, True)


def test_the_embedded_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """Regression (issue 15, point 13): the SQLite file holding every earner's email was
    created world-readable (umask 022)."""
    path = tmp_path / "nouveau" / "fabrique.db"
    env = {**cli_env(f"sqlite:///{path}", tmp_path), "FABRIQUE_DATA_DIR": str(path.parent)}
    result = run("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for companion in (path.with_name("fabrique.db-wal"), path.with_name("fabrique.db-shm")):
        if companion.exists():
            assert companion.stat().st_mode & 0o077 == 0
    loose = tmp_path / "ancien.db"
    loose.touch(mode=0o644)
    assert run("db", "upgrade", env=cli_env(f"sqlite:///{loose}", tmp_path)).returncode == 0
    assert loose.stat().st_mode & 0o777 == 0o600  # an existing file is tightened too
