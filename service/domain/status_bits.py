"""Bitstring Status List encoding (W3C Bitstring Status List v1.0, §3.1 and §3.2).

Index 0 is the left-most bit of the first byte. The list is GZIP-compressed, then encoded as
multibase base64url without padding (prefix ``u``). Decoding refuses anything that would
decompress beyond a cap: a status list is a few KiB, a "list" of gigabytes is an attack.
"""

from __future__ import annotations

import base64
import gzip
import re
import secrets
import zlib
from collections.abc import Callable, Iterable

MIN_ENTRIES = 131_072  # §3.1: at least 16 KiB, for group privacy
MAX_DECODED_BYTES = 2 * 1024 * 1024  # 16 million entries
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class StatusListError(ValueError):
    """An encoded list that cannot be decoded safely."""


def bitstring(size: int, set_indexes: Iterable[int]) -> bytes:
    """A bitstring of ``size`` bits (a multiple of 8) with the given indexes set."""
    if size <= 0 or size % 8:
        raise ValueError("a status list holds a positive multiple of 8 entries")
    data = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"index {index} outside a list of {size}")
        data[index // 8] |= 0x80 >> (index % 8)
    return bytes(data)


def is_set(data: bytes, index: int) -> bool:
    if not 0 <= index < len(data) * 8:
        raise IndexError(f"index {index} outside a list of {len(data) * 8}")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def encode(data: bytes) -> str:
    """§3.1 step: GZIP (fixed mtime, so equal lists encode equally), then base64url multibase."""
    compressed = gzip.compress(data, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str, *, max_bytes: int = MAX_DECODED_BYTES, multibase: bool = True) -> bytes:
    """The bits of an ``encodedList``: multibase base64url (Bitstring Status List), or plain
    base64url with ``multibase=False`` (StatusList2021, its predecessor)."""
    if multibase and not encoded.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url (prefix u)")
    body = encoded[1:] if multibase else encoded
    if not body or not _BASE64URL.fullmatch(body):
        raise StatusListError("encodedList is not base64url")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise StatusListError("encodedList is not base64url") from exc
    inflater = zlib.decompressobj(wbits=31)  # gzip framing
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListError("encodedList is not GZIP data") from exc
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise StatusListError(f"the list decompresses beyond {max_bytes} bytes")
    if not inflater.eof or not data:
        raise StatusListError("encodedList is a truncated or empty GZIP stream")
    return data


def random_index(size: int, is_taken: Callable[[int], bool], *, attempts: int = 64) -> int:
    """A random free index (§6.1: allocation order must not reveal issuance order). Callers keep
    lists well below full, so a few draws suffice; ``attempts`` bounds the search."""
    for _ in range(attempts):
        index = secrets.randbelow(size)
        if not is_taken(index):
            return index
    raise ValueError("the status list is full")
