"""The email outbox: messages written with what they announce, sent later by workers.

A worker claims due messages for a lease (one short transaction), sends them, then records each
outcome (another short transaction). A worker that dies after claiming leaves its messages to be
claimed again when the lease runs out: nothing is lost. A unique index means one award is
announced once; a coordinator's resend is a message of its own (``award-resent``), limited in
rate, since that email is the only place the earner's private link lives. The one window left
is a worker dying after the SMTP server accepted a message but before recording it: that
message is sent again (at least once delivery); its Message-ID is the same both times, so mail
clients can fold the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from service.errors import Conflict
from service.ids import new_id
from service.persistence.tables import Award
from service.persistence.training_repositories import Outbox
from service.persistence.training_tables import OutboxMessage
from service.usecases import audit
from service.usecases.context import Context

AWARD_ISSUED = "award-issued"
AWARD_RESENT = "award-resent"
AWARD_REVOKED = "award-revoked"  # the notice that an announced badge was revoked
EARNER_SPACE = "earner-space-link"  # the link to every badge of an address (``earner_space``)
RESEND_INTERVAL = timedelta(minutes=10)
RESENDS_PER_DAY = 5
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


def enqueue_award_email(
    ctx: Context, award: Award, language: str, *, kind: str = AWARD_ISSUED
) -> OutboxMessage:
    now = ctx.clock.now()
    message = OutboxMessage(
        id=new_id(),
        kind=kind,
        award_id=award.id,
        recipient=award.recipient_email,
        language=language,
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    ctx.session.add(message)
    return message


def enqueue_mail(
    ctx: Context,
    kind: str,
    recipient: str,
    language: str,
    *,
    message_id: str | None = None,
    subject_id: str | None = None,
) -> OutboxMessage:
    """An email that is about something other than an award (an invitation to endorse, a badge
    request, a review): the worker finds what it is about by ``subject_id`` or the message id."""
    now = ctx.clock.now()
    message = OutboxMessage(
        id=message_id or new_id(),
        kind=kind,
        award_id=None,
        subject_id=subject_id,
        recipient=recipient,
        language=language,
        state="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    ctx.session.add(message)
    return message


def notify_revocation(ctx: Context, award: Award) -> None:
    """Tell the earner their badge was revoked, in the language of its emails, if it was ever
    announced to them (a badge revoked before its announcement left was never known to them)."""
    outbox = Outbox(ctx.session)
    if outbox.was_sent(award.id):
        enqueue_award_email(ctx, award, outbox.last_language(award.id) or "fr", kind=AWARD_REVOKED)


def resend(ctx: Context, award: Award) -> OutboxMessage:
    """Queue the award's email again, in the language of the last one: at most once every
    ``RESEND_INTERVAL`` and ``RESENDS_PER_DAY`` a day per award (``Conflict`` otherwise), never
    for a revoked or erased award."""
    if award.revoked_at is not None or award.erased_at is not None:
        raise Conflict("resend-not-possible", id=award.id)
    now = ctx.clock.now()
    outbox = Outbox(ctx.session)
    if outbox.count_for_award_since(award.id, now - RESEND_INTERVAL):
        raise Conflict("resend-too-soon", minutes=int(RESEND_INTERVAL.total_seconds() // 60))
    if outbox.count_for_award_since(award.id, now - timedelta(days=1)) >= RESENDS_PER_DAY:
        raise Conflict("resend-too-many", per_day=RESENDS_PER_DAY)
    language = outbox.last_language(award.id) or "fr"
    audit.record(ctx, "award-email-resent", "award", award.id, award.issuer_id)
    return enqueue_award_email(ctx, award, language, kind=AWARD_RESENT)


@dataclass(frozen=True, slots=True)
class Claim:
    message_id: str
    award_id: str | None
    recipient: str
    language: str
    attempt: int
    kind: str = AWARD_ISSUED
    account_link_id: str | None = None
    subject_id: str | None = None  # the request or review an email is about


def claim(ctx: Context, worker: str, limit: int, lease: timedelta = LEASE) -> list[Claim]:
    now = ctx.clock.now()
    claims = []
    for message in Outbox(ctx.session).claimable(now, limit):
        message.state = "sending"
        message.claimed_by = worker
        message.claimed_until = now + lease
        message.attempts += 1
        claims.append(
            Claim(
                message.id,
                message.award_id,
                message.recipient,
                message.language,
                message.attempts,
                message.kind,
                message.account_link_id,
                message.subject_id,
            )
        )
    ctx.session.flush()
    return claims


def backoff(attempt: int) -> timedelta:
    """1, 2, 4 … minutes between attempts, at most 4 hours."""
    return timedelta(minutes=min(2 ** (attempt - 1), 240))


def record_sent(ctx: Context, message_id: str, worker: str) -> bool:
    """Mark sent; False when the message is no longer this worker's (its lease ran out and
    another worker took it)."""
    message = Outbox(ctx.session).get(message_id)
    if message is None or message.claimed_by != worker or message.state != "sending":
        return False
    message.state = "sent"
    message.sent_at = ctx.clock.now()
    message.claimed_until = None
    message.last_error = None
    message.error_code = None
    return True


def record_failure(
    ctx: Context, message_id: str, worker: str, error: str, *, code: str = "", permanent: bool = False
) -> None:
    """``error`` is the server's words, for the operator; ``code`` says why for people."""
    message = Outbox(ctx.session).get(message_id)
    if message is None or message.claimed_by != worker or message.state != "sending":
        return
    message.last_error = error[:1000]
    message.error_code = code[:32] or None
    message.claimed_until = None
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.state = "failed"
        return
    message.state = "pending"
    message.next_attempt_at = ctx.clock.now() + backoff(message.attempts)
