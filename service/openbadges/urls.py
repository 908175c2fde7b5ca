"""Every public URL, built from the configured base. Other software depends on these: keep them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PublicUrls:
    base: str

    def issuer(self, issuer_id: str) -> str:
        return f"{self.base}/issuers/{issuer_id}"

    def issuer_image(self, issuer_id: str) -> str:
        return f"{self.base}/issuers/{issuer_id}/image"

    def revocation_list(self, issuer_id: str) -> str:
        return f"{self.base}/issuers/{issuer_id}/revocations"

    def badge_class(self, badge_class_id: str) -> str:
        return f"{self.base}/badges/{badge_class_id}"

    def badge_class_image(self, badge_class_id: str) -> str:
        return f"{self.base}/badges/{badge_class_id}/image"

    def award(self, award_id: str) -> str:
        return f"{self.base}/awards/{award_id}"

    def signed_award(self, award_id: str) -> str:
        return f"{self.base}/awards/{award_id}/signed"

    def key(self, kid: str) -> str:
        return f"{self.base}/keys/{kid}"

    def jwks(self) -> str:
        return f"{self.base}/.well-known/jwks.json"
