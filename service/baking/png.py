"""PNG baking: an ``iTXt`` chunk holding the badge (keyword ``openbadges`` for an OB 2.0
assertion, ``openbadgecredential`` for an OB 3.0 credential). Reading never decodes pixels and
bounds every length, so a decompression bomb or a forged chunk length cannot exhaust memory."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
KEYWORDS = (OB2_KEYWORD, OB3_KEYWORD)
MAX_TEXT_BYTES = 1024 * 1024  # a baked badge is a few kilobytes; a megabyte is generous
MAX_PIXELS = 100_000_000  # declared size beyond which the file is a bomb, decoded or not


class BakingError(ValueError):
    """The file is not a PNG we accept, or its badge cannot be read."""


@dataclass(frozen=True, slots=True)
class Chunk:
    kind: bytes
    data: bytes


def chunks(content: bytes) -> Iterator[Chunk]:
    if not content.startswith(SIGNATURE):
        raise BakingError("not a PNG file")
    offset = len(SIGNATURE)
    while offset < len(content):
        if offset + 8 > len(content):
            raise BakingError("truncated PNG chunk header")
        length, kind = struct.unpack(">I4s", content[offset : offset + 8])
        end = offset + 8 + length
        if end + 4 > len(content):
            raise BakingError("a PNG chunk claims more bytes than the file holds")
        data = content[offset + 8 : end]
        (crc,) = struct.unpack(">I", content[end : end + 4])
        if zlib.crc32(kind + data) != crc:
            raise BakingError(f"bad CRC in PNG chunk {kind!r}")
        yield Chunk(kind, data)
        offset = end + 4
        if kind == b"IEND":
            return
    raise BakingError("PNG without IEND")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bake(content: bytes, text: str, keyword: str) -> bytes:
    """The PNG with one ``iTXt`` badge chunk (uncompressed) right after IHDR; any badge chunk
    already there is replaced."""
    if keyword not in KEYWORDS:
        raise BakingError(f"unknown baking keyword {keyword}")
    parsed = list(chunks(content))
    if not parsed or parsed[0].kind != b"IHDR":
        raise BakingError("PNG without IHDR first")
    # iTXt: keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
    payload = keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
    out = [SIGNATURE, _chunk(b"IHDR", parsed[0].data), _chunk(b"iTXt", payload)]
    out += [_chunk(c.kind, c.data) for c in parsed[1:] if _badge_keyword(c) is None]
    return b"".join(out)


def unbake(content: bytes) -> tuple[str, str] | None:
    """(keyword, text) of the badge baked in the PNG, or None when there is none."""
    found: tuple[str, str] | None = None
    for chunk in chunks(content):
        if chunk.kind == b"IHDR":
            width, height = struct.unpack(">II", chunk.data[:8])
            if width * height > MAX_PIXELS:
                raise BakingError(
                    f"the image declares {width}×{height} pixels: refused as a decompression bomb"
                )
        keyword = _badge_keyword(chunk)
        if keyword is None:
            continue
        if found is not None:
            raise BakingError("more than one badge baked in the PNG")
        text = _itxt_text(chunk.data) if chunk.kind == b"iTXt" else _text_text(chunk.data)
        found = (keyword, text)
    return found


def _badge_keyword(chunk: Chunk) -> str | None:
    if chunk.kind not in (b"iTXt", b"tEXt"):  # tEXt: what bakers wrote before iTXt
        return None
    keyword = chunk.data.split(b"\x00", 1)[0].decode("latin-1", errors="replace")
    return keyword if keyword in KEYWORDS else None


def _text_text(data: bytes) -> str:
    text = data.split(b"\x00", 1)[1]
    if len(text) > MAX_TEXT_BYTES:
        raise BakingError("the badge text is larger than 1 MiB")
    return text.decode("latin-1")  # tEXt is Latin-1 by definition (PNG §11.3.4.3)


def _itxt_text(data: bytes) -> str:
    try:
        _keyword, rest = data.split(b"\x00", 1)
        flag, method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
    except (ValueError, IndexError) as exc:
        raise BakingError("malformed iTXt chunk") from exc
    if flag == 1:
        if method != 0:
            raise BakingError("unknown iTXt compression method")
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_TEXT_BYTES + 1)
        except zlib.error as exc:
            raise BakingError("the compressed badge text is corrupt") from exc
        if len(text) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
            raise BakingError("the compressed badge text inflates beyond 1 MiB: refused")
    elif len(text) > MAX_TEXT_BYTES:
        raise BakingError("the badge text is larger than 1 MiB")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("the badge text is not UTF-8") from exc


# Channels per colour type, and the bit depths each allows (PNG §11.2.2).
_COLOUR_TYPES = {
    0: (1, {1, 2, 4, 8, 16}),
    2: (3, {8, 16}),
    3: (1, {1, 2, 4, 8}),
    4: (2, {8, 16}),
    6: (4, {8, 16}),
}
# Adam7 passes: first column, first row, column step, row step.
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
_INFLATE_STEP = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Structure:
    width: int
    height: int
    holds_badge: bool


def check_structure(content: bytes) -> Structure:
    """Read the whole file as a decoder would, without keeping pixels: every chunk and CRC, IHDR
    first with a valid colour type and depth, a palette when one is needed, consecutive IDAT
    chunks whose compressed stream is complete and inflates to exactly the bytes the header
    announces, IEND last. Raises ``BakingError`` saying what is wrong. ``max pixels`` is the
    caller's business: inflating is streamed and stops at the announced size."""
    parsed = list(chunks(content))
    if not parsed or parsed[0].kind != b"IHDR" or len(parsed[0].data) != 13:
        raise BakingError("PNG without IHDR first")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", parsed[0].data
    )
    if width == 0 or height == 0 or colour not in _COLOUR_TYPES or depth not in _COLOUR_TYPES[colour][1]:
        raise BakingError("PNG header with an impossible size, colour type or depth")
    if compression != 0 or filtering != 0 or interlace not in (0, 1):
        raise BakingError("PNG header with an unknown compression, filter or interlace method")
    kinds = [c.kind for c in parsed]
    if colour == 3 and b"PLTE" not in kinds:
        raise BakingError("palette PNG without a palette")
    positions = [i for i, kind in enumerate(kinds) if kind == b"IDAT"]
    if not positions or positions != list(range(positions[0], positions[-1] + 1)):
        raise BakingError("PNG without image data, or with image data in pieces apart")
    first, last = positions[0], positions[-1]
    bits = _COLOUR_TYPES[colour][0] * depth
    _inflate_exactly(
        b"".join(c.data for c in parsed[first : last + 1]), _scanline_bytes(width, height, bits, interlace)
    )
    return Structure(width, height, any(_badge_keyword(c) is not None for c in parsed))


def _scanline_bytes(width: int, height: int, bits: int, interlace: int) -> int:
    """The size of the filtered image: each row is one filter byte and its packed pixels."""
    passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        columns, rows = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if columns > 0 and rows > 0:
            total += rows * (1 + (columns * bits + 7) // 8)
    return total


def _inflate_exactly(stream: bytes, expected: int) -> None:
    inflater = zlib.decompressobj()
    produced = 0
    pending = stream
    try:
        while pending and not inflater.eof:
            produced += len(inflater.decompress(pending, _INFLATE_STEP))
            if produced > expected:
                raise BakingError("PNG image data inflates beyond the size its header announces")
            pending = inflater.unconsumed_tail
        produced += len(inflater.flush())
    except zlib.error as exc:
        raise BakingError("PNG image data is corrupt") from exc
    if not inflater.eof or produced != expected:
        raise BakingError("PNG image data is truncated or does not match its header")
