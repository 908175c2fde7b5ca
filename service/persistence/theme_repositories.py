"""Queries on the themes an administrator added."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.persistence.theme_tables import Theme


class Themes:
    def __init__(self, session: Session) -> None:
        self.session = session

    def added(self) -> Sequence[Theme]:
        return self.session.scalars(select(Theme).order_by(Theme.slug)).all()

    def get(self, slug: str) -> Theme | None:
        return self.session.get(Theme, slug)
