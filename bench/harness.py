"""What every benchmark starts from: a fresh, migrated database and the services over it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from service.clock import SystemClock
from service.persistence import migrate
from service.services import Services, build_services
from service.settings import Environment, Settings
from service.usecases.context import Context


@dataclass(frozen=True)
class Bench:
    url: str
    services: Services

    def context(self, session: Session) -> Context:
        return self.services.context(session)

    @property
    def database(self) -> str:
        return self.url.split(":", 1)[0]


def bench_services(database_url: str | None) -> Bench:
    """A fresh SQLite file (or the given database, migrated), keys in a temporary folder."""
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    migrate.upgrade(url)
    settings = Settings(
        environment=Environment.TEST,
        public_url="https://badges.example.test",
        database_url=url,
        keys_dir=workdir / "keys",
        data_dir=workdir,
        secret_key="b" * 40,
    )
    return Bench(url, build_services(settings, clock=SystemClock()))
