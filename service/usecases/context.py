"""What every use case is handed: the transaction, the clock, the keys and the public URLs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.clock import Clock
from service.openbadges.urls import PublicUrls
from service.signing.keystore import KeyStore


@dataclass(frozen=True, slots=True)
class Context:
    session: Session
    clock: Clock
    keys: KeyStore
    urls: PublicUrls
    max_image_bytes: int
