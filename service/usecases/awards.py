"""Awards: a badge class given to one person. Signed at issue; its URL never changes. The OB 2.0
signed assertion handed out is signed by the issuer's current OB 2.0 key, signed anew after a
rotation."""

from __future__ import annotations

from datetime import UTC, timedelta

from service.domain.recipients import new_salt
from service.errors import Conflict, InvalidInput, NotFound
from service.ids import new_id
from service.openbadges import ob2
from service.persistence.repositories import Awards, SigningKeys
from service.persistence.tables import Award, BadgeClass, Issuer
from service.signing.jws import sign_json
from service.signing.keystore import Algorithm, KeyPurpose
from service.usecases import audit, outbox
from service.usecases.commands import AwardCreate, Revocation
from service.usecases.context import Context
from service.usecases.credentials import sign_credential

# Clocks of the caller and of this service may disagree a little; further ahead is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=5)


def signed_assertion(ctx: Context, award: Award) -> str:
    """The OB 2.0 signed assertion as handed out now. While the key that signed it at issue is
    still the issuer's current OB 2.0 key, the stored one; after a rotation, the same assertion
    signed by the current key, the only one the issuer profile names (validators such as
    1EdTech's accept no other). RS256 (PKCS#1 v1.5) is deterministic: the same bytes each time."""
    key = SigningKeys(ctx.session).active(award.issuer_id, KeyPurpose.OB2)
    if key is None or key.kid == award.signing_kid or not award.signed_assertion:
        return award.signed_assertion
    payload = ob2.assertion(award, ctx.urls, signed_by=ctx.urls.key(key.kid))
    return sign_json(payload, ctx.keys.load(award.issuer_id, key.kid), Algorithm.RS256, key.kid)


def get(ctx: Context, award_id: str) -> Award:
    award = Awards(ctx.session).get(award_id)
    if award is None:
        raise NotFound("award-not-found", id=award_id)
    return award


def award(ctx: Context, badge_class: BadgeClass, command: AwardCreate) -> Award:
    """Award one badge to one person (the API, the console, a list): issued, and the earner's
    email queued unless ``command.notify`` is false."""
    issued = issue(ctx, badge_class, command)
    if command.notify:
        outbox.enqueue_award_email(ctx, issued, command.language)
    audit.record(
        ctx,
        "award-issued",
        "award",
        issued.id,
        issued.issuer_id,
        badge_class_id=badge_class.id,
        email=command.notify,
    )
    return issued


def issue(
    ctx: Context,
    badge_class: BadgeClass,
    command: AwardCreate,
    *,
    flush: bool = True,
    award_id: str | None = None,
    issuer: Issuer | None = None,
) -> Award:
    """Issue one award: OB 2.0 signed assertion, OB 3.0 credential with its status place, both
    signed. Nothing reaches the database before the award is whole (one flush, at the end);
    ``flush=False`` leaves even that to the caller, so that a batch is written in a few
    multi-row statements (a session closing issues hundreds in one transaction). ``award_id``
    is given when something signed before must name the award (its reviewers' endorsements);
    ``issuer`` when a member structure awards its network's class (the caller checked it may):
    the award is then the member's, signed with the member's keys."""
    if badge_class.replaced_by_id is not None:
        raise Conflict("badge-class-superseded", id=badge_class.id, current=badge_class.replaced_by_id)
    now = ctx.clock.now()
    issued_on = (command.issued_on or now).astimezone(UTC).replace(microsecond=0)
    if issued_on > now + FUTURE_TOLERANCE:
        raise InvalidInput("issued-on-in-future", field="issued_on")
    expires_at = command.expires_at
    if expires_at is None and badge_class.validity_days:
        expires_at = issued_on + timedelta(days=badge_class.validity_days)
    if expires_at is not None:
        expires_at = expires_at.astimezone(UTC).replace(microsecond=0)
        if expires_at <= issued_on:
            raise InvalidInput("expires-before-issue", field="expires_at")
    awarding = issuer or badge_class.issuer
    active_keys = SigningKeys(ctx.session).active_by_purpose(awarding.id)
    key = active_keys.get(KeyPurpose.OB2)
    if key is None:
        raise Conflict("issuer-has-no-signing-key", id=awarding.id)
    award = Award(
        id=award_id or new_id(),
        badge_class_id=badge_class.id,
        issuer_id=awarding.id,
        recipient_email=str(command.recipient_email).strip(),
        recipient_name=command.recipient_name,
        salt=new_salt(),
        issued_on=issued_on,
        expires_at=expires_at,
        narrative=command.narrative,
        evidence=[item.model_dump(mode="json", exclude_none=True) for item in command.evidence],
        signing_kid=key.kid,
        revoked_at=None,
        revocation_reason=None,
        created_at=now,
    )
    payload = ob2.assertion(
        award, ctx.urls, signed_by=ctx.urls.key(key.kid), class_issuer_id=badge_class.issuer_id
    )
    private_key = ctx.keys.load(awarding.id, key.kid)
    award.signed_assertion = sign_json(payload, private_key, Algorithm.RS256, key.kid)
    with ctx.session.no_autoflush:  # the status entry and the award are inserted together
        ctx.session.add(award)
        sign_credential(ctx, award, badge_class, active_keys, awarding)
    if flush:
        ctx.session.flush()
    return award


def revoke(ctx: Context, award_id: str, command: Revocation) -> Award:
    award = Awards(ctx.session).get_for_update(award_id)
    if award is None:
        raise NotFound("award-not-found", id=award_id)
    if award.revoked_at is not None:
        raise Conflict("award-already-revoked", id=award_id)
    award.revoked_at = ctx.clock.now()
    award.revocation_reason = command.reason
    ctx.session.flush()
    outbox.notify_revocation(ctx, award)
    audit.record(ctx, "award-revoked", "award", award.id, award.issuer_id)
    return award
