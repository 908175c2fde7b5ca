"""Jinja2 rendering, one environment per language, autoescape on: everything user-supplied is
shown as text. Pages carry the language they were rendered in (``lang``, Content-Language)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.http.negotiation import language_of
from service.i18n import audit as audit_words
from service.i18n import messages
from service.i18n.catalogue import translations
from service.i18n.formats import Formats
from service.i18n.language import Language
from service.i18n.messages_training import decision_reason
from service.web import labels

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@cache
def environment(language: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = language
    env.globals["fmt"] = Formats(language)
    env.globals["state_labels"] = labels.SESSION_STATES
    env.globals["origin_labels"] = labels.ORIGINS
    env.globals["enrolment_states"] = labels.ENROLMENT_STATES
    env.globals["key_purposes"] = labels.KEY_PURPOSES
    env.globals["audit_action"] = partial(audit_words.action, language=language)
    env.globals["audit_actor"] = partial(audit_words.actor, language=language)
    env.globals["audit_subject"] = partial(audit_words.subject, language=language)
    env.globals["decision_reasons"] = partial(_decision_reasons, language=language)
    return env


def _decision_reasons(reasons: Sequence[str], language: Language) -> str:
    """« non obtenu — 3,5 h sur 7 requises ; une demi-journée manquée »: why, in words."""
    return " ; ".join(decision_reason(reason, language) for reason in reasons)


def tr(request: Request, message: str, **values: Any) -> str:
    """A message of Python code in the reader's language (templates use ``{% trans %}``/``_``)."""
    text = translations(language_of(request)).gettext(message)
    return text % values if values else text


def render(request: Request, template: str, **context: Any) -> str:
    language = language_of(request)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return environment(language).get_template(template).render(request=request, here=path, **context)


def page(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    html = render(request, template, **context)
    response_headers = {"Vary": "Accept, Accept-Language, Cookie", "Content-Language": language_of(request)}
    response_headers.update(headers or {})
    return HTMLResponse(html, status_code=status_code, headers=response_headers)


def error_page(
    request: Request, status: int, code: str, params: dict[str, Any], headers: dict[str, str]
) -> Response:
    """A problem shown to a person's browser as a page, in the page's language."""
    title, detail = messages.render(code, language_of(request), params)
    return page(request, "error.html", status_code=status, title=title, detail=detail, headers=headers)
