"""The public revision: a counter raised in the same transaction as every change that alters a
public document which processes serve from memory (hosted assertions, credentials, status lists,
and the issuer, key and badge class documents that verification reads).

What counts is in ``changes_public_documents``. Detection is by the ORM, not by each use case,
so a new code path that revokes or rotates a key cannot forget it: ``before_flush`` notes a
relevant change, ``before_commit`` raises the counter as the transaction's last statement (its
row lock is then held only for the commit, so it cannot take part in a deadlock), and
``after_commit`` tells this process's listeners at once. Other processes read the counter
(``read``) and drop what they built at an older one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from service.persistence.endorsement_tables import Endorsement, Endorser
from service.persistence.tables import Award, BadgeClass, Issuer, PublicRevision, SigningKey

CHANGED = "fabrique.public_change"  # session.info: this transaction changed a public document
# Revoked or erased changes every document; published or not, and with the name or not, changes
# the badge page (kept in memory too).
_AWARD_STATE = ("revoked_at", "erased_at", "published_at", "show_name")


def read(session: Session) -> int:
    """The committed revision (0 before the first change)."""
    found = session.scalar(select(PublicRevision.revision).where(PublicRevision.id == 1))
    return int(found or 0)


def changes_public_documents(session: Session) -> bool:
    """Whether the pending changes revoke or erase an award, touch a signing key, or edit an
    issuer or a badge class (whose documents verification reads from the cache too). Issuing
    does not count: a new award changes no document that exists."""
    for instance in session.new:
        # A new endorsement joins the documents of what it endorses.
        if isinstance(instance, SigningKey | Endorsement):
            return True
    for instance in session.deleted:
        if isinstance(instance, Award | SigningKey | Issuer | BadgeClass):
            return True
    for instance in session.dirty:
        if isinstance(
            instance, SigningKey | Issuer | BadgeClass | Endorsement | Endorser
        ) and session.is_modified(instance):
            return True
        if isinstance(instance, Award):
            attrs = inspect(instance).attrs
            if any(attrs[name].history.has_changes() for name in _AWARD_STATE):
                return True
    return False


def install(sessions: sessionmaker[Session], on_change: Callable[[], None]) -> None:
    """Track public changes in every session ``sessions`` makes; ``on_change`` runs after the
    commit of each transaction that made one."""

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        if changes_public_documents(session):
            session.info[CHANGED] = True

    def before_commit(session: Session) -> None:
        session.flush()  # what is still pending would otherwise be flushed after this hook
        if session.info.get(CHANGED):
            raise_revision(session)

    def after_commit(session: Session) -> None:
        # A flag left by a rolled-back transaction costs at most one spare notification.
        if session.info.pop(CHANGED, False):
            on_change()

    event.listen(sessions, "before_flush", before_flush)
    event.listen(sessions, "before_commit", before_commit)
    event.listen(sessions, "after_commit", after_commit)


def raise_revision(session: Session) -> None:
    """Add one to the counter; an upsert, so a database whose row was removed gets it back."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(PublicRevision).values(id=1, revision=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[PublicRevision.id], set_={"revision": PublicRevision.revision + 1}
        )
    )
