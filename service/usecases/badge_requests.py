"""Badge requests reviewed by peers (issue 20, point 2).

Someone asks for a badge class whose rule accepts requests, with a statement, links and files;
confirms through the link sent to their address; the peers they named who hold the badge (and
any a coordinator adds) are invited by email, the issuer's coordinators see it in the console;
each reviewer approves or declines with a comment; the class's rule decides (``domain``). An
approval issues the badge with the evidence, and each reviewer who agreed to be named becomes
an endorsement embedded in the credential. The author follows the state on their page and by
email, and may withdraw while it is open (the evidence goes with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from service.domain import badge_requests as rules
from service.domain import endorsements as endorsement_rules
from service.domain.audit import EARNER, Actor
from service.domain.recipients import normalise_email
from service.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound, PayloadTooLarge
from service.i18n.catalogue import N_, text
from service.i18n.language import supported
from service.ids import new_id
from service.openbadges.endorsements import Subject
from service.persistence.console_tables import ConsoleAccount
from service.persistence.repositories import BadgeClasses
from service.persistence.request_repositories import BadgeRequests
from service.persistence.request_tables import BadgeRequest, BadgeRequestFile, BadgeRequestRule, BadgeReview
from service.persistence.tables import BadgeClass
from service.usecases import audit, awards, endorsements, outbox
from service.usecases.commands import AwardCreate, Evidence
from service.usecases.context import Context

CONFIRM_MAIL = "badge-request-confirm"
REVIEW_MAIL = "badge-review-invitation"
DECIDED_MAIL = "badge-request-decided"
STATEMENT_EVIDENCE = N_("Demande de badge")
FILE_EVIDENCE = N_("Pièce « {name} », examinée par les relecteurs lors de la demande (non publiée).")


# The rule of a badge class.


def rule_of(ctx: Context, badge_class: BadgeClass) -> rules.Rule:
    found = BadgeRequests(ctx.session).rule(badge_class.series_id)
    if found is None:
        return rules.Rule(open=False, peer_approvals=0, coordinator_approval=True)
    return rules.Rule(found.open, found.peer_approvals, found.coordinator_approval)


def set_rule(ctx: Context, badge_class: BadgeClass, rule: rules.Rule) -> rules.Rule:
    """Open or close requests for every version of a class, and say who must approve."""
    if not rule.valid:
        raise InvalidInput("badge-request-rule-invalid", field="peer_approvals", max=rules.MAX_PEERS)
    found = BadgeRequests(ctx.session).rule(badge_class.series_id)
    now = ctx.clock.now()
    if found is None:
        found = BadgeRequestRule(series_id=badge_class.series_id, updated_at=now)
        ctx.session.add(found)
    found.open, found.peer_approvals = rule.open, rule.peer_approvals
    found.coordinator_approval, found.updated_at = rule.coordinator_approval, now
    audit.record(
        ctx,
        "badge-request-rule-set",
        "badge-class",
        badge_class.id,
        badge_class.issuer_id,
        open=rule.open,
        peers=rule.peer_approvals,
        coordinator=rule.coordinator_approval,
    )
    return rule


# Asking.


@dataclass(frozen=True, slots=True)
class UploadedFile:
    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class RequestForm:
    name: str
    email: str
    statement: str
    links: list[str]
    files: list[UploadedFile]
    peers: list[str]  # the addresses of peers the author asks to review
    consent: bool


def _address(value: str, field: str) -> str:
    try:
        return normalise_email(validate_email(value.strip()[:320], check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInput("email-invalid", field=field) from exc


def _text(value: str, limit: int, code: str, field: str) -> str:
    cleaned = value.strip().replace("\r\n", "\n")
    if not cleaned or len(cleaned) > limit or any(ord(c) < 32 and c not in "\n\t" for c in cleaned):
        raise InvalidInput(code, field=field, max=limit)
    return cleaned


def _links(values: list[str]) -> list[dict[str, str]]:
    given = [v.strip() for v in values if v.strip()]
    if len(given) > rules.MAX_LINKS:
        raise InvalidInput("badge-request-too-many-links", field="links", max=rules.MAX_LINKS)
    out = []
    for url in given:
        parts = urlsplit(url)
        if len(url) > 2048 or parts.scheme not in ("https", "http") or not parts.netloc or " " in url:
            raise InvalidInput("badge-request-url-invalid", field="links", url=url[:100])
        out.append({"url": url})
    return out


def _files(ctx: Context, uploads: list[UploadedFile]) -> list[BadgeRequestFile]:
    given = [u for u in uploads if u.content]
    if len(given) > rules.MAX_FILES:
        raise InvalidInput("badge-request-too-many-files", field="files", max=rules.MAX_FILES)
    out = []
    for upload in given:
        if len(upload.content) > ctx.max_image_bytes:
            raise PayloadTooLarge("badge-request-file-too-large", field="files", max=ctx.max_image_bytes)
        media_type = rules.sniff(upload.content)
        if media_type is None:
            raise InvalidInput("badge-request-file-type", field="files", name=upload.name[:100])
        name = " ".join(upload.name.replace("/", " ").replace("\\", " ").split())[:200] or "piece"
        out.append(
            BadgeRequestFile(
                id=new_id(),
                name=name,
                media_type=media_type,
                size=len(upload.content),
                content=upload.content,
            )
        )
    return out


def submit(
    ctx: Context, badge_class_id: str, form: RequestForm, language: str, *, proven_email: str | None = None
) -> BadgeRequest:
    """Write the request, unconfirmed, and send its author the link that confirms it; made from
    the earner space, whose link already proved the address (``proven_email``), it is confirmed
    at once. Peers who do not hold the badge are not written to, and the answer does not say who
    does."""
    badge = BadgeClasses(ctx.session).get(badge_class_id)
    if badge is None:
        raise NotFound("badge-class-not-found", id=badge_class_id)
    current = (
        badge
        if badge.replaced_by_id is None
        else BadgeClasses(ctx.session).current_of_series(badge.series_id)
    )
    if current is None or not rule_of(ctx, current).open:
        raise Conflict("badge-requests-closed", id=badge_class_id)
    name = " ".join(form.name.split())
    if not name or len(name) > endorsement_rules.NAME_MAX:
        raise InvalidInput("endorser-name-invalid", field="name")
    email = _address(form.email, "email")
    statement = _text(form.statement, rules.STATEMENT_MAX, "badge-request-statement-invalid", "statement")
    links = _links(form.links)
    files = _files(ctx, form.files)
    peers = []
    for index, given in enumerate(p for p in form.peers if p.strip()):
        if index >= rules.MAX_PEER_REVIEWERS:
            raise InvalidInput("badge-request-too-many-peers", field="peers", max=rules.MAX_PEER_REVIEWERS)
        peer = _address(given, "peers")
        if peer != email and peer not in peers:
            peers.append(peer)
    if not form.consent:
        raise InvalidInput("badge-request-consent-required", field="consent")
    now = ctx.clock.now()
    if (
        BadgeRequests(ctx.session).made_since(email, current.series_id, now - timedelta(days=1))
        >= rules.REQUESTS_PER_DAY
    ):
        raise Conflict("badge-requests-exhausted")
    request = BadgeRequest(
        id=new_id(),
        badge_class_id=current.id,
        issuer_id=current.issuer_id,
        email=email,
        name=name,
        statement=statement,
        links=links,
        language=supported(language) or "fr",
        state=rules.UNCONFIRMED,
        created_at=now,
        confirmed_at=None,
        decided_at=None,
        award_id=None,
    )
    request.files = files
    target = _target(current)
    for peer in peers:
        if endorsements.eligible(ctx, target, endorsement_rules.PEER, peer):
            request.reviews.append(_review(rules.PEER, peer, now, state="waiting"))
    ctx.session.add(request)
    audit.act_as(ctx.session, EARNER)
    audit.record(ctx, "badge-request-made", "badge-class", current.id, current.issuer_id)
    if proven_email is not None and proven_email == email:
        ctx.session.flush()
        _confirmed(ctx, request)
    else:
        _mail(ctx, CONFIRM_MAIL, email, request.language, request.id)
    return request


def _target(badge: BadgeClass) -> endorsements.Target:
    return endorsements.Target(
        Subject("badge-class", badge.id, badge.issuer_id, badge.name), badge.issuer, badge, None
    )


def _review(
    kind: str, email: str, now: object, *, state: str = rules.INVITED, account_id: str | None = None
) -> BadgeReview:
    return BadgeReview(
        id=new_id(),
        kind=kind,
        email=email,
        name=None,
        account_id=account_id,
        state=state,
        comment=None,
        shown=False,
        created_at=now,
        decided_at=None,
        endorsement_id=None,
    )


def _mail(ctx: Context, kind: str, recipient: str, language: str, subject_id: str) -> None:
    outbox.enqueue_mail(ctx, kind, recipient, language, subject_id=subject_id)


# The author's link.


def open_request(ctx: Context, secret: str, token: str, *, for_update: bool = False) -> BadgeRequest:
    request_id = rules.request_of(secret, token)
    repo = BadgeRequests(ctx.session)
    found = None
    if request_id is not None:
        found = repo.get_for_update(request_id) if for_update else repo.get(request_id)
    if found is None:
        raise NotFound("badge-request-link-invalid")
    return found


def confirm(ctx: Context, secret: str, token: str) -> BadgeRequest:
    """The author proved the address: the reviewers are invited. Confirming twice is harmless."""
    request = open_request(ctx, secret, token, for_update=True)
    if request.state != rules.UNCONFIRMED:
        return request
    now = ctx.clock.now()
    if not rules.confirmable(request.created_at, now):
        raise Gone("badge-request-expired")
    _confirmed(ctx, request)
    return request


def _confirmed(ctx: Context, request: BadgeRequest) -> None:
    """The author's address is proven: the request waits for its reviewers, who are invited."""
    badge = request_badge(ctx, request)
    if endorsements.holds(ctx, request.email, badge):
        raise Conflict("badge-already-held")
    request.state, request.confirmed_at = rules.PENDING, ctx.clock.now()
    for review in request.reviews:
        if review.state == "waiting":
            review.state = rules.INVITED
            _mail(ctx, REVIEW_MAIL, review.email, request.language, review.id)
    audit.act_as(ctx.session, EARNER)
    audit.record(ctx, "badge-request-confirmed", "badge-class", request.badge_class_id, request.issuer_id)


