"""The audit log's bookkeeping: who acts in a transaction, what it changed, what was recorded.

Use cases record each change explicitly (``usecases.audit.record``), with a code that says what
was done. As a safety net, every flush notes the audited rows it touched, and a transaction that
touched some without recording anything gets a generic ``change`` event per row before it
commits (``add_unrecorded``): a change is never missing from the log. The test suite fails when
an HTTP request needed that net (``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from service.domain.audit import SYSTEM, Actor
from service.ids import new_id
from service.persistence.audit_tables import AuditEvent

ACTOR = "fabrique.audit.actor"
ROUTE = "fabrique.audit.route"
TOUCHED = "fabrique.audit.touched"
RECORDED = "fabrique.audit.recorded"
# The service's own data; not the mechanics (outbox, status lists, sign-in sessions, caches).
AUDITED = frozenset(
    {
        "issuers",
        "badge_classes",
        "awards",
        "signing_keys",
        "api_tokens",
        "console_accounts",
        "console_account_issuers",
        "training_sessions",
        "session_half_days",
        "session_trainers",
        "session_rules",
        "enrolments",
        "attendance",
        "trainer_rules",
        "wallet_copies",
    }
)


def act_as(session: Session, actor: Actor) -> None:
    """Who is acting in this transaction (set by authentication, the CLI, the earner's link)."""
    session.info[ACTOR] = actor


def note_route(session: Session, route: str) -> None:
    """The HTTP route a transaction serves (``POST /api/v1/awards/{award_id}/revoke``)."""
    session.info[ROUTE] = route[:200]


def act_as_default(session: Session, actor: Actor) -> None:
    """The actor unless one was already named in this transaction."""
    session.info.setdefault(ACTOR, actor)


def actor_of(session: Session) -> Actor:
    found = session.info.get(ACTOR)
    return found if isinstance(found, Actor) else SYSTEM


def add(
    session: Session,
    at: datetime,
    action: str,
    subject_type: str,
    subject_id: str,
    issuer_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    actor = actor_of(session)
    row = AuditEvent(
        id=new_id(),
        at=at,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:320],
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        issuer_id=issuer_id,
        details=details or {},
    )
    if ROUTE in session.info:
        row.details = {**row.details, "route": session.info[ROUTE]}
    session.add(row)
    session.info[RECORDED] = True
    return row


# Bookkeeping of a use, not a change: a token's last use, an account's last sign-in.
UNAUDITED_COLUMNS = frozenset({"last_used_at", "last_sign_in_at"})


def _changed(row: object) -> bool:
    state = inspect(row)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return bool(changed - UNAUDITED_COLUMNS)


@event.listens_for(Session, "after_flush")
def _note_touched(session: Session, _context: Any) -> None:
    touched: dict[tuple[str, str], str | None] = session.info.setdefault(TOUCHED, {})
    for row in chain(session.new, session.deleted, (r for r in session.dirty if _changed(r))):
        table = getattr(row, "__tablename__", None)
        if table in AUDITED:
            key = (
                getattr(row, "id", None) or getattr(row, "badge_class_id", None) or getattr(row, "kid", None)
            )
            touched[(str(table), str(key or "?"))] = getattr(row, "issuer_id", None)


def add_unrecorded(session: Session) -> None:
    """Before a commit: a change nobody recorded gets a generic event per row it touched."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what is still pending is noted too
    touched: dict[tuple[str, str], str | None] = session.info.pop(TOUCHED, {})
    if not touched or session.info.get(RECORDED):
        return
    now = datetime.now(UTC)
    for (table, key), issuer_id in sorted(touched.items()):
        add(session, now, "change", table, key, issuer_id)
    session.flush()


class AuditEvents:
    def __init__(self, session: Session) -> None:
        self.session = session

    def search(
        self,
        *,
        issuer_ids: Sequence[str] | None = None,
        action: str | None = None,
        actor: str | None = None,
        subject_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[Sequence[AuditEvent], int]:
        """Newest first; ``issuer_ids`` limits to those issuers (None: every event)."""
        query = select(AuditEvent)
        if issuer_ids is not None:
            query = query.where(AuditEvent.issuer_id.in_(list(issuer_ids)))
        if action:
            query = query.where(AuditEvent.action == action)
        if actor:
            query = query.where(func.lower(AuditEvent.actor_label).contains(actor.lower(), autoescape=True))
        if subject_id:
            query = query.where(AuditEvent.subject_id == subject_id)
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        if until is not None:
            query = query.where(AuditEvent.at < until)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(AuditEvent.at.desc(), AuditEvent.id).limit(limit).offset(offset)
        )
        return rows.all(), int(total)

    def actions(self) -> Sequence[str]:
        query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        return self.session.scalars(query).all()
