"""All queries live here. Repositories add and find; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from service.ids import is_id, is_kid
from service.persistence.tables import (
    ApiToken,
    Award,
    BadgeClass,
    Issuer,
    SigningKey,
    StatusEntry,
    StatusList,
)
from service.persistence.training_tables import SessionRule, TrainerRule, TrainingSession
from service.signing.keystore import KeyPurpose

_ACTIVE_KEYS = "fabrique.active_keys"  # session.info: issuer id -> {algorithm: key}


class Issuers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, issuer_id: str) -> Issuer | None:
        # Malformed ids are never in the table: answer without a query (PostgreSQL would
        # refuse some of them, a NUL for one, with an error rather than "not found").
        return self.session.get(Issuer, issuer_id) if is_id(issuer_id) else None

    def list(self, only: frozenset[str] | None, limit: int, offset: int) -> tuple[Sequence[Issuer], int]:
        query = select(Issuer)
        if only is not None:
            query = query.where(Issuer.id.in_(only))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.order_by(Issuer.created_at, Issuer.id).limit(limit).offset(offset))
        return rows.all(), total

    def has_badge_classes(self, issuer_id: str) -> bool:
        query = select(BadgeClass.id).where(BadgeClass.issuer_id == issuer_id).limit(1)
        return self.session.scalar(query) is not None


class BadgeClasses:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, badge_class_id: str) -> BadgeClass | None:
        return self.session.get(BadgeClass, badge_class_id) if is_id(badge_class_id) else None

    def list_for_issuer(self, issuer_id: str, limit: int, offset: int) -> tuple[Sequence[BadgeClass], int]:
        where = (BadgeClass.issuer_id == issuer_id) & BadgeClass.replaced_by_id.is_(None)  # current versions
        total = self.session.scalar(select(func.count(BadgeClass.id)).where(where)) or 0
        rows = self.session.scalars(
            select(BadgeClass)
            .where(where)
            .order_by(BadgeClass.created_at, BadgeClass.id)
            .limit(limit)
            .offset(offset)
        )
        return rows.all(), total

    def from_catalogue(self, issuer_id: str) -> dict[str, BadgeClass]:
        """The issuer's badge classes imported from the catalogue, by catalogue key."""
        query = select(BadgeClass).where(
            BadgeClass.issuer_id == issuer_id, BadgeClass.catalogue_key.is_not(None)
        )
        return {str(bc.catalogue_key): bc for bc in self.session.scalars(query)}

    def current_of_series(self, series_id: str) -> BadgeClass | None:
        query = select(BadgeClass).where(
            BadgeClass.series_id == series_id, BadgeClass.replaced_by_id.is_(None)
        )
        return self.session.scalar(query)

    def hand_over(self, old_id: str, new_id: str) -> None:
        """Open sessions' rules and the trainer rule move to a badge class's new version."""
        open_sessions = select(TrainingSession.id).where(TrainingSession.state.in_(("planned", "held")))
        self.session.execute(
            update(SessionRule)
            .where(SessionRule.badge_class_id == old_id, SessionRule.session_id.in_(open_sessions))
            .values(badge_class_id=new_id)
            .execution_options(synchronize_session=False)
        )
        self.session.execute(
            update(TrainerRule)
            .where(TrainerRule.badge_class_id == old_id)
            .values(badge_class_id=new_id)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()

    def has_awards(self, badge_class_id: str) -> bool:
        query = select(Award.id).where(Award.badge_class_id == badge_class_id).limit(1)
        return self.session.scalar(query) is not None


class Awards:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, award_id: str) -> Award | None:
        return self.session.get(Award, award_id) if is_id(award_id) else None

    def counts(self) -> tuple[int, int]:
        """(issued, revoked), every issuer."""
        issued = self.session.scalar(select(func.count()).select_from(Award)) or 0
        revoked = self.session.scalar(select(func.count()).where(Award.revoked_at.is_not(None))) or 0
        return int(issued), int(revoked)

    def made_between(self, issuer_id: str, start: datetime, end: datetime | None) -> int:
        """How many awards of the issuer were made from ``start`` until ``end`` (or now): what a
        key active over that time signed."""
        query = select(func.count()).where(Award.issuer_id == issuer_id, Award.created_at >= start)
        if end is not None:
            query = query.where(Award.created_at < end)
        return int(self.session.scalar(query) or 0)

    def get_for_update(self, award_id: str) -> Award | None:
        """Lock the row and reload it: an object already in the session would otherwise keep the
        values read before the lock was granted."""
        if not is_id(award_id):
            return None
        query = (
            select(Award)
            .where(Award.id == award_id)
            .with_for_update(of=Award)
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def list(
        self,
        *,
        issuer_id: str | None = None,
        badge_class_id: str | None = None,
        recipient_email: str | None = None,
        revoked: bool | None = None,
        search: str | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Award], int]:
        query = select(Award)
        if search:
            # Part of the email or name, or the award id (ids are lower case; a pasted badge URL
            # finds its award too); LIKE wildcards typed are taken literally.
            needle = search.strip().lower()
            award_id = needle.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
            query = query.where(
                or_(
                    func.lower(Award.recipient_email).contains(needle, autoescape=True),
                    func.lower(Award.recipient_name).contains(needle, autoescape=True),
                    Award.id == award_id,
                )
            )
        if badge_class_id is not None and not is_id(badge_class_id):
            return [], 0
        if issuer_id is not None:
            # The issuer's own awards, and those its member structures made of its classes.
            own_classes = select(BadgeClass.id).where(BadgeClass.issuer_id == issuer_id)
            query = query.where(or_(Award.issuer_id == issuer_id, Award.badge_class_id.in_(own_classes)))
        if badge_class_id is not None:
            query = query.where(Award.badge_class_id == badge_class_id)
        if recipient_email is not None:
            query = query.where(func.lower(Award.recipient_email) == recipient_email.lower())
        if revoked is not None:
            query = query.where(Award.revoked_at.is_not(None) if revoked else Award.revoked_at.is_(None))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Award.created_at.desc(), Award.id).limit(limit).offset(offset)
        )
        return rows.all(), total

    def revoked_for_issuer(self, issuer_id: str) -> Sequence[tuple[str, str | None]]:
        query = (
            select(Award.id, Award.revocation_reason)
            .where(Award.issuer_id == issuer_id, Award.revoked_at.is_not(None))
            .order_by(Award.revoked_at, Award.id)
        )
        return [(row[0], row[1]) for row in self.session.execute(query)]


