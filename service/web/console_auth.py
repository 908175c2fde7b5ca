"""Who is signed in to the console, and the CSRF checks on everything it sends.

A browser session is a random cookie (HttpOnly, SameSite=Lax, Secure and ``__Host-`` under
https) whose hash names a row in ``console_sessions``; every form carries that session's CSRF
token, compared in constant time, and the Origin header, when the browser sends one, must be
ours. The sign-in form, which has no session yet, is protected by a double-submit token: a
random cookie and its keyed MAC in the form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from service.domain import signin
from service.domain.access import Principal
from service.domain.audit import Actor
from service.errors import Forbidden
from service.http.deps import READ_METHODS, ServicesDep, SessionDep
from service.persistence import audit
from service.persistence.console_tables import ConsoleAccount
from service.usecases import accounts
from service.web.render import page, tr

SIGNIN_COOKIE = "fabrique_signin"
MAX_FORM_FIELDS = 25_000


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A console form without this session's token, or sent from another origin."""


def session_cookie_name(services: ServicesDep) -> str:
    return "__Host-fabrique_console" if _https(services) else "fabrique_console"


def _https(services: ServicesDep) -> bool:
    return services.settings.public_url.startswith("https://")


def set_session_cookie(response: Response, services: ServicesDep, value: str) -> None:
    response.set_cookie(
        session_cookie_name(services),
        value,
        max_age=int(signin.ABSOLUTE.total_seconds()),
        httponly=True,
        secure=_https(services),
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response, services: ServicesDep) -> None:
    response.delete_cookie(
        session_cookie_name(services), path="/", secure=_https(services), httponly=True, samesite="lax"
    )


@dataclass(frozen=True, slots=True)
class SignedIn:
    account: ConsoleAccount
    principal: Principal
    csrf_token: str


def _signed_in(request: Request, services: ServicesDep, session: SessionDep) -> SignedIn:
    cookie = request.cookies.get(session_cookie_name(services))
    found = accounts.find_session(session, services.clock, cookie)
    if found is None or cookie is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path if request.method == "GET" else "/console")
    if signin.needs_touch(found.last_seen_at, services.clock.now()):
        if request.method in READ_METHODS:
            # Its own short transaction: a page view stays a read-only transaction.
            with services.database.transaction() as writer:
                accounts.touch(writer, services.clock, cookie)
        else:
            accounts.touch(session, services.clock, cookie)
    audit.act_as(session, Actor("account", found.account.id, found.account.email))
    return SignedIn(found.account, accounts.principal_of(found.account), found.csrf_token)


SignedInDep = Annotated[SignedIn, Depends(_signed_in)]


def _same_origin(request: Request, services: ServicesDep) -> None:
    origin = request.headers.get("origin")
    if origin is None:
        return  # older browsers and non-browser clients send none; the token still applies
    ours = urlsplit(services.settings.public_url)
    theirs = urlsplit(origin)
    # Ours: the public address, or the host this request was sent to (the service reached
    # directly, e.g. http://127.0.0.1:8000 while the public URL says localhost).
    allowed = {(ours.scheme, ours.netloc), (request.url.scheme, request.headers.get("host", ""))}
    if (theirs.scheme, theirs.netloc) not in allowed:
        raise CsrfRefused()


async def _checked(request: Request, services: ServicesDep, who: SignedInDep) -> SignedIn:
    _same_origin(request, services)
    # Room for an attendance grid (people × half-days); starlette keeps the parsed form for the route.
    form = await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    given = form.get("csrf")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), who.csrf_token.encode()):
        raise CsrfRefused()
    return who


CheckedDep = Annotated[SignedIn, Depends(_checked)]
"""A signed-in coordinator whose form carries the session's CSRF token: for every console POST."""


def require_write(who: SignedIn, issuer_id: str) -> None:
    if not who.principal.can_write(issuer_id):
        raise Forbidden("forbidden", issuer_id=issuer_id)


def require_read(who: SignedIn, issuer_id: str) -> None:
    if not who.principal.can_read(issuer_id):
        raise Forbidden("forbidden", issuer_id=issuer_id)


# Sign-in form: a double-submit token bound to a random cookie with the instance secret.


def _signin_mac(secret: str, nonce: str) -> str:
    key = hashlib.sha256(b"fabrique/signin-form/v1" + secret.encode()).digest()
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def signin_form_token(request: Request, services: ServicesDep) -> tuple[str, str | None]:
    """(token for the form, cookie to set if the browser has none yet)."""
    nonce = request.cookies.get(SIGNIN_COOKIE)
    fresh = None
    if not nonce or len(nonce) > 64:
        nonce = fresh = secrets.token_urlsafe(24)
    return _signin_mac(services.secret, nonce), fresh


def check_signin_form(request: Request, services: ServicesDep, given: str) -> bool:
    nonce = request.cookies.get(SIGNIN_COOKIE)
    if not nonce or len(nonce) > 64:
        return False
    try:
        _same_origin(request, services)
    except CsrfRefused:
        return False
    return hmac.compare_digest(given.encode(), _signin_mac(services.secret, nonce).encode())


def set_signin_cookie(response: Response, services: ServicesDep, nonce: str) -> None:
    response.set_cookie(
        SIGNIN_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        secure=_https(services),
        samesite="strict",
        path="/",
    )


def safe_next(value: str | None) -> str:
    if not value or not value.startswith("/console") or value.startswith("//") or "\\" in value:
        return "/console"
    return value


class ShowPage(Exception):
    """A form that cannot be accepted: the page explaining why is shown, and the request's
    transaction is rolled back on the way (nothing half-written)."""

    def __init__(self, response: Response) -> None:
        super().__init__("form refused")
        self.response = response


def install(app: FastAPI) -> None:
    @app.exception_handler(ShowPage)
    async def _show(request: Request, exc: ShowPage) -> Response:
        return exc.response

    @app.exception_handler(SignInRequired)
    async def _to_signin(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/console/connexion?suite={quote(exc.next_path, safe='')}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return page(
            request,
            "error.html",
            status_code=403,
            json_url=None,
            title=tr(request, "Formulaire expiré"),
            detail=tr(
                request,
                "Ce formulaire n'est plus valable (session changée ou envoi depuis un autre site). "
                "Rechargez la page et recommencez.",
            ),
        )
