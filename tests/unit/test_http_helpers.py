import pytest

from service.http.negotiation import json_media_type, wants_html
from service.i18n.language import negotiate


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "fr"),
        ("", "fr"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de,en;q=0.5", "en"),
        ("de", "fr"),
        ("en;q=0.2,fr;q=0.9", "fr"),
        ("en;q=bogus", "fr"),
    ],
)
def test_language_negotiation(header: str | None, language: str) -> None:
    assert negotiate(header) == language


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # a browser
        ("application/ld+json, application/json, image/png, image/svg+xml", False),  # the 1EdTech validator
        ("application/json", False),
        ("*/*", False),
        (None, False),
        ("text/html;q=0.5, application/json", False),
    ],
)
def test_html_only_when_preferred(accept: str | None, html: bool) -> None:
    assert wants_html(accept) is html


def test_json_media_type() -> None:
    assert json_media_type("application/ld+json, application/json") == "application/ld+json"
    assert json_media_type("*/*") == "application/json"
