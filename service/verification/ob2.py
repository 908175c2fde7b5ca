"""Verify Open Badges 2.0 assertions, hosted (by URL) or signed (compact JWS).

Documents are fetched through an injected ``Fetch`` so tests, the service and the SSRF-guarded
network fetcher all share this logic. Nothing here raises on bad input. What a verification
shows comes from what it verified: the hosted copy, or the signed payload, never the JSON that
was submitted beside it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jwt

from service.domain.recipients import HashedRecipient
from service.signing.jws import unverified_header, verify_json
from service.verification.report import Report


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int  # 0 when nothing answered
    document: dict[str, Any] | None
    reason: str = ""  # why there is no document, in English, for logs and tests
    code: str = ""  # the same, as a message code for people
    # When the document's own server knows it (this instance's badges): the moment it was
    # revoked, which neither standard's documents carry.
    revoked_on: str | None = None

    @property
    def unreachable(self) -> bool:
        """Nothing answered, or the server failed: the document may exist, we cannot tell."""
        return self.status == 0 or self.status >= 500


Fetch = Callable[[str], Fetched]
Json = dict[str, Any]


@dataclass(slots=True)
class Verified:
    """The report, and the documents it verified (None when nothing could be trusted)."""

    report: Report
    assertion: Json | None = None
    badge: Json | None = None
    issuer: Json | None = None


def verify_signed(token: str, *, fetch: Fetch, now: datetime, expected_email: str | None = None) -> Verified:
    report = Report()
    result = Verified(report)
    try:
        header = unverified_header(token)
        claims = _unverified_payload(token)
    except (jwt.InvalidTokenError, ValueError):
        report.failed("format", "not-a-jws")
        return result
    if header.get("alg") != "RS256":
        report.failed("signature", "ob2-algorithm", algorithm=header.get("alg"))
        return result
    creator = (
        (claims.get("verification") or {}).get("creator")
        if isinstance(claims.get("verification"), dict)
        else None
    )
    if not isinstance(creator, str):
        report.failed("format", "no-creator")
        return result
    fetched = fetch(creator)
    key = fetched.document if fetched.status == 200 else None
    if fetched.status == 410:
        report.failed("key", "key-withdrawn", key=creator)
        return result
    if key is None or not isinstance(key.get("publicKeyPem"), str):
        _unfetched(report, "key", "key-unreachable", fetched, creator)
        return result
    try:
        assertion = verify_json(token, key["publicKeyPem"], algorithms=["RS256"])
    except (jwt.InvalidTokenError, ValueError):
        report.failed("signature", "tampered")
        return result
    report.passed("signature", "signed-by", key=creator)
    badge, issuer = _badge_issuer(assertion, fetch, report)
    if issuer is None:
        return result
    _check_key_owner(key, creator, issuer, report)
    _check_revocation_list(assertion, issuer, fetch, report)
    _check_common(assertion, now, expected_email, report)
    result.assertion, result.badge, result.issuer = assertion, badge, issuer
    return result


def verify_hosted(
    url: str,
    *,
    fetch: Fetch,
    now: datetime,
    expected_email: str | None = None,
    submitted: Json | None = None,
) -> Verified:
    """Verify the assertion hosted at ``url``. When a document was submitted (pasted JSON, a
    baked image), it must say what the hosted copy says: otherwise it was altered."""
    report = Report()
    result = Verified(report)
    fetched = fetch(url)
    document = fetched.document
    if fetched.status == 410 or (document is not None and document.get("revoked") is True):
        reason = (document or {}).get("revocationReason")
        _revoked(report, reason, fetched.revoked_on)
        return result
    if fetched.status != 200 or document is None:
        _unfetched(report, "hosted", "assertion-unreachable", fetched, url)
        return result
    if document.get("id") != url:
        report.failed("hosted", "hosted-id-mismatch")
        return result
    if submitted is not None:
        differing = differences(submitted, document)
        if differing:
            report.failed("hosted", "differs-from-hosted", fields=", ".join(differing))
            return result
    report.passed("hosted", "hosted-at", url=url)
    badge, issuer = _badge_issuer(document, fetch, report)
    if issuer is None:
        return result
    if urlsplit(str(issuer.get("id"))).netloc != urlsplit(url).netloc:
        report.failed("issuer", "not-on-issuer-domain")
        return result
    report.passed("issuer", "hosted-by-issuer", domain=urlsplit(url).netloc)
    _check_revocation_list(document, issuer, fetch, report)
    _check_common(document, now, expected_email, report)
    result.assertion, result.badge, result.issuer = document, badge, issuer
    return result


def differences(submitted: Json, hosted: Json) -> list[str]:
    """The top-level properties on which two copies of an assertion disagree: any of them,
    ``@context`` included (a value and a list of that one value are the same)."""
    keys = sorted(set(submitted) | set(hosted))
    return [key for key in keys if _normal(submitted.get(key)) != _normal(hosted.get(key))]


def _normal(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _unfetched(report: Report, name: str, code: str, fetched: Fetched, url: str) -> None:
    if fetched.unreachable:
        report.failed(name, code, unreachable=True, url=url, detail=fetched.code or None)
    else:
        report.failed(name, "document-missing", url=url, status=fetched.status)


def _unverified_payload(token: str) -> Json:
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("expected three dot-separated parts")
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    document = json.loads(base64.urlsafe_b64decode(padded))
    if not isinstance(document, dict):
        raise ValueError("payload is not a JSON object")
    return document


def _badge_issuer(assertion: Json, fetch: Fetch, report: Report) -> tuple[Json | None, Json | None]:
    badge_url = assertion.get("badge")
    if not isinstance(badge_url, str):
        report.failed("badge", "badge-not-a-url")
        return None, None
    fetched = fetch(badge_url)
    badge = fetched.document if fetched.status == 200 else None
    if badge is None:
        _unfetched(report, "badge", "badge-unreachable", fetched, badge_url)
        return None, None
    issuer_url = badge.get("issuer")
    if not isinstance(issuer_url, str):
        report.failed("issuer", "issuer-not-a-url")
        return badge, None
    fetched = fetch(issuer_url)
    issuer = fetched.document if fetched.status == 200 else None
    if issuer is None:
        _unfetched(report, "issuer", "issuer-unreachable", fetched, issuer_url)
        return badge, None
    report.passed("badge", "badge-class", name=badge.get("name"), issuer=issuer.get("name"))
    return badge, issuer


def _check_key_owner(key: Json, creator: str, issuer: Json, report: Report) -> None:
    """The issuer must vouch for the key: by naming it in ``publicKey``, or (for a key retired by
    rotation) by the key document naming the issuer as ``owner`` from the issuer's own origin."""
    keys = issuer.get("publicKey")
    listed = keys if isinstance(keys, list) else [keys]
    issuer_id = str(issuer.get("id"))
    if key.get("owner") != issuer_id:
        report.failed("key-owner", "key-owner-mismatch", key=creator, issuer=issuer_id)
    elif creator in listed:
        report.passed("key-owner", "key-declared")
    elif _origin(creator) == _origin(issuer_id):
        report.passed("key-owner", "key-earlier")
    else:
        report.failed("key-owner", "key-not-the-issuers", key=creator)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _check_revocation_list(assertion: Json, issuer: Json, fetch: Fetch, report: Report) -> None:
    list_url = issuer.get("revocationList")
    if not isinstance(list_url, str):
        report.skipped("status", "no-revocation-list")
        return
    fetched = fetch(list_url)
    revocations = fetched.document if fetched.status == 200 else None
    if revocations is None:
        _unfetched(report, "status", "revocation-list-unreachable", fetched, list_url)
        return
    entries = revocations.get("revokedAssertions", [])
    # JSON-LD compaction turns a one-item list into the item itself: accept both shapes.
    for entry in entries if isinstance(entries, list) else [entries]:
        entry_id = entry if isinstance(entry, str) else (entry or {}).get("id")
        if entry_id == assertion.get("id"):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            _revoked(report, reason)
            return
    report.passed("status", "not-revoked")


