"""`fabrique worker`: closes large sessions in the background and drains the email outbox.
Several workers may run at once, on several hosts: each claims its own rows (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL) under a lease that another worker takes over if it dies."""

from __future__ import annotations

import logging
import smtplib
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from service.domain import account_links, earner_links, earner_space
from service.errors import FabriqueError
from service.ids import new_id
from service.mail.compose import AccountMail, Announcement, Training, compose, compose_account_mail
from service.mail.smtp import PermanentFailure, Sender
from service.persistence.account_repositories import ConsoleAccounts
from service.persistence.repositories import Awards
from service.persistence.tables import Award
from service.persistence.training_repositories import Outbox
from service.services import Services
from service.usecases import award_mail, badge_requests, closing, endorsements, outbox
from service.usecases.context import Context

log = logging.getLogger("fabrique.worker")


@dataclass(frozen=True, slots=True)
class Drained:
    claimed: int
    sent: int
    retried: int
    failed: int


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}-{new_id()[:8]}"


def _lease(services: Services) -> timedelta:
    return timedelta(seconds=services.settings.worker_lease_seconds)


def drain_once(services: Services, sender: Sender, worker: str, batch: int = 50) -> Drained:
    """Claim up to ``batch`` due messages, send them, record each outcome."""
    with services.database.transaction() as session:
        claims = outbox.claim(services.context(session), worker, batch, lease=_lease(services))
    sent = retried = failed = 0
    for claim in claims:
        with services.database.transaction(write=False) as session:
            message = _message(services, services.context(session), claim)
        error: str | None = None
        code = ""
        permanent = False
        if isinstance(message, str):  # nothing to send any more
            error, code, permanent = f"not sent: {message}", message, True
        else:
            try:
                sender.send(message)
            except PermanentFailure as exc:
                error, code, permanent = str(exc), exc.code, True
            except smtplib.SMTPException as exc:  # before OSError, of which it is a kind
                error, code = f"{type(exc).__name__}: {exc}", "server-refused-for-now"
            except OSError as exc:
                error, code = f"{type(exc).__name__}: {exc}", "server-unreachable"
        with services.database.transaction() as session:
            ctx = services.context(session)
            if error is None:
                outbox.record_sent(ctx, claim.message_id, worker)
                sent += 1
            else:
                outbox.record_failure(ctx, claim.message_id, worker, error, code=code, permanent=permanent)
                failed += permanent
                retried += not permanent
                # The message id only: addresses are personal data and stay out of the logs.
                log.warning("email %s not sent (attempt %d): %s", claim.message_id, claim.attempt, error)
    return Drained(len(claims), sent, retried, failed)


def close_sessions_once(services: Services, worker: str) -> int:
    """Take one background closing and work it to its end, batch by batch (one transaction
    each); returns how many closings were taken (0 or 1)."""
    with services.database.transaction() as session:
        session_id = closing.claim_closing(services.context(session), worker, lease=_lease(services))
    if session_id is None:
        return 0
    log.info("closing session %s", session_id)
    finished = False
    while not finished:
        try:
            with services.database.transaction() as session:
                finished = closing.advance_closing(
                    services.context(session), session_id, worker, lease=_lease(services)
                )
        except FabriqueError as exc:  # a key missing, a badge class gone: a person must look
            with services.database.transaction() as session:
                closing.fail_closing(
                    services.context(session), session_id, worker, f"{exc.code} {exc.params}"
                )
            log.error("closing of session %s failed: %s", session_id, exc.code)
            return 1
    return 1


def run(services: Services, sender: Sender, *, stop: threading.Event, poll_seconds: float = 2.0) -> None:
    worker = worker_name()
    log.info("worker %s started", worker)
    while not stop.is_set():
        closed = close_sessions_once(services, worker)
        drained = drain_once(services, sender, worker)
        if drained.claimed == 0 and closed == 0:
            stop.wait(poll_seconds)


def _message(services: Services, ctx: Context, claim: outbox.Claim) -> EmailMessage | str:
    """The email a claim stands for, or the code of why there is none any more."""
    if claim.account_link_id is not None:
        return _account_email(services, ctx, claim)
    if claim.kind == outbox.EARNER_SPACE:
        return _earner_space_email(services, ctx, claim)
    if claim.kind in (endorsements.INVITATION_MAIL, endorsements.MADE_MAIL):
        return _endorsement_email(services, ctx, claim)
    if claim.kind in (badge_requests.CONFIRM_MAIL, badge_requests.REVIEW_MAIL, badge_requests.DECIDED_MAIL):
        return _request_email(services, ctx, claim)
    found = _announcement(services, ctx, claim)
    if isinstance(found, str):
        return found
    return compose(found, services.settings.mail_from, services.settings.public_host)


