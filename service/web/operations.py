"""For operators: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
import ipaddress
import os

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.errors import Forbidden
from service.http.deps import ServicesDep

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers (liveness): nothing else is checked."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> Response:
    """Ready to serve: the database answers and the keys directory can be read."""
    checks: dict[str, str] = {}
    try:
        services.database.ping()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable ({type(exc).__name__})"
    keys = services.settings.keys_dir
    checks["keys"] = "ok" if keys.is_dir() and os.access(keys, os.R_OK | os.X_OK) else "unreadable"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not-ready", "checks": checks},
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store", **({} if ready else {"Retry-After": "5"})},
    )


def _may_scrape(request: Request, services: ServicesDep) -> bool:
    token = services.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        return hmac.compare_digest(given.encode(), expected.encode())
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@router.get("/metrics")
def metrics(request: Request, services: ServicesDep) -> Response:
    """Prometheus text format. With FABRIQUE_METRICS_TOKEN set, only with that bearer token;
    without it, only from loopback (a scraper on the same host or through a local proxy)."""
    if not _may_scrape(request, services):
        raise Forbidden("metrics-forbidden")
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
