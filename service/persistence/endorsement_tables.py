"""Recognition between peers (issue 20): endorsers, their endorsements, and the invitations to
endorse. An endorser is a profile hosted here (a person or an organisation) with its own did:web
DID and an Ed25519 key kept by the instance, so that its endorsements are credentials it signs,
verifiable by anyone; its email is never published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.base import ID, Base


class Endorser(Base):
    """Who endorses: one profile per email address across the instance, named as the author
    last asked to be shown. ``kid`` is the thumbprint of its Ed25519 key (keys/<id>/<kid>.pem)."""

    __tablename__ = "endorsers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # normalised; never published
    # The contact address the author chose to publish (OB 2.0 profiles require one).
    public_email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # person | organisation
    organisation: Mapped[str | None] = mapped_column(String(200))  # a person's structure, shown
    url: Mapped[str | None] = mapped_column(String(2048))
    kid: Mapped[str] = mapped_column(String(64))
    public_jwk: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Endorsement(Base):
    """A signed claim of an endorser about an issuer, a badge class or one award. Withdrawing
    sets ``withdrawn_at`` and the bit at ``status_index`` in the endorser's status list, so
    copies already embedded in credentials stop verifying too."""

    __tablename__ = "endorsements"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    endorser_id: Mapped[str] = mapped_column(ForeignKey("endorsers.id", ondelete="RESTRICT"))
    # The issuer whose issuer, badge class or award is endorsed: scoping, listing, erasure.
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))  # issuer | badge-class | award
    subject_id: Mapped[str] = mapped_column(ID)
    basis: Mapped[str] = mapped_column(String(16))  # trainer | peer | partner | employer | reviewer
    comment: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    status_index: Mapped[int]
    credential: Mapped[dict[str, Any]]  # the EndorsementCredential with its proof
    created_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]

    endorser: Mapped[Endorser] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("endorser_id", "status_index"),
        Index("ix_endorsements_subject", "subject_kind", "subject_id"),
    )


class EndorsementInvitation(Base):
    """An invitation to endorse, sent by email: by a coordinator (partner, employer, trainer,
    peer) or by an earner asking a peer. The link is ``<id>.<MAC>``; used once."""

    __tablename__ = "endorsement_invitations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(ID)
    basis: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    # Who invited: a console account or an API token (coordinators), or the award (an earner).
    invited_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    endorsement_id: Mapped[str | None] = mapped_column(ForeignKey("endorsements.id", ondelete="SET NULL"))
