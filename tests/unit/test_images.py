import pytest

from service.domain.images import ImageRejected, check_image
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
