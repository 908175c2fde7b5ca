"""What a badge page shows, gathered once for the public page and the earner's own page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import qrcode
import qrcode.image.svg

from service.openbadges.urls import PublicUrls
from service.persistence.tables import Award
from service.web.labels import DOWNLOADS
from service.web.linkedin import Certification, add_to_profile_url, share_url


@dataclass(frozen=True, slots=True)
class Download:
    code: str  # labels.DOWNLOADS: what it is for, what it is technically
    url: str
    kind: str  # the format, shown beside the detail

    @property
    def label(self) -> str:
        return DOWNLOADS[self.code][0]

    @property
    def detail(self) -> str:
        return DOWNLOADS[self.code][1]


@dataclass(frozen=True, slots=True)
class BadgeView:
    award: Award
    state: str  # valid | revoked | expired | erased
    page_url: str  # the page for people (``PublicUrls.award_page``), in every link shared
    image_url: str
    issuer_url: str
    badge_url: str
    json_url: str
    qr_url: str
    card_url: str
    linkedin_url: str
    linkedin_share_url: str
    downloads: list[Download]
    show_name: bool

    @property
    def badge(self) -> Any:
        return self.award.badge_class


def state_of(award: Award, now: datetime) -> str:
    if award.erased_at is not None:
        return "erased"
    if award.revoked_at is not None:
        return "revoked"
    if award.expires_at is not None and award.expires_at <= now:
        return "expired"
    return "valid"


def view(award: Award, urls: PublicUrls, now: datetime) -> BadgeView:
    state = state_of(award, now)
    page_url = urls.award_page(award.id)
    document_url = urls.award(award.id)
    downloads: list[Download] = []
    if state in ("valid", "expired"):
        downloads = [
            # PNG first, whatever the design's format: every site and profile takes PNG.
            Download("image", f"{document_url}/image?standard=ob3&format=png", "PNG"),
            Download("image-ob2", f"{document_url}/image?standard=ob2&format=png", "PNG"),
            Download("image-svg", f"{document_url}/image?standard=ob3&format=svg", "SVG"),
            Download("wallet", f"{urls.credential(award.id)}?download=1", "JSON-LD"),
            Download("wallet-jwt", urls.credential_jwt(award.id), "JWT"),
            Download("ob2", f"{document_url}/assertion.json", "JSON"),
        ]
    certification = Certification(
        name=award.badge_class.name,
        organisation=award.issuer.name,
        issued_on=award.issued_on,
        url=page_url,
        credential_id=award.id,
        expires_at=award.expires_at,
        organisation_id=award.issuer.linkedin_organisation_id,
    )
    return BadgeView(
        award=award,
        state=state,
        page_url=page_url,
        image_url=urls.badge_class_image(award.badge_class_id),
        issuer_url=urls.issuer(award.issuer_id),
        badge_url=urls.badge_class(award.badge_class_id),
        json_url=document_url,
        qr_url=f"{document_url}/qr.svg",
        card_url=urls.award_card(award.id),
        linkedin_url=add_to_profile_url(certification),
        linkedin_share_url=share_url(page_url),
        downloads=downloads,
        show_name=award.show_name and bool(award.recipient_name),
    )


def qr_svg(url: str) -> bytes:
    """A QR code of the page's address, as SVG paths (no script, no external reference)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