def withdraw(ctx: Context, secret: str, token: str) -> BadgeRequest:
    """The author takes the request back while it is open: its statement, links, files and the
    reviewers' addresses are deleted; the row says only that it was withdrawn."""
    request = open_request(ctx, secret, token, for_update=True)
    if request.state not in rules.OPEN_STATES:
        raise Conflict("badge-request-closed")
    _forget(request)
    request.state, request.decided_at = rules.WITHDRAWN, ctx.clock.now()
    audit.act_as(ctx.session, EARNER)
    audit.record(ctx, "badge-request-withdrawn", "badge-class", request.badge_class_id, request.issuer_id)
    return request


def _forget(request: BadgeRequest) -> None:
    request.statement = ""
    request.links = []
    request.files.clear()
    request.reviews.clear()


def erase_for_award(ctx: Context, award_id: str, email: str) -> None:
    """Erasing a badge erases its earner's requests (the one it came from and every other one of
    the address, open or decided): their statements, evidence and reviews."""
    repo = BadgeRequests(ctx.session)
    address = normalise_email(email) if email else ""
    for request in {*repo.of_award(award_id), *repo.of_email(address, include_withdrawn=True)}:
        ctx.session.delete(request)


def requestable(ctx: Context, email: str, limit: int = 50) -> list[BadgeClass]:
    """The badge classes open to requests that the address neither holds nor has asked for."""
    repo = BadgeRequests(ctx.session)
    asked = {r.badge_class_id for r in repo.of_email(email) if r.state in rules.OPEN_STATES}
    found = []
    for badge in repo.open_classes(limit * 2):
        if badge.id not in asked and not endorsements.holds(ctx, email, badge):
            found.append(badge)
    return found[:limit]


