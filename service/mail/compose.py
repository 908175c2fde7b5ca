"""An award announcement as an email: plain text and HTML, in the earner's language."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service.i18n.documents import EMAIL_FOOTER, EMAIL_SEPARATORS, EMAIL_SUBJECTS
from service.i18n.language import Language

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class Announcement:
    message_id: str  # the outbox row: the same Message-ID however many times it is sent
    recipient: str
    recipient_name: str | None
    language: str
    badge_name: str
    issuer_name: str
    badge_url: str  # the public page, once the earner publishes it
    private_url: str  # the earner's own page: publish, hide, download, erase


def language_of(tag: str) -> Language:
    """English for an earner who asked for English (en, en-GB…), French otherwise."""
    return "en" if tag.lower().split("-")[0] == "en" else "fr"


def compose(announcement: Announcement, sender: str, host: str) -> EmailMessage:
    language = language_of(announcement.language)
    context = {
        "name": announcement.recipient_name,
        "badge": announcement.badge_name,
        "issuer": announcement.issuer_name,
        "url": announcement.badge_url,
        "private_url": announcement.private_url,
    }
    badge, issuer = _one_line(announcement.badge_name), _one_line(announcement.issuer_name)
    message = EmailMessage()
    message["Subject"] = EMAIL_SUBJECTS[language].format(badge=badge, issuer=issuer)
    message["From"] = formataddr((issuer, sender))
    message["To"] = formataddr((_one_line(announcement.recipient_name or ""), announcement.recipient))
    message["Message-ID"] = f"<{announcement.message_id}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    other: Language = "en" if language == "fr" else "fr"
    order: list[Language] = [language, other]  # the earner's language first, then the other
    text = [_ENV.get_template(f"award_issued.{lang}.txt").render(context) for lang in order]
    html = [_ENV.get_template(f"award_issued.{lang}.html").render(context) for lang in order]
    message.set_content(
        f"{text[0]}\n{EMAIL_SEPARATORS[order[1]]}\n\n{text[1]}\n-- \n{EMAIL_FOOTER[language]}\n"
    )
    message.add_alternative(
        _ENV.get_template("layout.html").render(language=language, first=html[0], second=html[1]),
        subtype="html",
    )
    message["Content-Language"] = language  # after the body: setting content clears Content-* headers
    return message


def _one_line(text: str) -> str:
    """Header values on one line: a name typed with a line break cannot inject a header."""
    return " ".join(text.split())
