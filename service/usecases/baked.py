"""An award's badge image with the award baked in: OB 3.0 (the credential with its proof) or
OB 2.0 (the signed assertion), in the badge class's own format (PNG or SVG)."""

from __future__ import annotations

import base64
import functools
import json
import logging
import struct
from enum import StrEnum

from service.baking import png, svg
from service.baking.png import BakingError
from service.errors import Conflict, Gone
from service.imaging import raster
from service.persistence.tables import Award
from service.usecases import awards, credentials
from service.usecases.context import Context

_log = logging.getLogger(__name__)


class Standard(StrEnum):
    OB3 = "ob3"
    OB2 = "ob2"


class ImageFormat(StrEnum):
    PNG = "png"
    SVG = "svg"


def svg_around_png(content: bytes) -> bytes:
    """An SVG showing a PNG badge image (embedded as data), so that a PNG badge can also be
    handed out baked as SVG. The PNG was checked at upload; its size is in its IHDR chunk."""
    width, height = struct.unpack(">II", content[16:24])
    data = base64.b64encode(content).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><image width="{width}" height="{height}" '
        f'href="data:image/png;base64,{data}"/></svg>'
    ).encode("ascii")


PNG_WIDTH = 512


@functools.lru_cache(maxsize=32)
def rendered_png(svg_image: bytes) -> bytes:
    """An SVG badge design as PNG, rendered once per process per design (tens of milliseconds)."""
    return raster.svg_to_png(svg_image, width=PNG_WIDTH)


def baked_image(
    ctx: Context, award: Award, standard: Standard, image_format: ImageFormat | None = None
) -> tuple[bytes, str]:
    """(content, media type), in the badge class's own format unless asked otherwise: a PNG
    badge can be had as SVG (the PNG inside an SVG), an SVG badge as PNG (rendered by
    ``imaging.raster``, 512 pixels wide). A revoked award is not handed out baked."""
    if award.revoked_at is not None:
        raise Gone("award-revoked", id=award.id)
    badge_class = award.badge_class
    if standard is Standard.OB3:
        text = json.dumps(credentials.signed_credential(award), ensure_ascii=False, separators=(",", ":"))
    else:
        text = awards.signed_assertion(ctx, award)
    try:
        return _bake(badge_class.image, badge_class.image_type, text, standard, image_format)
    except (BakingError, raster.RasterError) as exc:
        _log.warning("badge class %s: its image cannot be baked: %s", badge_class.id, exc)
        raise Conflict("badge-image-unbakable", badge_class_id=badge_class.id) from exc


def _bake(
    source: bytes, image_type: str, text: str, standard: Standard, image_format: ImageFormat | None
) -> tuple[bytes, str]:
    if image_type == "image/png" and image_format is ImageFormat.SVG:
        source = svg_around_png(source)
    elif image_type == "image/svg+xml" and image_format is ImageFormat.PNG:
        source, image_type = rendered_png(source), "image/png"
    if image_type == "image/png" and image_format is not ImageFormat.SVG:
        keyword = png.OB3_KEYWORD if standard is Standard.OB3 else png.OB2_KEYWORD
        return png.bake(source, text, keyword), "image/png"
    element = "credential" if standard is Standard.OB3 else "assertion"
    return svg.bake(source, text, element), "image/svg+xml"
