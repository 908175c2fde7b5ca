"""Endorsements: invitations to endorse, endorsing through an invitation's link, withdrawing
through the link sent to the author, and the endorsers' public documents.

An endorser is a profile hosted here with an Ed25519 key the instance keeps for it (created at
its first endorsement): its endorsements are EndorsementCredentials it signs (Data Integrity
``eddsa-rdfc-2022``), resolvable through its did:web DID, with a place in its own Bitstring
status list; withdrawing sets that bit, so a copy embedded in a credential stops verifying too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519
from email_validator import EmailNotValidError, validate_email

from service.domain import endorsements as rules
from service.domain import status_bits
from service.domain.audit import EARNER, Actor
from service.domain.recipients import normalise_email
from service.errors import Conflict, FabriqueError, Forbidden, Gone, InvalidInput, NotFound
from service.i18n.catalogue import N_, text
from service.i18n.endorsements import BASES
from service.i18n.language import supported
from service.ids import new_id
from service.openbadges import endorsements as documents
from service.openbadges.schema import endorsement_schema_errors
from service.persistence.audit import AuditEvents
from service.persistence.database import register_pending_file
from service.persistence.endorsement_repositories import Eligibility, Endorsements, Endorsers, Invitations
from service.persistence.endorsement_tables import Endorsement, EndorsementInvitation, Endorser
from service.persistence.repositories import Awards, BadgeClasses, Issuers
from service.persistence.tables import Award, BadgeClass, Issuer
from service.signing import keystore
from service.signing.data_integrity import add_proof
from service.signing.did_web import (
    PublishedKey,
    did_document,
    endorser_did,
    issuer_did,
    verification_method_id,
)
from service.signing.keystore import Algorithm, KeyFileMissing
from service.usecases import audit, outbox
from service.usecases.context import Context

Json = dict[str, Any]
INVITATION_MAIL = "endorsement-invitation"
MADE_MAIL = "endorsement-made"
CREDENTIAL_NAME = N_("Recommandation : {name}")
MAX_EMBEDDED = 10  # per issuer, badge class or award, in OB 3.0 documents and credentials


@dataclass(frozen=True, slots=True)
class Target:
    """What an invitation or an endorsement is about, loaded."""

    subject: documents.Subject
    issuer: Issuer
    badge_class: BadgeClass | None
    award: Award | None


def target(ctx: Context, kind: str, subject_id: str) -> Target:
    """The issuer, badge class or award, as the subject of an endorsement; NotFound (or Gone for
    a revoked or erased award) when it cannot be endorsed."""
    if kind == rules.ISSUER:
        issuer = Issuers(ctx.session).get(subject_id)
        if issuer is None:
            raise NotFound("issuer-not-found", id=subject_id)
        return Target(documents.Subject(kind, issuer.id, issuer.id, issuer.name), issuer, None, None)
    if kind == rules.BADGE_CLASS:
        badge = BadgeClasses(ctx.session).get(subject_id)
        if badge is None:
            raise NotFound("badge-class-not-found", id=subject_id)
        return Target(
            documents.Subject(kind, badge.id, badge.issuer_id, badge.name), badge.issuer, badge, None
        )
    if kind == rules.AWARD:
        award = Awards(ctx.session).get(subject_id)
        if award is None:
            raise NotFound("award-not-found", id=subject_id)
        if award.revoked_at is not None or award.erased_at is not None:
            raise Gone("endorsement-subject-gone", id=subject_id)
        badge = award.badge_class
        return Target(
            documents.Subject(kind, award.id, award.issuer_id, badge.name), badge.issuer, badge, award
        )
    raise InvalidInput("endorsement-subject-invalid", field="subject_kind")


def _address(value: str, field: str = "email") -> str:
    try:
        return normalise_email(validate_email(value.strip()[:320], check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInput("email-invalid", field=field) from exc


def eligible(ctx: Context, found: Target, basis: str, email: str) -> bool:
    """Whether ``email`` may vouch for ``found`` on ``basis`` (the facts of the database now)."""
    if not rules.allowed(found.subject.kind, basis):
        return False
    if basis in (rules.PARTNER, rules.EMPLOYER):
        return True  # the coordinators' invitation is the ground
    facts = Eligibility(ctx.session)
    badge = found.badge_class
    if badge is None:
        return False
    versions = facts.series_ids(badge.series_id)
    if basis == rules.PEER:
        if found.award is not None and found.award.recipient_email == email:
            return False  # nobody vouches for their own badge
        return facts.holds_any(email, versions + facts.higher_than(versions, badge.issuer_id))
    if basis == rules.TRAINER:
        if found.award is not None:
            return facts.trained_session_of(email, found.award.id)
        return facts.trained_for(email, versions)
    return False


def holds(ctx: Context, email: str, badge: BadgeClass) -> bool:
    """Whether the address holds the badge (any version), neither revoked nor erased."""
    facts = Eligibility(ctx.session)
    return facts.holds_any(email, facts.series_ids(badge.series_id))


def invite(
    ctx: Context,
    *,
    kind: str,
    subject_id: str,
    basis: str,
    email: str,
    name: str | None,
    language: str,
    invited_by: str,
) -> EndorsementInvitation:
    """A coordinator invites someone to endorse (checked against the rules now and again when
    the link is used). A trainer or a peer who is not one is refused (409)."""
    found = target(ctx, kind, subject_id)
    if basis not in rules.INVITED_BASES or not rules.allowed(kind, basis):
        raise InvalidInput("endorsement-basis-invalid", field="basis")
    address = _address(email)
    if not eligible(ctx, found, basis, address):
        raise Conflict("endorser-not-eligible", basis=basis)
    invitation = _invitation(ctx, found, basis, address, name, language, invited_by)
    audit.record(
        ctx, "endorsement-invited", found.subject.kind, found.subject.id, found.issuer.id, basis=basis
    )
    return invitation


def ask_peer(ctx: Context, award: Award, email: str, language: str) -> None:
    """The earner asks a peer to endorse their badge. The answer is the same whether the address
    holds the badge or not (nothing is learnt about others' badges); only a holder is written to.
    Every ask counts towards ``EARNER_INVITATIONS_PER_DAY`` per award (the audit log keeps them,
    without the address), so the limit says nothing about who holds what either."""
    audit.act_as(ctx.session, EARNER)  # only the earner's private link leads here
    found = target(ctx, rules.AWARD, award.id)
    address = _address(email)
    since = ctx.clock.now() - timedelta(days=1)
    _, asked = AuditEvents(ctx.session).search(
        action="endorsement-requested", subject_id=award.id, since=since, limit=1
    )
    if asked >= rules.EARNER_INVITATIONS_PER_DAY:
        raise Conflict("endorsement-requests-exhausted")
    audit.record(ctx, "endorsement-requested", rules.AWARD, award.id, award.issuer_id)
    if eligible(ctx, found, rules.PEER, address):
        _invitation(ctx, found, rules.PEER, address, None, language, f"award:{award.id}")


def _invitation(
    ctx: Context, found: Target, basis: str, email: str, name: str | None, language: str, invited_by: str
) -> EndorsementInvitation:
    now = ctx.clock.now()
    invitation = EndorsementInvitation(
        id=new_id(),
        issuer_id=found.issuer.id,
        subject_kind=found.subject.kind,
        subject_id=found.subject.id,
        basis=basis,
        email=email,
        name=(name or "").strip()[: rules.NAME_MAX] or None,
        language=language,
        invited_by=invited_by[:64],
        created_at=now,
        expires_at=now + rules.INVITATION_LIFETIME,
        used_at=None,
        endorsement_id=None,
    )
    ctx.session.add(invitation)
    # The email's row has the invitation's id: the worker finds the invitation from it.
    outbox.enqueue_mail(ctx, INVITATION_MAIL, email, language, message_id=invitation.id)
    return invitation


@dataclass(frozen=True, slots=True)
class Opened:
    invitation: EndorsementInvitation
    target: Target
    endorser: Endorser | None  # the profile this address already has, to prefill the form


def open_invitation(ctx: Context, secret: str, token: str, *, for_update: bool = False) -> Opened:
    """The invitation a genuine link names, while it can be used."""
    invitation_id = rules.invitation_of(secret, token)
    repo = Invitations(ctx.session)
    invitation = None
    if invitation_id is not None:
        invitation = repo.get_for_update(invitation_id) if for_update else repo.get(invitation_id)
    if invitation is None:
        raise NotFound("endorsement-invitation-invalid")
    if invitation.used_at is not None:
        raise Gone("endorsement-invitation-used")
    if not rules.invitation_usable(invitation.expires_at, invitation.used_at, ctx.clock.now()):
        raise Gone("endorsement-invitation-expired")
    found = target(ctx, invitation.subject_kind, invitation.subject_id)
    return Opened(invitation, found, Endorsers(ctx.session).by_email(invitation.email))


@dataclass(frozen=True, slots=True)
class EndorsementForm:
    name: str
    kind: str  # person | organisation
    organisation: str | None
    url: str | None
    public_email: str
    comment: str
    consent: bool


def check_form(form: EndorsementForm) -> EndorsementForm:
    """The form as it will be published, or ``InvalidInput`` naming the first field refused."""
    name = " ".join(form.name.split())
    if not name or len(name) > rules.NAME_MAX:
        raise InvalidInput("endorser-name-invalid", field="name")
    if form.kind not in rules.KINDS:
        raise InvalidInput("endorser-kind-invalid", field="kind")
    organisation = " ".join((form.organisation or "").split()) or None
    if organisation is not None and len(organisation) > rules.NAME_MAX:
        raise InvalidInput("endorser-organisation-invalid", field="organisation")
    url = (form.url or "").strip() or None
    if url is not None:
        parts = urlsplit(url)
        if len(url) > 2048 or parts.scheme not in ("https", "http") or not parts.netloc or " " in url:
            raise InvalidInput("endorser-url-invalid", field="url")
    public_email = _address(form.public_email, "public_email")
    comment = form.comment.strip().replace("\r\n", "\n")
    if (
        not comment
        or len(comment) > rules.COMMENT_MAX
        or any(ord(c) < 32 and c not in "\n\t" for c in comment)
    ):
        raise InvalidInput("endorsement-comment-invalid", field="comment", max=rules.COMMENT_MAX)
    if not form.consent:
        raise InvalidInput("endorsement-consent-required", field="consent")
    return EndorsementForm(name, form.kind, organisation, url, public_email, comment, True)


def endorse(ctx: Context, secret: str, token: str, form: EndorsementForm) -> Endorsement:
    """Use an invitation: the author's profile (made at their first endorsement, updated at the
    next ones), then the endorsement, signed by the author's key. Once per invitation."""
    checked = check_form(form)
    opened = open_invitation(ctx, secret, token, for_update=True)
    invitation, found = opened.invitation, opened.target
    if not eligible(ctx, found, invitation.basis, invitation.email):
        raise Forbidden("endorser-not-eligible", basis=invitation.basis)
    endorser = _endorser(ctx, opened.endorser, invitation.email, checked)
    endorsement = _sign(ctx, endorser, found.subject, invitation.basis, checked.comment, invitation.language)
    invitation.used_at = ctx.clock.now()
    invitation.endorsement_id = endorsement.id
    outbox.enqueue_mail(ctx, MADE_MAIL, invitation.email, invitation.language, message_id=endorsement.id)
    audit.act_as(ctx.session, Actor("endorser", endorser.id, invitation.email))
    audit.record(
        ctx, "endorsement-made", found.subject.kind, found.subject.id, found.issuer.id, basis=invitation.basis
    )
    return endorsement