def request_badge(ctx: Context, request: BadgeRequest) -> BadgeClass:
    badge = BadgeClasses(ctx.session).get(request.badge_class_id)
    if badge is None:  # pragma: no cover - the foreign key forbids it
        raise NotFound("badge-class-not-found", id=request.badge_class_id)
    return badge


# Reviewing.


@dataclass(frozen=True, slots=True)
class Opinion:
    approve: bool
    comment: str
    shown: bool  # the reviewer agrees to be named (an endorsement of the badge when approved)
    name: str | None = None  # a peer's name, as shown


def open_review(ctx: Context, secret: str, token: str) -> tuple[BadgeReview, BadgeRequest]:
    review_id = rules.review_of(secret, token)
    repo = BadgeRequests(ctx.session)
    review = repo.review(review_id) if review_id else None
    request = repo.get(review.request_id) if review is not None else None
    if review is None or request is None or review.kind != rules.PEER:
        raise NotFound("badge-review-link-invalid")
    return review, request


def peer_review(ctx: Context, secret: str, token: str, opinion: Opinion) -> BadgeRequest:
    """A peer's opinion through their link: once, while the request is pending, and only while
    they still hold the badge."""
    review, _ = open_review(ctx, secret, token)
    request = BadgeRequests(ctx.session).get_for_update(review.request_id)
    if request is None:  # pragma: no cover - the review's row names it, in this transaction
        raise NotFound("badge-review-link-invalid")
    if request.state != rules.PENDING:
        raise Conflict("badge-request-closed")
    if review.state != rules.INVITED:
        raise Conflict("badge-review-given")
    if not endorsements.eligible(
        ctx, _target(request_badge(ctx, request)), endorsement_rules.PEER, review.email
    ):
        raise Forbidden("badge-reviewer-not-eligible")
    name = " ".join((opinion.name or "").split())
    if opinion.shown and (not name or len(name) > endorsement_rules.NAME_MAX):
        raise InvalidInput("endorser-name-invalid", field="name")
    _decide(ctx, review, opinion, name or None)
    audit.act_as(ctx.session, Actor("reviewer", review.id, review.email))
    audit.record(
        ctx,
        "badge-request-reviewed",
        "badge-class",
        request.badge_class_id,
        request.issuer_id,
        approve=opinion.approve,
    )
    _settle(ctx, request)
    return request


