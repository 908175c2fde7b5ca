"""The relational schema. Created and changed only by the Alembic migrations beside this file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.base import ID, Base


class Issuer(Base):
    __tablename__ = "issuers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2048))
    email: Mapped[str] = mapped_column(String(320))
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_type: Mapped[str | None] = mapped_column(String(32))
    siret: Mapped[str | None] = mapped_column(String(14))
    rna: Mapped[str | None] = mapped_column(String(10))
    # LinkedIn's numeric id of the organisation's page: "Add to profile" then shows its logo.
    linkedin_organisation_id: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BadgeClass(Base):
    __tablename__ = "badge_classes"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    criteria_narrative: Mapped[str | None] = mapped_column(Text)
    criteria_url: Mapped[str | None] = mapped_column(String(2048))
    image: Mapped[bytes] = mapped_column(LargeBinary)
    image_type: Mapped[str] = mapped_column(String(32))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    alignments: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(35), default="fr")
    validity_days: Mapped[int | None]
    # Pathway: the ids of the badge classes whose holders earn this one (empty: not a pathway).
    prerequisites: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    # The entry of the shipped catalogue this class was imported from, if any.
    catalogue_key: Mapped[str | None] = mapped_column(String(64))
    # Versions: a class that was awarded is never changed; an edit makes a new version (same
    # series, version + 1) for future awards, and the old one points to it.
    series_id: Mapped[str] = mapped_column(ID, index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    replaced_by_id: Mapped[str | None] = mapped_column(ForeignKey("badge_classes.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    issuer: Mapped[Issuer] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (UniqueConstraint("issuer_id", "catalogue_key"),)


class Award(Base):
    __tablename__ = "awards"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    badge_class_id: Mapped[str] = mapped_column(
        ForeignKey("badge_classes.id", ondelete="RESTRICT"), index=True
    )
    # Denormalised from the badge class so scoping and revocation lists need no join.
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"))
    recipient_email: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    salt: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    narrative: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    signed_assertion: Mapped[str] = mapped_column(Text)
    signing_kid: Mapped[str] = mapped_column(ForeignKey("signing_keys.kid", ondelete="RESTRICT"))
    # OB 3.0 AchievementCredential with its Data Integrity proof, signed once at issue.
    credential: Mapped[dict[str, Any] | None]
    credential_kid: Mapped[str | None] = mapped_column(ForeignKey("signing_keys.kid", ondelete="RESTRICT"))
    credential_jwt: Mapped[str | None] = mapped_column(Text)  # VC-JWT, RS256
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # The earner's choices: the badge page is private until published through the link in
    # their email; their name shows on it only if they say so. Erasure removes their data.
    published_at: Mapped[datetime | None]
    show_name: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    erased_at: Mapped[datetime | None]

    badge_class: Mapped[BadgeClass] = relationship(lazy="joined", innerjoin=True)
    # Who awarded it: the badge class's issuer, or a member structure awarding a network's class.
    issuer: Mapped[Issuer] = relationship(lazy="joined", innerjoin=True)

    @property
    def class_issuer_id(self) -> str:
        return self.badge_class.issuer_id

    __table_args__ = (
        Index("ix_awards_issuer_created", "issuer_id", "created_at"),
        Index("ix_awards_issuer_revoked", "issuer_id", "revoked_at"),
    )


class SigningKey(Base):
    """Public half of an issuer's key; the private half is a PEM file under keys/."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)  # RFC 7638 thumbprint
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"))
    algorithm: Mapped[str] = mapped_column(String(16))  # RS256 | EdDSA
    purpose: Mapped[str] = mapped_column(String(16))  # ob2 | vc-jwt | data-integrity
    public_jwk: Mapped[dict[str, Any]]
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    # A withdrawn key (compromised, say) is no longer published: what it signed stops verifying.
    withdrawn_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_signing_keys_issuer_algorithm", "issuer_id", "algorithm"),
        # At most one active key per issuer and purpose, even under concurrent rotations.
        Index(
            "uq_signing_keys_active",
            "issuer_id",
            "purpose",
            unique=True,
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
    )


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings, never enough to use
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]  # to the nearest few minutes (tokens.LAST_USE_STEP)

    scopes: Mapped[list[ApiTokenScope]] = relationship(lazy="selectin", cascade="all, delete-orphan")

    @property
    def issuer_ids(self) -> frozenset[str]:
        return frozenset(scope.issuer_id for scope in self.scopes)


class ApiTokenScope(Base):
    __tablename__ = "api_token_issuers"

    token_id: Mapped[str] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"), primary_key=True)


class StatusList(Base):
    """A Bitstring Status List of one issuer and purpose. Its bits are not stored: they are
    derived from the awards (revoked_at), so OB 2.0 and OB 3.0 revocation cannot disagree."""

    __tablename__ = "status_lists"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # revocation
    size: Mapped[int]
    # Places given so far; kept beside the entries so that deciding to open a new list does not
    # count them. Updated under the row lock that also serialises allocation in this list.
    allocated: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime]


class StatusEntry(Base):
    """One award's place in a status list; the primary key forbids giving a place twice."""

    __tablename__ = "status_entries"

    list_id: Mapped[str] = mapped_column(ForeignKey("status_lists.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[str] = mapped_column(ForeignKey("awards.id", ondelete="RESTRICT"), index=True)

    __table_args__ = (UniqueConstraint("list_id", "award_id"),)


class PublicRevision(Base):
    """One row whose counter rises with every committed change that alters a public document
    served from process memory: an award revoked or erased, a signing key created, retired or
    withdrawn, an issuer or a badge class edited. Each process compares it with the revision its
    cached documents were built at (``service.persistence.public_revision``, which says exactly
    what counts). Not data of the instance: exports leave it out."""

    __tablename__ = "public_revision"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