def _endorser(ctx: Context, existing: Endorser | None, email: str, form: EndorsementForm) -> Endorser:
    if existing is not None:
        existing.name, existing.kind = form.name, form.kind
        existing.organisation, existing.url = form.organisation, form.url
        existing.public_email = form.public_email
        return existing
    endorser_id = new_id()
    generated = keystore.generate(Algorithm.EDDSA)
    register_pending_file(ctx.session, ctx.keys.save(endorser_id, generated))
    endorser = Endorser(
        id=endorser_id,
        email=email,
        public_email=form.public_email,
        name=form.name,
        kind=form.kind,
        organisation=form.organisation,
        url=form.url,
        kid=generated.kid,
        public_jwk=generated.public_jwk,
        created_at=ctx.clock.now(),
    )
    ctx.session.add(endorser)
    ctx.session.flush()
    return endorser


def endorse_as(
    ctx: Context, email: str, form: EndorsementForm, subject: documents.Subject, basis: str, language: str
) -> Endorsement:
    """An endorsement made by the service on its author's behalf, once they consented (a
    reviewer who approved a badge request): no invitation, the rules were checked by the caller.
    ``subject`` may name an award about to be issued (its credential then embeds it)."""
    checked = check_form(form)
    endorser = _endorser(ctx, Endorsers(ctx.session).by_email(email), email, checked)
    return _sign(ctx, endorser, subject, basis, checked.comment, language)


