"""Queries on badge requests, their reviews and the rules of badge classes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.ids import is_id
from service.persistence.request_tables import BadgeRequest, BadgeRequestFile, BadgeRequestRule, BadgeReview
from service.persistence.tables import BadgeClass


class BadgeRequests:
    def __init__(self, session: Session) -> None:
        self.session = session

    def rule(self, series_id: str) -> BadgeRequestRule | None:
        return self.session.get(BadgeRequestRule, series_id)

    def get(self, request_id: str) -> BadgeRequest | None:
        return self.session.get(BadgeRequest, request_id) if is_id(request_id) else None

    def get_for_update(self, request_id: str) -> BadgeRequest | None:
        """The request, its row locked: two reviews settling it at once decide once."""
        if not is_id(request_id):
            return None
        query = select(BadgeRequest).where(BadgeRequest.id == request_id).with_for_update()
        return self.session.scalar(query)

    def review(self, review_id: str) -> BadgeReview | None:
        return self.session.get(BadgeReview, review_id) if is_id(review_id) else None

    def file(self, file_id: str) -> BadgeRequestFile | None:
        return self.session.get(BadgeRequestFile, file_id) if is_id(file_id) else None

    def made_since(self, email: str, series_id: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(BadgeRequest)
            .join(BadgeClass, BadgeClass.id == BadgeRequest.badge_class_id)
            .where(
                BadgeRequest.email == email,
                BadgeClass.series_id == series_id,
                BadgeRequest.created_at >= since,
            )
        )
        return int(self.session.scalar(query) or 0)

    def for_issuer(self, issuer_id: str, states: Sequence[str] | None = None) -> Sequence[BadgeRequest]:
        query = select(BadgeRequest).where(BadgeRequest.issuer_id == issuer_id)
        if states is not None:
            query = query.where(BadgeRequest.state.in_(list(states)))
        return self.session.scalars(query.order_by(BadgeRequest.created_at.desc(), BadgeRequest.id)).all()

    def of_email(self, email: str, *, include_withdrawn: bool = False) -> Sequence[BadgeRequest]:
        query = select(BadgeRequest).where(BadgeRequest.email == email)
        if not include_withdrawn:
            query = query.where(BadgeRequest.state != "withdrawn")
        return self.session.scalars(query.order_by(BadgeRequest.created_at.desc())).all()

    def open_classes(self, limit: int) -> Sequence[BadgeClass]:
        """Current versions of the badge classes whose rule accepts requests."""
        query = (
            select(BadgeClass)
            .join(BadgeRequestRule, BadgeRequestRule.series_id == BadgeClass.series_id)
            .where(BadgeRequestRule.open.is_(True), BadgeClass.replaced_by_id.is_(None))
            .order_by(BadgeClass.name, BadgeClass.id)
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def of_award(self, award_id: str) -> Sequence[BadgeRequest]:
        return self.session.scalars(select(BadgeRequest).where(BadgeRequest.award_id == award_id)).all()
