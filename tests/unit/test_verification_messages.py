"""Every code the verifiers can write has its words in French and in English (the catalogue):
the codes are read from the verifiers' source (what they pass to the report, the status
outcomes, the proof checks, the safe-mode refusals, the fetcher's refusals), so a new code
without words fails here."""

from __future__ import annotations

import re
from pathlib import Path

from service.i18n.catalogue import translate
from service.i18n.verification import CHECK_NAMES, FORMS, HEADLINES, MESSAGES
from service.verification.fetch_codes import REFUSALS
from service.verification.service import Form

ROOT = Path(__file__).resolve().parents[2] / "service"
SOURCES = [
    *sorted((ROOT / "verification").glob("*.py")),
    ROOT / "signing" / "data_integrity.py",
    ROOT / "signing" / "jsonld_safe.py",
]
PATTERNS = [
    r'report\.(?:passed|failed|skipped)\(\s*"([a-z0-9-]+)",\s*"([a-z0-9-]+)"',
    r'_Outcome\((?:True|False), "([a-z0-9-]+)"',
    r'code="([a-z0-9-]+)"',
    r'UnsafeJsonLd\("([a-z0-9-]+)"',
    r'_unfetched\(report, "[a-z0-9-]+", "([a-z0-9-]+)"',
]


def codes_in_sources() -> tuple[set[str], set[str]]:
    names: set[str] = set()
    codes: set[str] = set()
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for match in re.finditer(pattern, text):
                if len(match.groups()) == 2:
                    names.add(match.group(1))
                    codes.add(match.group(2))
                else:
                    codes.add(match.group(1))
    return names, codes


def test_every_code_and_check_name_has_french_and_english_words() -> None:
    names, codes = codes_in_sources()
    assert len(codes) > 40  # the patterns still find the verifiers' codes
    codes |= REFUSALS
    missing = sorted(code for code in codes if code not in MESSAGES)
    assert missing == []
    assert sorted(name for name in names if name not in CHECK_NAMES) == []
    for table in (MESSAGES, CHECK_NAMES, HEADLINES, FORMS):
        for key, french in table.items():
            assert french.strip(), key
            assert translate(french, "en").strip(), key
    assert {form.value for form in Form} <= set(FORMS)


def test_french_words_are_not_the_english_ones() -> None:
    same = [code for code, french in MESSAGES.items() if translate(french, "en") == french]
    assert same == []