def _sign(
    ctx: Context, endorser: Endorser, subject: documents.Subject, basis: str, comment: str, language: str
) -> Endorsement:
    taken = Endorsements(ctx.session).taken_indexes(endorser.id)
    index = status_bits.random_index(status_bits.MIN_ENTRIES, lambda i: i in taken)
    endorsement_id = new_id()
    did = endorser_did(ctx.urls.host, endorser.id)
    now = ctx.clock.now()
    unsigned = documents.credential(
        endorsement_id,
        endorser_profile_document=documents.endorser_profile(endorser, did, ctx.urls),
        subject=subject,
        subject_ob3_id=subject.ob3_id(ctx.urls, issuer_did(ctx.urls.host, subject.issuer_id)),
        comment=comment,
        issued_on=now,
        credential_status=documents.status_entry(ctx.urls.endorser_status(endorser.id), index),
        urls=ctx.urls,
        name=text(CREDENTIAL_NAME, supported(language) or "fr", {"name": subject.name}),
    )
    errors = endorsement_schema_errors(unsigned)
    if errors:
        raise InvalidInput("credential-schema-invalid", errors="; ".join(errors[:5]))
    signed = add_proof(unsigned, _private_key(ctx, endorser), verification_method_id(did, endorser.kid), now)
    endorsement = Endorsement(
        id=endorsement_id,
        endorser_id=endorser.id,
        issuer_id=subject.issuer_id,
        subject_kind=subject.kind,
        subject_id=subject.id,
        basis=basis,
        comment=comment,
        language=language,
        status_index=index,
        credential=signed,
        created_at=now,
        withdrawn_at=None,
    )
    ctx.session.add(endorsement)
    ctx.session.flush()
    return endorsement


