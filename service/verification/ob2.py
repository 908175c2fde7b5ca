"""Verify Open Badges 2.0 assertions, hosted (by URL) or signed (compact JWS).

Documents are fetched through an injected ``Fetch`` so tests, the service and (later) the
SSRF-guarded network fetcher all share this logic. Nothing here raises on bad input.
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
    reason: str = ""  # why there is no document, for the report


Fetch = Callable[[str], Fetched]
Json = dict[str, Any]


def verify_signed(token: str, *, fetch: Fetch, now: datetime, expected_email: str | None = None) -> Report:
    report = Report()
    try:
        header = unverified_header(token)
        claims = _unverified_payload(token)
    except (jwt.InvalidTokenError, ValueError) as exc:
        report.failed("format", f"not a compact JWS over a JSON object: {exc}")
        return report
    if header.get("alg") != "RS256":
        report.failed(
            "signature", f"algorithm {header.get('alg')!r} is not RS256, the OB 2.0 signing algorithm"
        )
        return report
    creator = (claims.get("verification") or {}).get("creator")
    if not isinstance(creator, str):
        report.failed("format", "verification.creator (the signing key's URL) is missing")
        return report
    key = _get(fetch, creator)
    if key is None or not isinstance(key.get("publicKeyPem"), str):
        report.failed("key", f"the key {creator} could not be fetched")
        return report
    try:
        assertion = verify_json(token, key["publicKeyPem"], algorithms=["RS256"])
    except (jwt.InvalidTokenError, ValueError) as exc:
        report.failed("signature", f"the signature does not verify with {creator}: {exc}")
        return report
    report.passed("signature", f"signed by {creator}")
    issuer = _badge_issuer(assertion, fetch, report)
    if issuer is None:
        return report
    _check_key_owner(key, creator, issuer, report)
    _check_revocation_list(assertion, issuer, fetch, report)
    _check_common(assertion, now, expected_email, report)
    return report


def verify_hosted(url: str, *, fetch: Fetch, now: datetime, expected_email: str | None = None) -> Report:
    report = Report()
    fetched = fetch(url)
    document = fetched.document
    if fetched.status == 410 or (document is not None and document.get("revoked") is True):
        reason = (document or {}).get("revocationReason") or "no reason given"
        report.failed("status", f"revoked: {reason}")
        return report
    if fetched.status != 200 or document is None:
        report.failed("format", f"the assertion could not be fetched (HTTP {fetched.status})")
        return report
    if document.get("id") != url:
        report.failed("format", "the hosted assertion's id is not the URL it was fetched from")
        return report
    report.passed("hosted", f"fetched from {url}")
    issuer = _badge_issuer(document, fetch, report)
    if issuer is None:
        return report
    if urlsplit(str(issuer.get("id"))).netloc != urlsplit(url).netloc:
        report.failed("issuer", "the assertion is not hosted on its issuer's domain")
    else:
        report.passed("issuer", f"hosted by its issuer {issuer.get('name')!r}")
    _check_revocation_list(document, issuer, fetch, report)
    _check_common(document, now, expected_email, report)
    return report


def _unverified_payload(token: str) -> Json:
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("expected three dot-separated parts")
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    document = json.loads(base64.urlsafe_b64decode(padded))
    if not isinstance(document, dict):
        raise ValueError("payload is not a JSON object")
    return document


def _get(fetch: Fetch, url: str) -> Json | None:
    fetched = fetch(url)
    return fetched.document if fetched.status == 200 else None


def _badge_issuer(assertion: Json, fetch: Fetch, report: Report) -> Json | None:
    badge_url = assertion.get("badge")
    badge = _get(fetch, badge_url) if isinstance(badge_url, str) else None
    if badge is None:
        report.failed("badge", "the badge class could not be fetched")
        return None
    issuer_url = badge.get("issuer")
    issuer = _get(fetch, issuer_url) if isinstance(issuer_url, str) else None
    if issuer is None:
        report.failed("issuer", "the issuer profile could not be fetched")
        return None
    report.passed("badge", f"badge class {badge.get('name')!r} by {issuer.get('name')!r}")
    return issuer


def _check_key_owner(key: Json, creator: str, issuer: Json, report: Report) -> None:
    """The issuer must vouch for the key: by naming it in ``publicKey``, or (for a key retired by
    rotation) by the key document naming the issuer as ``owner`` from the issuer's own origin."""
    keys = issuer.get("publicKey")
    listed = keys if isinstance(keys, list) else [keys]
    issuer_id = str(issuer.get("id"))
    if key.get("owner") != issuer_id:
        report.failed("key-owner", f"the key {creator} does not name the issuer {issuer_id} as its owner")
    elif creator in listed:
        report.passed("key-owner", "the signing key is the issuer's declared key")
    elif _origin(creator) == _origin(issuer_id):
        report.passed("key-owner", "the signing key is an earlier key of the issuer, still published by it")
    else:
        report.failed("key-owner", f"the key {creator} is neither declared by the issuer nor hosted by it")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _check_revocation_list(assertion: Json, issuer: Json, fetch: Fetch, report: Report) -> None:
    list_url = issuer.get("revocationList")
    if not isinstance(list_url, str):
        report.skipped("status", "the issuer publishes no revocation list")
        return
    revocations = _get(fetch, list_url)
    if revocations is None:
        report.failed("status", "the revocation list could not be fetched")
        return
    entries = revocations.get("revokedAssertions", [])
    # JSON-LD compaction turns a one-item list into the item itself: accept both shapes.
    for entry in entries if isinstance(entries, list) else [entries]:
        entry_id = entry if isinstance(entry, str) else (entry or {}).get("id")
        if entry_id == assertion.get("id"):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            report.failed("status", f"revoked: {reason or 'no reason given'}")
            return
    report.passed("status", "not in the issuer's revocation list")


def _check_common(assertion: Json, now: datetime, expected_email: str | None, report: Report) -> None:
    expires = assertion.get("expires")
    if isinstance(expires, str):
        try:
            moment = datetime.fromisoformat(expires.replace("Z", "+00:00"))
        except ValueError:
            report.failed("validity", f"unreadable expiry date {expires!r}")
        else:
            if moment <= now:
                report.failed("validity", f"expired on {expires}")
            else:
                report.passed("validity", f"valid until {expires}")
    if expected_email is None:
        return
    recipient = assertion.get("recipient") or {}
    salt, identity = recipient.get("salt", ""), recipient.get("identity", "")
    if recipient.get("hashed") and isinstance(identity, str) and isinstance(salt, str):
        matched = HashedRecipient(identity=identity, salt=salt).matches(expected_email)
    else:
        matched = str(identity).strip().lower() == expected_email.strip().lower()
    if matched:
        report.passed("recipient", "the badge belongs to the expected email")
    else:
        report.failed("recipient", "the badge does not belong to the expected email")
