"""Baking round-trips, and hostile images are refused with a reason."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.baking import png, svg
from service.baking.png import BakingError
from tests.factories import SVG, png_bytes

TEXTS = st.text(min_size=1, max_size=2000).filter(lambda t: t.strip() != "" and "\x00" not in t)


@settings(max_examples=60, deadline=None)
@given(text=TEXTS, keyword=st.sampled_from(png.KEYWORDS))
def test_png_round_trip(text: str, keyword: str) -> None:
    baked = png.bake(png_bytes(), text, keyword)
    assert png.unbake(baked) == (keyword, text)
    assert png.unbake(png.bake(baked, "autre", keyword)) == (keyword, "autre")  # replaced, never two


@settings(max_examples=60, deadline=None)
@given(
    text=st.one_of(
        st.builds(lambda s: '{"name": ' + __import__("json").dumps(s) + "}", st.text(max_size=200)),
        st.from_regex(r"\A[A-Za-z0-9_-]{10}\.[A-Za-z0-9_-]{10}\.[A-Za-z0-9_-]{10}\Z"),
    ),
    element=st.sampled_from(list(svg.ELEMENTS)),
)
def test_svg_round_trip(text: str, element: str) -> None:
    baked = svg.bake(SVG, text, element)
    assert svg.unbake(baked) == (element, text.strip())
    assert baked.endswith(SVG[SVG.index(b">") + 1 :])  # the rest of the image kept


def test_json_with_a_cdata_terminator_survives() -> None:
    text = '{"name": "a ]]> b"}'
    assert svg.unbake(svg.bake(SVG, text, "credential")) == ("credential", text)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_hostile_pngs_are_refused() -> None:
    header = png.SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    with pytest.raises(BakingError, match="decompression bomb"):
        png.unbake(header + chunk(b"IEND", b""))
    bomb_text = zlib.compress(b"a" * (8 * 1024 * 1024), 9)  # 8 MiB from a few kilobytes
    itxt = b"openbadges\x00\x01\x00\x00\x00" + bomb_text
    small = png_bytes()
    bomb = small[: small.index(b"IEND") - 4] + chunk(b"iTXt", itxt) + chunk(b"IEND", b"")
    with pytest.raises(BakingError, match="inflates beyond"):
        png.unbake(bomb)
    lying = png.SIGNATURE + struct.pack(">I", 2**31) + b"IHDR" + b"\x00" * 20
    with pytest.raises(BakingError, match="claims more bytes"):
        png.unbake(lying)
    corrupt = bytearray(png.bake(png_bytes(), "x", "openbadges"))
    corrupt[40] ^= 0xFF
    with pytest.raises(BakingError):
        png.unbake(bytes(corrupt))
    with pytest.raises(BakingError, match="not a PNG"):
        png.unbake(b"GIF89a")
    twice = png.bake(png_bytes(), "x", "openbadges")
    twice = (
        twice[: twice.index(b"IEND") - 4]
        + chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00y")
        + chunk(b"IEND", b"")
    )
    with pytest.raises(BakingError, match="more than one"):
        png.unbake(twice)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>',
            "DTDs, entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
            "DTDs, entities",
        ),
        (b"<svg", "not a well-formed SVG"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG"),
    ],
)
def test_hostile_svgs_are_refused(content: bytes, reason: str) -> None:
    with pytest.raises(BakingError, match=reason):
        svg.unbake(content)


def test_an_image_without_a_badge_is_none() -> None:
    assert png.unbake(png_bytes()) is None
    assert svg.unbake(SVG) is None
