"""SVG baking: an ``<openbadges:assertion>`` (OB 2.0, namespace http://openbadges.org) or
``<openbadges:credential>`` (OB 3.0, https://purl.imsglobal.org/ob/v3p0) element, first child
of the root. JSON goes in a CDATA section; a compact JWS or JWT in the ``verify`` attribute.

Baking finds the root element's start tag with an XML parser (never by searching text, which
would also match ``<svg`` inside a comment or miss a prefixed ``<s:svg>``) and inserts the element
right after it, so the rest of the image is kept byte for byte; a self-closed root is opened.
The result is read back and must give the same badge, or baking fails. Reading parses with
defusedxml: no DTD, no entity, nothing fetched."""

from __future__ import annotations

import codecs
import re
from xml.etree.ElementTree import Element
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from service.baking.png import MAX_TEXT_BYTES, BakingError

OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
ELEMENTS = {"assertion": OB2_NAMESPACE, "credential": OB3_NAMESPACE}
MAX_SVG_BYTES = 4 * 1024 * 1024
_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._-]+)\2""")


def utf8_document(content: bytes) -> bytes:
    """The same XML document encoded in UTF-8 (its declaration says so); a document already in
    UTF-8 is returned unchanged. Raises ``BakingError`` when the bytes do not match the encoding
    the document declares."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        converted = _decode(content, "utf-16").encode("utf-8")
    else:
        match = _DECLARED_ENCODING.match(content[:512])
        declared = match.group(3).decode("ascii").lower() if match else "utf-8"
        converted = _decode(content, declared).encode("utf-8")
        if declared in ("utf-8", "utf8"):
            return content
    match = _DECLARED_ENCODING.match(converted[:512])
    if match:  # the declaration must now name the encoding the bytes are in
        converted = match.group(1) + match.group(2) + b"UTF-8" + match.group(2) + converted[match.end() :]
    return converted


def _decode(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise BakingError(f"the SVG is not in the encoding it declares ({encoding})") from exc


def bake(content: bytes, text: str, element: str) -> bytes:
    """The SVG with the badge baked; ``element`` is ``assertion`` (OB 2.0) or ``credential``."""
    if element not in ELEMENTS:
        raise BakingError(f"unknown baking element {element}")
    document = utf8_document(content)
    if unbake(document) is not None:
        raise BakingError("this SVG already carries a badge")
    end, qualified_name = _root_start_tag(document)
    stripped = text.strip()
    namespace = ELEMENTS[element]
    if stripped.startswith("{"):
        body = "<![CDATA[" + stripped.replace("]]>", "]]]]><![CDATA[>") + "]]>"
        tag = f'<openbadges:{element} xmlns:openbadges="{namespace}">{body}</openbadges:{element}>'
    else:  # a URL or a compact JWS / JWT
        tag = (
            f'<openbadges:{element} xmlns:openbadges="{namespace}" '
            f"verify={quoteattr(stripped)}></openbadges:{element}>"
        )
    inserted = tag.encode("utf-8")
    if document[end - 2 : end] == b"/>":  # <svg …/>: open it, put the badge in, close it
        baked = document[: end - 2] + b">" + inserted + f"</{qualified_name}>".encode() + document[end:]
    else:
        baked = document[:end] + inserted + document[end:]
    if unbake(baked) != (element, stripped):
        raise BakingError("the baked SVG does not read back as the badge baked into it")
    return baked


class _RootFound(Exception):
    pass


def _root_start_tag(document: bytes) -> tuple[int, str]:
    """(end, qualified name) of the root element's start tag: the byte offset just after it."""
    parser = expat.ParserCreate()  # no namespace processing: the name as written, prefix included
    found: list[tuple[int, str]] = []

    def on_start(name: str, _attributes: dict[str, str]) -> None:
        found.append((parser.CurrentByteIndex, name))
        raise _RootFound

    def on_doctype(*_args: object) -> None:
        raise BakingError("an SVG with a DTD is not baked")

    parser.StartElementHandler = on_start
    parser.StartDoctypeDeclHandler = on_doctype
    try:
        parser.Parse(document, True)
    except _RootFound:
        pass
    except expat.ExpatError as exc:
        raise BakingError(f"not a well-formed SVG: {exc}") from exc
    if not found:
        raise BakingError("no root element")
    start, name = found[0]
    return _start_tag_end(document, start), name


def _start_tag_end(document: bytes, start: int) -> int:
    """Index just after the ``>`` closing the start tag that begins at ``start``. The parser has
    accepted the tag, so only quoted attribute values can hold a ``>``."""
    quote: int | None = None
    for index in range(start, len(document)):
        byte = document[index]
        if quote is not None:
            if byte == quote:
                quote = None
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return index + 1
    raise BakingError("unterminated root start tag")


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
