"""SVG baking: an ``<openbadges:assertion>`` (OB 2.0, namespace http://openbadges.org) or
``<openbadges:credential>`` (OB 3.0, https://purl.imsglobal.org/ob/v3p0) element, first child
of the root. JSON goes in a CDATA section; a compact JWS or JWT in the ``verify`` attribute.

Baking inserts the element as text right after the root's start tag, so the rest of the image
is kept byte for byte. Reading parses with defusedxml: no DTD, no entity, nothing fetched."""

from __future__ import annotations

from xml.etree.ElementTree import Element
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from service.baking.png import MAX_TEXT_BYTES, BakingError

OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
ELEMENTS = {"assertion": OB2_NAMESPACE, "credential": OB3_NAMESPACE}
MAX_SVG_BYTES = 4 * 1024 * 1024


def bake(content: bytes, text: str, element: str) -> bytes:
    """The SVG with the badge baked; ``element`` is ``assertion`` (OB 2.0) or ``credential``."""
    if element not in ELEMENTS:
        raise BakingError(f"unknown baking element {element}")
    if unbake(content) is not None:
        raise BakingError("this SVG already carries a badge")
    source = content.decode("utf-8")
    end = _root_start_tag_end(source)
    stripped = text.strip()
    if stripped.startswith("{"):
        body = "<![CDATA[" + stripped.replace("]]>", "]]]]><![CDATA[>") + "]]>"
        tag = f'<openbadges:{element} xmlns:openbadges="{ELEMENTS[element]}">{body}</openbadges:{element}>'
    else:  # a URL or a compact JWS / JWT
        tag = (
            f'<openbadges:{element} xmlns:openbadges="{ELEMENTS[element]}" '
            f"verify={quoteattr(stripped)}></openbadges:{element}>"
        )
    return (source[:end] + tag + source[end:]).encode("utf-8")


def unbake(content: bytes) -> tuple[str, str] | None:
    """(element, text) of the badge baked in the SVG, or None when there is none."""
    if len(content) > MAX_SVG_BYTES:
        raise BakingError("SVG larger than 4 MiB")
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BakingError(
            f"refused SVG ({type(exc).__name__}): DTDs, entities and external references are not read"
        ) from exc
    except (ParseError, ValueError) as exc:
        raise BakingError(f"not a well-formed SVG: {exc}") from exc
    if not isinstance(root, Element) or root.tag != "{http://www.w3.org/2000/svg}svg":
        raise BakingError("not an SVG document")
    found: list[tuple[str, str]] = []
    for name, namespace in ELEMENTS.items():
        for node in root.iter(f"{{{namespace}}}{name}"):
            value = node.get("verify") or (node.text or "")
            found.append((name, value.strip()))
    if len(found) > 1:
        raise BakingError("more than one badge baked in the SVG")
    if not found:
        return None
    if len(found[0][1].encode("utf-8")) > MAX_TEXT_BYTES:
        raise BakingError("the badge text is larger than 1 MiB")
    return found[0]


def _root_start_tag_end(source: str) -> int:
    """Index just after the ``>`` closing the root ``<svg …>`` start tag (quotes respected)."""
    start = source.find("<svg")
    if start < 0:
        raise BakingError("no <svg> root element")
    quote: str | None = None
    for index in range(start, len(source)):
        char = source[index]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == ">":
            if source[index - 1] == "/":
                raise BakingError("an empty <svg/> cannot carry a badge")
            return index + 1
    raise BakingError("unterminated <svg> start tag")
