"""Shared fixtures: a real database built by the migrations, an app over it, a fixed clock.

Which database: ``FABRIQUE_TEST_DATABASE_URL`` (a PostgreSQL server URL: a fresh database is
created on it for this run and dropped afterwards), or a new SQLite file by default.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from service.app import create_app
from service.clock import FixedClock
from service.persistence import migrate
from service.persistence.audit_tables import AuditEvent
from service.persistence.base import Base
from service.persistence.database import Database
from service.settings import Environment, Settings
from service.signing import keystore

PUBLIC_URL = "https://badges.example.test"
START = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = os.environ.get("FABRIQUE_TEST_DATABASE_URL")
    if not server:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    with fresh_postgresql_database(server, "fabrique_test") as url:
        migrate.upgrade(url)
        yield url


@contextmanager
def fresh_postgresql_database(server: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the server of ``server`` (a URL), dropped afterwards."""
    base = make_url(server)
    name = f"{prefix}_{secrets.token_hex(4)}"
    # pre_ping: tests/api/test_faults.py restarts the server, which kills pooled connections.
    admin = create_engine(base, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database.from_url(database_url)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "database" not in request.fixturenames:
        return
    db: Database = request.getfixturevalue("database")
    with db.engine.begin() as connection:
        # Every change an HTTP request made was recorded by its use case, with a code: the audit
        # log's safety net (a generic "change") was never needed (service/persistence/audit.py).
        unrecorded = [
            (row.subject_type, row.details.get("route"))
            for row in connection.execute(select(AuditEvent).where(AuditEvent.action == "change"))
            if "route" in row.details
        ]
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "public_revision":  # the migration's one row, as in production
                connection.execute(table.delete())
    assert unrecorded == [], f"changes no use case recorded in the audit log: {unrecorded}"


# RSA keys, real ones, are reused from one test to the next (never twice within a test, where
# each must be another key): generating a 2048-bit key costs 50 to 200 ms, and every issuer a
# test creates needs two. Ed25519 keys cost nothing and are always new. Processes started by the
# tests (the CLI, the wheel) generate their own.
_real_generate = keystore.generate
_rsa_pool: list[keystore.GeneratedKey] = []
_rsa_used: set[str] = set()
_rsa_lock = threading.Lock()


def _pooled_generate(algorithm: keystore.Algorithm) -> keystore.GeneratedKey:
    if algorithm is not keystore.Algorithm.RS256:
        return _real_generate(algorithm)
    with _rsa_lock:
        for key in _rsa_pool:
            if key.kid not in _rsa_used:
                _rsa_used.add(key.kid)
                return key
        key = _real_generate(algorithm)
        _rsa_pool.append(key)
        _rsa_used.add(key.kid)
        return key


@pytest.fixture(autouse=True)
def _rsa_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    with _rsa_lock:
        _rsa_used.clear()
    monkeypatch.setattr(keystore, "generate", _pooled_generate)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        environment=Environment.TEST,
        public_url=PUBLIC_URL,
        data_dir=tmp_path / "var",
        keys_dir=tmp_path / "keys",
        database_url=database_url,
        secret_key=secrets.token_urlsafe(32),
        # Tests send many requests from one address; tests/api/test_rate_limits.py sets real ones.
        rate_limit_signin="100000/minute",
        rate_limit_verify="100000/minute",
    )


@pytest.fixture
def app(settings: Settings, clock: FixedClock, database: Database) -> FastAPI:
    return create_app(settings, clock=clock, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=PUBLIC_URL, raise_server_exceptions=False) as test_client:
        yield test_client
