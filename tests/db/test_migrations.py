"""The schema exists only through the migrations, and they match the models exactly."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from service.ids import new_id
from service.persistence import migrate
from service.persistence.base import Base
from service.persistence.database import Database, make_engine
from service.persistence.tables import Issuer, SigningKey


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"fabrique_scratch_{secrets.token_hex(4)}"
    admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert migrate.current_revision(database.engine) == migrate.head_revision()


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(scratch_url)
        tables = set(inspect(engine).get_table_names())
        assert {"issuers", "badge_classes", "awards", "signing_keys", "api_tokens"} <= tables
        migrate.downgrade(scratch_url, "base")
        engine.dispose()
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(scratch_url)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def _key(issuer_id: str, retired: bool, purpose: str = "ob2") -> SigningKey:
    now = datetime.now(UTC)
    return SigningKey(
        kid=secrets.token_urlsafe(32),
        issuer_id=issuer_id,
        algorithm="RS256",
        purpose=purpose,
        public_jwk={},
        public_pem="",
        created_at=now,
        retired_at=now if retired else None,
    )


def test_database_allows_one_active_key_per_issuer_and_purpose(database: Database) -> None:
    issuer_id = new_id()
    now = datetime.now(UTC)
    with database.transaction() as session:
        session.add(
            Issuer(id=issuer_id, name="n", url="https://x", email="e@x.fr", created_at=now, updated_at=now)
        )
        session.flush()
        session.add_all(
            [
                _key(issuer_id, retired=True),
                _key(issuer_id, retired=True),
                _key(issuer_id, retired=False),
                _key(issuer_id, retired=False, purpose="vc-jwt"),  # RS256 too, another purpose
            ]
        )
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(_key(issuer_id, retired=False))


def test_awards_cannot_point_at_missing_rows(database: Database) -> None:
    from service.persistence.tables import Award

    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(
            Award(
                id=new_id(),
                badge_class_id="missing",
                issuer_id="missing",
                recipient_email="a@b.fr",
                salt="s",
                issued_on=now,
                evidence=[],
                signed_assertion="x",
                signing_kid="missing",
                created_at=now,
            )
        )


def test_keys_shared_by_ob2_and_vc_jwt_become_ob2_keys(scratch_url: str) -> None:
    """Migration 0014: the RS256 key that signed both OB 2.0 assertions and VC-JWTs keeps the
    OB 2.0 purpose (issuer profiles name it), the Ed25519 key becomes the Data Integrity key;
    the next start gives each issuer a VC-JWT key of its own."""
    migrate.upgrade(scratch_url, "0013")
    engine = make_engine(scratch_url)
    now = datetime.now(UTC).isoformat()
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO issuers (id, name, url, email, created_at, updated_at) "
                    "VALUES ('i1', 'Hub', 'https://hub.example', 'h@hub.example', :now, :now)"
                ),
                {"now": now},
            )
            for kid, algorithm, retired in (
                ("r1", "RS256", now),
                ("r2", "RS256", None),
                ("e1", "EdDSA", None),
            ):
                connection.execute(
                    text(
                        "INSERT INTO signing_keys (kid, issuer_id, algorithm, public_jwk, public_pem, "
                        "created_at, retired_at) VALUES (:kid, 'i1', :algorithm, '{}', '', :now, :retired)"
                    ),
                    {"kid": kid, "algorithm": algorithm, "now": now, "retired": retired},
                )
        migrate.upgrade(scratch_url)
        with engine.connect() as connection:
            purposes = dict(connection.execute(text("SELECT kid, purpose FROM signing_keys")).all())
        assert purposes == {"r1": "ob2", "r2": "ob2", "e1": "data-integrity"}
        migrate.downgrade(scratch_url, "0013")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM signing_keys")).scalar() == 3
    finally:
        engine.dispose()


def test_an_instance_with_data_migrates_down_and_up_through_table_rebuilds(scratch_url: str) -> None:
    """Regression: SQLite drops a column by rebuilding the table (copy, drop, rename); with
    foreign keys enforced, dropping a table that rows point at failed, so an instance holding
    issuers, tokens or attendance could not be taken back (downgrade of 0019 dropped issuers).
    The migrations now run with foreign keys off on SQLite, on again after; every row survives
    the way down and up again, and the foreign keys still hold."""
    migrate.upgrade(scratch_url, "0016")
    engine = make_engine(scratch_url)
    now = datetime.now(UTC).isoformat()
    statements = [
        "INSERT INTO issuers (id, name, url, email, created_at, updated_at) "
        "VALUES ('i1', 'Hub', 'https://hub.example', 'h@hub.example', :now, :now)",
        "INSERT INTO api_tokens (id, name, token_hash, prefix, role, created_at) "
        "VALUES ('t1', 'tableur', 'h', 'fab_', 'coordinator', :now)",
        "INSERT INTO api_token_issuers (token_id, issuer_id) VALUES ('t1', 'i1')",
        "INSERT INTO training_sessions (id, issuer_id, title, themes, format, state, evaluation_done, "
        "created_at, updated_at) "
        "VALUES ('s1', 'i1', 'Atelier', '[]', 'in_person', 'planned', :no, :now, :now)",
        "INSERT INTO session_half_days (id, session_id, starts_at, ends_at) VALUES ('h1', 's1', :now, :now)",
        "INSERT INTO enrolments (id, session_id, email, name, state, language, created_at) "
        "VALUES ('e1', 's1', 'a@b.fr', 'A', 'registered', 'fr', :now)",
        "INSERT INTO attendance (enrolment_id, half_day_id) VALUES ('e1', 'h1')",
    ]
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), {"now": now, "no": False})
        migrate.upgrade(scratch_url)
        migrate.downgrade(scratch_url, "0016")
        migrate.upgrade(scratch_url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM api_token_issuers")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM issuers")).scalar() == 1
            assert connection.execute(text("SELECT late FROM attendance")).scalar() in (0, False)
            assert connection.execute(text("SELECT linkedin_organisation_id FROM issuers")).scalar() is None
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
