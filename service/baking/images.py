"""Badge and issuer images: PNG or SVG only, checked by content, never by the declared name.

An image is accepted only when a badge can be baked into it: a PNG is read whole as a decoder
would (every chunk, CRC and the image data, inflated in bounded steps and never kept), an SVG is
parsed whole without resolving anything (no DTD, no entity, no network) and stored in UTF-8.
An image that already carries a badge is refused (it is somebody's badge, not a badge design),
and anything that could run script in a browser is refused.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from service.baking import png, svg
from service.baking.png import BakingError

ImageType = Literal["image/png", "image/svg+xml"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS_PER_SIDE = 4096
MIN_PIXELS_PER_SIDE = 16
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_SVG_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object"}
_PROBE = '{"name": "-->]]><svg/>"}'  # what a hostile badge name could hold
_HREF_ATTRIBUTES = {"href", "{http://www.w3.org/1999/xlink}href"}


class ImageRejected(ValueError):
    """Why an image is refused; ``code`` selects the user-facing message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code, params)


@dataclass(frozen=True, slots=True)
class CheckedImage:
    content: bytes
    media_type: ImageType
    width: int | None
    height: int | None


def check_image(content: bytes, *, max_bytes: int) -> CheckedImage:
    """Return the image with its sniffed type, or raise ``ImageRejected`` saying why."""
    if not content:
        raise ImageRejected("image-empty")
    if len(content) > max_bytes:
        raise ImageRejected("image-too-large", size=len(content), limit=max_bytes)
    if content.startswith(PNG_SIGNATURE):
        return _check_png(content)
    if _looks_like_svg(content):
        return _check_svg(content)
    raise ImageRejected("image-unsupported-type")


def _check_png(content: bytes) -> CheckedImage:
    # The first chunk must be IHDR (length 13): the size is checked before anything is inflated.
    if len(content) < 33 or content[12:16] != b"IHDR":
        raise ImageRejected("image-corrupt")
    width, height = struct.unpack(">II", content[16:24])
    for side in (width, height):
        if not MIN_PIXELS_PER_SIDE <= side <= MAX_PIXELS_PER_SIDE:
            raise ImageRejected(
                "image-bad-dimensions",
                width=width,
                height=height,
                minimum=MIN_PIXELS_PER_SIDE,
                maximum=MAX_PIXELS_PER_SIDE,
            )
    try:
        structure = png.check_structure(content)
    except BakingError as exc:
        raise ImageRejected("image-corrupt") from exc
    if structure.holds_badge:
        raise ImageRejected("image-already-baked")
    try:  # the proof that a badge can go in: bake one
        png.bake(content, _PROBE, png.OB3_KEYWORD)
    except BakingError as exc:
        raise ImageRejected("image-corrupt") from exc
    return CheckedImage(content, "image/png", width, height)


def _looks_like_svg(content: bytes) -> bool:
    """XML of any kind (the parse decides whether it is SVG): a prefixed ``<s:svg>`` is SVG too."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16
        return True
    return content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _check_svg(content: bytes) -> CheckedImage:
    try:
        content = svg.utf8_document(content)
    except BakingError as exc:
        raise ImageRejected("image-svg-encoding") from exc
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise ImageRejected("image-svg-unsafe-or-invalid", reason=type(exc).__name__) from exc
    if root.tag != f"{_SVG_NS}svg":
        raise ImageRejected("image-svg-unsafe-or-invalid", reason="root element is not svg")
    for element in root.iter():
        _check_svg_element(element)
    if any(True for name, namespace in svg.ELEMENTS.items() for _ in root.iter(f"{{{namespace}}}{name}")):
        raise ImageRejected("image-already-baked")
    try:  # the proof that a badge can go in: bake one
        svg.bake(content, _PROBE, "credential")
    except BakingError as exc:
        raise ImageRejected("image-svg-unsafe-or-invalid", reason=str(exc)) from exc
    return CheckedImage(content, "image/svg+xml", None, None)


def _check_svg_element(element: Element) -> None:
    local = element.tag.rsplit("}", 1)[-1]
    if local in _FORBIDDEN_SVG_ELEMENTS:
        raise ImageRejected("image-svg-unsafe-or-invalid", reason=f"<{local}> element")
    for name, value in element.attrib.items():
        bare = name.rsplit("}", 1)[-1].lower()
        if bare.startswith("on"):
            raise ImageRejected("image-svg-unsafe-or-invalid", reason=f"{bare} attribute")
        if name in _HREF_ATTRIBUTES and not (value.startswith("#") or value.startswith("data:image/")):
            raise ImageRejected("image-svg-unsafe-or-invalid", reason="external reference")
        if "javascript:" in value.replace(" ", "").lower():
            raise ImageRejected("image-svg-unsafe-or-invalid", reason="javascript: URL")
