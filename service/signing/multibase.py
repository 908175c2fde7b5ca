"""Multibase base58btc and Multikey encodings (W3C Controlled Identifiers, Multikey §2.2)."""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as a varint


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, digit = divmod(number, 58)
        out.append(_ALPHABET[digit])
    leading = len(data) - len(data.lstrip(b"\x00"))
    return "1" * leading + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"not a base58btc character: {char!r}")
        number = number * 58 + _INDEX[char]
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * leading + body


def multibase_z(data: bytes) -> str:
    """Multibase with the base58btc prefix ``z``."""
    return "z" + base58btc_encode(data)


def from_multibase_z(value: str) -> bytes:
    if not value.startswith("z"):
        raise ValueError("expected a base58btc multibase value (prefix z)")
    return base58btc_decode(value[1:])


def ed25519_multikey(raw_public_key: bytes) -> str:
    """``publicKeyMultibase`` of an Ed25519 key: z + base58btc(0xed01 + 32 key bytes)."""
    if len(raw_public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return multibase_z(ED25519_PUB_PREFIX + raw_public_key)


def ed25519_from_multikey(value: str) -> bytes:
    decoded = from_multibase_z(value)
    if not decoded.startswith(ED25519_PUB_PREFIX) or len(decoded) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return decoded[2:]
