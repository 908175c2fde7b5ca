"""Pure pieces of the web layer: LinkedIn's link, earners' link tokens, sign-in rules, the
language choice, locale formats, and the English catalogue being complete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from service.domain import earner_links, signin
from service.i18n.formats import Formats
from service.i18n.language import choose
from service.usecases import accounts
from service.web.linkedin import Certification, add_to_profile_url

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_linkedin_link_carries_the_certification_fields() -> None:
    url = add_to_profile_url(
        Certification(
            name="Accueil des publics & numérique",
            organisation="Hub Occitanie",
            issued_on=datetime(2026, 3, 5, tzinfo=UTC),
            url="https://badges.example.fr/awards/abc",
            credential_id="abc",
            expires_at=datetime(2028, 3, 5, tzinfo=UTC),
        )
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(parts.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Accueil des publics & numérique"],
        "organizationName": ["Hub Occitanie"],
        "issueYear": ["2026"],
        "issueMonth": ["3"],
        "expirationYear": ["2028"],
        "expirationMonth": ["3"],
        "certUrl": ["https://badges.example.fr/awards/abc"],
        "certId": ["abc"],
    }


def test_linkedin_prefers_the_organisation_id_when_known() -> None:
    cert = Certification("B", "Hub", NOW, "https://x/awards/a", "a", organisation_id="1234")
    query = parse_qs(urlsplit(add_to_profile_url(cert)).query)
    assert query["organizationId"] == ["1234"]
    assert "organizationName" not in query
    assert "expirationYear" not in query


def test_earner_links_are_bound_to_the_award_and_the_secret() -> None:
    token = earner_links.token_for("secret-one", "award1")
    assert earner_links.award_of("secret-one", token) == "award1"
    assert earner_links.award_of("secret-two", token) is None
    assert earner_links.award_of("secret-one", token.replace("award1", "award2")) is None
    assert earner_links.award_of("secret-one", token[:-1]) is None
    assert earner_links.award_of("secret-one", "award1") is None
    assert earner_links.award_of("secret-one", "") is None


def test_lockout_rules() -> None:
    attempts = signin.Attempts()
    for _ in range(signin.MAX_FAILURES - 1):
        attempts = signin.after_failure(attempts, NOW)
        assert not signin.is_locked(attempts, NOW)
    attempts = signin.after_failure(attempts, NOW)
    assert signin.is_locked(attempts, NOW)
    assert signin.is_locked(attempts, NOW + signin.FIRST_LOCK - timedelta(seconds=1))
    assert not signin.is_locked(attempts, NOW + signin.FIRST_LOCK)
    assert (attempts.failures, attempts.locks) == (0, 1)  # counting starts anew after the lock
    assert [signin.lock_length(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (15, 30, 60)]
    assert signin.lock_length(40) == signin.LONGEST_LOCK
    later = NOW + signin.FIRST_LOCK
    assert signin.current(attempts, later + signin.FORGET_AFTER - timedelta(seconds=1)) == attempts
    assert signin.current(attempts, later + signin.FORGET_AFTER) == signin.Attempts()


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("testclient", "testclient"),
        ("x" * 100, "x" * 64),
    ],
)
def test_a_lock_applies_to_an_ipv4_address_or_an_ipv6_64(address: str, key: str) -> None:
    assert signin.address_key(address) == key


def test_session_lifetime_rules() -> None:
    assert signin.session_alive(NOW, NOW, NOW + signin.IDLE - timedelta(seconds=1))
    assert not signin.session_alive(NOW, NOW, NOW + signin.IDLE)
    late = NOW + signin.ABSOLUTE - timedelta(minutes=1)
    assert signin.session_alive(NOW, late, late)
    assert not signin.session_alive(NOW, late, NOW + signin.ABSOLUTE)


def test_unknown_accounts_cost_one_argon2_verification_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """What makes the answer time the same: a refusal for an unknown account verifies a decoy
    hash with the same parameters as a real one."""
    decoy = accounts._decoy_hash()
    real = accounts.hasher().hash("a real password")
    assert decoy.split("$")[:4] == real.split("$")[:4]  # argon2id, same version, memory, time, lanes
    calls: list[str] = []
    original = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda stored, pw: calls.append(stored) or original(stored, pw))

    class NoAccount:
        def scalar(self, _query: object) -> None:
            return None

    class Clock:
        def now(self) -> datetime:
            return NOW

    refused = accounts.authenticate(NoAccount(), Clock(), "nobody@example.fr", "guess", "203.0.113.7")  # type: ignore[arg-type]
    assert refused is None
    assert calls == [decoy]


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, "fr"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "de-DE,de;q=0.9", "fr"),
        (None, "fr;q=0.4,en;q=0.8", "en"),
        ("fr", "en", "fr"),
        ("en", "fr", "en"),
        ("xx", "en", "en"),
    ],
)
def test_language_choice(cookie: str | None, header: str | None, expected: str) -> None:
    assert choose(cookie, header) == expected


def test_dates_and_numbers_per_locale() -> None:
    moment = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)  # already 6 January in Paris
    assert Formats("fr").date(moment) == "6 janvier 2026"
    assert Formats("en").date(moment) == "6 January 2026"
    assert Formats("fr").number(1234.5) == "1\u202f234,5"
    assert Formats("en").number(1234.5) == "1,234.5"
    assert Formats("fr").text_date("2026-11-22T10:00:00Z") == "22 novembre 2026"
    assert Formats("en").text_date("not a date") == "not a date"


def test_access_logs_never_show_an_earners_link() -> None:
    import logging

    from service.web.log_redaction import RedactEarnerLinks

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", "/mon-badge/abc.SECRETMAC/publier?x=1", "1.1", 303),
        None,
    )
    assert RedactEarnerLinks().filter(record)
    assert "SECRETMAC" not in record.getMessage()
    assert "/mon-badge/[redacted]/publier?x=1" in record.getMessage()
    invitation = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/console/lien/abc.INVITEMAC", "1.1", 200),
        None,
    )
    assert RedactEarnerLinks().filter(invitation)
    assert "INVITEMAC" not in invitation.getMessage()
    assert "/console/lien/[redacted]" in invitation.getMessage()
