"""SVG to PNG, by resvg (a maintained renderer in Rust, shipped as a self-contained wheel).

The SVG is one the service accepted (``baking.images`` refused scripts and external references)
or wrote itself; it is rendered without reading any file or network resource, at a width the
caller fixes, with the fonts found once on this host (DejaVu Sans when installed, as for the
PDFs). Before rendering, the document's size once every ``<use>`` is expanded is bounded, so that
an image cannot make the renderer build millions of copies of one shape.
"""

from __future__ import annotations

import functools
from pathlib import Path
from xml.etree.ElementTree import Element

import resvg_py
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_EXPANDED_ELEMENTS = 20_000
MAX_SIDE = 2048
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
