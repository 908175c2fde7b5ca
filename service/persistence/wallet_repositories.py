"""Queries on wallet offers, nonces and holder-bound copies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.ids import is_id
from service.persistence.wallet_tables import WalletCopy, WalletNonce, WalletOffer


class Wallets:
    def __init__(self, session: Session) -> None:
        self.session = session

    def offer(self, offer_id: str) -> WalletOffer | None:
        return self.session.get(WalletOffer, offer_id) if is_id(offer_id) else None

    def offer_by_code(self, code_hash: str) -> WalletOffer | None:
        query = select(WalletOffer).where(WalletOffer.code_hash == code_hash).with_for_update()
        return self.session.scalar(query)

    def offer_by_token(self, token_hash: str) -> WalletOffer | None:
        query = select(WalletOffer).where(WalletOffer.token_hash == token_hash).with_for_update()
        return self.session.scalar(query)

    def use_nonce(self, nonce_hash: str, now: datetime) -> bool:
        """Mark a given, unexpired, unused nonce used; False when it is none of these. One UPDATE
        with its conditions: two requests with one nonce cannot both succeed."""
        result = self.session.execute(
            update(WalletNonce)
            .where(
                WalletNonce.nonce_hash == nonce_hash,
                WalletNonce.used_at.is_(None),
                WalletNonce.expires_at > now,
            )
            .values(used_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def forget_nonces(self, before: datetime) -> None:
        self.session.execute(delete(WalletNonce).where(WalletNonce.expires_at < before))

    def copies(self, award_id: str) -> Sequence[WalletCopy]:
        query = select(WalletCopy).where(WalletCopy.award_id == award_id).order_by(WalletCopy.created_at)
        return self.session.scalars(query).all()

    def count_copies(self, award_id: str) -> int:
        query = select(func.count()).where(WalletCopy.award_id == award_id)
        return int(self.session.scalar(query) or 0)

    def open_offers(self, award_id: str, now: datetime) -> int:
        query = select(func.count()).where(
            WalletOffer.award_id == award_id, WalletOffer.expires_at > now, WalletOffer.redeemed_at.is_(None)
        )
        return int(self.session.scalar(query) or 0)

    def delete_for_award(self, award_id: str) -> None:
        self.session.execute(delete(WalletCopy).where(WalletCopy.award_id == award_id))
        self.session.execute(delete(WalletOffer).where(WalletOffer.award_id == award_id))
