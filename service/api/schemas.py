"""What the coordinator API returns. Requests reuse the use cases' commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from service.openbadges.urls import PublicUrls
from service.persistence.tables import Award, BadgeClass, Issuer, SigningKey

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class KeyOut(BaseModel):
    kid: str
    algorithm: str
    purpose: str  # ob2 | vc-jwt | data-integrity
    created_at: datetime
    retired_at: datetime | None
    withdrawn_at: datetime | None
    url: str

    @classmethod
    def of(cls, key: SigningKey, urls: PublicUrls) -> KeyOut:
        return cls(
            kid=key.kid,
            algorithm=key.algorithm,
            purpose=key.purpose,
            created_at=key.created_at,
            retired_at=key.retired_at,
            withdrawn_at=key.withdrawn_at,
            url=urls.key(key.kid),
        )


class IssuerOut(BaseModel):
    id: str
    name: str
    url: str
    email: str
    description: str | None
    siret: str | None
    rna: str | None
    linkedin_organisation_id: str | None
    image_url: str | None
    public_url: str
    revocation_list_url: str
    keys: list[KeyOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, issuer: Issuer, keys: list[SigningKey], urls: PublicUrls) -> IssuerOut:
        return cls(
            id=issuer.id,
            name=issuer.name,
            url=issuer.url,
            email=issuer.email,
            description=issuer.description,
            siret=issuer.siret,
            rna=issuer.rna,
            linkedin_organisation_id=issuer.linkedin_organisation_id,
            image_url=urls.issuer_image(issuer.id) if issuer.image is not None else None,
            public_url=urls.issuer(issuer.id),
            revocation_list_url=urls.revocation_list(issuer.id),
            keys=[KeyOut.of(k, urls) for k in keys],
            created_at=issuer.created_at,
            updated_at=issuer.updated_at,
        )


class BadgeClassOut(BaseModel):
    id: str
    issuer_id: str
    name: str
    description: str
    criteria_narrative: str | None
    criteria_url: str | None
    image_url: str
    image_type: str
    tags: list[str]
    alignments: list[dict[str, Any]]
    language: str
    validity_days: int | None
    prerequisites: list[str]  # series ids: any version of each counts
    series_id: str
    version: int
    replaced_by_id: str | None
    public_url: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, badge_class: BadgeClass, urls: PublicUrls) -> BadgeClassOut:
        return cls(
            id=badge_class.id,
            issuer_id=badge_class.issuer_id,
            name=badge_class.name,
            description=badge_class.description,
            criteria_narrative=badge_class.criteria_narrative,
            criteria_url=badge_class.criteria_url,
            image_url=urls.badge_class_image(badge_class.id),
            image_type=badge_class.image_type,
            tags=list(badge_class.tags),
            alignments=list(badge_class.alignments),
            language=badge_class.language,
            validity_days=badge_class.validity_days,
            prerequisites=[str(p) for p in badge_class.prerequisites],
            series_id=badge_class.series_id,
            version=badge_class.version,
            replaced_by_id=badge_class.replaced_by_id,
            public_url=urls.badge_class(badge_class.id),
            created_at=badge_class.created_at,
            updated_at=badge_class.updated_at,
        )


class CatalogueImportOut(BaseModel):
    created: list[BadgeClassOut]
    kept: list[BadgeClassOut]


class AwardOut(BaseModel):
    id: str
    badge_class_id: str
    issuer_id: str
    recipient_email: str | None = Field(description="null for a viewer token: people's data is not theirs")
    recipient_name: str | None
    issued_on: datetime
    expires_at: datetime | None
    narrative: str | None
    evidence: list[dict[str, Any]]
    revoked: bool
    revoked_at: datetime | None
    revocation_reason: str | None
    signing_kid: str
    assertion_url: str
    page_url: str = Field(description="The badge page for people (HTML, share cards); once published")
    signed_assertion_url: str
    credential_url: str | None
    credential_jwt_url: str | None
    created_at: datetime

    @classmethod
    def of(cls, award: Award, urls: PublicUrls) -> AwardOut:
        return cls(
            id=award.id,
            badge_class_id=award.badge_class_id,
            issuer_id=award.issuer_id,
            recipient_email=award.recipient_email,
            recipient_name=award.recipient_name,
            issued_on=award.issued_on,
            expires_at=award.expires_at,
            narrative=award.narrative,
            evidence=list(award.evidence),
            revoked=award.revoked_at is not None,
            revoked_at=award.revoked_at,
            revocation_reason=award.revocation_reason,
            signing_kid=award.signing_kid,
            assertion_url=urls.award(award.id),
            page_url=urls.award_page(award.id),
            signed_assertion_url=urls.signed_award(award.id),
            credential_url=urls.credential(award.id) if award.credential is not None else None,
            credential_jwt_url=urls.credential_jwt(award.id) if award.credential_jwt is not None else None,
            created_at=award.created_at,
        )


class CredentialOut(BaseModel):
    credential: dict[str, Any]
    jwt: str
