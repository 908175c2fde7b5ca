"""Coordinators' console: accounts (argon2 password hashes), their issuers, their sign-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.base import ID, Base


class ConsoleAccount(Base):
    __tablename__ = "console_accounts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))  # admin | coordinator | viewer
    language: Mapped[str] = mapped_column(String(8), default="fr")
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]

    scopes: Mapped[list[ConsoleAccountIssuer]] = relationship(lazy="selectin", cascade="all, delete-orphan")

    @property
    def issuer_ids(self) -> frozenset[str]:
        return frozenset(scope.issuer_id for scope in self.scopes)


class ConsoleAccountIssuer(Base):
    __tablename__ = "console_account_issuers"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("console_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str | None] = mapped_column(String(16))  # for this issuer; None: the account's role


class ConsoleSigninFailure(Base):
    """Wrong passwords for one account from one address (an IPv4 address or an IPv6 /64), and
    the lock they earned: a lock keeps that address out, never the account's owner elsewhere."""

    __tablename__ = "console_signin_failures"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("console_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    locks: Mapped[int]
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime]


class ConsoleSession(Base):
    """A signed-in browser. The cookie holds a random value; only its SHA-256 is stored, so a
    copy of the database cannot be replayed as a cookie."""

    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("console_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute limit, whatever the activity

    account: Mapped[ConsoleAccount] = relationship(lazy="joined", innerjoin=True)


class AccountLink(Base):
    """A one-time link sent to an account by email (an invitation, a password reset); the token
    itself is a MAC over this row's id (``domain.account_links``), never stored."""

    __tablename__ = "account_links"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("console_accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # invitation | reset
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