def coordinator_review(
    ctx: Context, request_id: str, account: ConsoleAccount, opinion: Opinion
) -> BadgeRequest:
    """A coordinator's opinion (the caller checked their right on the issuer)."""
    request = BadgeRequests(ctx.session).get_for_update(request_id)
    if request is None:
        raise NotFound("badge-request-not-found", id=request_id)
    if request.state != rules.PENDING:
        raise Conflict("badge-request-closed")
    review = next(
        (r for r in request.reviews if r.kind == rules.COORDINATOR and r.account_id == account.id), None
    )
    if review is not None and review.state != rules.INVITED:
        raise Conflict("badge-review-given")
    if review is None:
        review = _review(rules.COORDINATOR, account.email, ctx.clock.now(), account_id=account.id)
        request.reviews.append(review)
    _decide(ctx, review, opinion, account.name)
    audit.record(
        ctx,
        "badge-request-reviewed",
        "badge-class",
        request.badge_class_id,
        request.issuer_id,
        approve=opinion.approve,
    )
    _settle(ctx, request)
    return request


def add_peer(ctx: Context, request_id: str, email: str) -> BadgeReview:
    """A coordinator invites one more peer reviewer: refused if they do not hold the badge."""
    request = BadgeRequests(ctx.session).get_for_update(request_id)
    if request is None:
        raise NotFound("badge-request-not-found", id=request_id)
    if request.state != rules.PENDING:
        raise Conflict("badge-request-closed")
    address = _address(email, "email")
    if address == request.email or any(r.email == address for r in request.reviews):
        raise Conflict("badge-reviewer-already-asked")
    if not endorsements.eligible(ctx, _target(request_badge(ctx, request)), endorsement_rules.PEER, address):
        raise Conflict("badge-reviewer-not-eligible")
    review = _review(rules.PEER, address, ctx.clock.now())
    request.reviews.append(review)
    ctx.session.flush()
    _mail(ctx, REVIEW_MAIL, address, request.language, review.id)
    audit.record(ctx, "badge-reviewer-invited", "badge-class", request.badge_class_id, request.issuer_id)
    return review


def _decide(ctx: Context, review: BadgeReview, opinion: Opinion, name: str | None) -> None:
    review.state = rules.APPROVED if opinion.approve else rules.DECLINED
    review.comment = _text(opinion.comment, rules.COMMENT_MAX, "badge-review-comment-invalid", "comment")
    review.shown = opinion.shown
    review.name = name
    review.decided_at = ctx.clock.now()


def tally(request: BadgeRequest) -> rules.Tally:
    def count(kind: str, state: str) -> int:
        return sum(1 for r in request.reviews if r.kind == kind and r.state == state)

    return rules.Tally(
        peer_approvals=count(rules.PEER, rules.APPROVED),
        peer_declines=count(rules.PEER, rules.DECLINED),
        coordinator_approvals=count(rules.COORDINATOR, rules.APPROVED),
        coordinator_declines=count(rules.COORDINATOR, rules.DECLINED),
    )


