"""The share card: the picture social sites and messaging apps show beside a badge link
(OpenGraph ``og:image``), 1200 × 630 pixels as they all recommend, PNG because none of them shows
SVG. It holds the badge image, the badge's name, who issued it and the site's address; never the
holder's name.

Text is laid out with the font's own measures (Pillow with the fonts ``raster.fonts`` found),
wrapped on words and cut with an ellipsis when it would not fit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from service.imaging import raster

WIDTH, HEIGHT = 1200, 630
_BADGE_SIDE = 420
_MARGIN = 72
_TEXT_LEFT = _MARGIN + _BADGE_SIDE + 64
_TEXT_WIDTH = WIDTH - _TEXT_LEFT - _MARGIN
_INK = (30, 30, 30)
_GREY = (80, 80, 80)  # 7.6:1 on white
_BAND = (0, 0, 145)
_MAX_SOURCE_PIXELS = 4096 * 4096

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class CardText:
    kicker: str  # what this is, in the reader's language
    title: str  # the badge's name
    byline: str  # "Délivré par …"
    footer: str  # the site's host


def _font(size: int, *, bold: bool = False) -> Font:
    found = raster.fonts()
    if found:
        path = found[1] if bold and len(found) > 1 else found[0]
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _badge_picture(image: bytes, media_type: str) -> Image.Image:
    if media_type == "image/svg+xml":
        image = raster.svg_to_png(image, width=_BADGE_SIDE)
    source = Image.open(io.BytesIO(image))
    if source.width * source.height > _MAX_SOURCE_PIXELS:
        raise raster.RasterError("image too large")
    picture = source.convert("RGBA")
    picture.thumbnail((_BADGE_SIDE, _BADGE_SIDE), Image.Resampling.LANCZOS)
    return picture


def wrap(text: str, font: Font, width: int, max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``; the last one ends with an
    ellipsis when words were left out (a word longer than a line is cut)."""
    lines: list[str] = []
    words = text.split()
    current = ""
    index = 0
    while index < len(words):
        candidate = f"{current} {words[index]}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            index += 1
            continue
        if not current:  # one word wider than the line
            current = _cut(words[index], font, width)
            index += 1
        lines.append(current)
        current = ""
        if len(lines) == max_lines:
            break
    if current and len(lines) < max_lines:
        lines.append(current)
    if index < len(words) or (lines and lines[-1] != _cut(lines[-1], font, width)):
        lines[-1] = _cut(lines[-1] + " …", font, width, ellipsis=True)
    return lines


def _cut(text: str, font: Font, width: int, *, ellipsis: bool = False) -> str:
    if font.getlength(text) <= width:
        return text
    body = text.removesuffix(" …") if ellipsis else text
    while body and font.getlength(body + "…") > width:
        body = body[:-1]
    return body.rstrip() + "…"


def share_card(image: bytes, media_type: str, text: CardText) -> bytes:
    """The card as PNG bytes; ``raster.RasterError`` when the badge image cannot be drawn."""
    card = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=_BAND)
    picture = _badge_picture(image, media_type)
    left = _MARGIN + (_BADGE_SIDE - picture.width) // 2
    top = (HEIGHT - 16 - picture.height) // 2
    card.paste(picture, (left, top), picture)

    kicker, title, byline, footer = _font(30), _font(58, bold=True), _font(34), _font(28)
    title_lines = wrap(text.title, title, _TEXT_WIDTH, 4)
    byline_lines = wrap(text.byline, byline, _TEXT_WIDTH, 2)
    heights = 30 + 28 + len(title_lines) * 70 + 24 + len(byline_lines) * 44
    y = max(48, (HEIGHT - 16 - heights) // 2)
    draw.text((_TEXT_LEFT, y), wrap(text.kicker, kicker, _TEXT_WIDTH, 1)[0], font=kicker, fill=_GREY)
    y += 30 + 28
    for line in title_lines:
        draw.text((_TEXT_LEFT, y), line, font=title, fill=_INK)
        y += 70
    y += 24
    for line in byline_lines:
        draw.text((_TEXT_LEFT, y), line, font=byline, fill=_INK)
        y += 44
    draw.text(
        (_TEXT_LEFT, HEIGHT - 16 - 60), wrap(text.footer, footer, _TEXT_WIDTH, 1)[0], font=footer, fill=_GREY
    )
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()
