"""Engine and session factory; one transaction per request or command."""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.domain.audit import SYSTEM, Actor
from service.persistence import audit, public_revision

PENDING_FILES_KEY = "fabrique.pending_files"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned per backend: SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def private_file(path: Path) -> None:
    """The embedded database holds every earner's email: readable by its owner only (0600, its
    folder 0700 when created here). SQLite gives its -wal and -shm files the same mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """Owns the engine; hands out sessions whose commit is all-or-nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._public_listeners: list[weakref.WeakMethod[Callable[[], None]]] = []
        public_revision.install(self.sessions, self._public_changed)
        # Who acts in a transaction nobody signed in to (the audit log): the service itself,
        # or the person at the CLI (``build_services(actor=…)``).
        self.actor: Actor = SYSTEM

    def on_public_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (a bound method, held weakly: an application dropped with its cache
        is not kept alive by the database) after each commit, by this process, that changed a
        public document."""
        self._public_listeners = [ref for ref in self._public_listeners if ref() is not None]
        self._public_listeners.append(weakref.WeakMethod(listener))

    def public_revision(self) -> int:
        """The committed public revision, read in a transaction of its own."""
        with self.transaction(write=False) as session:
            return public_revision.read(session)

    def _public_changed(self) -> None:
        for ref in self._public_listeners:
            listener = ref()
            if listener is not None:
                listener()

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    def begin_write(self, session: Session) -> None:
        """Start a transaction that will write.

        SQLite's driver opens a transaction only at the first write, so a read-then-write
        request could act on stale data and lose a concurrent update; BEGIN IMMEDIATE takes
        the write lock first and serialises writers. PostgreSQL relies on row locks and
        constraints instead.
        """
        if self.engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """Commit when the block ends normally; roll back (and delete the files the transaction
        wrote) otherwise. ``write=False`` skips taking SQLite's write lock for read-only work."""
        session = self.sessions()
        audit.act_as_default(session, self.actor)
        try:
            if write:
                self.begin_write(session)
            yield session
            audit.add_unrecorded(session)  # a change never goes unlogged
            session.commit()
        except BaseException:
            session.rollback()
            discard_pending_files(session)
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """One round trip to the database; raises when it does not answer."""
        with self.transaction(write=False) as session:
            session.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def register_pending_file(session: Session, path: Path) -> None:
    """A file written as part of this transaction: removed again if the transaction fails."""
    session.info.setdefault(PENDING_FILES_KEY, []).append(path)


def discard_pending_files(session: Session) -> None:
    for path in session.info.pop(PENDING_FILES_KEY, []):
        path.unlink(missing_ok=True)