class SigningKeys:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, kid: str) -> SigningKey | None:
        return self.session.get(SigningKey, kid) if is_kid(kid) else None

    def active(self, issuer_id: str, purpose: KeyPurpose) -> SigningKey | None:
        query = select(SigningKey).where(
            SigningKey.issuer_id == issuer_id,
            SigningKey.purpose == purpose.value,
            SigningKey.retired_at.is_(None),
        )
        return self.session.scalar(query)

    def active_by_purpose(self, issuer_id: str) -> dict[KeyPurpose, SigningKey]:
        """The issuer's current key of each purpose, in one query per transaction: a session
        closing issues hundreds of awards with the same keys (``forget_active`` after a change)."""
        memo: dict[str, dict[KeyPurpose, SigningKey]] = self.session.info.setdefault(_ACTIVE_KEYS, {})
        found = memo.get(issuer_id)
        if found is None:
            query = select(SigningKey).where(
                SigningKey.issuer_id == issuer_id, SigningKey.retired_at.is_(None)
            )
            found = memo[issuer_id] = {KeyPurpose(key.purpose): key for key in self.session.scalars(query)}
        return dict(found)

    def forget_active(self, issuer_id: str) -> None:
        self.session.info.get(_ACTIVE_KEYS, {}).pop(issuer_id, None)

    def for_issuer(
        self, issuer_id: str, purpose: KeyPurpose | None = None, *, published_only: bool = False
    ) -> Sequence[SigningKey]:
        query = select(SigningKey).where(SigningKey.issuer_id == issuer_id)
        if published_only:
            query = query.where(SigningKey.withdrawn_at.is_(None))
        if purpose is not None:
            query = query.where(SigningKey.purpose == purpose.value)
        return self.session.scalars(query.order_by(SigningKey.created_at, SigningKey.kid)).all()

    def published(self) -> Sequence[SigningKey]:
        """Every key not withdrawn, current and retired: what verifiers may still rely on."""
        query = select(SigningKey).where(SigningKey.withdrawn_at.is_(None))
        return self.session.scalars(query.order_by(SigningKey.created_at, SigningKey.kid)).all()

    def retire(self, key: SigningKey, at: datetime) -> None:
        key.retired_at = at
        self.forget_active(key.issuer_id)
        self.session.flush()


class ApiTokens:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return self.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))

    def get(self, token_id: str) -> ApiToken | None:
        return self.session.get(ApiToken, token_id) if is_id(token_id) else None

    def all(self) -> Sequence[ApiToken]:
        return self.session.scalars(select(ApiToken).order_by(ApiToken.created_at)).all()


class StatusLists:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, list_id: str) -> StatusList | None:
        return self.session.get(StatusList, list_id) if is_id(list_id) else None

    def open_for_update(self, issuer_id: str, purpose: str, fill_limit: int) -> StatusList | None:
        """The issuer's newest list with fewer than ``fill_limit`` places given, locked until the
        transaction ends (PostgreSQL): allocations in one list are serialised, so two
        transactions never pick the same free place."""
        query = (
            select(StatusList)
            .where(
                StatusList.issuer_id == issuer_id,
                StatusList.purpose == purpose,
                StatusList.allocated < fill_limit,
            )
            .order_by(StatusList.created_at.desc(), StatusList.id)
            .limit(1)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def is_taken(self, list_id: str, position: int) -> bool:
        query = select(StatusEntry.position).where(
            StatusEntry.list_id == list_id, StatusEntry.position == position
        )
        return self.session.scalar(query) is not None

    def positions(self, list_id: str) -> list[int]:
        """Every place given in the list."""
        return list(self.session.scalars(select(StatusEntry.position).where(StatusEntry.list_id == list_id)))

    def revoked_positions(self, list_id: str) -> list[int]:
        query = (
            select(StatusEntry.position)
            .join(Award, Award.id == StatusEntry.award_id)
            .where(StatusEntry.list_id == list_id, Award.revoked_at.is_not(None))
        )
        return list(self.session.scalars(query))
