"""Issue 18, point 8: the award email and the revocation notice pass an HTML email linter
(html-validate, and caniemail's support data for the mail clients French people use) and read
well in Chromium at a phone's width: nothing wider than the screen, the badge image shown, the
button there, no axe violation (but the page-structure rules, which the mail client's page answers)."""

from __future__ import annotations

import base64
import json
import subprocess
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from service.mail.compose import Announcement, Training, compose
from service.usecases.baked import rendered_png
from service.usecases.catalogue import default_image, load
from tests.browser.conftest import HERE, all_violations, screenshot

# What caniemail says some clients ignore, and why that is harmless here: accessibility hints
# (role="presentation" on layout tables, lang on each language's part) and <body>, which webmails
# replace by a <div> (the layout does not depend on its style).
IGNORED_WHERE_UNSUPPORTED = ("`<body> element`", "`role attribute`", "`lang attribute`")
PHONE = {"width": 375, "height": 812}
PAGE_STRUCTURE_RULES = {"landmark-one-main", "page-has-heading-one", "region"}


def announcement(language: str, *, revoked: bool = False) -> Announcement:
    entry = load().badges[0]
    return Announcement(
        message_id="m4y5dh2t3hmzq6mxf5n6pyn3ty",
        recipient="camille.durand@mairie-lunel.fr",
        recipient_name="Camille Durand",
        language=language,
        badge_name=entry.name,
        issuer_name="Coop des médiateurs numériques du Rhône et de la Métropole de Lyon",
        badge_url="https://badges.example.fr/b/5xuy6uxsq4wdftayukr6csjf2i",
        private_url="https://badges.example.fr/mon-badge/5xuy6uxsq4wdftayukr6csjf2i.Xb3kQ9hZr1mC0pLw2Yt7vN4sR8eU6aTq",
        revoked_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC) if revoked else None,
        reason="Attribué par erreur à la mauvaise personne" if revoked else None,
        image_png=rendered_png(default_image(entry)),
        training=Training(
            "Accueillir les publics éloignés du numérique en France Services",
            datetime(2026, 11, 20, 8, 30, tzinfo=UTC),
            datetime(2026, 11, 21, 8, 30, tzinfo=UTC),
            "Médiathèque Jean-Jaurès, Lunel",
            remote=False,
            as_trainer=False,
        ),
        space_url="https://badges.example.fr/mon-espace",
    )


def html_with_images(message: EmailMessage) -> str:
    """The HTML part, its cid: images replaced by data: URIs so that a browser shows them."""
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    for part in message.walk():
        cid = part.get("Content-ID")
        if cid:
            data = base64.b64encode(part.get_payload(decode=True)).decode()
            html = html.replace(f"cid:{cid.strip('<>')}", f"data:{part.get_content_type()};base64,{data}")
    return html


def lint(html: str, tmp_path: Path) -> dict[str, object]:
    source = tmp_path / "email.html"
    source.write_text(html, encoding="utf-8")
    done = subprocess.run(
        ["node", str(HERE / "lint_email.mjs"), str(source)], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(("language", "revoked"), [("fr", False), ("en", False), ("fr", True)])
def test_the_email_passes_the_linters_and_reads_on_a_phone(
    browser: Browser, tmp_path: Path, language: str, revoked: bool
) -> None:
    message = compose(announcement(language, revoked=revoked), "badges@example.fr", "badges.example.fr")
    raw_html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    found = lint(raw_html, tmp_path)
    assert found["html"] == []
    clients = found["clients"]
    assert isinstance(clients, dict)
    unsupported = [e for e in clients["errors"] if not e.startswith(IGNORED_WHERE_UNSUPPORTED)]
    assert unsupported == []
    if not revoked:
        assert 'src="cid:badge-m4y5dh2t3hmzq6mxf5n6pyn3ty@badges.example.fr"' in raw_html
        images = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert len(images) == 1
        assert images[0]["Content-ID"] == "<badge-m4y5dh2t3hmzq6mxf5n6pyn3ty@badges.example.fr>"
    context = browser.new_context(viewport=PHONE, bypass_csp=True, java_script_enabled=True)
    page = context.new_page()
    page.set_content(html_with_images(message))
    screenshot(page, f"email-{'revoked' if revoked else 'issued'}-{language}-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if not revoked:
        badge = page.locator("img").first
        assert badge.evaluate("img => img.complete && img.naturalWidth") == 512
        button = page.get_by_role("link", name="Voir mon badge" if language == "fr" else "See my badge")
        assert button.first.is_visible()
        box = button.first.bounding_box()
        assert box is not None
        assert box["height"] >= 44  # a target a thumb can hit
        text = page.inner_text("body")
        assert "Médiathèque Jean-Jaurès, Lunel" in text
        assert (
            "du 20 novembre 2026 au 21 novembre 2026" if language == "fr" else "from 20 November 2026"
        ) in text
    # Every violation counts but the page-structure rules: a mail client shows the email inside
    # its own page, with its own landmarks and headings.
    found = [v["id"] for v in all_violations(page) if v["id"] not in PAGE_STRUCTURE_RULES]
    assert found == []
    context.close()
