"""An award announcement as an email: plain text and HTML, in the earner's language first, then
in the other one; the words come from the catalogue (``service.i18n.catalogue``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service.i18n.catalogue import translations
from service.i18n.documents import (
    EMAIL_FOOTER,
    account_subject,
    email_separator,
    email_subject,
    revocation_subject,
)
from service.i18n.formats import Formats
from service.i18n.language import Language, supported


@cache
def _environment(language: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


@dataclass(frozen=True, slots=True)
class Training:
    """The training a badge was earned in, as the email names it."""

    title: str
    first_day: datetime
    last_day: datetime
    place: str | None
    remote: bool
    as_trainer: bool


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
    revoked_at: datetime | None = None  # set: the notice that the badge was revoked
    reason: str | None = None  # the revocation's public reason, as the issuer wrote it
    image_png: bytes | None = None  # the badge image, shown inline (cid:), never fetched
    training: Training | None = None
    space_url: str | None = None  # where every badge of the address is found again


def language_of(tag: str) -> Language:
    """The earner's language when the service speaks it (en, en-GB…), French otherwise."""
    return supported(tag) or "fr"


def compose(announcement: Announcement, sender: str, host: str) -> EmailMessage:
    """The award's announcement, or, when it carries a revocation, the notice of it."""
    language = language_of(announcement.language)
    revoked = announcement.revoked_at is not None
    template = "award_revoked" if revoked else "award_issued"

    image_cid = f"badge-{announcement.message_id}@{host}"

    def context(lang: Language) -> dict[str, object]:
        formats = Formats(lang)
        training = announcement.training
        return {
            "image_src": f"cid:{image_cid}" if announcement.image_png else None,
            "training": training,
            "first_day": formats.date(training.first_day) if training else None,
            "last_day": formats.date(training.last_day) if training else None,
            "space_url": announcement.space_url,
            "name": announcement.recipient_name,
            "badge": announcement.badge_name,
            "issuer": announcement.issuer_name,
            "url": announcement.badge_url,
            "private_url": announcement.private_url,
            "revoked_on": Formats(lang).date(announcement.revoked_at),
            "reason": announcement.reason,
        }

    badge, issuer = _one_line(announcement.badge_name), _one_line(announcement.issuer_name)
    message = EmailMessage()
    subject = revocation_subject if revoked else email_subject
    message["Subject"] = subject(language, badge, issuer)
    message["From"] = formataddr((issuer, sender))
    message["To"] = formataddr((_one_line(announcement.recipient_name or ""), announcement.recipient))
    message["Message-ID"] = f"<{announcement.message_id}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    other: Language = "en" if language == "fr" else "fr"
    order: list[Language] = [language, other]  # the earner's language first, then the other
    text = [_environment(lang).get_template(f"{template}.txt").render(context(lang)) for lang in order]
    html = [_environment(lang).get_template(f"{template}.html").render(context(lang)) for lang in order]
    message.set_content(f"{text[0]}\n{email_separator(other)}\n\n{text[1]}\n-- \n{EMAIL_FOOTER}\n")
    layout = _environment(language).get_template("layout.html")
    message.add_alternative(
        layout.render(
            language=language,
            other=other,
            title=message["Subject"],
            first=html[0],
            second=html[1],
            footer=EMAIL_FOOTER,
        ),
        subtype="html",
    )
    if announcement.image_png and not revoked:
        html_part = message.get_payload()[1]  # type: ignore[index]
        if isinstance(html_part, EmailMessage):  # the HTML alternative just added
            html_part.add_related(
                announcement.image_png, "image", "png", cid=f"<{image_cid}>", filename="badge.png"
            )
    message["Content-Language"] = language  # after the body: setting content clears Content-* headers
    return message


def _one_line(text: str) -> str:
    """Header values on one line: a name typed with a line break cannot inject a header."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class AccountMail:
    """An invitation to the console, or a password reset: a one-time link."""

    message_id: str
    recipient: str
    recipient_name: str
    language: str
    purpose: str  # invitation | reset | earner-space | endorsement-invitation | endorsement-made
    url: str
    expires_at: datetime
    # What the template names besides (the issuer, the badge, why the reader may vouch).
    details: tuple[tuple[str, str], ...] = ()


def compose_account_mail(mail: AccountMail, sender: str, host: str) -> EmailMessage:
    language = language_of(mail.language)
    other: Language = "en" if language == "fr" else "fr"
    order: list[Language] = [language, other]
    name = {
        "invitation": "account_invitation",
        "earner-space": "earner_space",
        "endorsement-invitation": "endorsement_invitation",
        "endorsement-made": "endorsement_made",
        "badge-request-confirm": "badge_request_confirm",
        "badge-review-invitation": "badge_review_invitation",
        "badge-request-decided": "badge_request_decided",
    }.get(mail.purpose, "password_reset")

    def context(lang: Language) -> dict[str, str]:
        return {
            "name": mail.recipient_name,
            "url": mail.url,
            "until": Formats(lang).datetime(mail.expires_at),
            **dict(mail.details),
        }

    text = [_environment(lang).get_template(f"{name}.txt").render(context(lang)) for lang in order]
    message = EmailMessage()
    message["Subject"] = account_subject(mail.purpose, language)
    message["From"] = formataddr((EMAIL_FOOTER, sender))
    message["To"] = formataddr((_one_line(mail.recipient_name), mail.recipient))
    message["Message-ID"] = f"<{mail.message_id}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(f"{text[0]}\n{email_separator(other)}\n\n{text[1]}\n-- \n{EMAIL_FOOTER}\n")
    message["Content-Language"] = language
    return message
