"""Wallets (issue 19): credential offers made to an earner's wallet, the nonces wallets sign,
and the holder-bound copies of an award that wallets received. Codes and tokens are kept as
SHA-256 digests only; every row goes with its award (erasure, deletion)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.base import ID, Base


class WalletOffer(Base):
    """An OID4VCI credential offer (pre-authorized code flow): the code in the offer, the
    transaction code shown on the earner's page, and the access token the code was traded for."""

    __tablename__ = "wallet_offers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # the offer's address (by reference)
    award_id: Mapped[str] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_hash: Mapped[str] = mapped_column(String(64))
    tx_code_failures: Mapped[int] = mapped_column(default=0)
    challenge: Mapped[str] = mapped_column(String(64))  # the VC-API exchange's DIDAuthentication
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]  # the code was traded for a token (once)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]  # the token obtained its credential (once)


class WalletNonce(Base):
    """A ``c_nonce`` given by the nonce endpoint: a proof must carry one, once, while it lasts."""

    __tablename__ = "wallet_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class WalletCopy(Base):
    """A holder-bound copy of an award: its own credential id, the holder's DID as subject, the
    award's status entry (revoking the award revokes every copy)."""

    __tablename__ = "wallet_copies"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    award_id: Mapped[str] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)  # urn:uuid:…
    holder: Mapped[str] = mapped_column(String(2048))  # did:key or did:jwk
    format: Mapped[str] = mapped_column(String(16))  # ldp_vc | jwt_vc_json
    protocol: Mapped[str] = mapped_column(String(16))  # oid4vci | vc-api
    created_at: Mapped[datetime]
