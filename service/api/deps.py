"""Request-scoped dependencies, as ``Annotated`` aliases so routes read like prose."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.api.public_cache import PublicCache
from service.api.rate_limits import RateLimits
from service.clock import Clock
from service.domain.access import Principal, Role
from service.errors import Forbidden, Unauthenticated
from service.openbadges.urls import PublicUrls
from service.persistence.database import Database
from service.settings import Settings
from service.signing.keystore import KeyStore
from service.usecases import tokens
from service.usecases.context import Context
from service.usecases.status import SignedListCache
from service.verification import sandbox
from service.verification.fetcher import GuardedFetcher
from service.verification.identity import Trust
from service.verification.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class Services:
    """What the application is built with; stored on ``app.state.services``."""

    settings: Settings
    database: Database
    clock: Clock
    keys: KeyStore
    urls: PublicUrls
    public: PublicCache  # public documents in memory, current with the public revision
    signed_lists: SignedListCache = field(default_factory=SignedListCache)
    fetcher: GuardedFetcher = field(default_factory=GuardedFetcher)  # other issuers' documents
    # The instance secret: signs earners' links and the console's sign-in form tokens.
    secret: str = field(default="", repr=False)
    rate_limits: RateLimits = field(default_factory=lambda: RateLimits("memory://", {}, enabled=False))
    # Canonicalization of documents from outside, in worker processes with a deadline.
    sandbox: Sandbox = field(default_factory=sandbox.shared)
    trust: Trust = field(default_factory=Trust)  # this instance's host and the trusted issuers


# Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in the
# thread pool, a hop per dependency per request that the public documents' rate paid for.
async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _session(request: Request, services: ServicesDep) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (scope="function"):
    a request that fails, at any point, leaves the database and the keys directory unchanged."""
    with services.database.transaction(write=request.method not in READ_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session, scope="function")]


def new_context(services: Services, session: Session) -> Context:
    return Context(
        session=session,
        clock=services.clock,
        keys=services.keys,
        urls=services.urls,
        max_image_bytes=services.settings.max_image_bytes,
    )


async def _context(services: ServicesDep, session: SessionDep) -> Context:
    return new_context(services, session)


ContextDep = Annotated[Context, Depends(_context)]


_bearer = HTTPBearer(auto_error=False, description="API token from `fabrique tokens create`")


def _principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated()
    principal = tokens.authenticate(session, credentials.credentials)
    if principal is None:
        raise Unauthenticated()
    return principal


PrincipalDep = Annotated[Principal, Depends(_principal)]


def require_read(principal: Principal, issuer_id: str) -> None:
    if not principal.can_read(issuer_id):
        raise Forbidden("forbidden", issuer_id=issuer_id)


def require_write(principal: Principal, issuer_id: str) -> None:
    if principal.role is Role.VIEWER and issuer_id in principal.issuer_ids:
        raise Forbidden("read-only-token")
    if not principal.can_write(issuer_id):
        raise Forbidden("forbidden", issuer_id=issuer_id)


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("admin-only")
