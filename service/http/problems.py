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
from service.http.negotiation import wants_html
from service.i18n.language import Language, negotiate
from service.i18n.messages import render
from service.signing.keystore import KeyFileMissing
from service.verification.sandbox import SandboxBusy

PROBLEM_TYPE = "tag:fabrique-a-badges,2026:problem:{code}"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("fabrique.api")

# Field-level messages for the pydantic error types users actually meet.
_FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("champ obligatoire manquant", "required field missing"),
    "extra_forbidden": ("champ inconnu", "unknown field"),
    "string_too_short": (
        "texte trop court (au moins {min_length} caractère(s))",
        "text too short (at least {min_length} character(s))",
    ),
    "string_too_long": (
        "texte trop long (au plus {max_length} caractères)",
        "text too long (at most {max_length} characters)",
    ),
    "string_type": ("un texte est attendu", "a string is expected"),
    "int_parsing": ("un nombre entier est attendu", "an integer is expected"),
    "int_type": ("un nombre entier est attendu", "an integer is expected"),
    "greater_than_equal": ("doit être au moins {ge}", "must be at least {ge}"),
    "less_than_equal": ("doit être au plus {le}", "must be at most {le}"),
    "too_long": (
        "liste trop longue (au plus {max_length} éléments)",
        "list too long (at most {max_length} items)",
    ),
    "list_type": ("une liste est attendue", "a list is expected"),
    "url_parsing": ("adresse web invalide", "invalid URL"),
    "url_scheme": (
        "l'adresse doit commencer par http:// ou https://",
        "the URL must start with http:// or https://",
    ),
    "datetime_parsing": ("date invalide (format ISO 8601 attendu)", "invalid date (ISO 8601 expected)"),
    "datetime_type": ("date invalide (format ISO 8601 attendu)", "invalid date (ISO 8601 expected)"),
    "timezone_aware": (
        "la date doit préciser son fuseau (ex. 2026-11-22T10:00:00+01:00)",
        "the date must carry a time zone (e.g. 2026-11-22T10:00:00+01:00)",
    ),
    "model_attributes_type": ("un objet JSON est attendu", "a JSON object is expected"),
    "dict_type": ("un objet JSON est attendu", "a JSON object is expected"),
    "enum": ("valeur non autorisée", "value not allowed"),
    "literal_error": ("valeur non autorisée", "value not allowed"),
    "json_invalid": ("JSON mal formé", "malformed JSON"),
}
# Our own validators' messages (raised in English) with their French wording.
_VALUE_ERRORS_FR: dict[str, str] = {
    "criteria_narrative or criteria_url is required": "criteria_narrative ou criteria_url est obligatoire",
    "expires_at must be after issued_on": "expires_at doit suivre issued_on",
    "evidence needs a url or a narrative": "une preuve doit avoir une adresse (url) ou un texte (narrative)",
    "expected a BCP 47 language tag such as fr or fr-FR": "un code de langue BCP 47 est attendu, par exemple fr ou fr-FR",
    "not a valid SIRET (14 digits with a valid check digit)": "SIRET invalide (14 chiffres avec une clé valide)",
    "not a valid RNA number (W followed by 9 characters)": "numéro RNA invalide (W suivi de 9 caractères)",
    "image too large": "image trop lourde",
    "control characters are not allowed": "les caractères de contrôle ne sont pas acceptés",
    "invisible or direction-changing characters are not allowed": "les caractères invisibles ou qui changent le sens du texte ne sont pas acceptés",
    "the date must be between 1970 and 9000": "la date doit être comprise entre 1970 et 9000",
    "expected an absolute http:// or https:// URL": "une adresse web complète est attendue (http:// ou https://)",
    "the image's base64 data is invalid": "les données base64 de l'image sont invalides",
    "expected a data:image/png;base64,… or data:image/svg+xml;base64,… URI": "une URI data:image/png;base64,… ou data:image/svg+xml;base64,… est attendue",
}


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
    language = negotiate(request.headers.get("accept-language"))
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
    out = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        kind = error.get("type", "")
        context = error.get("ctx") or {}
        if kind == "value_error":
            raw = str(context.get("error", error.get("msg", "")))
            english = raw.removeprefix("Value error, ")
            message = _VALUE_ERRORS_FR.get(english, english) if language == "fr" else english
        elif kind in _FIELD_MESSAGES:
            template = _FIELD_MESSAGES[kind][0 if language == "fr" else 1]
            try:
                message = template.format(**context)
            except (KeyError, IndexError):
                message = template
        else:
            message = str(error.get("msg", kind))
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
            language = negotiate(request.headers.get("accept-language"))
            _, detail = render(exc.code, language, exc.params)
            extra = {"errors": [{"field": str(field), "message": detail, "type": exc.code}]}
        return problem(request, exc.status, exc.code, exc.params, extra=extra, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return problem(request, 400, "malformed-json")
        language = negotiate(request.headers.get("accept-language"))
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