def _private_key(ctx: Context, endorser: Endorser) -> ed25519.Ed25519PrivateKey:
    private_key = ctx.keys.load(endorser.id, endorser.kid)
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise KeyFileMissing(f"key {endorser.kid} is not an Ed25519 key")
    return private_key


def open_withdrawal(ctx: Context, secret: str, token: str) -> Endorsement:
    endorsement_id = rules.withdrawal_of(secret, token)
    found = Endorsements(ctx.session).get(endorsement_id) if endorsement_id else None
    if found is None:
        raise NotFound("endorsement-not-found")
    return found


def withdraw(ctx: Context, secret: str, token: str) -> Endorsement:
    """The author withdraws (once; again is harmless): gone from pages and documents, its bit
    set in the author's status list."""
    endorsement = open_withdrawal(ctx, secret, token)
    if endorsement.withdrawn_at is None:
        endorsement.withdrawn_at = ctx.clock.now()
        endorser = Endorsers(ctx.session).get(endorsement.endorser_id)
        audit.act_as(
            ctx.session, Actor("endorser", endorsement.endorser_id, endorser.email if endorser else "")
        )
        audit.record(
            ctx,
            "endorsement-withdrawn",
            endorsement.subject_kind,
            endorsement.subject_id,
            endorsement.issuer_id,
        )
    return endorsement


def withdraw_for_erased_award(ctx: Context, award_id: str) -> None:
    """An erased award leaves nothing to vouch for: its endorsements are withdrawn, its pending
    invitations deleted."""
    Endorsements(ctx.session).withdraw_all_of(rules.AWARD, award_id, ctx.clock.now())
    Invitations(ctx.session).delete_for_award(award_id)


# The emails (sent by the worker, which knows the row by the message's id).

MailParts = tuple[str, datetime, tuple[tuple[str, str], ...]]


def mail_for(ctx: Context, secret: str, kind: str, message_id: str, language: str) -> MailParts | None:
    """(link, until, what the email names) for an invitation still usable or an endorsement not
    withdrawn; None when there is nothing left to send."""
    now = ctx.clock.now()
    if kind == INVITATION_MAIL:
        invitation = Invitations(ctx.session).get(message_id)
        if invitation is None or not rules.invitation_usable(invitation.expires_at, invitation.used_at, now):
            return None
        try:
            found = target(ctx, invitation.subject_kind, invitation.subject_id)
        except FabriqueError:
            return None
        url = f"{ctx.urls.base}/recommander/{rules.invitation_token(secret, invitation.id)}"
        details: tuple[tuple[str, str], ...] = (
            ("issuer", found.issuer.name),
            ("badge", found.subject.name),
            ("basis", BASES.get(invitation.basis, invitation.basis)),
            ("subject_kind", found.subject.kind),
        )
        return url, invitation.expires_at, details
    made = Endorsements(ctx.session).get(message_id)
    if made is None or made.withdrawn_at is not None:
        return None
    url = f"{ctx.urls.base}/recommandations/retrait/{rules.withdrawal_token(secret, made.id)}"
    made_details: tuple[tuple[str, str], ...] = (
        ("name", made.endorser.name),
        ("badge", subject_name(ctx, made)),
        ("page", ctx.urls.endorsement(made.id)),
    )
    return url, made.created_at, made_details


