"""/api/v1 reports for funders: sessions, hours, peers, trainers and badges over a period."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service.api.access import ReadableIssuer
from service.http.deps import ContextDep
from service.http.negotiation import language_of
from service.usecases import reports

router = APIRouter(tags=["reports"])


class LineOut(BaseModel):
    key: str
    label: str
    awarded: int
    revoked: int


class CountOut(BaseModel):
    key: str
    label: str
    value: int


class ReportOut(BaseModel):
    start: date
    end: date
    sessions_held: int
    sessions_cancelled: int
    planned_hours: float
    training_hours: float
    peers_trained: int
    trainers_active: int
    badges_issued: int
    badges_revoked: int
    by_origin: dict[str, int]
    by_badge_class: list[LineOut]
    by_theme: list[LineOut]
    sessions_by_theme: dict[str, int]
    theme_labels: dict[str, str] = Field(
        description="the label of each theme and level key, in the reader's language"
    )
    by_month: dict[str, int] = Field(description="badges issued per month (YYYY-MM, French time)")
    peers_by_trainer: list[CountOut] = Field(description="people present in each peer trainer's sessions")


@router.get(
    "/issuers/{issuer_id}/report",
    summary="Figures for funders over a period (JSON, or CSV with format=csv or Accept: text/csv)",
    response_model=ReportOut,
    responses={200: {"content": {"text/csv": {}}}},
)
def funders_report(
    issuer: ReadableIssuer,
    ctx: ContextDep,
    request: Request,
    start: Annotated[date | None, Query(description="first day, YYYY-MM-DD; default: 1 January")] = None,
    end: Annotated[date | None, Query(description="last day, included; default: today")] = None,
    format: Literal["json", "csv"] | None = None,
) -> Response:
    today = ctx.clock.now().astimezone(reports.LOCAL).date()
    end = end or today
    start = start or date(end.year, 1, 1)
    found = reports.report(ctx, issuer, start, end, language_of(request))
    wants_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
    if wants_csv:
        language = language_of(request)
        filename = f"rapport-{issuer.id}-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(
            reports.as_csv(found, language).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    body: dict[str, Any] = asdict(found)
    return JSONResponse(ReportOut.model_validate(body).model_dump(mode="json"))
