"""`fabrique export` then `fabrique import` into an empty database and an empty keys folder: the
second instance serves the same documents, opens the same earners' links, accepts the same
tokens and accounts, and signs with the same keys (both databases)."""

from __future__ import annotations

import secrets
import subprocess
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.clock import FixedClock
from service.domain.access import Role
from service.persistence import migrate
from service.persistence.database import Database
from service.settings import Environment, Settings
from tests.api.conftest import World
from tests.api.test_outbox import closed_session
from tests.conftest import PUBLIC_URL, fresh_postgresql_database
from tests.factories import (
    auth,
    create_badge_class,
    create_issuer,
    data_row_counts,
    earner_link,
    issue_award,
    make_account,
    make_token,
    publish,
    row_counts,
    sign_in,
)
from tests.test_cli import cli_env, run

PASSPHRASE = "une phrase de passe assez longue"


@pytest.fixture(params=["same kind", "sqlite"])
def second_database_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database for the import: of the run's kind, and SQLite (so the PostgreSQL run
    also moves an instance from PostgreSQL to SQLite: the archive is database-neutral)."""
    if request.param == "sqlite" or not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    with fresh_postgresql_database(database_url, "fabrique_import") as url:
        yield url


@pytest.fixture
def exported(
    client: TestClient,
    world: World,
    database: Database,
    database_url: str,
    settings: Settings,
    tmp_path: Path,
) -> tuple[Path, dict[str, str]]:
    """An instance with a published award, a closed session and its emails, a console account."""
    publish(client, world.award_id, show_name=True)
    closed_session(client, world)
    make_account(database, Role.ADMIN, email="coord@exemple.fr")
    archive = tmp_path / "instance.zip"
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    env = {**cli_env(database_url, tmp_path), "FABRIQUE_SECRET_KEY": secret}
    done = run("export", str(archive), "--passphrase-stdin", env=env, stdin=PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    assert "private key(s) sealed" in done.stdout
    assert archive.stat().st_mode & 0o777 == 0o600  # sealed keys and earners' data: owner only
    return archive, {"secret": secret}


def target_env_of(url: str, tmp_path: Path) -> dict[str, str]:
    """The new host's settings: its own keys folder, no FABRIQUE_SECRET_KEY (the archive's wins)."""
    return cli_env(url, tmp_path / "target")


def import_archive(
    archive: Path, env: dict[str, str], passphrase: str = PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    return run("import", str(archive), "--passphrase-stdin", env=env, stdin=passphrase + "\n")


@contextmanager
def target_app(url: str, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    settings = Settings(
        environment=Environment.TEST,
        public_url=PUBLIC_URL,
        data_dir=tmp_path / "target" / "var",
        keys_dir=tmp_path / "target" / "keys",
        database_url=url,
    )
    database = Database.from_url(url)
    try:
        with TestClient(create_app(settings, clock=clock, database=database), base_url=PUBLIC_URL) as moved:
            yield moved
    finally:
        database.dispose()


def test_an_instance_moves_whole_to_an_empty_database(
    client: TestClient,
    world: World,
    database: Database,
    exported: tuple[Path, dict[str, str]],
    second_database_url: str,
    tmp_path: Path,
    clock: FixedClock,
) -> None:
    archive, _ = exported
    env = target_env_of(second_database_url, tmp_path)
    done = import_archive(archive, env)
    assert done.returncode == 0, done.stderr
    target = Database.from_url(second_database_url)
    try:
        assert row_counts(target) == row_counts(database)
    finally:
        target.dispose()
    with target_app(second_database_url, tmp_path, clock) as moved:
        for path in (
            f"/awards/{world.award_id}/credential",
            f"/awards/{world.award_id}/credential.jwt",
            f"/awards/{world.award_id}/signed",
            f"/issuers/{world.issuer_id}/did.json",
            f"/issuers/{world.issuer_id}/jwks.json",
        ):
            assert moved.get(path).content == client.get(path).content, path
        credential = moved.get(f"/awards/{world.award_id}/credential").json()
        assert moved.post("/verify", json={"credential": credential}).json()["verdict"] == "valid"
        # The earner's emailed link, the API token and the console password still work.
        assert moved.get(earner_link(client, world.award_id)).status_code == 200
        assert moved.get("/api/v1/issuers", headers=auth(world.admin)).status_code == 200
        assert sign_in(moved, "coord@exemple.fr").status_code == 303
        # The imported private keys sign: a new award, verified.
        fresh = issue_award(
            moved, world.coordinator, world.badge_class_id, recipient_email="nouveau@exemple.fr"
        )
        new_credential = moved.get(f"/awards/{fresh['id']}/credential").json()
        assert moved.post("/verify", json={"credential": new_credential}).json()["verdict"] == "valid"
        # A status list signed again by the moved instance still verifies in the old one's copy.
        assert (
            moved.post(
                f"/api/v1/awards/{fresh['id']}/revoke",
                json={"reason": "essai"},
                headers=auth(world.coordinator),
            ).status_code
            == 200
        )
        assert moved.post("/verify", json={"credential": new_credential}).json()["verdict"] == "invalid"


def test_the_archive_holds_no_secret_in_clear(exported: tuple[Path, dict[str, str]]) -> None:
    archive, known = exported
    with zipfile.ZipFile(archive) as opened:
        for name in opened.namelist():
            content = opened.read(name)
            assert b"PRIVATE KEY" not in content, name
            assert known["secret"].encode() not in content, name


def test_a_wrong_passphrase_a_full_database_and_a_foreign_file_import_nothing(
    exported: tuple[Path, dict[str, str]],
    second_database_url: str,
    tmp_path: Path,
    database_url: str,
    database: Database,
) -> None:
    archive, _ = exported
    env = target_env_of(second_database_url, tmp_path)
    wrong = import_archive(archive, env, "pas la bonne phrase")
    assert wrong.returncode == 1
    assert "wrong passphrase" in wrong.stderr
    migrate.upgrade(second_database_url)
    target = Database.from_url(second_database_url)
    try:
        assert set(data_row_counts(target).values()) == {0}
        assert not (tmp_path / "target" / "keys").exists() or not any(
            (tmp_path / "target" / "keys").rglob("*.pem")
        )
        foreign = tmp_path / "foreign.zip"
        with zipfile.ZipFile(foreign, "w") as bogus:
            bogus.writestr("manifest.json", '{"format": "autre"}')
        refused = import_archive(foreign, env)
        assert refused.returncode == 1
        assert "not a Fabrique à badges instance archive" in refused.stderr
        (tmp_path / "junk.zip").write_bytes(b"not a zip")
        junk = import_archive(tmp_path / "junk.zip", env)
        assert junk.returncode == 1
        # Into the source database, which holds data: refused, nothing doubled.
        before = row_counts(database)
        full = import_archive(archive, cli_env(database_url, tmp_path / "full"))
        assert full.returncode == 1
        assert "already holds data" in full.stderr
        assert row_counts(database) == before
        assert set(data_row_counts(target).values()) == {0}
    finally:
        target.dispose()


def test_a_short_passphrase_is_refused(
    client: TestClient, world: World, database_url: str, tmp_path: Path
) -> None:
    done = run(
        "export",
        str(tmp_path / "x.zip"),
        "--passphrase-stdin",
        env=cli_env(database_url, tmp_path),
        stdin="court\n",
    )
    assert done.returncode == 1
    assert "at least 12 characters" in done.stderr


@pytest.fixture
def run_kind_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the run's kind: PostgreSQL in the PostgreSQL run."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'target.db'}"
        return
    with fresh_postgresql_database(database_url, "fabrique_from_sqlite") as url:
        yield url


def test_an_embedded_sqlite_instance_moves_to_the_runs_database(
    run_kind_database_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    """The usual move: from the quick start's SQLite to production's PostgreSQL."""
    source_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    migrate.upgrade(source_url)
    secret = secrets.token_urlsafe(32)
    settings = Settings(
        environment=Environment.TEST,
        public_url=PUBLIC_URL,
        data_dir=tmp_path / "embedded",
        keys_dir=tmp_path / "embedded-keys",
        database_url=source_url,
        secret_key=secret,
    )
    source = Database.from_url(source_url)
    try:
        admin = make_token(source, Role.ADMIN)
        with TestClient(create_app(settings, clock=clock, database=source), base_url=PUBLIC_URL) as embedded:
            issuer = create_issuer(embedded, admin)
            badge = create_badge_class(embedded, admin, issuer["id"])
            award = issue_award(embedded, admin, badge["id"])
            documents = {
                path: embedded.get(path).content
                for path in (f"/awards/{award['id']}/credential", f"/issuers/{issuer['id']}/did.json")
            }
        counts = row_counts(source)
    finally:
        source.dispose()
    archive = tmp_path / "embedded.zip"
    env = {
        "FABRIQUE_DATABASE_URL": source_url,
        "FABRIQUE_KEYS_DIR": str(tmp_path / "embedded-keys"),
        "FABRIQUE_DATA_DIR": str(tmp_path / "embedded"),
        "FABRIQUE_PUBLIC_URL": PUBLIC_URL,
        "FABRIQUE_SECRET_KEY": secret,
    }
    exported = run("export", str(archive), "--passphrase-stdin", env=env, stdin=PASSPHRASE + "\n")
    assert exported.returncode == 0, exported.stderr
    target_env = target_env_of(run_kind_database_url, tmp_path)
    imported = import_archive(archive, target_env)
    assert imported.returncode == 0, imported.stderr
    target = Database.from_url(run_kind_database_url)
    try:
        assert row_counts(target) == counts
    finally:
        target.dispose()
    with target_app(run_kind_database_url, tmp_path, clock) as moved:
        for path, content in documents.items():
            assert moved.get(path).content == content, path
        fresh = issue_award(moved, admin, badge["id"], recipient_email="apres@exemple.fr")
        credential = moved.get(f"/awards/{fresh['id']}/credential").json()
        assert moved.post("/verify", json={"credential": credential}).json()["verdict"] == "valid"
