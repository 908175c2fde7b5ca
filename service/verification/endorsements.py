"""The endorsements a badge carries, each verified on its own: embedded EndorsementCredentials of
an OB 3.0 credential (in the credential, its achievement and its issuer's profile) and the hosted
Endorsements an OB 2.0 assertion, badge class or issuer links to.

An endorsement is someone else's claim about the badge: its checks never change the badge's own
verdict, and the badge's verdict never vouches for them. At most ``MAX_CHECKED`` are verified
per badge (each needs its author's keys and status list); the rest are counted, not judged.
Nothing here raises on input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from service.verification.ob2 import Fetch
from service.verification.report import Outcome, Report

Json = dict[str, Any]
MAX_CHECKED = 10
# What is endorsed, as the verifier found it.
ISSUER = "issuer"
BADGE = "badge"
AWARD = "award"


@dataclass(slots=True)
class Endorsed:
    """One endorsement and its checks. ``author`` and ``comment`` are what it says of itself:
    shown as its author's claim only when its own proof passed."""

    about: str  # issuer | badge | award
    report: Report
    author: str | None = None
    author_id: str | None = None
    comment: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Found:
    checked: list[Endorsed]
    unchecked: int  # beyond MAX_CHECKED


def _items(container: Any) -> list[Any]:
    if not isinstance(container, dict):
        return []
    found = container.get("endorsement")
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def _id(node: Any) -> str | None:
    value = node.get("id") if isinstance(node, dict) else node
    return value if isinstance(value, str) else None


def _name(node: Any) -> str | None:
    value = node.get("name") if isinstance(node, dict) else None
    return value if isinstance(value, str) else None


def _types(node: Json) -> list[Any]:
    found = node.get("type")
    return found if isinstance(found, list) else [found]


def ob3(credential: Json, verify: Callable[[Json], Report]) -> Found:
    """The EndorsementCredentials embedded in a verified OB 3.0 credential. ``verify`` runs the
    OB 3.0 checks (proof by the author's key, schema, dates, status) on one of them."""
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    issuer = credential.get("issuer")
    places = [(AWARD, credential), (BADGE, achievement), (ISSUER, issuer)]
    pending = [(about, _id(container), item) for about, container in places for item in _items(container)]
    checked = [_ob3_one(about, expected, item, verify) for about, expected, item in pending[:MAX_CHECKED]]
    return Found(checked, max(0, len(pending) - MAX_CHECKED))


def _ob3_one(about: str, expected: str | None, item: Any, verify: Callable[[Json], Report]) -> Endorsed:
    if not isinstance(item, dict):
        report = Report()
        report.failed("format", "not-an-object")
        return Endorsed(about, report)
    report = verify(item)
    endorsed = Endorsed(about, report, url=_id(item))
    if "EndorsementCredential" not in _types(item):
        report.failed("endorsement", "not-an-endorsement")
    subject = item.get("credentialSubject")
    subject_id = _id(subject)
    if expected is None or subject_id != expected:
        report.failed("endorsement", "endorses-something-else", subject=subject_id or "—")
    else:
        report.passed("endorsement", "endorses-this", subject=subject_id)
    if report.outcome_of("proof") is Outcome.PASSED:
        author = item.get("issuer")
        endorsed.author, endorsed.author_id = _name(author), _id(author)
        comment = subject.get("endorsementComment") if isinstance(subject, dict) else None
        endorsed.comment = comment if isinstance(comment, str) else None
    return endorsed


def ob2(assertion: Json, badge: Json, issuer: Json, fetch: Fetch) -> Found:
    """The hosted Endorsements a verified OB 2.0 assertion, its badge class and its issuer link
    to, each fetched and checked: its type, what it claims about, that it is still published
    (410: withdrawn), and that it is hosted on its author's origin."""
    places = [(AWARD, assertion), (BADGE, badge), (ISSUER, issuer)]
    pending = [(about, _id(container), item) for about, container in places for item in _items(container)]
    checked = [_ob2_one(about, expected, item, fetch) for about, expected, item in pending[:MAX_CHECKED]]
    return Found(checked, max(0, len(pending) - MAX_CHECKED))


def _ob2_one(about: str, expected: str | None, item: Any, fetch: Fetch) -> Endorsed:
    report = Report()
    url = _id(item)
    endorsed = Endorsed(about, report, url=url)
    if url is None or not url.startswith(("https://", "http://")):
        report.failed("format", "not-an-endorsement")
        return endorsed
    fetched = fetch(url)
    if fetched.status == 410:
        report.failed("status", "endorsement-withdrawn")
        return endorsed
    document = fetched.document
    if document is None:
        code = fetched.code or ("url-unreachable" if fetched.unreachable else "document-missing")
        report.failed("fetch", code, unreachable=fetched.unreachable, url=url, status=fetched.status)
        return endorsed
    if not isinstance(document, dict) or "Endorsement" not in _types(document) or _id(document) != url:
        report.failed("format", "not-an-endorsement")
        return endorsed
    report.passed("format", "ob2-endorsement")
    claim = document.get("claim")
    if expected is None or _id(claim) != expected:
        report.failed("endorsement", "endorses-something-else", subject=_id(claim) or "—")
    else:
        report.passed("endorsement", "endorses-this", subject=expected)
    author_url = _id(document.get("issuer"))
    author = (
        fetch(author_url).document if author_url and author_url.startswith(("https://", "http://")) else None
    )
    if not isinstance(author, dict) or not ({"Profile", "Issuer"} & set(map(str, _types(author)))):
        report.failed("issuer", "endorser-profile-missing", url=author_url or "—")
        return endorsed
    if urlsplit(url).netloc != urlsplit(author_url or "").netloc:
        # Hosted verification: the endorsement must be published where its author's profile is.
        report.failed("hosted", "endorsement-not-hosted-by-author")
        return endorsed
    report.passed("hosted", "endorsement-hosted-by-author")
    endorsed.author, endorsed.author_id = _name(author), author_url
    comment = claim.get("endorsementComment") if isinstance(claim, dict) else None
    endorsed.comment = comment if isinstance(comment, str) else None
    return endorsed
