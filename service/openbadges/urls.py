"""Every public URL, built from the configured base. Other software depends on these: keep them.

The path of each public document is written once, here (``Paths``): the routes of
``service.web.documents``, the URLs below and the verifier's local lookup
(``service.usecases.public_documents``) all read it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


class Paths:
    """The shapes of the public paths; ``{name}`` is a path parameter (an id, or a key id)."""

    ISSUER = "/issuers/{issuer_id}"
    ISSUER_IMAGE = "/issuers/{issuer_id}/image"
    REVOCATIONS = "/issuers/{issuer_id}/revocations"
    PROFILE = "/issuers/{issuer_id}/profile"
    DID_DOCUMENT = "/issuers/{issuer_id}/did.json"
    ISSUER_JWKS = "/issuers/{issuer_id}/jwks.json"
    BADGE_CLASS = "/badges/{badge_class_id}"
    BADGE_CLASS_IMAGE = "/badges/{badge_class_id}/image"
    ACHIEVEMENT = "/badges/{badge_class_id}/achievement"
    BADGE_CLASS_CARD = "/badges/{badge_class_id}/card.png"
    # A network's badge class as one of its member structures awards it (OB 2.0).
    MEMBER_BADGE_CLASS = "/badges/{badge_class_id}/membres/{issuer_id}"
    AWARD = "/awards/{award_id}"
    AWARD_PAGE = "/b/{award_id}"  # the badge page for people: every link made to be shared
    AWARD_CARD = "/awards/{award_id}/card.png"
    AWARD_FILE = "/awards/{award_id}/assertion.json"
    AWARD_QR = "/awards/{award_id}/qr.svg"
    SIGNED_AWARD = "/awards/{award_id}/signed"
    BAKED_IMAGE = "/awards/{award_id}/image"
    CREDENTIAL = "/awards/{award_id}/credential"
    CREDENTIAL_JWT = "/awards/{award_id}/credential.jwt"
    STATUS_LIST = "/status/{list_id}"
    KEY = "/keys/{kid}"
    JWKS = "/.well-known/jwks.json"
    # Recognition between peers: endorsers hosted here, and their endorsements.
    ENDORSER = "/endorsers/{endorser_id}"  # OB 2.0 Profile (JSON), its page for browsers
    ENDORSER_PROFILE = "/endorsers/{endorser_id}/profile"
    ENDORSER_DID_DOCUMENT = "/endorsers/{endorser_id}/did.json"
    ENDORSER_STATUS = "/endorsers/{endorser_id}/status"
    ENDORSEMENT = "/endorsements/{endorsement_id}"  # OB 2.0 Endorsement (JSON), its page for browsers
    ENDORSEMENT_CREDENTIAL = "/endorsements/{endorsement_id}/credential"


@dataclass(frozen=True, slots=True)
class PublicUrls:
    base: str

    @property
    def host(self) -> str:
        """Host (and port) of the public base URL: the authority of our did:web DIDs."""
        return urlsplit(self.base).netloc

    def issuer(self, issuer_id: str) -> str:
        return self.base + Paths.ISSUER.format(issuer_id=issuer_id)

    def issuer_image(self, issuer_id: str) -> str:
        return self.base + Paths.ISSUER_IMAGE.format(issuer_id=issuer_id)

    def revocation_list(self, issuer_id: str) -> str:
        return self.base + Paths.REVOCATIONS.format(issuer_id=issuer_id)

    def badge_class(self, badge_class_id: str) -> str:
        return self.base + Paths.BADGE_CLASS.format(badge_class_id=badge_class_id)

    def member_badge_class(self, badge_class_id: str, issuer_id: str) -> str:
        return self.base + Paths.MEMBER_BADGE_CLASS.format(badge_class_id=badge_class_id, issuer_id=issuer_id)

    def badge_class_image(self, badge_class_id: str) -> str:
        return self.base + Paths.BADGE_CLASS_IMAGE.format(badge_class_id=badge_class_id)

    def award(self, award_id: str) -> str:
        return self.base + Paths.AWARD.format(award_id=award_id)

    def award_page(self, award_id: str) -> str:
        """The badge page, in every link made for people (emails, LinkedIn, QR codes, copy
        buttons): always HTML, whatever the client asks, so that share crawlers get a card."""
        return self.base + Paths.AWARD_PAGE.format(award_id=award_id)

    def award_card(self, award_id: str) -> str:
        """The 1200 × 630 PNG that social sites show beside the badge page's link."""
        return self.base + Paths.AWARD_CARD.format(award_id=award_id)

    def badge_class_card(self, badge_class_id: str) -> str:
        return self.base + Paths.BADGE_CLASS_CARD.format(badge_class_id=badge_class_id)

    def signed_award(self, award_id: str) -> str:
        return self.base + Paths.SIGNED_AWARD.format(award_id=award_id)

    def credential(self, award_id: str) -> str:
        """The OB 3.0 AchievementCredential with its Data Integrity proof."""
        return self.base + Paths.CREDENTIAL.format(award_id=award_id)

    def profile(self, issuer_id: str) -> str:
        """The issuer as an OB 3.0 Profile document (its id is the issuer's DID)."""
        return self.base + Paths.PROFILE.format(issuer_id=issuer_id)

    def achievement(self, badge_class_id: str) -> str:
        """The badge class as an OB 3.0 Achievement."""
        return self.base + Paths.ACHIEVEMENT.format(badge_class_id=badge_class_id)

    def credential_jwt(self, award_id: str) -> str:
        """The OB 3.0 credential as a VC-JWT."""
        return self.base + Paths.CREDENTIAL_JWT.format(award_id=award_id)

    def issuer_jwks(self, issuer_id: str) -> str:
        return self.base + Paths.ISSUER_JWKS.format(issuer_id=issuer_id)

    def did_document(self, issuer_id: str) -> str:
        return self.base + Paths.DID_DOCUMENT.format(issuer_id=issuer_id)

    def status_list(self, list_id: str) -> str:
        """A BitstringStatusListCredential."""
        return self.base + Paths.STATUS_LIST.format(list_id=list_id)

    def key(self, kid: str) -> str:
        return self.base + Paths.KEY.format(kid=kid)

    def jwks(self) -> str:
        return self.base + Paths.JWKS

    def endorser(self, endorser_id: str) -> str:
        """The endorser's OB 2.0 Profile (and, for browsers, its page)."""
        return self.base + Paths.ENDORSER.format(endorser_id=endorser_id)

    def endorser_profile(self, endorser_id: str) -> str:
        return self.base + Paths.ENDORSER_PROFILE.format(endorser_id=endorser_id)

    def endorser_status(self, endorser_id: str) -> str:
        """The endorser's BitstringStatusListCredential: a set bit is a withdrawn endorsement."""
        return self.base + Paths.ENDORSER_STATUS.format(endorser_id=endorser_id)

    def endorsement(self, endorsement_id: str) -> str:
        """The hosted OB 2.0 Endorsement (and, for browsers, its page)."""
        return self.base + Paths.ENDORSEMENT.format(endorsement_id=endorsement_id)

    def endorsement_credential(self, endorsement_id: str) -> str:
        """The OB 3.0 EndorsementCredential with its Data Integrity proof."""
        return self.base + Paths.ENDORSEMENT_CREDENTIAL.format(endorsement_id=endorsement_id)