def _revoked(report: Report, reason: Any, on: str | None = None) -> None:
    if isinstance(reason, str) and reason.strip():
        report.failed("status", "revoked-because", reason=reason.strip(), date=on)
    else:
        report.failed("status", "revoked", date=on)


def _check_common(assertion: Json, now: datetime, expected_email: str | None, report: Report) -> None:
    expires = assertion.get("expires")
    if isinstance(expires, str):
        try:
            moment = datetime.fromisoformat(expires.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError(expires)
        except ValueError:
            report.failed("validity", "unreadable-date", value=expires)
        else:
            if moment <= now:
                report.failed("validity", "expired", date=expires)
            else:
                report.passed("validity", "valid-until", date=expires)
    if expected_email is None:
        return
    recipient = assertion.get("recipient")
    recipient = recipient if isinstance(recipient, dict) else {}
    salt, identity = recipient.get("salt") or "", recipient.get("identity", "")
    if recipient.get("hashed") and isinstance(identity, str) and isinstance(salt, str):
        matched = HashedRecipient(identity=identity, salt=salt).matches(expected_email)
    else:
        matched = str(identity).strip().lower() == expected_email.strip().lower()
    if matched:
        report.passed("recipient", "recipient-matches")
    else:
        report.failed("recipient", "recipient-differs")
