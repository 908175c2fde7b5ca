"""`fabrique import` and `fabrique worker`, run as real processes against the test database."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.persistence.database import Database
from tests.api.conftest import World
from tests.api.test_csv_import import HEADER, ROWS, enrolments
from tests.api.test_sessions import held_session
from tests.factories import auth, row_counts
from tests.smtp_server import smtp_server
from tests.test_cli import cli_env, run


def test_import_shows_progress_and_writes(
    client: TestClient, world: World, database_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "inscriptions.csv"
    sheet.write_bytes(("\ufeff" + "\r\n".join([HEADER, *ROWS]) + "\r\n").encode())
    result = run("import", str(sheet), "--session", world.session_id, env=cli_env(database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "5 ligne(s) importée(s), 8 présence(s) enregistrée(s)" in result.stdout
    assert "Import" in result.stderr  # the progress bar
    assert len(enrolments(client, world)) == 5


def test_import_of_a_bad_file_says_which_line_and_writes_nothing(
    world: World, database: Database, database_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "inscriptions.csv"
    sheet.write_text("\n".join([HEADER, *ROWS, "Roux;Anne;anne.roux@@exemple;CCAS;Agente;x;x"]) + "\n")
    counts = row_counts(database)
    result = run("import", str(sheet), "--session", world.session_id, env=cli_env(database_url, tmp_path))
    assert result.returncode == 1
    assert "ligne 7 : « courriel » invalide\u202f: « anne.roux@@exemple »." in result.stderr
    assert row_counts(database) == counts
    unknown = run("import", str(sheet), "--session", "x" * 26, env=cli_env(database_url, tmp_path))
    assert unknown.returncode == 1
    assert "session-not-found" in unknown.stderr


def test_worker_once_sends_what_is_queued(
    client: TestClient, world: World, database_url: str, tmp_path: Path
) -> None:
    cycle = held_session(client, world)
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=auth(world.coordinator))
    issued = len(closed.json()["issued"])
    with smtp_server() as (inbox, port):
        env = {
            **cli_env(database_url, tmp_path),
            "FABRIQUE_SMTP_HOST": "127.0.0.1",
            "FABRIQUE_SMTP_PORT": str(port),
        }
        result = run("worker", "--once", env=env)
        assert result.returncode == 0, result.stderr
        assert f"{issued} email(s) sent" in result.stdout
        assert len(inbox.messages) == issued
        assert run("worker", "--once", env=env).stdout.strip() == "0 email(s) sent"
    for message in inbox.messages:
        assert message["To"].addresses[0].addr_spec not in result.stderr  # no addresses in the logs


def test_worker_refuses_to_start_without_smtp(database_url: str, tmp_path: Path) -> None:
    result = run("worker", "--once", env={**cli_env(database_url, tmp_path), "FABRIQUE_SMTP_HOST": ""})
    assert result.returncode == 2
    assert "FABRIQUE_SMTP_HOST" in result.stderr


def test_verify_prints_each_check_and_exits_0_only_when_valid(
    client: TestClient, world: World, database_url: str, tmp_path: Path
) -> None:
    baked = tmp_path / "badge.png"
    baked.write_bytes(client.get(f"/awards/{world.award_id}/image").content)
    env = cli_env(database_url, tmp_path)
    good = run("verify", str(baked), "--email", "camille.durand@example.fr", env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "✓ proof" in good.stdout
    assert "✓ recipient" in good.stdout
    assert good.stdout.strip().splitlines()[-1].startswith("VALID (ob3-data-integrity)")
    wrong = run("verify", str(baked), "--email", "autre@example.fr", env=env)
    assert wrong.returncode == 1
    assert "✗ recipient" in wrong.stdout
    url = run("verify", f"https://badges.example.test/awards/{world.award_id}", env=env)
    assert url.returncode == 0, url.stdout
    assert run("verify", str(tmp_path / "absent.png"), env=env).returncode == 2
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01junk")
    assert run("verify", str(junk), env=env).returncode == 1
