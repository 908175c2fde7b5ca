"""What an earner decides about their own badge, through the private link in their email:
publish the page (with or without their name), hide it again, take a copy of everything, or
have it erased."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from service.domain.audit import EARNER
from service.errors import FabriqueError, Gone, NotFound
from service.openbadges import ob2
from service.persistence.repositories import Awards
from service.persistence.tables import Award
from service.persistence.training_repositories import AwardOrigins, Outbox
from service.persistence.wallet_repositories import Wallets
from service.usecases import audit, awards, badge_requests, baked, endorsements
from service.usecases.context import Context

ERASED_REASON = "Effacé à la demande de la personne titulaire · Erased at the earner's request"


def get(ctx: Context, award_id: str) -> Award:
    award = Awards(ctx.session).get(award_id)
    if award is None:
        raise NotFound("award-not-found", id=award_id)
    return award


def _locked(ctx: Context, award_id: str) -> Award:
    award = Awards(ctx.session).get_for_update(award_id)
    if award is None:
        raise NotFound("award-not-found", id=award_id)
    if award.erased_at is not None:
        raise Gone("award-erased", id=award_id)
    return award


def publish(ctx: Context, award_id: str, *, show_name: bool) -> Award:
    audit.act_as(ctx.session, EARNER)  # only the earner's private link leads here
    award = _locked(ctx, award_id)
    award.published_at = award.published_at or ctx.clock.now()
    award.show_name = show_name
    ctx.session.flush()
    audit.record(ctx, "award-published", "award", award.id, award.issuer_id, show_name=show_name)
    return award


def hide(ctx: Context, award_id: str) -> Award:
    audit.act_as(ctx.session, EARNER)  # only the earner's private link leads here
    award = _locked(ctx, award_id)
    award.published_at = None
    award.show_name = False
    ctx.session.flush()
    audit.record(ctx, "award-hidden", "award", award.id, award.issuer_id)
    return award


def erase(ctx: Context, award_id: str) -> Award:
    """Revoke the award (its status list bit says so to every verifier, for copies already
    downloaded) and delete what identifies the earner: email, name, narrative, the signed
    documents that carry their hashed email, queued emails, their enrolment in the session the
    badge came from. The award row stays, anonymous, so its place in the status list stays."""
    audit.act_as(ctx.session, EARNER)  # only the earner's private link leads here
    award = _locked(ctx, award_id)
    now = ctx.clock.now()
    if award.revoked_at is None:
        award.revoked_at = now
    # The coordinator's reason may name the earner, and the revocation list is public: it goes
    # too (regression, issue 15 point 13). The award was revoked; why is nobody's business now.
    award.revocation_reason = ERASED_REASON
    origins = AwardOrigins(ctx.session)
    origin = origins.get(award.id)
    if origin is not None:
        for enrolment in origins.enrolments(origin):
            enrolment.erase()
        origin.recipient = f"erased:{award.id}"  # keeps the uniqueness indexes satisfied
    Outbox(ctx.session).delete_for_award(award.id)
    Wallets(ctx.session).delete_for_award(award.id)  # the copies' holders and the open offers
    endorsements.withdraw_for_erased_award(ctx, award.id)  # nothing left to vouch for
    badge_requests.erase_for_award(ctx, award.id, award.recipient_email)  # their requests, evidence
    award.recipient_email = ""
    award.recipient_name = None
    award.narrative = None
    award.signed_assertion = ""
    award.credential = None
    award.credential_jwt = None
    award.published_at = None
    award.show_name = False
    award.erased_at = now
    ctx.session.flush()
    audit.record(ctx, "award-erased", "award", award.id, award.issuer_id)
    return award


def export(ctx: Context, award: Award) -> bytes:
    """A zip of everything held about this award: the badge in every form, and the personal data."""
    if award.erased_at is not None:
        raise Gone("award-erased", id=award.id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees-personnelles.json", json.dumps(_personal_data(ctx, award), indent=2))
        archive.writestr(
            "open-badges-2.0-assertion.json", json.dumps(ob2.assertion(award, ctx.urls), indent=2)
        )
        archive.writestr("open-badges-2.0-assertion-signee.jws", awards.signed_assertion(ctx, award))
        if award.credential is not None:
            archive.writestr("open-badges-3.0-credential.json", json.dumps(award.credential, indent=2))
        if award.credential_jwt:
            archive.writestr("open-badges-3.0-credential.jwt", award.credential_jwt)
        readme = _README
        if award.revoked_at is None:
            for standard in baked.Standard:
                try:
                    content, media_type = baked.baked_image(ctx, award, standard)
                except FabriqueError:  # one unusable image never costs the earner the archive
                    readme = _README + _NO_BAKED_IMAGE
                    continue
                extension = "png" if media_type == "image/png" else "svg"
                archive.writestr(f"badge-{standard.value}.{extension}", content)
        archive.writestr("LISEZ-MOI.txt", readme)
    return buffer.getvalue()


def _personal_data(ctx: Context, award: Award) -> dict[str, Any]:
    data: dict[str, Any] = {
        "award": award.id,
        "badge": award.badge_class.name,
        "issuer": award.issuer.name,
        "email": award.recipient_email,
        "name": award.recipient_name,
        "issued_on": ob2.iso(award.issued_on),
        "expires_at": award.expires_at and ob2.iso(award.expires_at),
        "narrative": award.narrative,
        "evidence": award.evidence,
        "page_published_at": award.published_at and ob2.iso(award.published_at),
        "name_shown_on_page": award.show_name,
        "revoked_at": award.revoked_at and ob2.iso(award.revoked_at),
        "revocation_reason": award.revocation_reason,
    }
    origins = AwardOrigins(ctx.session)
    origin = origins.get(award.id)
    enrolment = next(iter(origins.enrolments(origin)), None) if origin is not None else None
    if origin is not None and enrolment is not None:
        data["enrolment"] = {
            "session": origin.session_id,
            "name": enrolment.name,
            "email": enrolment.email,
            "structure": enrolment.structure,
            "profession": enrolment.profession,
            "language": enrolment.language,
            "half_days_attended": origins.half_days_attended(enrolment.id),
        }
    return data


_README = """Votre badge, sous toutes ses formes · Your badge, in every form

open-badges-3.0-credential.json   Open Badges 3.0 (preuve Data Integrity eddsa-rdfc-2022)
open-badges-3.0-credential.jwt    Open Badges 3.0 (VC-JWT)
open-badges-2.0-assertion*.json/.jws  Open Badges 2.0 (hébergée et signée · hosted and signed)
badge-ob3.*, badge-ob2.*          l'image du badge avec le badge intégré · the baked image
donnees-personnelles.json         ce que le service garde sur vous · what the service holds about you
"""
_NO_BAKED_IMAGE = """
L'image du badge n'a pas pu être préparée : elle manque à cette archive ; les autres formes
suffisent à prouver le badge. The badge image could not be prepared: it is missing from this
archive; the other forms are enough to prove the badge.
"""