def _settle(ctx: Context, request: BadgeRequest) -> None:
    """Apply the class's rule to the reviews so far: approve (issue), decline, or wait."""
    if request.state != rules.PENDING:
        return
    badge = request_badge(ctx, request)
    current = (
        badge
        if badge.replaced_by_id is None
        else BadgeClasses(ctx.session).current_of_series(badge.series_id)
    )
    if current is None:  # pragma: no cover - a series always has a current version
        return
    outcome = rules.decision(rule_of(ctx, current), tally(request))
    if outcome is None:
        return
    now = ctx.clock.now()
    request.decided_at = now
    if outcome == rules.DECLINED:
        request.state = rules.DECLINED
        _mail(ctx, DECIDED_MAIL, request.email, request.language, request.id)
        audit.record(ctx, "badge-request-declined", "badge-class", request.badge_class_id, request.issuer_id)
        return
    request.state = rules.APPROVED
    award_id = new_id()
    subject = Subject(endorsement_rules.AWARD, award_id, current.issuer_id, current.name)
    for review in request.reviews:
        if review.state == rules.APPROVED and review.shown:
            form = endorsements.EndorsementForm(
                name=review.name or review.email,
                kind=endorsement_rules.PERSON,
                organisation=current.issuer.name if review.kind == rules.COORDINATOR else None,
                url=None,
                public_email=current.issuer.email if review.kind == rules.COORDINATOR else review.email,
                comment=review.comment or "",
                consent=True,
            )
            made = endorsements.endorse_as(
                ctx, review.email, form, subject, endorsement_rules.REVIEWER, request.language
            )
            review.endorsement_id = made.id
    language = supported(request.language) or "fr"
    evidence = [Evidence(name=text(STATEMENT_EVIDENCE, language), narrative=request.statement)]
    evidence += [Evidence(url=link["url"]) for link in request.links]
    evidence += [
        Evidence(name=f.name, narrative=text(FILE_EVIDENCE, language, {"name": f.name}))
        for f in request.files
    ]
    command = AwardCreate(
        recipient_email=request.email,
        recipient_name=request.name,
        evidence=evidence,
        language=request.language,
        notify=True,
    )
    issued = awards.issue(ctx, current, command, award_id=award_id)
    request.award_id = issued.id
    outbox.enqueue_award_email(ctx, issued, request.language)
    audit.record(
        ctx,
        "award-issued",
        "award",
        issued.id,
        issued.issuer_id,
        badge_class_id=current.id,
        request=request.id,
    )


# The emails (the worker finds the request or the review by the message's subject).

MailParts = tuple[str, datetime, tuple[tuple[str, str], ...]]


def mail_for(ctx: Context, secret: str, kind: str, subject_id: str, language: str) -> MailParts | None:
    """(link, until, what the email names), or None when there is nothing left to send."""
    repo = BadgeRequests(ctx.session)
    if kind == REVIEW_MAIL:
        review = repo.review(subject_id)
        request = repo.get(review.request_id) if review is not None else None
        if (
            review is None
            or request is None
            or request.state != rules.PENDING
            or review.state != rules.INVITED
        ):
            return None
        badge = request_badge(ctx, request)
        url = f"{ctx.urls.base}/relecture/{rules.review_token(secret, review.id)}"
        invited: tuple[tuple[str, str], ...] = (
            ("badge", badge.name),
            ("issuer", badge.issuer.name),
            ("requester", request.name),
        )
        return url, review.created_at + rules.REVIEW_LIFETIME, invited
    request = repo.get(subject_id)
    if request is None or request.state == rules.WITHDRAWN:
        return None
    if kind == CONFIRM_MAIL and request.state != rules.UNCONFIRMED:
        return None
    badge = request_badge(ctx, request)
    url = f"{ctx.urls.base}/mes-demandes/{rules.request_token(secret, request.id)}"
    state = {rules.APPROVED: "approved", rules.DECLINED: "declined"}.get(request.state, "pending")
    details = (("badge", badge.name), ("issuer", badge.issuer.name), ("name", request.name), ("state", state))
    return url, request.created_at + rules.UNCONFIRMED_LIFETIME, details
