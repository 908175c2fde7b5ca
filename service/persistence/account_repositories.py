"""Queries on console accounts, their sign-in failures, their browser sessions and their
one-time links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.ids import is_id
from service.persistence.console_tables import (
    AccountLink,
    ConsoleAccount,
    ConsoleSession,
    ConsoleSigninFailure,
)


class ConsoleAccounts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_email(self, email: str, *, for_update: bool = False) -> ConsoleAccount | None:
        """The account of a normalised address (a NUL never matches: PostgreSQL refuses it)."""
        if not email or "\x00" in email:
            return None
        query = select(ConsoleAccount).where(ConsoleAccount.email == email)
        return self.session.scalar(query.with_for_update() if for_update else query)

    def exists(self, email: str) -> bool:
        return self.session.scalar(select(ConsoleAccount.id).where(ConsoleAccount.email == email)) is not None

    def failure(self, account_id: str, address: str) -> ConsoleSigninFailure | None:
        return self.session.get(ConsoleSigninFailure, (account_id, address))

    def forget_failures(self, account_id: str, *, older_than: datetime | None = None) -> int:
        """Delete the account's sign-in failures (all, or those last seen before ``older_than``);
        how many went."""
        statement = delete(ConsoleSigninFailure).where(ConsoleSigninFailure.account_id == account_id)
        if older_than is not None:
            statement = statement.where(ConsoleSigninFailure.last_failure_at < older_than)
        return int(getattr(self.session.execute(statement), "rowcount", 0) or 0)

    def close_sessions(self, account_id: str, *, expired_at: datetime | None = None) -> None:
        """Delete the account's browser sessions (all, or those expired at ``expired_at``)."""
        statement = delete(ConsoleSession).where(ConsoleSession.account_id == account_id)
        if expired_at is not None:
            statement = statement.where(ConsoleSession.expires_at <= expired_at)
        self.session.execute(statement)

    def session_by_hash(self, id_hash: str) -> ConsoleSession | None:
        return self.session.get(ConsoleSession, id_hash)

    def close_session(self, id_hash: str) -> None:
        self.session.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == id_hash))

    def get(self, account_id: str) -> ConsoleAccount | None:
        return self.session.get(ConsoleAccount, account_id) if is_id(account_id) else None

    def all(self) -> Sequence[ConsoleAccount]:
        return self.session.scalars(select(ConsoleAccount).order_by(ConsoleAccount.email)).all()

    def link(self, link_id: str) -> AccountLink | None:
        return self.session.get(AccountLink, link_id) if is_id(link_id) else None

    def open_links(self, account_id: str, purpose: str) -> Sequence[AccountLink]:
        query = select(AccountLink).where(
            AccountLink.account_id == account_id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
        return self.session.scalars(query).all()
