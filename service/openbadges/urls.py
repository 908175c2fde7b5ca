"""Every public URL, built from the configured base. Other software depends on these: keep them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class PublicUrls:
    base: str

    @property
    def host(self) -> str:
        """Host (and port) of the public base URL: the authority of our did:web DIDs."""
        return urlsplit(self.base).netloc

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

    def credential(self, award_id: str) -> str:
        """The OB 3.0 AchievementCredential with its Data Integrity proof."""
        return f"{self.base}/awards/{award_id}/credential"

    def profile(self, issuer_id: str) -> str:
        """The issuer as an OB 3.0 Profile document (its id is the issuer's DID)."""
        return f"{self.base}/issuers/{issuer_id}/profile"

    def achievement(self, badge_class_id: str) -> str:
        """The badge class as an OB 3.0 Achievement."""
        return f"{self.base}/badges/{badge_class_id}/achievement"

    def credential_jwt(self, award_id: str) -> str:
        """The OB 3.0 credential as a VC-JWT."""
        return f"{self.base}/awards/{award_id}/credential.jwt"

    def issuer_jwks(self, issuer_id: str) -> str:
        return f"{self.base}/issuers/{issuer_id}/jwks.json"

    def did_document(self, issuer_id: str) -> str:
        return f"{self.base}/issuers/{issuer_id}/did.json"

    def status_list(self, list_id: str) -> str:
        """A BitstringStatusListCredential."""
        return f"{self.base}/status/{list_id}"

    def key(self, kid: str) -> str:
        return f"{self.base}/keys/{kid}"

    def jwks(self) -> str:
        return f"{self.base}/.well-known/jwks.json"
