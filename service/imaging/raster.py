"""SVG to PNG, by resvg (a maintained renderer in Rust, shipped as a self-contained wheel).

The SVG is one the service accepted (``baking.images`` refused scripts and external references)
or wrote itself; it is rendered without reading any file or network resource, at a width the
caller fixes, with the fonts found once on this host (DejaVu Sans when installed, as for the
PDFs). Before rendering, the document's size once every ``<use>`` is expanded is bounded, so that
an image cannot make the renderer build millions of copies of one shape.
"""

from __future__ import annotations

import base64
import functools
import struct
from pathlib import Path
from xml.etree.ElementTree import Element

import resvg_py
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_EXPANDED_ELEMENTS = 20_000
MAX_SIDE = 2048
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_EMBEDDED_SIDE = 4096  # as for an uploaded PNG (``baking.images``)
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


class RasterError(ValueError):
    """The SVG cannot be rendered: unreadable, or too big once expanded."""


@functools.cache
def fonts() -> tuple[str, ...]:
    """DejaVu Sans (regular, bold) where the host has it; empty when it does not."""
    found: list[str] = []
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        for directory in _FONT_DIRS:
            path = Path(directory) / name
            if path.is_file():
                found.append(str(path))
                break
    return tuple(found)


def svg_to_png(document: bytes, *, width: int) -> bytes:
    """The SVG rendered as a PNG ``width`` pixels wide (its height follows its aspect)."""
    if not 1 <= width <= MAX_SIDE:
        raise RasterError(f"width {width} out of range")
    try:
        root = fromstring(document, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise RasterError("unreadable SVG") from exc
    try:
        too_large = expanded_size(root) > MAX_EXPANDED_ELEMENTS
    except RecursionError:  # nested deeper than any badge design is
        too_large = True
    if too_large:
        raise RasterError("SVG too large once its <use> elements are expanded")
    check_embedded_images(root)
    found = fonts()
    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=document.decode("utf-8"),
                width=width,
                skip_system_fonts=bool(found),
                font_files=list(found) or None,
                sans_serif_family="DejaVu Sans" if found else None,
            )
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise RasterError("SVG cannot be rendered") from exc


def check_embedded_images(root: Element) -> None:
    """The renderer decodes the images an SVG embeds: only PNG, of at most ``MAX_EMBEDDED_SIDE`` a
    side (read from its header before anything is decoded); no nested SVG, whose own ``<use>``
    would escape the count above, and no other format, whose size would need a decoder to read."""
    for element in root.iter():
        for name in ("href", _XLINK_HREF):
            value = (element.get(name) or "").strip()
            if not value.startswith("data:"):
                continue
            header, _, data = value.partition(",")
            if header.replace(" ", "").lower() != "data:image/png;base64":
                raise RasterError("only PNG images may be embedded in a design to render")
            start = "".join(data[:256].split())[:64]
            try:
                head = base64.b64decode(start + "=" * (-len(start) % 4))
            except ValueError as exc:
                raise RasterError("an embedded PNG cannot be read") from exc
            if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
                raise RasterError("an embedded PNG cannot be read")
            width, height = struct.unpack(">II", head[16:24])
            if not (0 < width <= MAX_EMBEDDED_SIDE and 0 < height <= MAX_EMBEDDED_SIDE):
                raise RasterError("an embedded PNG is too large")


def expanded_size(root: Element) -> int:
    """How many elements the document holds once every ``<use>`` is replaced by what it points
    to (recursively); a reference cycle counts as too large."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    memo: dict[int, int] = {}
    visiting: set[int] = set()

    def size(element: Element) -> int:
        key = id(element)
        if key in memo:
            return memo[key]
        if key in visiting:
            return MAX_EXPANDED_ELEMENTS + 1
        visiting.add(key)
        total = 1
        if element.tag.rsplit("}", 1)[-1] == "use":
            href = element.get("href") or element.get(_XLINK_HREF) or ""
            target = by_id.get(href[1:]) if href.startswith("#") else None
            if target is not None:
                total += size(target)
        for child in element:
            total += size(child)
            if total > MAX_EXPANDED_ELEMENTS:
                break
        visiting.discard(key)
        memo[key] = total
        return total

    return size(root)
