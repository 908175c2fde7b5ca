"""The audit log: one row per change made to the service's data, by whom, on what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.base import ID, Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    at: Mapped[datetime]
    actor_kind: Mapped[str] = mapped_column(String(16))  # account | token | cli | earner | system
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    action: Mapped[str] = mapped_column(String(48))  # a code: award-issued, session-closed…
    subject_type: Mapped[str] = mapped_column(String(32))  # award, badge-class, session…
    subject_id: Mapped[str] = mapped_column(String(64))
    issuer_id: Mapped[str | None] = mapped_column(String(26))  # for filtering; not a foreign key
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_issuer_at", "issuer_id", "at"),
    )
