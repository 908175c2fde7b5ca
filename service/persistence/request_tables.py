"""Badge requests reviewed by peers (issue 20, point 2): a badge class's rule, the requests, their
evidence files and their reviews. A request and everything in it goes when its author withdraws
it or has it erased."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.base import ID, Base


class BadgeRequestRule(Base):
    """Whether a badge class (every version of it: its series) accepts requests, and who must
    approve one. No row: requests closed."""

    __tablename__ = "badge_request_rules"

    series_id: Mapped[str] = mapped_column(ID, primary_key=True)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    peer_approvals: Mapped[int] = mapped_column(default=0)
    coordinator_approval: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class BadgeRequestFile(Base):
    __tablename__ = "badge_request_files"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("badge_requests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(32))  # image/png | image/jpeg | application/pdf
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class BadgeReview(Base):
    """One reviewer's opinion: a peer holding the badge (invited by email) or a coordinator."""

    __tablename__ = "badge_request_reviews"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("badge_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # peer | coordinator
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(26))  # a coordinator's console account
    state: Mapped[str] = mapped_column(String(16))  # invited | approved | declined
    comment: Mapped[str | None] = mapped_column(Text)
    shown: Mapped[bool] = mapped_column(Boolean, default=False)  # consented to be named (endorsement)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    endorsement_id: Mapped[str | None] = mapped_column(String(26))


class BadgeRequest(Base):
    __tablename__ = "badge_requests"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    badge_class_id: Mapped[str] = mapped_column(
        ForeignKey("badge_classes.id", ondelete="RESTRICT"), index=True
    )
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"))
    email: Mapped[str] = mapped_column(String(320))  # lower-cased
    name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(default=list)  # [{"url", "name"}]
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16))  # unconfirmed | pending | approved | declined | withdrawn
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    award_id: Mapped[str | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))

    files: Mapped[list[BadgeRequestFile]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=BadgeRequestFile.id
    )
    reviews: Mapped[list[BadgeReview]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=BadgeReview.created_at
    )

    __table_args__ = (Index("ix_badge_requests_issuer_state", "issuer_id", "state"),)
