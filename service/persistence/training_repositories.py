"""Queries about sessions, enrolments, attendance, award origins and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from service.ids import is_id
from service.persistence.tables import Award, BadgeClass
from service.persistence.training_tables import (
    Attendance,
    AwardOrigin,
    Enrolment,
    HalfDay,
    OutboxMessage,
    SessionClosing,
    SessionTrainer,
    TrainerRule,
    TrainingSession,
)


class TrainingSessions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, session_id: str) -> TrainingSession | None:
        return self.session.get(TrainingSession, session_id) if is_id(session_id) else None

    def get_for_update(self, session_id: str) -> TrainingSession | None:
        """Locked until the transaction ends (PostgreSQL; SQLite's writers are serialised)."""
        if not is_id(session_id):
            return None
        query = (
            select(TrainingSession)
            .where(TrainingSession.id == session_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def list_for_issuer(
        self, issuer_id: str, state: str | None, limit: int, offset: int
    ) -> tuple[Sequence[TrainingSession], int]:
        where = [TrainingSession.issuer_id == issuer_id]
        if state is not None:
            where.append(TrainingSession.state == state)
        total = self.session.scalar(select(func.count(TrainingSession.id)).where(*where)) or 0
        query = (
            select(TrainingSession)
            .where(*where)
            .order_by(TrainingSession.created_at.desc(), TrainingSession.id)
            .limit(limit)
            .offset(offset)
        )
        return self.session.scalars(query).all(), total

    def enrolments(self, session_id: str) -> Sequence[Enrolment]:
        query = select(Enrolment).where(Enrolment.session_id == session_id).order_by(Enrolment.email)
        return self.session.scalars(query).all()

    def enrolment(self, session_id: str, enrolment_id: str) -> Enrolment | None:
        found = self.session.get(Enrolment, enrolment_id) if is_id(enrolment_id) else None
        return found if found is not None and found.session_id == session_id else None

    def enrolment_by_email(
        self, session_id: str, email: str, *, for_update: bool = False
    ) -> Enrolment | None:
        """``for_update`` locks the row: one person's signatures are taken one at a time."""
        query = select(Enrolment).where(Enrolment.session_id == session_id, Enrolment.email == email)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def signatures(self, session_id: str) -> dict[tuple[str, str], Attendance]:
        """The presences signed by the person, by (enrolment id, half-day id)."""
        query = (
            select(Attendance)
            .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
            .where(Enrolment.session_id == session_id, Attendance.signed_at.is_not(None))
        )
        return {(row.enrolment_id, row.half_day_id): row for row in self.session.scalars(query)}

    def remove_enrolment(self, enrolment: Enrolment) -> None:
        """The enrolment and its presences (explicitly: not every SQLite connection cascades)."""
        self.session.execute(delete(Attendance).where(Attendance.enrolment_id == enrolment.id))
        self.session.delete(enrolment)

    def attendance(self, session_id: str) -> dict[str, frozenset[str]]:
        """Half-day ids attended, by enrolment id."""
        query = (
            select(Attendance.enrolment_id, Attendance.half_day_id)
            .join(Enrolment, Enrolment.id == Attendance.enrolment_id)
            .where(Enrolment.session_id == session_id)
        )
        found: dict[str, set[str]] = {}
        for enrolment_id, half_day_id in self.session.execute(query):
            found.setdefault(enrolment_id, set()).add(half_day_id)
        return {key: frozenset(value) for key, value in found.items()}

    def closed_sessions_given_by(self, issuer_id: str, email: str) -> Sequence[TrainingSession]:
        query = (
            select(TrainingSession)
            .join(SessionTrainer, SessionTrainer.session_id == TrainingSession.id)
            .where(
                TrainingSession.issuer_id == issuer_id,
                TrainingSession.state == "closed",
                SessionTrainer.email == email,
            )
        )
        return self.session.scalars(query).all()

    def peers_awarded(self, session_id: str) -> int:
        """Participants who earned at least one badge of the session."""
        query = select(func.count(func.distinct(AwardOrigin.recipient))).where(
            AwardOrigin.session_id == session_id, AwardOrigin.kind == "session"
        )
        return self.session.scalar(query) or 0

    def half_day(self, half_day_id: str) -> HalfDay | None:
        return self.session.get(HalfDay, half_day_id) if is_id(half_day_id) else None


class AwardOrigins:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_session(self, session_id: str) -> Sequence[AwardOrigin]:
        return self.session.scalars(select(AwardOrigin).where(AwardOrigin.session_id == session_id)).all()

    def get(self, award_id: str) -> AwardOrigin | None:
        return self.session.get(AwardOrigin, award_id)

    def enrolments(self, origin: AwardOrigin) -> Sequence[Enrolment]:
        """The enrolments of the person an award from a session was issued to, in that session."""
        if origin.kind != "session" or origin.session_id is None:
            return []
        query = select(Enrolment).where(
            Enrolment.session_id == origin.session_id, Enrolment.email == origin.recipient
        )
        return self.session.scalars(query).all()

    def half_days_attended(self, enrolment_id: str) -> int:
        query = select(func.count()).select_from(Attendance).where(Attendance.enrolment_id == enrolment_id)
        return int(self.session.scalar(query) or 0)

    def held_series(self, issuer_id: str, email: str) -> set[str]:
        """The badge class series (any version) of the issuer this person holds, not revoked,
        whatever the origin of the award."""
        query = (
            select(BadgeClass.series_id)
            .join(Award, Award.badge_class_id == BadgeClass.id)
            .where(
                Award.issuer_id == issuer_id,
                func.lower(Award.recipient_email) == email,
                Award.revoked_at.is_(None),
            )
        )
        return set(self.session.scalars(query))

    def trainer_rules(self, issuer_id: str) -> list[tuple[TrainerRule, str]]:
        """The issuer's trainer rules, each with its badge class's series."""
        query = (
            select(TrainerRule, BadgeClass.series_id)
            .join(BadgeClass, BadgeClass.id == TrainerRule.badge_class_id)
            .where(BadgeClass.issuer_id == issuer_id)
        )
        return [(row[0], row[1]) for row in self.session.execute(query)]

    def pathway_classes(self, issuer_id: str) -> list[BadgeClass]:
        query = select(BadgeClass).where(
            BadgeClass.issuer_id == issuer_id, BadgeClass.replaced_by_id.is_(None)
        )
        return [bc for bc in self.session.scalars(query) if bc.prerequisites]


class Outbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claimable(self, now: datetime, limit: int) -> Sequence[OutboxMessage]:
        """Due messages, and messages whose worker's lease ran out; locked, skipping rows
        another worker holds (PostgreSQL ``FOR UPDATE SKIP LOCKED``)."""
        query = (
            select(OutboxMessage)
            .where(
                or_(
                    and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now),
                    and_(OutboxMessage.state == "sending", OutboxMessage.claimed_until < now),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).all()

    def get(self, message_id: str) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id) if is_id(message_id) else None

    def count_for_award_since(self, award_id: str, since: datetime) -> int:
        """Messages queued for this award since ``since`` (the resend limits)."""
        query = select(func.count()).where(
            OutboxMessage.award_id == award_id, OutboxMessage.created_at > since
        )
        return int(self.session.scalar(query) or 0)

    def count_to_since(self, recipient: str, kind: str, since: datetime) -> int:
        """Messages of ``kind`` queued for an address since ``since`` (the earner space's limit)."""
        query = select(func.count()).where(
            OutboxMessage.kind == kind,
            func.lower(OutboxMessage.recipient) == recipient.lower(),
            OutboxMessage.created_at > since,
        )
        return int(self.session.scalar(query) or 0)

    def was_sent(self, award_id: str) -> bool:
        query = select(func.count()).where(OutboxMessage.award_id == award_id, OutboxMessage.state == "sent")
        return bool(self.session.scalar(query))

    def last_language(self, award_id: str) -> str | None:
        """The language of the newest message about this award (a resend keeps it)."""
        query = (
            select(OutboxMessage.language)
            .where(OutboxMessage.award_id == award_id)
            .order_by(OutboxMessage.created_at.desc())
            .limit(1)
        )
        return self.session.scalar(query)

    def latest_for_awards(self, award_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        """Each award's most recent email (the announcement or its latest resend)."""
        if not award_ids:
            return {}
        rows = self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.award_id.in_(list(award_ids)))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
        return {row.award_id: row for row in rows if row.award_id is not None}

    def delete_for_award(self, award_id: str) -> None:
        self.session.execute(delete(OutboxMessage).where(OutboxMessage.award_id == award_id))

    def depth(self) -> dict[str, int]:
        query = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        return {str(row[0]): int(row[1]) for row in self.session.execute(query)}


class ReportFacts:
    """What the funders' report is computed from, read in a few queries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def sessions(self, issuer_id: str, start: datetime, end: datetime) -> Sequence[TrainingSession]:
        """Sessions held, closed or cancelled whose first half-day starts in [start, end)."""
        first = (
            select(HalfDay.session_id, func.min(HalfDay.starts_at).label("first"))
            .group_by(HalfDay.session_id)
            .subquery()
        )
        query = (
            select(TrainingSession)
            .join(first, first.c.session_id == TrainingSession.id)
            .where(
                TrainingSession.issuer_id == issuer_id,
                TrainingSession.state.in_(("held", "closed", "cancelled")),
                first.c.first >= start,
                first.c.first < end,
            )
        )
        return self.session.scalars(query).all()

    def attendance_by_email(self, session_ids: Sequence[str]) -> dict[str, dict[str, list[str]]]:
        """Half-day ids attended, by session then by person's email."""
        if not session_ids:
            return {}
        query = (
            select(Enrolment.session_id, Enrolment.email, Attendance.half_day_id)
            .join(Attendance, Attendance.enrolment_id == Enrolment.id)
            .where(Enrolment.session_id.in_(session_ids))
        )
        found: dict[str, dict[str, list[str]]] = {}
        for session_id, email, half_day_id in self.session.execute(query):
            found.setdefault(session_id, {}).setdefault(email, []).append(half_day_id)
        return found

    def awards(
        self, issuer_id: str, start: datetime, end: datetime
    ) -> list[tuple[str, list[str], str | None, bool, datetime]]:
        """(badge series, badge tags, origin kind or None when issued directly, revoked, issued on)
        per award."""
        query = (
            select(BadgeClass.series_id, BadgeClass.tags, AwardOrigin.kind, Award.revoked_at, Award.issued_on)
            .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
            .outerjoin(AwardOrigin, AwardOrigin.award_id == Award.id)
            # A network's figures count what its member structures awarded of its classes.
            .where(
                or_(Award.issuer_id == issuer_id, BadgeClass.issuer_id == issuer_id),
                Award.issued_on >= start,
                Award.issued_on < end,
            )
        )
        return [
            (row[0], list(row[1] or []), row[2], row[3] is not None, row[4])
            for row in self.session.execute(query)
        ]

    def current_names(self, issuer_id: str) -> dict[str, str]:
        query = select(BadgeClass.series_id, BadgeClass.name).where(
            BadgeClass.issuer_id == issuer_id, BadgeClass.replaced_by_id.is_(None)
        )
        return {row[0]: row[1] for row in self.session.execute(query)}


class Closings:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, session_id: str) -> SessionClosing | None:
        return self.session.get(SessionClosing, session_id) if is_id(session_id) else None

    def get_for_update(self, session_id: str) -> SessionClosing | None:
        query = (
            select(SessionClosing)
            .where(SessionClosing.session_id == session_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def claimable(self, now: datetime) -> SessionClosing | None:
        query = (
            select(SessionClosing)
            .where(
                or_(
                    SessionClosing.state == "queued",
                    and_(SessionClosing.state == "running", SessionClosing.claimed_until < now),
                )
            )
            .order_by(SessionClosing.requested_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalar(query)
