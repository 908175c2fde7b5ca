"""Open Badges 2.0 documents (1EdTech OB 2.0: Issuer, BadgeClass, Assertion, CryptographicKey,
RevocationList). Pure functions: records in, JSON-LD dictionaries out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from service.domain.recipients import HashedRecipient
from service.openbadges.urls import PublicUrls

CONTEXT = "https://w3id.org/openbadges/v2"
Json = dict[str, Any]


class IssuerRecord(Protocol):
    id: str
    name: str
    url: str
    email: str
    description: str | None
    image: bytes | None


class BadgeClassRecord(Protocol):
    id: str
    issuer_id: str
    name: str
    description: str
    criteria_narrative: str | None
    criteria_url: str | None
    tags: list[Any]
    alignments: list[Any]


class AwardRecord(Protocol):
    id: str
    badge_class_id: str
    issuer_id: str  # who awarded it: the class's issuer, or a member of the class's network

    @property
    def class_issuer_id(self) -> str: ...

    salt: str
    recipient_email: str
    issued_on: datetime
    expires_at: datetime | None
    narrative: str | None
    evidence: list[Any]
    revoked_at: datetime | None
    revocation_reason: str | None


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second, as verifiers parse most reliably."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer(
    record: IssuerRecord, urls: PublicUrls, active_key_id: str | None, endorsements: Iterable[str] = ()
) -> Json:
    """The Issuer profile. ``publicKey`` names the one active RSA key: the 1EdTech validator
    refuses a profile with several, and retired keys stay published at their own URLs with
    ``owner`` pointing back here, so signatures made before a rotation can still be checked."""
    document: Json = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": urls.issuer(record.id),
        "name": record.name,
        "url": record.url,
        "email": record.email,
        "revocationList": urls.revocation_list(record.id),
    }
    if active_key_id is not None:
        document["publicKey"] = urls.key(active_key_id)
    if record.description:
        document["description"] = record.description
    if record.image is not None:
        document["image"] = urls.issuer_image(record.id)
    _endorse(document, endorsements)
    return document


def _endorse(document: Json, endorsements: Iterable[str]) -> None:
    """``endorsement``: the URLs of the hosted Endorsements of this issuer, class or assertion."""
    links = list(endorsements)
    if links:
        document["endorsement"] = links


def criteria_fields(record: BadgeClassRecord) -> Json:
    """The criteria in the Open Badges vocabulary (the same terms in OB 2.0 and 3.0)."""
    criteria: Json = {}
    if record.criteria_url:
        criteria["id"] = record.criteria_url
    if record.criteria_narrative:
        criteria["narrative"] = record.criteria_narrative
    return criteria


def badge_class(
    record: BadgeClassRecord,
    urls: PublicUrls,
    endorsements: Iterable[str] = (),
    *,
    member_id: str | None = None,
) -> Json:
    """The BadgeClass; with ``member_id``, the network's class as a member structure awards it
    (OB 2.0 has no ``creator``: the awarding member is the class's issuer, at a URL of its own)."""
    criteria = criteria_fields(record)
    document: Json = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": urls.member_badge_class(record.id, member_id) if member_id else urls.badge_class(record.id),
        "name": record.name,
        "description": record.description,
        "image": urls.badge_class_image(record.id),
        "criteria": criteria,
        "issuer": urls.issuer(member_id or record.issuer_id),
    }
    if record.tags:
        document["tags"] = list(record.tags)
    if record.alignments:
        document["alignment"] = [alignment_fields(a) for a in record.alignments]
    _endorse(document, endorsements)
    return document


def alignment_fields(stored: dict[str, Any]) -> Json:
    """A stored alignment in the Open Badges vocabulary (the same terms in OB 2.0 and 3.0)."""
    out: Json = {"targetName": stored["target_name"], "targetUrl": stored["target_url"]}
    for ours, theirs in (
        ("target_description", "targetDescription"),
        ("target_framework", "targetFramework"),
        ("target_code", "targetCode"),
    ):
        if stored.get(ours):
            out[theirs] = stored[ours]
    return out


