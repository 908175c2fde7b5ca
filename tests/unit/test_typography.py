"""Issue 21, point 6: English texts keep no French spacing before « : ; ! ? » (« State : closed »),
French texts set a narrow no-break space there, as French typography wants."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from service.i18n.catalogue import french_typography, translate

PO = Path(__file__).parents[2] / "service" / "i18n" / "locales" / "en" / "LC_MESSAGES" / "messages.po"
TEMPLATES = Path(__file__).parents[2] / "service" / "web" / "templates"
SPACE_BEFORE = re.compile(r"\s[:;!?](?=\s|$)")


def test_no_english_entry_has_a_space_before_high_punctuation() -> None:
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    found = []
    for message in catalog:
        if not message.id:
            continue
        for translated in message.string if isinstance(message.string, tuple) else (message.string,):
            if SPACE_BEFORE.search(translated or ""):
                found.append(translated)
    assert found == []


def test_no_template_puts_a_colon_after_a_message() -> None:
    """« {{ _("État") }} : » reads « State : » in English: the colon belongs in the message."""
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\}\}\s+[:;!?]", line)
    ]
    assert found == []


def test_french_sets_a_narrow_no_break_space_before_high_punctuation() -> None:
    assert translate("Émis par :", "fr") == "Émis par\u202f:"
    assert translate("Émis par :", "en") == "Issued by:"
    assert french_typography("Vraiment ? Oui ! Puis ; enfin : fin") == (
        "Vraiment\u202f? Oui\u202f! Puis\u202f; enfin\u202f: fin"
    )
    # Addresses, times and CSS are not typography.
    for untouched in ("https://badges.example", "10:30", "a:hover", "mailto:x@y.fr"):
        assert french_typography(untouched) == untouched