def _account_email(services: Services, ctx: Context, claim: outbox.Claim) -> EmailMessage | str:
    """An invitation or a reset link: only while it can still be used (a newer link replaces it)."""
    repo = ConsoleAccounts(ctx.session)
    link = repo.link(claim.account_link_id or "")
    account = repo.get(link.account_id) if link is not None else None
    if (
        link is None
        or account is None
        or not account_links.usable(link.expires_at, link.used_at, ctx.clock.now())
    ):
        return "link-expired"
    mail = AccountMail(
        message_id=claim.message_id,
        recipient=claim.recipient,
        recipient_name=account.name,
        language=claim.language,
        purpose=link.purpose,
        url=f"{services.urls.base}/console/lien/{account_links.token_for(services.secret, link.id)}",
        expires_at=link.expires_at,
    )
    return compose_account_mail(mail, services.settings.mail_from, services.settings.public_host)


def _earner_space_email(services: Services, ctx: Context, claim: outbox.Claim) -> EmailMessage | str:
    """The link to every badge of an address, while it can still be used."""
    message = Outbox(ctx.session).get(claim.message_id)
    if message is None or not earner_space.usable(message.created_at, ctx.clock.now()):
        return "link-expired"
    mail = AccountMail(
        message_id=claim.message_id,
        recipient=claim.recipient,
        recipient_name="",
        language=claim.language,
        purpose="earner-space",
        url=f"{services.urls.base}/mon-espace/{earner_space.token_for(services.secret, message.id)}",
        expires_at=earner_space.expires_at(message.created_at),
    )
    return compose_account_mail(mail, services.settings.mail_from, services.settings.public_host)


def _endorsement_email(services: Services, ctx: Context, claim: outbox.Claim) -> EmailMessage | str:
    """An invitation to endorse (while it can be used), or the author's withdrawal link."""
    mail = endorsements.mail_for(ctx, services.secret, claim.kind, claim.message_id, claim.language)
    if mail is None:
        return "link-expired"
    url, expires_at, details = mail
    message = AccountMail(
        message_id=claim.message_id,
        recipient=claim.recipient,
        recipient_name=dict(details).get("name", ""),
        language=claim.language,
        purpose=claim.kind,
        url=url,
        expires_at=expires_at,
        details=details,
    )
    return compose_account_mail(message, services.settings.mail_from, services.settings.public_host)


def _request_email(services: Services, ctx: Context, claim: outbox.Claim) -> EmailMessage | str:
    """A badge request's confirmation link, a reviewer's invitation, or the decision."""
    mail = badge_requests.mail_for(ctx, services.secret, claim.kind, claim.subject_id or "", claim.language)
    if mail is None:
        return "link-expired"
    url, expires_at, details = mail
    message = AccountMail(
        message_id=claim.message_id,
        recipient=claim.recipient,
        recipient_name=dict(details).get("name", "") if claim.kind != badge_requests.REVIEW_MAIL else "",
        language=claim.language,
        purpose=claim.kind,
        url=url,
        expires_at=expires_at,
        details=details,
    )
    return compose_account_mail(message, services.settings.mail_from, services.settings.public_host)


def _announcement(services: Services, ctx: Context, claim: outbox.Claim) -> Announcement | str:
    """The email to send, or why there is none: the award is gone, or was revoked before its
    announcement left (a badge awarded by mistake and revoked at once is never announced)."""
    award = Awards(ctx.session).get(claim.award_id) if claim.award_id else None
    if award is None:
        return "award-gone"
    notice = claim.kind == outbox.AWARD_REVOKED
    if award.erased_at is not None or (award.revoked_at is not None and not notice):
        return "award-revoked"
    return Announcement(
        message_id=claim.message_id,
        recipient=claim.recipient,
        recipient_name=award.recipient_name,
        language=claim.language,
        badge_name=award.badge_class.name,
        issuer_name=award.issuer.name,
        badge_url=services.urls.award_page(award.id),
        private_url=f"{services.urls.base}/mon-badge/{earner_links.token_for(services.secret, award.id)}",
        revoked_at=award.revoked_at if notice else None,
        reason=award.revocation_reason if notice else None,
        image_png=None if notice else award_mail.image_png(award),
        training=None if notice else _training(ctx, award),
        space_url=f"{services.urls.base}/mon-espace",
    )


def _training(ctx: Context, award: Award) -> Training | None:
    facts = award_mail.training_of(ctx, award)
    if facts is None:
        return None
    return Training(facts.title, facts.first_day, facts.last_day, facts.place, facts.remote, facts.as_trainer)
