import struct
import zlib

import pytest

from service.baking import png, svg
from service.baking.images import ImageRejected, check_image
from tests.factories import SVG, png_bytes

LIMIT = 512 * 1024


def rejected(content: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(ImageRejected) as caught:
        check_image(content, max_bytes=limit)
    return caught.value.code


def test_png_is_sniffed_with_its_dimensions() -> None:
    image = check_image(png_bytes(100, 80), max_bytes=LIMIT)
    assert (image.media_type, image.width, image.height) == ("image/png", 100, 80)


def test_plain_svg_is_accepted() -> None:
    assert check_image(SVG, max_bytes=LIMIT).media_type == "image/svg+xml"


def test_size_limit() -> None:
    assert rejected(png_bytes(), limit=50) == "image-too-large"


def test_empty_and_foreign_files() -> None:
    assert rejected(b"") == "image-empty"
    assert rejected(b"GIF89a" + b"\x00" * 40) == "image-unsupported-type"
    assert rejected(b"%PDF-1.7 not an image") == "image-unsupported-type"


def test_truncated_png() -> None:
    assert rejected(png_bytes()[:20]) == "image-corrupt"


def test_png_declaring_huge_dimensions_is_refused_without_decompressing() -> None:
    assert rejected(png_bytes(1, 1)) == "image-bad-dimensions"
    huge = bytearray(png_bytes(64, 64))
    huge[16:24] = (100_000).to_bytes(4, "big") * 2  # a decompression bomb announces itself here
    assert rejected(bytes(huge)) == "image-bad-dimensions"


@pytest.mark.parametrize(
    ("svg", "why"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DTD",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="https://tracker.example/x.png"/></svg>',
            "external",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
            "js",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "fo"),
        (b"<svg><unclosed></svg>", "malformed"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>', "not svg"),
    ],
)
def test_unsafe_svgs_are_refused(svg: bytes, why: str) -> None:
    assert rejected(svg) == "image-svg-unsafe-or-invalid", why


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_png_is_read_whole_before_it_is_accepted() -> None:
    good = png_bytes()
    bad_crc = bytearray(good)
    bad_crc[-13] ^= 0x01  # the last byte of the IDAT chunk's CRC
    assert rejected(bytes(bad_crc)) == "image-corrupt"
    no_iend = good[: good.index(b"IEND") - 4]
    assert rejected(no_iend) == "image-corrupt"
    header = good[: good.index(b"IDAT") - 4]
    short_rows = zlib.compress(b"\x00" + b"\x10" * (3 * 64) * 10)  # 10 rows of the 64 announced
    assert rejected(header + png_chunk(b"IDAT", short_rows) + png_chunk(b"IEND", b"")) == "image-corrupt"
    cut_stream = zlib.compress((b"\x00" + b"\x10" * 3 * 64) * 64)[:-6]  # no end, no checksum
    assert rejected(header + png_chunk(b"IDAT", cut_stream) + png_chunk(b"IEND", b"")) == "image-corrupt"
    palette = bytearray(png_bytes())
    palette[25] = 3  # colour type 3 (palette) and no PLTE chunk
    palette[29:33] = struct.pack(">I", zlib.crc32(bytes(palette[12:29])))
    assert rejected(bytes(palette)) == "image-corrupt"


def test_an_interlaced_png_is_measured_pass_by_pass() -> None:
    width, height = 33, 17  # sizes that leave some Adam7 passes short
    rows = b"".join(
        (b"\x00" + b"\x55" * 3 * -(-(width - x0) // dx)) * -(-(height - y0) // dy)
        for x0, y0, dx, dy in (
            (0, 0, 8, 8),
            (4, 0, 8, 8),
            (0, 4, 4, 8),
            (2, 0, 4, 4),
            (0, 2, 2, 4),
            (1, 0, 2, 2),
            (0, 1, 1, 2),
        )
        if width > x0 and height > y0
    )
    image = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1))
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )
    assert check_image(image, max_bytes=LIMIT).width == width


def test_an_image_that_already_holds_a_badge_is_refused() -> None:
    assert rejected(png.bake(png_bytes(), '{"id": "x"}', png.OB2_KEYWORD)) == "image-already-baked"
    assert (
        rejected(svg.bake(SVG, "https://ailleurs.example/assertion/1", "assertion")) == "image-already-baked"
    )


def test_svgs_that_used_to_break_baking_are_accepted_and_bake() -> None:
    latin1 = '<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"><title>Médiation</title></svg>'
    cases = {
        "self-closed": b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"/>',
        "latin-1": latin1.encode("latin-1"),
        "prefixed": b'<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:rect width="9" height="9"/></s:svg>',
        "comment first": b'<!-- <svg> --><svg xmlns="http://www.w3.org/2000/svg"><!-- x --></svg>',
    }
    for why, content in cases.items():
        image = check_image(content, max_bytes=LIMIT)
        text = '{"name": "é -->]]><svg onload=alert(1)>"}'
        baked = svg.bake(image.content, text, "credential")
        assert svg.unbake(baked) == ("credential", text), why
    stored = check_image(latin1.encode("latin-1"), max_bytes=LIMIT).content
    assert stored.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert "Médiation".encode() in stored


def test_an_svg_in_another_encoding_than_it_declares_is_refused() -> None:
    assert rejected('<svg xmlns="http://www.w3.org/2000/svg"><title>é</title></svg>'.encode("latin-1")) == (
        "image-svg-encoding"
    )
    lying = b'<?xml version="1.0" encoding="x-unknown"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert rejected(lying) == "image-svg-encoding"
