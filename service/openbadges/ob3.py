"""Open Badges 3.0 documents (1EdTech OB 3.0 on W3C VC Data Model 2.0): Profile, Achievement,
AchievementCredential. Pure functions: records in, JSON-LD dictionaries out; unsigned."""

from __future__ import annotations

import uuid
from typing import Any

from service.domain.recipients import HashedRecipient
from service.openbadges.contexts import CREDENTIALS_V2, OB_V3, OB_V3_EXTENSIONS

__all__ = ["CONTEXT", "CREDENTIALS_V2", "OB_V3", "achievement", "credential", "profile"]
from service.openbadges.ob2 import (
    AwardRecord,
    BadgeClassRecord,
    IssuerRecord,
    alignment_fields,
    criteria_fields,
    evidence_fields,
    iso,
)
from service.openbadges.urls import PublicUrls

Json = dict[str, Any]
# The extensions context defines 1EdTechJsonSchemaValidator2019, named in credentialSchema:
# without it, JSON-LD safe mode in Data Integrity verifiers rejects the credential.
CONTEXT = [CREDENTIALS_V2, OB_V3, OB_V3_EXTENSIONS]
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
CREDENTIAL_SCHEMA = [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]


def profile(
    record: IssuerRecord,
    did: str,
    urls: PublicUrls,
    *,
    with_context: bool = False,
    endorsements: list[Json] | None = None,
) -> Json:
    """The issuer as an OB 3.0 Profile, identified by its did:web DID."""
    document: Json = {
        "id": did,
        "type": ["Profile"],
        "name": record.name,
        "url": record.url,
        "email": record.email,
    }
    if record.description:
        document["description"] = record.description
    if record.image is not None:
        document["image"] = {"id": urls.issuer_image(record.id), "type": "Image", "caption": record.name}
    if endorsements:
        document["endorsement"] = list(endorsements)
    return {"@context": [CREDENTIALS_V2, OB_V3], **document} if with_context else document


def achievement(
    record: BadgeClassRecord,
    urls: PublicUrls,
    language: str,
    *,
    with_context: bool = False,
    endorsements: list[Json] | None = None,
    creator: Json | None = None,
) -> Json:
    """The badge class as an OB 3.0 Achievement (criteria, alignments, tags, image, language).
    ``creator``: the network's Profile, when a member structure awards the network's class (the
    standard's "authorization to issue": the credential's issuer is then the member)."""
    criteria = criteria_fields(record)
    document: Json = {
        "id": urls.achievement(record.id),
        "type": ["Achievement"],
        "name": record.name,
        "description": record.description,
        "criteria": criteria,
        "image": {"id": urls.badge_class_image(record.id), "type": "Image", "caption": record.name},
        "inLanguage": language,
    }
    if record.tags:
        document["tag"] = list(record.tags)
    if record.alignments:
        document["alignment"] = [{"type": ["Alignment"], **alignment_fields(a)} for a in record.alignments]
    if creator is not None:
        document["creator"] = creator
    if endorsements:
        # Signed EndorsementCredentials of the class, as they were when this was built.
        document["endorsement"] = list(endorsements)
    return {"@context": [CREDENTIALS_V2, OB_V3], **document} if with_context else document


# Namespace of the subjects' URNs: uuid5(namespace, award id) is the same for an award every time
# its credential is made, and tells nothing of the earner.
SUBJECT_NAMESPACE = uuid.UUID("6f1d8f3e-3b1c-5e0a-9d55-2c4b7a1e9f60")


def subject_urn(award_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, award_id)}"


def credential(
    award: AwardRecord,
    *,
    issuer_profile: Json,
    achievement_document: Json,
    urls: PublicUrls,
    credential_status: Json | None = None,
    subject_did: str | None = None,
    endorsements: list[Json] | None = None,
) -> Json:
    """An unsigned AchievementCredential. The subject is the earner's DID when known, else a
    salted hash of the email (the same salt as the OB 2.0 assertion of the same award). The
    subject always has an ``id`` (the DID, or a URN of this award alone, which links nothing
    across awards), so that every VC-JWT carries the ``sub`` claim OB 3.0 requires."""
    subject: Json = {
        "id": subject_did or subject_urn(award.id),
        "type": ["AchievementSubject"],
        "achievement": achievement_document,
    }
    if not subject_did:
        recipient = HashedRecipient.for_email(award.recipient_email, award.salt)
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": recipient.identity,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": recipient.salt,
            }
        ]
    if award.narrative:
        subject["narrative"] = award.narrative
    document: Json = {
        "@context": list(CONTEXT),
        "id": urls.credential(award.id),
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": achievement_document["name"],
        "issuer": issuer_profile,
        "validFrom": iso(award.issued_on),
        "awardedDate": iso(award.issued_on),
        "credentialSubject": subject,
        "credentialSchema": [dict(entry) for entry in CREDENTIAL_SCHEMA],
    }
    if award.expires_at is not None:
        document["validUntil"] = iso(award.expires_at)
    if credential_status is not None:
        # One entry: the OB 3.0 schema allows a single credentialStatus object.
        document["credentialStatus"] = credential_status
    if award.evidence:
        document["evidence"] = [{"type": ["Evidence"], **evidence_fields(item)} for item in award.evidence]
    if endorsements:
        document["endorsement"] = list(endorsements)
    return document
