"""Endorsements in both standards. Pure functions: records in, JSON-LD dictionaries out.

- OB 3.0: an ``EndorsementCredential`` (W3C VC 2.0) issued by the endorser's Profile (its did:web
  DID), subject an ``EndorsementSubject`` whose ``id`` is the endorsed thing's OB 3.0 id (the
  issuer's DID, the Achievement, or the award's AchievementCredential), with a Bitstring status
  entry in the endorser's own list (withdrawal).
- OB 2.0: an ``Endorsement`` (hosted) whose ``claim.id`` is the endorsed thing's OB 2.0 id (the
  Issuer, the BadgeClass, or the Assertion), issued by the endorser's OB 2.0 Profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from service.openbadges.contexts import CREDENTIALS_V2, OB_V3, OB_V3_EXTENSIONS
from service.openbadges.ob2 import CONTEXT as OB2_CONTEXT
from service.openbadges.ob2 import iso
from service.openbadges.urls import PublicUrls

Json = dict[str, Any]
ENDORSEMENT_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
CONTEXT = [CREDENTIALS_V2, OB_V3, OB_V3_EXTENSIONS]


class EndorserRecord(Protocol):
    id: str
    name: str
    kind: str
    organisation: str | None
    url: str | None
    public_email: str


@dataclass(frozen=True, slots=True)
class Subject:
    """What is endorsed, by kind and id, with its name (for the credential's name)."""

    kind: str  # issuer | badge-class | award
    id: str
    issuer_id: str
    name: str

    def ob3_id(self, urls: PublicUrls, issuer_did: str) -> str:
        if self.kind == "issuer":
            return issuer_did
        if self.kind == "badge-class":
            return urls.achievement(self.id)
        return urls.credential(self.id)

    def ob2_id(self, urls: PublicUrls) -> str:
        if self.kind == "issuer":
            return urls.issuer(self.id)
        if self.kind == "badge-class":
            return urls.badge_class(self.id)
        return urls.award(self.id)


def endorser_display_name(record: EndorserRecord) -> str:
    """A person with a structure reads « Name (Structure) »; an organisation its name."""
    if record.kind == "person" and record.organisation:
        return f"{record.name} ({record.organisation})"
    return record.name


def endorser_profile(
    record: EndorserRecord, did: str, urls: PublicUrls, *, with_context: bool = False
) -> Json:
    """The endorser as an OB 3.0 Profile, identified by its did:web DID."""
    document: Json = {
        "id": did,
        "type": ["Profile"],
        "name": endorser_display_name(record),
        "url": record.url or urls.endorser(record.id),
    }
    return {"@context": [CREDENTIALS_V2, OB_V3], **document} if with_context else document


def endorser_ob2_profile(record: EndorserRecord, urls: PublicUrls) -> Json:
    """The endorser as an OB 2.0 Profile (the ``issuer`` of its Endorsements). ``url`` is its
    own site or its page here; ``email`` the contact address it chose to publish."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Profile",
        "id": urls.endorser(record.id),
        "name": endorser_display_name(record),
        "url": record.url or urls.endorser(record.id),
        "email": record.public_email,
    }


def credential(
    endorsement_id: str,
    *,
    endorser_profile_document: Json,
    subject: Subject,
    subject_ob3_id: str,
    comment: str,
    issued_on: datetime,
    credential_status: Json,
    urls: PublicUrls,
    name: str,
) -> Json:
    """An unsigned EndorsementCredential."""
    return {
        "@context": list(CONTEXT),
        "id": urls.endorsement_credential(endorsement_id),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": name,
        "issuer": endorser_profile_document,
        "validFrom": iso(issued_on),
        "awardedDate": iso(issued_on),
        "credentialSubject": {
            "id": subject_ob3_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
        "credentialStatus": credential_status,
        "credentialSchema": [{"id": ENDORSEMENT_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def ob2_endorsement(
    endorsement_id: str,
    endorser_id: str,
    subject: Subject,
    comment: str,
    issued_on: datetime,
    urls: PublicUrls,
) -> Json:
    """The hosted OB 2.0 Endorsement."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Endorsement",
        "id": urls.endorsement(endorsement_id),
        "claim": {"id": subject.ob2_id(urls), "endorsementComment": comment},
        "issuer": urls.endorser(endorser_id),
        "issuedOn": iso(issued_on),
        "verification": {"type": "HostedBadge"},
    }


def status_entry(list_url: str, index: int) -> Json:
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(list_url: str, endorser_did: str, valid_from: datetime, encoded_list: str) -> Json:
    """The endorser's BitstringStatusListCredential (unsigned): a set bit is a withdrawal."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": endorser_did,
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }
