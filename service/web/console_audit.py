"""The audit log in the console, for administrators: who changed what, when, on which object,
filtered by issuer, action, person and period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from service.errors import Forbidden, InvalidInput
from service.http.deps import ContextDep
from service.i18n.audit import ACTIONS
from service.persistence.audit import AuditEvents
from service.persistence.repositories import Issuers
from service.web.console import console_page
from service.web.console_auth import SignedInDep

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50
PARIS = "Europe/Paris"


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("period-invalid-date", field=field) from None


@router.get("/journal")
def audit_page(
    request: Request,
    who: SignedInDep,
    ctx: ContextDep,
    emetteur: Annotated[str, Query(max_length=26)] = "",
    action: Annotated[str, Query(max_length=48)] = "",
    qui: Annotated[str, Query(max_length=320)] = "",
    objet: Annotated[str, Query(max_length=64)] = "",
    du: Annotated[str, Query(max_length=10)] = "",
    au: Annotated[str, Query(max_length=10)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    if not who.principal.is_admin:
        raise Forbidden("admin-only")
    zone = ZoneInfo(PARIS)
    start, end = _day(du, "du"), _day(au, "au")
    events, total = AuditEvents(ctx.session).search(
        issuer_ids=[emetteur] if emetteur else None,
        action=action or None,
        actor=qui.strip() or None,
        subject_id=objet.strip() or None,  # ids as given: key ids are case-sensitive
        since=datetime.combine(start, time(), zone) if start else None,
        until=datetime.combine(end + timedelta(days=1), time(), zone) if end else None,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    issuers, _ = Issuers(ctx.session).list(None, 500, 0)
    filters = {"emetteur": emetteur, "action": action, "qui": qui, "objet": objet, "du": du, "au": au}
    return console_page(
        request,
        "console/audit.html",
        who,
        events=events,
        total=total,
        issuers=issuers,
        issuer_names={issuer.id: issuer.name for issuer in issuers},
        actions=sorted(ACTIONS),
        filters=filters,
        query=urlencode({k: v for k, v in filters.items() if v}),
        page_number=page_number,
        pages=max(1, -(-total // PAGE_SIZE)),
    )
