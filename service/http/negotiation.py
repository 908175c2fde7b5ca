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


# What link-preview crawlers put in their User-Agent (lower case). They ask for ``*/*`` or send
# no Accept at all, which gets JSON here: named, they get the page with its card instead.
SHARE_CRAWLERS = (
    "facebookexternalhit",  # Facebook, Instagram, Messenger; also in iMessage's agent
    "facebot",
    "linkedinbot",
    "twitterbot",  # X; Telegram says "TelegramBot (like TwitterBot)"
    "telegrambot",
    "whatsapp",  # WhatsApp; Signal's previews borrow this name
    "slackbot",
    "slack-imgproxy",
    "discordbot",
    "skypeuripreview",  # Teams and Skype
    "microsoftpreview",
    "mastodon/",  # every Mastodon server: "http.rb/… (Mastodon/4.x; +https://…)"
    "pleroma",
    "akkoma",
    "misskey",
    "cardyb",  # Bluesky
    "redditbot",
    "pinterest",
    "embedly",
    "iframely",
    "vkshare",
    "xing-contenttabreceiver",
    "applebot",
    "snapchat",
    "viber",
)


def is_share_crawler(user_agent: str | None) -> bool:
    agent = (user_agent or "").lower()
    return any(name in agent for name in SHARE_CRAWLERS)


def wants_page(accept: str | None, user_agent: str | None) -> bool:
    """A browser gets the page (``wants_html``); so does a share crawler, unless it names a JSON
    type above HTML: a link pasted on LinkedIn shows a card, while every verifier and backpack,
    whatever its agent, keeps the documents."""
    if wants_html(accept):
        return True
    if not is_share_crawler(user_agent):
        return False
    q = _qualities(accept or "")
    if not q:
        return True
    anything = q.get("*/*", 0.0)
    html = max(q.get("text/html", 0.0), q.get("text/*", 0.0), anything)
    json_q = max((q.get(t, 0.0) for t in JSON_TYPES), default=0.0)
    return html > 0 and html >= json_q


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
