"""One entry for every form a badge travels in: a URL, a JSON document, a compact JWS or JWT,
a baked PNG or SVG. It recognises the form, runs the matching verifier with documents fetched
through the injected ``fetch``, and returns a verdict with every check. Never raises on input."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import jwt

from service.baking import png, svg
from service.baking.png import BakingError
from service.domain.recipients import HashedRecipient
from service.signing import vc_jwt
from service.signing.did_key import did_key_document
from service.signing.did_web import did_to_url
from service.signing.jws import unverified_header
from service.verification import ob2, ob3
from service.verification.ob2 import Fetch, Fetched
from service.verification.report import Report
from service.verification.status import bitstring_checker

Json = dict[str, Any]
MAX_TEXT = 1024 * 1024
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    CANNOT_TELL = "cannot-tell"  # a document needed to decide could not be fetched


class Form(StrEnum):
    OB2_HOSTED = "ob2-hosted"
    OB2_SIGNED = "ob2-signed"
    OB3_DATA_INTEGRITY = "ob3-data-integrity"
    OB3_JWT = "ob3-jwt"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class Verification:
    """The verdict, the form recognised, every check, and what the badge says."""

    verdict: Verdict
    form: Form
    report: Report
    badge: Json | None = None  # what the badge says: name, issuer, criteria, dates
    baked_in: str | None = None  # "png" or "svg" when the badge came out of an image


def verify_any(
    given: str | bytes, *, fetch: Fetch, now: datetime, expected_email: str | None = None
) -> Verification:
    try:
        return _verify_any(given, _once_per_url(fetch), now, expected_email)
    except (
        BakingError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        RecursionError,
        jwt.PyJWTError,
    ) as exc:
        report = Report()
        report.failed("format", f"unreadable input: {type(exc).__name__}: {exc}")
        return Verification(Verdict.INVALID, Form.UNKNOWN, report)


def _once_per_url(fetch: Fetch) -> Fetch:
    """One verification asks for the same document more than once (the issuer's DID document,
    for the credential's proof and again for its status list's): fetch each URL once."""
    seen: dict[str, Fetched] = {}

    def memo(url: str) -> Fetched:
        if url not in seen:
            seen[url] = fetch(url)
        return seen[url]

    return memo


def _verify_any(given: str | bytes, fetch: Fetch, now: datetime, expected_email: str | None) -> Verification:
    baked_in: str | None = None
    if isinstance(given, bytes):
        unbaked = _unbake(given)
        if unbaked is None:
            report = Report()
            report.failed("format", "no badge is baked in this image")
            return Verification(Verdict.INVALID, Form.UNKNOWN, report)
        baked_in, text = unbaked
    else:
        text = given
    text = text.strip()
    if len(text) > MAX_TEXT:
        report = Report()
        report.failed("format", "larger than 1 MiB")
        return Verification(Verdict.INVALID, Form.UNKNOWN, report)
    outcome = _verify_text(text, fetch, now, expected_email)
    outcome.baked_in = baked_in
    return outcome


def _unbake(content: bytes) -> tuple[str, str] | None:
    if content.startswith(png.SIGNATURE):
        found = png.unbake(content)
        return None if found is None else ("png", found[1])
    head = content[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        found_svg = svg.unbake(content)
        return None if found_svg is None else ("svg", found_svg[1])
    return ("text", content.decode("utf-8"))  # a file of JSON or of a compact token


def _verify_text(text: str, fetch: Fetch, now: datetime, expected_email: str | None) -> Verification:
    if text.startswith(("https://", "http://")):
        return _verify_url(text, fetch, now, expected_email)
    if text.startswith("{"):
        return _verify_json(json.loads(text), fetch, now, expected_email)
    if _COMPACT.match(text):
        return _verify_compact(text, fetch, now, expected_email)
    report = Report()
    report.failed("format", "neither a URL, a JSON badge, a compact JWS/JWT nor a baked image")
    return Verification(Verdict.INVALID, Form.UNKNOWN, report)


def _verify_url(url: str, fetch: Fetch, now: datetime, expected_email: str | None) -> Verification:
    fetched = fetch(url)
    document = fetched.document
    if document is None:
        report = Report()
        reason = fetched.reason or (
            f"{url} answered {fetched.status}" if fetched.status else f"{url} could not be fetched"
        )
        report.failed("fetch", reason)
        return _outcome(Form.UNKNOWN, report, None)
    if _is_credential(document):
        return _verify_json(document, fetch, now, expected_email)
    report = ob2.verify_hosted(url, fetch=fetch, now=now, expected_email=expected_email)
    return _outcome(Form.OB2_HOSTED, report, _ob2_summary(document, fetch))


def _verify_json(document: Any, fetch: Fetch, now: datetime, expected_email: str | None) -> Verification:
    if not isinstance(document, dict):
        report = Report()
        report.failed("format", "the JSON is not an object")
        return _outcome(Form.UNKNOWN, report, None)
    if _is_credential(document):
        report = ob3.verify_credential(
            document, resolve_did=_did_resolver(fetch), check_status=_status_checker(fetch), now=now
        )
        _check_ob3_recipient(document, expected_email, report)
        return _outcome(Form.OB3_DATA_INTEGRITY, report, _ob3_summary(document))
    url = document.get("id") or ""
    if (
        document.get("type") == "Assertion"
        and isinstance(url, str)
        and url.startswith(("https://", "http://"))
    ):
        # A hosted assertion is only as good as its hosted copy: verify that one.
        report = ob2.verify_hosted(url, fetch=fetch, now=now, expected_email=expected_email)
        return _outcome(Form.OB2_HOSTED, report, _ob2_summary(document, fetch))
    report = Report()
    report.failed("format", "not an Open Badges 2.0 assertion nor an Open Badges 3.0 credential")
    return _outcome(Form.UNKNOWN, report, None)


def _verify_compact(token: str, fetch: Fetch, now: datetime, expected_email: str | None) -> Verification:
    unverified_header(token)  # raises ValueError on junk, reported as unreadable
    payload = json.loads(_b64(token.split(".")[1]))
    if not isinstance(payload, dict):
        raise ValueError("the token's payload is not a JSON object")
    if "vc" in payload or _is_credential(payload):  # an OB 2.0 assertion has @context too
        report = ob3.verify_jwt(
            token,
            resolve_did=_did_resolver(fetch),
            resolve_jwks=_jwks_resolver(fetch),
            check_status=_status_checker(fetch),
            now=now,
        )
        credential = vc_jwt.credential_of(payload)
        if isinstance(credential, dict):
            _check_ob3_recipient(credential, expected_email, report)
        return _outcome(
            Form.OB3_JWT, report, _ob3_summary(credential) if isinstance(credential, dict) else None
        )
    report = ob2.verify_signed(token, fetch=fetch, now=now, expected_email=expected_email)
    return _outcome(Form.OB2_SIGNED, report, _ob2_summary(payload, fetch))


def _outcome(form: Form, report: Report, badge: Json | None) -> Verification:
    if report.valid:
        verdict = Verdict.VALID
    elif report.failures and all(
        c.name == "fetch" or "could not be fetched" in c.reason for c in report.failures
    ):
        verdict = Verdict.CANNOT_TELL
    else:
        verdict = Verdict.INVALID
    return Verification(verdict, form, report, badge)


def _is_credential(document: Json) -> bool:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "VerifiableCredential" in types


def _check_ob3_recipient(credential: Json, expected_email: str | None, report: Report) -> None:
    if expected_email is None:
        return
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    for identity in identifiers if isinstance(identifiers, list) else []:
        if not isinstance(identity, dict) or identity.get("identityType") != "emailAddress":
            continue
        value, salt = str(identity.get("identityHash", "")), str(identity.get("salt") or "")
        matched = (
            HashedRecipient(value, salt).matches(expected_email)
            if identity.get("hashed")
            else value.strip().lower() == expected_email.strip().lower()
        )
        if matched:
            report.passed("recipient", "the badge belongs to the expected email")
            return
    report.failed("recipient", "the badge does not belong to the expected email")


def _did_resolver(fetch: Fetch) -> ob3.DidResolver:
    """did:key documents are derived from the DID itself; did:web ones are fetched."""

    def resolve(did: str) -> Json | None:
        if did.startswith("did:key:"):
            return did_key_document(did)
        try:
            url = did_to_url(did)
        except ValueError:
            return None
        return fetch(url).document

    return resolve


def _jwks_resolver(fetch: Fetch) -> ob3.JwksResolver:
    """did:web issuers publish their JWK Set beside their DID document (this service does)."""

    def resolve(issuer_id: str) -> Json | None:
        try:
            url = did_to_url(issuer_id)
        except ValueError:
            return None
        return fetch(url.removesuffix("did.json") + "jwks.json").document

    return resolve


def _status_checker(fetch: Fetch) -> ob3.StatusChecker:
    return bitstring_checker(fetch=lambda url: fetch(url).document, resolve_did=_did_resolver(fetch))


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _ob3_summary(credential: Json) -> Json:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement = achievement if isinstance(achievement, dict) else {}
    issuer = credential.get("issuer")
    criteria = achievement.get("criteria")
    return {
        "name": achievement.get("name"),
        "description": achievement.get("description"),
        "criteria": criteria.get("narrative") if isinstance(criteria, dict) else None,
        "issuer": issuer.get("name") if isinstance(issuer, dict) else issuer,
        "issued": credential.get("validFrom"),
        "expires": credential.get("validUntil"),
    }


def _ob2_summary(assertion: Json, fetch: Fetch) -> Json:
    badge = assertion.get("badge")
    badge_doc = fetch(badge).document if isinstance(badge, str) else badge
    badge_doc = badge_doc if isinstance(badge_doc, dict) else {}
    issuer = badge_doc.get("issuer")
    issuer_doc = fetch(issuer).document if isinstance(issuer, str) else issuer
    criteria = badge_doc.get("criteria")
    return {
        "name": badge_doc.get("name"),
        "description": badge_doc.get("description"),
        "criteria": criteria.get("narrative") if isinstance(criteria, dict) else criteria,
        "issuer": issuer_doc.get("name") if isinstance(issuer_doc, dict) else None,
        "issued": assertion.get("issuedOn"),
        "expires": assertion.get("expires"),
    }


__all__ = ["Fetch", "Fetched", "Form", "Verdict", "Verification", "verify_any"]
