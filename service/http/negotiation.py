"""Content negotiation between JSON-LD (machines) and HTML (people) on public URLs."""

from __future__ import annotations

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
