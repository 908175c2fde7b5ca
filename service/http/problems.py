"""RFC 9457 problem details for every error, in the caller's language."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import FabriqueError
from service.http.negotiation import language_of, wants_html
from service.i18n.language import Language
from service.i18n.messages import field_message, render
from service.signing.keystore import KeyFileMissing
from service.verification.sandbox import SandboxBusy

PROBLEM_TYPE = "tag:fabrique-a-badges,2026:problem:{code}"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("fabrique.api")


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[dict[str, str]] | None = None


def _documented(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem, "content": {MEDIA_TYPE: {}}}


# Declared on the API router so the OpenAPI document says what errors really look like.
API_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _documented("No valid API token / jeton absent ou invalide"),
    403: _documented("The token may not do this / le jeton n'y a pas droit"),
    404: _documented("No such resource / ressource introuvable"),
    409: _documented("Conflicts with the current state / conflit"),
    413: _documented("Body too large / corps trop volumineux"),
    422: _documented("Invalid data, see `errors` / données invalides"),
}


def problem(
    request: Request,
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    *,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    error_page: ErrorPage | None = getattr(request.app.state, "error_page", None)
    if error_page is not None and _is_page(request):
        extra_headers = {k: v for k, v in (headers or {}).items() if k.lower() in {"retry-after", "allow"}}
        return error_page(request, status, code, params or {}, extra_headers)
    language = language_of(request)
    title, detail = render(code, language, params or {})
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE.format(code=code),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    body.update(extra or {})
    response_headers = {"Content-Language": language, "Vary": "Accept-Language"}
    response_headers.update(headers or {})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=response_headers)


def _is_page(request: Request) -> bool:
    """A person's browser asking for a page (not the API): errors are shown as a readable page."""
    return not request.url.path.startswith("/api/") and wants_html(request.headers.get("accept"))


def field_errors(errors: Sequence[Any], language: Language) -> list[dict[str, str]]:
    """Each refused field with the catalogue's words for its code (``type``): a validator's code
    or one of pydantic's error types; what the catalogue lacks is a generic word, never the
    validator's English."""
    out = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        kind = str(error.get("type", ""))
        message = field_message(kind, language, error.get("ctx") or {})
        out.append({"field": ".".join(location) or "(body)", "message": message, "type": kind})
    return out


ErrorPage = Callable[[Request, int, str, dict[str, Any], dict[str, str]], Response]
"""How a person's browser is shown an error: (request, status, code, params, headers) to a page.
The pages (``service.web``) give theirs to ``install``; without one, browsers get the JSON."""


def install(app: FastAPI, error_page: ErrorPage | None = None) -> None:
    app.state.error_page = error_page

    @app.exception_handler(FabriqueError)
    async def _domain(request: Request, exc: FabriqueError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429:
            headers = {"Retry-After": str(exc.params.get("retry_after", 60))}
        field = exc.params.get("field")
        extra = None
        if field:
            language = language_of(request)
            _, detail = render(exc.code, language, exc.params)
            extra = {"errors": [{"field": str(field), "message": detail, "type": exc.code}]}
        return problem(request, exc.status, exc.code, exc.params, extra=extra, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "malformed-json")
        language = language_of(request)
        return problem(request, 422, "invalid-input", extra={"errors": field_errors(errors, language)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "route-not-found", 405: "method-not-allowed", 406: "not-acceptable"}.get(
            exc.status_code, "bad-request"
        )
        return problem(request, exc.status_code, code, headers=dict(exc.headers or {}))

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable: %s", type(exc.orig).__name__)
        return problem(request, 503, "service-unavailable", headers={"Retry-After": "5"})

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error: %s", type(exc.orig).__name__)
        return problem(request, 409, "conflict")

    @app.exception_handler(KeyFileMissing)
    async def _key_missing(request: Request, exc: KeyFileMissing) -> Response:
        log.error("signing key unavailable: %s", exc)
        return problem(request, 503, "signing-unavailable", headers={"Retry-After": "60"})

    @app.exception_handler(SandboxBusy)
    async def _verifier_busy(request: Request, exc: SandboxBusy) -> Response:
        log.warning("verification workers busy")
        return problem(request, 503, "verifier-busy", headers={"Retry-After": "2"})

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> Response:
        # Validation should have caught it; a value the database refuses is still the caller's.
        log.warning("data error: %s", type(exc.orig).__name__)
        return problem(request, 422, "invalid-input", extra={"errors": []})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, 500, "internal-error")
