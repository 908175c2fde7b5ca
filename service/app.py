"""``create_app(settings)``: builds the FastAPI application; nothing is built at import time."""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from service import __version__
from service.api import (
    v1_audit,
    v1_awards,
    v1_badge_classes,
    v1_endorsements,
    v1_issuers,
    v1_networks,
    v1_reports,
    v1_sessions,
    v1_themes,
)
from service.clock import Clock
from service.http import problems
from service.http.admission import Admission
from service.http.head import HeadAsGet
from service.http.limits import BodySizeLimit
from service.http.rate_limits import SIGNIN, VERIFY, RateLimits
from service.observability.metrics import Metrics
from service.observability.requests import RequestContext
from service.persistence.database import Database
from service.services import build_services
from service.settings import Settings
from service.web import (
    api_docs,
    badge_requests,
    console,
    console_audit,
    console_auth,
    console_awards,
    console_badges,
    console_endorsements,
    console_keys,
    console_people,
    console_requests,
    console_sessions,
    documents,
    earner_space,
    endorsements,
    log_redaction,
    operations,
    pages,
    sign_in_pages,
    verify,
    wallet,
)
from service.web.headers import SecurityHeaders
from service.web.render import STATIC, error_page

API_PREFIX = "/api/v1"
API_ROUTERS = (
    v1_issuers.router,
    v1_badge_classes.router,
    v1_awards.router,
    v1_sessions.router,
    v1_reports.router,
    v1_audit.router,
    v1_endorsements.router,
    v1_networks.router,
    v1_themes.router,
)
PUBLIC_ROUTERS = (verify.router, documents.router, endorsements.router, operations.router)
PAGE_ROUTERS = (
    pages.router,
    endorsements.pages,
    badge_requests.router,
    earner_space.router,
    wallet.router,
    sign_in_pages.router,
    console.router,
    console_sessions.router,
    console_awards.router,
    console_audit.router,
    console_badges.router,
    console_endorsements.router,
    console_requests.router,
    console_keys.router,
    console_people.router,
)

DESCRIPTION = """
API des coordinateurs de **Fabrique à badges** : émetteurs, badges, attributions, révocations.
Authentification par jeton (`Authorization: Bearer …`, créé par `fabrique tokens create`).
Les erreurs sont au format RFC 9457 (`application/problem+json`), en français ou en anglais
selon `Accept-Language`.

Coordinator API of **Fabrique à badges**: issuers, badge classes, awards, revocations.
Bearer-token authentication; errors are RFC 9457 problem details in French or English.
"""


def build_rate_limits(settings: Settings) -> RateLimits:
    """Counters of the HTTP application only (console sign-in, verification), in Redis when
    configured so that every process counts together."""
    return RateLimits(
        settings.redis_url or "memory://",
        {SIGNIN: settings.rate_limit_signin, VERIFY: settings.rate_limit_verify},
        enabled=settings.rate_limits_enabled,
    )


_FROZEN = False


def _freeze_start_up() -> None:
    """What start-up made lives as long as the process: out of the collector's full passes,
    which otherwise scan it all and pause every request (measured: bench/hostile.py, /healthz p99
    under attack 230 ms -> 54 ms with the size check first). Once per process: a test run starts
    many apps, and freezing again would keep each test's garbage for good."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.freeze()


_built_routes: list[BaseRoute] = []
_routes_lock = threading.Lock()


def _routes() -> list[BaseRoute]:
    """Every route of the application, built once per process: FastAPI analyses each endpoint's
    signature and dependencies when a router is included (about 5 ms a route), and the routes
    hold nothing of an application (they find the services in ``request.app.state``), so every
    application of the process shares them. Routes are matched in order, one by one: the public
    documents, which take the load, first."""
    with _routes_lock:
        if not _built_routes:
            every = APIRouter()
            api = APIRouter(prefix=API_PREFIX, responses=problems.API_RESPONSES)
            for router in API_ROUTERS:
                api.include_router(router)
            for router in (*PUBLIC_ROUTERS, *PAGE_ROUTERS):
                every.include_router(router)
            every.include_router(api)
            every.include_router(api_docs.router)
            _built_routes.extend(every.routes)
        return list(_built_routes)


def create_app(
    settings: Settings, *, clock: Clock | None = None, database: Database | None = None
) -> FastAPI:
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    # The instance secret is generated on first start outside production, refused if missing in it.
    services = build_services(settings, clock=clock, database=database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.sandbox.start()  # canonicalization workers, before the first hostile request
        _freeze_start_up()
        yield
        services.fetcher.close()  # its pooled connections to other issuers' hosts

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,  # served by web/api_docs, from this origin, under the pages' CSP
        redoc_url=None,
        title="Fabrique à badges",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "issuers", "description": "Émetteurs · Issuers"},
            {"name": "badge classes", "description": "Badges · Badge classes"},
            {"name": "awards", "description": "Attributions · Awards"},
            {"name": "sessions", "description": "Formations entre pairs · Peer-training sessions"},
            {"name": "reports", "description": "Rapports pour les financeurs · Reports for funders"},
            {"name": "endorsements", "description": "Recommandations · Endorsements"},
            {"name": "networks", "description": "Badges de réseau · Network badges"},
            {"name": "public documents", "description": "Documents publics Open Badges · Public documents"},
        ],
    )
    app.state.services = services
    problems.install(app, error_page=error_page)
    console_auth.install(app)
    log_redaction.install()
    app.router.routes.extend(_routes())
    app.mount("/static/api-docs", api_docs.assets(), name="api-docs")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Admission, limit=settings.max_concurrent_requests)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_request_bytes, deadline=settings.body_timeout_seconds
    )
    app.add_middleware(SecurityHeaders, https=settings.public_url.startswith("https://"))
    app.add_middleware(HeadAsGet)  # HEAD wherever GET is: the routes see a GET, the body is dropped
    app.state.metrics = Metrics(services.database)
    app.state.rate_limits = rate_limits = build_rate_limits(settings)
    app.state.metrics.count_rate_limit_failures(lambda: rate_limits.storage_failures)
    app.add_middleware(RequestContext, metrics=app.state.metrics)  # outermost: sees every answer
    return app