# What is shown and embedded.


def current_for(ctx: Context, kind: str, subject_id: str) -> list[Endorsement]:
    return list(Endorsements(ctx.session).current_for(kind, subject_id))


def of_endorser(ctx: Context, endorser_id: str) -> list[Endorsement]:
    """The author's endorsements not withdrawn."""
    return [e for e in Endorsements(ctx.session).of_endorser(endorser_id) if e.withdrawn_at is None]


def subject_name(ctx: Context, endorsement: Endorsement) -> str:
    """The name of what an endorsement is about (the issuer's, or the badge's)."""
    if endorsement.subject_kind == rules.ISSUER:
        issuer = Issuers(ctx.session).get(endorsement.subject_id)
        return issuer.name if issuer else ""
    if endorsement.subject_kind == rules.BADGE_CLASS:
        badge = BadgeClasses(ctx.session).get(endorsement.subject_id)
        return badge.name if badge else ""
    award = Awards(ctx.session).get(endorsement.subject_id)
    return award.badge_class.name if award else ""


def embedded(ctx: Context, kind: str, subject_id: str) -> list[Json]:
    """The signed EndorsementCredentials of one thing, for its OB 3.0 ``endorsement``: the
    ``MAX_EMBEDDED`` newest, so that a much-endorsed network does not make every credential it
    signs heavy (pages show them all; OB 2.0 links them all)."""
    current = current_for(ctx, kind, subject_id)
    return [e.credential for e in current[-MAX_EMBEDDED:]]


def ob2_links(ctx: Context, kind: str, subject_id: str) -> list[str]:
    """The hosted OB 2.0 Endorsements of one thing, for its OB 2.0 ``endorsement``."""
    return [ctx.urls.endorsement(e.id) for e in current_for(ctx, kind, subject_id)]


# The endorsers' and endorsements' public documents.


def endorser(ctx: Context, endorser_id: str) -> Endorser:
    found = Endorsers(ctx.session).get(endorser_id)
    if found is None:
        raise NotFound("endorser-not-found", id=endorser_id)
    return found


def endorsement(ctx: Context, endorsement_id: str) -> Endorsement:
    """An endorsement; a withdrawn one is gone (410), as is one of an erased award."""
    found = Endorsements(ctx.session).get(endorsement_id)
    if found is None:
        raise NotFound("endorsement-not-found", id=endorsement_id)
    if found.withdrawn_at is not None:
        raise Gone("endorsement-withdrawn", id=endorsement_id)
    return found


def ob2_document(ctx: Context, endorsement_id: str) -> Json:
    found = endorsement(ctx, endorsement_id)
    subject = documents.Subject(found.subject_kind, found.subject_id, found.issuer_id, "")
    return documents.ob2_endorsement(
        found.id, found.endorser_id, subject, found.comment, found.created_at, ctx.urls
    )


def endorser_ob2_profile(ctx: Context, endorser_id: str) -> Json:
    return documents.endorser_ob2_profile(endorser(ctx, endorser_id), ctx.urls)


def endorser_profile(ctx: Context, endorser_id: str) -> Json:
    found = endorser(ctx, endorser_id)
    return documents.endorser_profile(
        found, endorser_did(ctx.urls.host, found.id), ctx.urls, with_context=True
    )


def endorser_did_document(ctx: Context, endorser_id: str) -> Json:
    found = endorser(ctx, endorser_id)
    return did_document(endorser_did(ctx.urls.host, found.id), [PublishedKey(found.kid, found.public_jwk)])


def endorser_status_list(ctx: Context, endorser_id: str) -> Json:
    """The endorser's status list, signed now (its bits come from the withdrawals)."""
    found = endorser(ctx, endorser_id)
    bits = status_bits.bitstring(
        status_bits.MIN_ENTRIES, Endorsements(ctx.session).withdrawn_indexes(found.id)
    )
    did = endorser_did(ctx.urls.host, found.id)
    unsigned = documents.status_list_credential(
        ctx.urls.endorser_status(found.id), did, found.created_at, status_bits.encode(bits)
    )
    return add_proof(
        unsigned, _private_key(ctx, found), verification_method_id(did, found.kid), ctx.clock.now()
    )


def for_issuer(ctx: Context, issuer_id: str) -> list[Endorsement]:
    return list(Endorsements(ctx.session).for_issuer(issuer_id))
