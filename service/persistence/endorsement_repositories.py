"""Queries on endorsers, endorsements and invitations to endorse, and the facts that decide who
may endorse (who holds a badge, who trained a session)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from service.ids import is_id
from service.persistence.endorsement_tables import Endorsement, EndorsementInvitation, Endorser
from service.persistence.tables import Award, BadgeClass
from service.persistence.training_tables import AwardOrigin, SessionRule, SessionTrainer


class Endorsers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, endorser_id: str) -> Endorser | None:
        return self.session.get(Endorser, endorser_id) if is_id(endorser_id) else None

    def by_email(self, email: str) -> Endorser | None:
        return self.session.scalar(select(Endorser).where(Endorser.email == email))


class Endorsements:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, endorsement_id: str) -> Endorsement | None:
        return self.session.get(Endorsement, endorsement_id) if is_id(endorsement_id) else None

    def current_for(self, kind: str, subject_id: str) -> Sequence[Endorsement]:
        """The endorsements of one thing not withdrawn, oldest first."""
        query = (
            select(Endorsement)
            .where(
                Endorsement.subject_kind == kind,
                Endorsement.subject_id == subject_id,
                Endorsement.withdrawn_at.is_(None),
            )
            .order_by(Endorsement.created_at, Endorsement.id)
        )
        return self.session.scalars(query).all()

    def for_issuer(self, issuer_id: str) -> Sequence[Endorsement]:
        query = (
            select(Endorsement)
            .where(Endorsement.issuer_id == issuer_id)
            .order_by(Endorsement.created_at.desc(), Endorsement.id)
        )
        return self.session.scalars(query).all()

    def of_endorser(self, endorser_id: str) -> Sequence[Endorsement]:
        query = (
            select(Endorsement)
            .where(Endorsement.endorser_id == endorser_id)
            .order_by(Endorsement.created_at, Endorsement.id)
        )
        return self.session.scalars(query).all()

    def taken_indexes(self, endorser_id: str) -> set[int]:
        query = select(Endorsement.status_index).where(Endorsement.endorser_id == endorser_id)
        return set(self.session.scalars(query).all())

    def withdrawn_indexes(self, endorser_id: str) -> list[int]:
        query = select(Endorsement.status_index).where(
            Endorsement.endorser_id == endorser_id, Endorsement.withdrawn_at.is_not(None)
        )
        return list(self.session.scalars(query).all())

    def withdraw_all_of(self, kind: str, subject_id: str, at: datetime) -> int:
        """Withdraw every endorsement of one thing (an erased award): nothing left to vouch for."""
        result = self.session.execute(
            update(Endorsement)
            .where(
                Endorsement.subject_kind == kind,
                Endorsement.subject_id == subject_id,
                Endorsement.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=at)
            .execution_options(synchronize_session="fetch")
        )
        return int(getattr(result, "rowcount", 0) or 0)


class Invitations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, invitation_id: str) -> EndorsementInvitation | None:
        return self.session.get(EndorsementInvitation, invitation_id) if is_id(invitation_id) else None

    def get_for_update(self, invitation_id: str) -> EndorsementInvitation | None:
        if not is_id(invitation_id):
            return None
        query = (
            select(EndorsementInvitation).where(EndorsementInvitation.id == invitation_id).with_for_update()
        )
        return self.session.scalar(query)

    def pending_for(self, issuer_id: str, now: datetime) -> Sequence[EndorsementInvitation]:
        query = (
            select(EndorsementInvitation)
            .where(
                EndorsementInvitation.issuer_id == issuer_id,
                EndorsementInvitation.used_at.is_(None),
                EndorsementInvitation.expires_at > now,
            )
            .order_by(EndorsementInvitation.created_at.desc())
        )
        return self.session.scalars(query).all()

    def made_by_since(self, invited_by: str, since: datetime) -> int:
        query = select(EndorsementInvitation.id).where(
            EndorsementInvitation.invited_by == invited_by, EndorsementInvitation.created_at >= since
        )
        return len(self.session.scalars(query).all())

    def delete_for_award(self, award_id: str) -> None:
        for found in self.session.scalars(
            select(EndorsementInvitation).where(
                EndorsementInvitation.subject_kind == "award", EndorsementInvitation.subject_id == award_id
            )
        ):
            self.session.delete(found)


class Eligibility:
    """Who may vouch: holders of a badge, trainers of a session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def series_ids(self, series_id: str) -> list[str]:
        """Every version of a badge class."""
        return list(self.session.scalars(select(BadgeClass.id).where(BadgeClass.series_id == series_id)))

    def higher_than(self, badge_class_ids: Collection[str], issuer_id: str) -> list[str]:
        """The classes of the issuer whose prerequisites name one of ``badge_class_ids``: the next
        steps of a pathway (their holders hold more than the badge itself)."""
        wanted = set(badge_class_ids)
        query = select(BadgeClass.id, BadgeClass.prerequisites).where(BadgeClass.issuer_id == issuer_id)
        return [row.id for row in self.session.execute(query) if wanted & set(row.prerequisites or [])]

    def holds_any(self, email: str, badge_class_ids: Collection[str]) -> bool:
        """Whether the address holds an award of one of the classes, neither revoked nor erased."""
        if not badge_class_ids:
            return False
        query = select(
            exists().where(
                Award.recipient_email == email,
                Award.badge_class_id.in_(list(badge_class_ids)),
                Award.revoked_at.is_(None),
                Award.erased_at.is_(None),
            )
        )
        return bool(self.session.scalar(query))

    def trained_session_of(self, email: str, award_id: str) -> bool:
        """Whether the address trained the session the award came from."""
        query = select(
            exists()
            .where(AwardOrigin.award_id == award_id, AwardOrigin.session_id.is_not(None))
            .where(SessionTrainer.session_id == AwardOrigin.session_id, SessionTrainer.email == email)
        )
        return bool(self.session.scalar(query))

    def trained_for(self, email: str, badge_class_ids: Collection[str]) -> bool:
        """Whether the address trained a session whose participants earn one of the classes."""
        query = select(
            exists()
            .where(SessionRule.badge_class_id.in_(list(badge_class_ids)))
            .where(SessionTrainer.session_id == SessionRule.session_id, SessionTrainer.email == email)
        )
        return bool(self.session.scalar(query))
