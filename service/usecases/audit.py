"""Recording changes in the audit log: each use case that changes the service's data says what
it did, with a code (``i18n/audit.py`` has the words), the object and its issuer. Who did it is
the transaction's actor (the console account, the API token, the CLI, the earner's link)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.clock import Clock
from service.domain.audit import Actor
from service.persistence import audit
from service.persistence.console_tables import ConsoleAccount
from service.usecases.context import Context


def account_actor(account: ConsoleAccount) -> Actor:
    return Actor("account", account.id, account.email)


def act_as(session: Session, actor: Actor) -> None:
    """Who acts in this transaction, once known (a sign-in, an earner's link)."""
    audit.act_as(session, actor)


def record(
    ctx: Context,
    action: str,
    subject_type: str,
    subject_id: str,
    issuer_id: str | None = None,
    **details: Any,
) -> None:
    audit.add(ctx.session, ctx.clock.now(), action, subject_type, subject_id, issuer_id, details)


def record_in(
    session: Session,
    clock: Clock,
    action: str,
    subject_type: str,
    subject_id: str,
    issuer_id: str | None = None,
    **details: Any,
) -> None:
    """For the use cases that work on a bare session (tokens, accounts)."""
    audit.add(session, clock.now(), action, subject_type, subject_id, issuer_id, details)
