"""An award's badge image with the award baked in: OB 3.0 (the credential with its proof) or
OB 2.0 (the signed assertion), in the badge class's own format (PNG or SVG)."""

from __future__ import annotations

import json
from enum import StrEnum

from service.baking import png, svg
from service.errors import Gone
from service.persistence.tables import Award
from service.usecases import credentials


class Standard(StrEnum):
    OB3 = "ob3"
    OB2 = "ob2"


def baked_image(award: Award, standard: Standard) -> tuple[bytes, str]:
    """(content, media type). A revoked award is not handed out baked."""
    if award.revoked_at is not None:
        raise Gone("award-revoked", id=award.id)
    badge_class = award.badge_class
    if standard is Standard.OB3:
        text = json.dumps(credentials.signed_credential(award), ensure_ascii=False, separators=(",", ":"))
    else:
        text = award.signed_assertion
    if badge_class.image_type == "image/png":
        keyword = png.OB3_KEYWORD if standard is Standard.OB3 else png.OB2_KEYWORD
        return png.bake(badge_class.image, text, keyword), "image/png"
    element = "credential" if standard is Standard.OB3 else "assertion"
    return svg.bake(badge_class.image, text, element), "image/svg+xml"
