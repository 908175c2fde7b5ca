"""Share cards' text layout, the rasteriser's guard against expanding SVGs, and which agents get
the page with its card (issue 18, points 1 and 2)."""

from __future__ import annotations

import io

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

from service.http.negotiation import is_share_crawler, wants_page
from service.imaging import cards, raster


def test_long_titles_wrap_on_words_and_end_with_an_ellipsis() -> None:
    font = cards._font(58, bold=True)
    title = "Accueillir et accompagner les publics éloignés du numérique dans une France Services " * 3
    lines = cards.wrap(title, font, 572, 4)
    assert len(lines) == 4
    assert all(font.getlength(line) <= 572 for line in lines)
    assert lines[-1].endswith("…")
    assert lines[0].startswith("Accueillir")
    assert cards.wrap("Culture numérique", font, 572, 4)[-1].endswith("…") is False
    one_word = cards.wrap("Anticonstitutionnellement" * 4, font, 300, 2)
    assert len(one_word) == 1
    assert one_word[0].endswith("…")
    assert font.getlength(one_word[0]) <= 300


def test_the_card_is_a_png_of_the_size_social_sites_ask_for() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    text = cards.CardText("Badge", "Culture numérique", "Délivré par Hub Sud", "badges.example.fr")
    picture = Image.open(io.BytesIO(cards.share_card(svg, "image/svg+xml", text)))
    assert (picture.format, picture.size) == ("PNG", (1200, 630))


def test_expansion_of_use_elements_is_counted_before_rendering() -> None:
    def nested(levels: int, fan: int) -> bytes:
        groups = "".join(
            f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * fan + "</g>" for n in range(1, levels + 1)
        )
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><defs><g id="l0"><rect/></g>'
            f'{groups}</defs><use href="#l{levels}"/></svg>'
        ).encode()

    assert raster.expanded_size(fromstring(nested(2, 3))) < 100
    assert raster.expanded_size(fromstring(nested(9, 10))) > raster.MAX_EXPANDED_ELEMENTS
    with pytest.raises(raster.RasterError):
        raster.svg_to_png(nested(9, 10), width=64)
    cycle = (
        b'<svg xmlns="http://www.w3.org/2000/svg">'
        b'<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>'
    )
    with pytest.raises(raster.RasterError):
        raster.svg_to_png(cycle, width=64)
    deep = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 5000 + b"</g>" * 5000 + b"</svg>"
    with pytest.raises(raster.RasterError):
        raster.svg_to_png(deep, width=64)
    with pytest.raises(raster.RasterError):
        raster.svg_to_png(b"<svg", width=64)


@pytest.mark.parametrize(
    ("accept", "agent", "page"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", "Mozilla/5.0 Firefox/133.0", True),
        ("*/*", "Mozilla/5.0 Firefox/133.0", False),  # a script borrowing a browser's name
        ("*/*", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient)", True),
        (None, "Twitterbot/1.0", True),
        ("application/ld+json", "facebookexternalhit/1.1", False),
        ("application/ld+json, */*;q=0.5", "facebookexternalhit/1.1", False),
        ("application/json;q=0.5, text/html", "Slackbot-LinkExpanding 1.0", True),
        ("*/*", "python-requests/2.32", False),
        (None, None, False),
    ],
)
def test_who_gets_the_page(accept: str | None, agent: str | None, page: bool) -> None:
    assert wants_page(accept, agent) is page


def test_share_crawler_names_are_matched_whatever_their_case() -> None:
    assert is_share_crawler("WHATSAPP/2.23")
    assert is_share_crawler("http.rb/5.2 (Mastodon/4.3.2; +https://piaille.fr/)")
    assert not is_share_crawler("Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0")
    assert not is_share_crawler(None)


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + ihdr
        + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    )


def test_embedded_images_are_read_from_their_header_before_the_renderer_decodes_them() -> None:
    """A PNG that announces 100,000 pixels a side inside a design, or a nested SVG (whose <use>
    the count would not see), is refused before resvg decodes anything."""
    import base64

    def design(href: str) -> bytes:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
            f'<image width="8" height="8" href="{href}"/></svg>'
        ).encode()

    bomb = "data:image/png;base64," + base64.b64encode(_png_header(100_000, 100_000)).decode()
    nested = (
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    )
    jpeg = "data:image/jpeg;base64,/9j/4AAQSkZJRg=="
    for href in (bomb, nested, jpeg, "data:image/png;base64,!!!!"):
        with pytest.raises(raster.RasterError):
            raster.svg_to_png(design(href), width=64)
    small = "data:image/png;base64," + base64.b64encode(_png_header(16, 16)).decode()
    raster.check_embedded_images(fromstring(design(small)))  # a small PNG is let through
