"""Request-scoped dependencies, as ``Annotated`` aliases so routes read like prose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from service.domain.access import Principal, Role
from service.domain.audit import Actor
from service.errors import Forbidden, Unauthenticated
from service.http.rate_limits import RateLimits
from service.persistence import audit
from service.services import Services
from service.usecases import tokens
from service.usecases.context import Context


# Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in the
# thread pool, a hop per dependency per request that the public documents' rate paid for.
async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


async def rate_limits(request: Request) -> RateLimits:
    found: RateLimits = request.app.state.rate_limits
    return found


RateLimitsDep = Annotated[RateLimits, Depends(rate_limits)]


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _session(request: Request, services: ServicesDep) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (scope="function"):
    a request that fails, at any point, leaves the database and the keys directory unchanged."""
    with services.database.transaction(write=request.method not in READ_METHODS) as session:
        audit.note_route(session, f"{request.method} {_route_template(request)}")
        yield session


SessionDep = Annotated[Session, Depends(_session, scope="function")]


def _route_template(request: Request) -> str:
    """The path with its parameters named (``/api/v1/awards/{award_id}/revoke``): what was
    done, without the ids, which the audit log keeps apart."""
    path = request.url.path
    for name, value in sorted(request.path_params.items(), key=lambda item: -len(str(item[1]))):
        if value:
            path = path.replace(f"/{value}", "/{" + name + "}")
    return path


async def _context(services: ServicesDep, session: SessionDep) -> Context:
    return services.context(session)


ContextDep = Annotated[Context, Depends(_context)]


_bearer = HTTPBearer(auto_error=False, description="API token from `fabrique tokens create`")


def _principal(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated()
    principal = tokens.authenticate(session, credentials.credentials)
    if principal is None:
        raise Unauthenticated()
    if tokens.needs_touch(session, services.clock, principal.token_id):
        if request.method in READ_METHODS:  # a read stays a read-only transaction
            with services.database.transaction() as writer:
                tokens.touch(writer, services.clock, principal.token_id)
        else:
            tokens.touch(session, services.clock, principal.token_id)
    audit.act_as(session, Actor("token", principal.token_id, tokens.name_of(session, principal.token_id)))
    return principal


PrincipalDep = Annotated[Principal, Depends(_principal)]


def require_read(principal: Principal, issuer_id: str) -> None:
    if not principal.can_read(issuer_id):
        raise Forbidden("forbidden", issuer_id=issuer_id)


def require_write(principal: Principal, issuer_id: str) -> None:
    if principal.role_for(issuer_id) is Role.VIEWER:
        raise Forbidden("read-only-token")
    if not principal.can_write(issuer_id):
        raise Forbidden("forbidden", issuer_id=issuer_id)


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("admin-only")
