"""/api/v1 audit log, for administrators: who changed what, when, on which object."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from service.api.access import AdminDep
from service.api.pagination import Limit, Offset
from service.api.schemas import Page
from service.http.deps import ContextDep
from service.persistence.audit import AuditEvents
from service.persistence.audit_tables import AuditEvent

router = APIRouter(tags=["audit"])


class AuditEventOut(BaseModel):
    at: datetime
    actor_kind: str = Field(description="account, token, cli, earner or system")
    actor_id: str | None
    actor_label: str = Field(description="the account's email, the token's name, the CLI's system user")
    action: str = Field(description="a code: award-issued, award-revoked, session-closed…")
    subject_type: str
    subject_id: str
    issuer_id: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, row: AuditEvent) -> AuditEventOut:
        return cls(
            at=row.at,
            actor_kind=row.actor_kind,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            issuer_id=row.issuer_id,
            details=row.details,
        )


@router.get("/audit-events", summary="The audit log, newest first (admin)")
def audit_events(
    _: AdminDep,
    ctx: ContextDep,
    limit: Limit = 50,
    offset: Offset = 0,
    issuer_id: Annotated[str | None, Query(max_length=26)] = None,
    action: Annotated[str | None, Query(max_length=48)] = None,
    actor: Annotated[str | None, Query(max_length=320, description="part of the actor's label")] = None,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEventOut]:
    rows, total = AuditEvents(ctx.session).search(
        issuer_ids=[issuer_id] if issuer_id else None,
        action=action,
        actor=actor,
        subject_id=subject_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return Page[AuditEventOut](
        items=[AuditEventOut.of(row) for row in rows], total=total, limit=limit, offset=offset
    )
