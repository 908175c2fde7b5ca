"""Negotiation: JSON-LD (machines) or HTML (people) on public URLs, and the one choice of a
response's language for the API, the pages and the console."""

from __future__ import annotations

from starlette.requests import Request

from service.i18n.language import LANGUAGE_COOKIE, Language, choose, supported

JSON_TYPES = ("application/ld+json", "application/json")


def _qualities(accept: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in accept.split(","):
        pieces = part.strip().split(";")
        media = pieces[0].strip().lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        out[media] = max(quality, out.get(media, 0.0))
    return out


def wants_html(accept: str | None) -> bool:
    """True only when text/html is preferred over every JSON type: machines get JSON by default."""
    if not accept:
        return False
    q = _qualities(accept)
    html = q.get("text/html", 0.0)
    json_q = max((q.get(t, 0.0) for t in JSON_TYPES), default=0.0)
    return html > 0 and html > json_q


def json_media_type(accept: str | None) -> str:
    """application/ld+json when the caller names it, plain application/json otherwise."""
    q = _qualities(accept or "")
    return "application/ld+json" if q.get("application/ld+json", 0.0) > 0 else "application/json"


def language_of(request: Request) -> Language:
    """The language of everything this request is answered with, chosen once per request."""
    cached = request.scope.get("fabrique.language")
    known = supported(cached) if isinstance(cached, str) else None
    if known is not None:
        return known
    chosen = choose(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
    request.scope["fabrique.language"] = chosen
    return chosen
