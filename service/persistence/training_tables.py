"""Peer-training sessions, the rules that turn attendance into badges, and the email outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.base import ID, Base


class TrainingSession(Base):
    """A "formation entre pairs": planned, held, then closed (badges issued) or cancelled."""

    __tablename__ = "training_sessions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[str | None] = mapped_column(Text)
    themes: Mapped[list[Any]] = mapped_column(default=list)  # slugs such as culture_numerique
    level: Mapped[str | None] = mapped_column(String(8))  # N1..N4
    format: Mapped[str] = mapped_column(String(16))  # in_person | remote | hybrid
    venue_name: Mapped[str | None] = mapped_column(String(200))
    venue_siret: Mapped[str | None] = mapped_column(String(14))
    venue_rna: Mapped[str | None] = mapped_column(String(10))
    venue_map_id: Mapped[str | None] = mapped_column(String(64))  # national map of mediation places
    capacity: Mapped[int | None]
    audience: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # planned | held | closed | cancelled
    evaluation_done: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluation_summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    half_days: Mapped[list[HalfDay]] = relationship(
        lazy="selectin", order_by="HalfDay.starts_at", cascade="all, delete-orphan"
    )
    trainers: Mapped[list[SessionTrainer]] = relationship(
        lazy="selectin", order_by="SessionTrainer.email", cascade="all, delete-orphan"
    )
    rules: Mapped[list[SessionRule]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class HalfDay(Base):
    """One half-day of a session: the unit of the signed attendance sheet."""

    __tablename__ = "session_half_days"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # The trainer's countersignature of the half-day's sign-in sheet.
    countersigned_at: Mapped[datetime | None]
    countersigned_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("session_id", "starts_at"),)


class SessionTrainer(Base):
    __tablename__ = "session_trainers"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(320), primary_key=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # lead | co_trainer
    language: Mapped[str] = mapped_column(String(35), default="fr")


class Enrolment(Base):
    __tablename__ = "enrolments"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))  # work email, lower-cased
    name: Mapped[str] = mapped_column(String(200))
    structure: Mapped[str | None] = mapped_column(String(200))
    profession: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))  # registered | waiting | cancelled
    language: Mapped[str] = mapped_column(String(35), default="fr")
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("session_id", "email"),)

    def erase(self) -> None:
        """At the earner's request: a placeholder address nobody reads keeps the row (and the
        session's figures) without the person."""
        self.email = f"{ERASED_PREFIX}{self.id.lower()}@invalid"
        self.name = "—"
        self.structure = None
        self.profession = None

    @property
    def erased(self) -> bool:
        return self.email.startswith(ERASED_PREFIX) and self.email.endswith("@invalid")


ERASED_PREFIX = "erased+"


class Attendance(Base):
    """A signed presence: this person was there for this half-day."""

    __tablename__ = "attendance"

    enrolment_id: Mapped[str] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    half_day_id: Mapped[str] = mapped_column(
        ForeignKey("session_half_days.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Signed by the person through the half-day's sign-in link (None: ticked by a coordinator).
    signed_at: Mapped[datetime | None]
    signed_name: Mapped[str | None] = mapped_column(String(200))  # the name they typed
    late: Mapped[bool] = mapped_column(default=False)


class SessionRule(Base):
    """Participants of this session earn this badge class when the conditions hold."""

    __tablename__ = "session_rules"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    badge_class_id: Mapped[str] = mapped_column(
        ForeignKey("badge_classes.id", ondelete="RESTRICT"), primary_key=True
    )
    min_hours: Mapped[float | None] = mapped_column(Numeric(6, 2, asdecimal=False))
    all_half_days: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluation_required: Mapped[bool] = mapped_column(Boolean, default=False)


class TrainerRule(Base):
    """A trainer earns this badge class from the sessions they led or co-led, across sessions."""

    __tablename__ = "trainer_rules"

    badge_class_id: Mapped[str] = mapped_column(
        ForeignKey("badge_classes.id", ondelete="CASCADE"), primary_key=True
    )
    min_sessions: Mapped[int] = mapped_column(default=1)
    min_peers: Mapped[int] = mapped_column(default=0)  # participants who met a session rule
    min_themes: Mapped[int] = mapped_column(default=0)
    min_session_peers: Mapped[int | None]  # peers in at least one session, e.g. 3..5
    max_session_peers: Mapped[int | None]
    evaluation_required: Mapped[bool] = mapped_column(Boolean, default=False)


class AwardOrigin(Base):
    """Why an award was issued. The partial unique indexes are the guarantee that closing a
    session twice, or twice at once, never issues the same badge to the same person twice."""

    __tablename__ = "award_origins"

    award_id: Mapped[str] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # session | trainer | pathway
    session_id: Mapped[str | None] = mapped_column(ForeignKey("training_sessions.id", ondelete="RESTRICT"))
    badge_class_id: Mapped[str] = mapped_column(ForeignKey("badge_classes.id", ondelete="RESTRICT"))
    recipient: Mapped[str] = mapped_column(String(320))  # lower-cased email

    __table_args__ = (
        Index(
            "uq_award_origins_session",
            "session_id",
            "badge_class_id",
            "recipient",
            unique=True,
            sqlite_where=text("kind = 'session'"),
            postgresql_where=text("kind = 'session'"),
        ),
        Index(
            "uq_award_origins_once",
            "badge_class_id",
            "recipient",
            unique=True,
            sqlite_where=text("kind IN ('trainer', 'pathway')"),
            postgresql_where=text("kind IN ('trainer', 'pathway')"),
        ),
        Index("ix_award_origins_recipient", "recipient"),
    )


class OutboxMessage(Base):
    """An email to send, written in the same transaction as what it announces. Workers claim
    rows for a lease; a row whose lease ran out (its worker died) is claimed again."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # award-issued
    award_id: Mapped[str | None] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"))
    # An account's email (kinds account-invitation, password-reset) names its one-time link.
    account_link_id: Mapped[str | None] = mapped_column(ForeignKey("account_links.id", ondelete="CASCADE"))
    # What else an email is about (a badge request, a review): the worker reads it from there.
    subject_id: Mapped[str | None] = mapped_column(String(26))
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(35))
    state: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why the last attempt failed, for people (``mail.smtp.FAILURES``); last_error is the server's
    # own words, for the operator.
    error_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (
        # One announcement per award, ever; resends (kind award-resent) are rows of their own.
        Index(
            "uq_outbox_award_announced",
            "award_id",
            unique=True,
            sqlite_where=text("kind = 'award-issued'"),
            postgresql_where=text("kind = 'award-issued'"),
        ),
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
    )


class SessionClosing(Base):
    """A large session closed in the background: workers issue its awards batch by batch, each
    batch its own transaction, so a worker killed mid-way leaves whole awards and a resumable job."""

    __tablename__ = "session_closings"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | running | done | failed
    total: Mapped[int]  # participant awards to issue when the job was queued
    done: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