def evidence_fields(stored: dict[str, Any]) -> Json:
    """A stored evidence item in the Open Badges vocabulary (its URL becomes its id)."""
    out: Json = {}
    if stored.get("url"):
        out["id"] = stored["url"]
    for key in ("narrative", "name", "description"):
        if stored.get(key):
            out[key] = stored[key]
    return out


def assertion(
    record: AwardRecord,
    urls: PublicUrls,
    *,
    signed_by: str | None = None,
    endorsements: Iterable[str] = (),
    class_issuer_id: str | None = None,
) -> Json:
    """The hosted assertion, or the payload of the signed one when ``signed_by`` names a key URL."""
    recipient = HashedRecipient.for_email(record.recipient_email, record.salt)
    document: Json = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.award(record.id),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": recipient.salt,
            "identity": recipient.identity,
        },
        "badge": badge_url(record, urls, class_issuer_id),
        "issuedOn": iso(record.issued_on),
        "verification": (
            {"type": "SignedBadge", "creator": signed_by} if signed_by else {"type": "HostedBadge"}
        ),
    }
    if record.expires_at is not None:
        document["expires"] = iso(record.expires_at)
    if record.narrative:
        document["narrative"] = record.narrative
    if record.evidence:
        document["evidence"] = [{"type": "Evidence", **evidence_fields(item)} for item in record.evidence]
    _endorse(document, endorsements)
    return document


def badge_url(record: AwardRecord, urls: PublicUrls, class_issuer_id: str | None = None) -> str:
    """The BadgeClass an assertion names: the class, or, when a member of the class's network
    awarded it, the class as that member awards it. ``class_issuer_id`` for an award not yet
    written (whose class is not loaded)."""
    if record.issuer_id != (class_issuer_id or record.class_issuer_id):
        return urls.member_badge_class(record.badge_class_id, record.issuer_id)
    return urls.badge_class(record.badge_class_id)


def revoked_assertion(record: AwardRecord, urls: PublicUrls) -> Json:
    """What the hosted URL answers (with HTTP 410) once the award is revoked."""
    document = assertion(record, urls)
    document["revoked"] = True
    if record.revocation_reason:
        document["revocationReason"] = record.revocation_reason
    return document


def erased_assertion(award_id: str, urls: PublicUrls) -> Json:
    """What the hosted URL answers (with HTTP 410) once the earner had their data erased: the
    award is revoked, and nothing about the earner remains to be shown."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.award(award_id),
        "revoked": True,
        "revocationReason": "erased at the earner's request",
    }


def cryptographic_key(kid: str, issuer_id: str, public_pem: str, urls: PublicUrls) -> Json:
    return {
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": urls.key(kid),
        "owner": urls.issuer(issuer_id),
        "publicKeyPem": public_pem,
    }


NEVER_ISSUED = "urn:uuid:00000000-0000-4000-8000-000000000000"  # no award id is ever a UUID URN


def revocation_list(issuer_id: str, revoked: Iterable[tuple[str, str | None]], urls: PublicUrls) -> Json:
    entries: list[Json] = []
    for award_id, reason in revoked:
        entry: Json = {"id": urls.award(award_id)}
        if reason:
            entry["revocationReason"] = reason
        entries.append(entry)
    if len(entries) == 1:
        # The 1EdTech validator compacts a one-entry list into an object and then misses the
        # revocation: a placeholder that no assertion will ever have keeps it a list, so an
        # issuer's first revocation is seen there too (tests/interop/test_ob2_validator.py).
        entries.append({"id": NEVER_ISSUED})
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": urls.revocation_list(issuer_id),
        "issuer": urls.issuer(issuer_id),
        "revokedAssertions": entries,
    }
