"""Turning a form's refusal into what the person reads: field by field, in their language."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.requests import Request

from service.errors import FabriqueError
from service.http.negotiation import language_of
from service.http.problems import field_errors
from service.i18n.messages import render


def problems_of(request: Request, exc: ValidationError | FabriqueError) -> dict[str, str]:
    """{field name: message}; messages not tied to a field are under ``""``."""
    language = language_of(request)
    if isinstance(exc, ValidationError):
        found: dict[str, str] = {}
        for error in field_errors(exc.errors(), language):
            name = error["field"].split(".")[0] if error["field"] != "(body)" else ""
            found.setdefault(name, error["message"])
        return found
    _, detail = render(exc.code, language, exc.params)
    return {str(exc.params.get("field", "")): detail}


def text(value: Any) -> str | None:
    """A form value as text, or None when left empty."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
