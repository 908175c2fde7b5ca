"""The earner's space: every badge issued to one address, on this instance, all issuers
together, opened by a link sent to that address. It is also how a lost private link is found
again. Asking never says whether the address has badges: the answer is the same, and a link
leaves only for an address that has some (at most ``LINKS_PER_HOUR`` an hour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from service.domain import earner_space
from service.domain.recipients import normalise_email
from service.errors import Gone, InvalidInput, NotFound
from service.ids import new_id
from service.persistence.repositories import Awards
from service.persistence.tables import Award
from service.persistence.training_repositories import Outbox
from service.persistence.training_tables import OutboxMessage
from service.usecases import outbox
from service.usecases.context import Context

MAX_BADGES = 500  # an address with more is a coordinator's test inbox, not a person


def request_link(ctx: Context, email: str, language: str) -> None:
    """Queue the link for ``email`` if badges were issued to it; nothing otherwise. An address
    that is not one raises ``InvalidInput`` (that says nothing about who has badges)."""
    try:
        address = normalise_email(validate_email(email.strip()[:320], check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInput("email-invalid", field="email") from exc
    now = ctx.clock.now()
    _, count = Awards(ctx.session).list(recipient_email=address, limit=1, offset=0)
    if count == 0:
        return
    recent = Outbox(ctx.session).count_to_since(address, outbox.EARNER_SPACE, now - timedelta(hours=1))
    if recent >= earner_space.LINKS_PER_HOUR:
        return
    ctx.session.add(
        OutboxMessage(
            id=new_id(),
            kind=outbox.EARNER_SPACE,
            award_id=None,
            recipient=address,
            language=language,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


@dataclass(frozen=True, slots=True)
class Space:
    email: str
    expires_at: datetime
    awards: list[Award]


def open_space(ctx: Context, secret: str, token: str) -> Space:
    """The badges of the address a genuine, unexpired link was sent to, newest first."""
    message_id = earner_space.message_of(secret, token)
    message = Outbox(ctx.session).get(message_id) if message_id else None
    if message is None or message.kind != outbox.EARNER_SPACE:
        raise NotFound("earner-space-link-invalid")
    if not earner_space.usable(message.created_at, ctx.clock.now()):
        raise Gone("earner-space-link-expired")
    found, _ = Awards(ctx.session).list(recipient_email=message.recipient, limit=MAX_BADGES, offset=0)
    return Space(message.recipient, earner_space.expires_at(message.created_at), list(found))
