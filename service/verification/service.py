"""One entry for every form a badge travels in: a URL, a JSON document, a compact JWS or JWT,
a baked PNG or SVG. It recognises the form, runs the matching verifier with documents fetched
through the injected ``fetch``, and returns a verdict with every check. Never raises on input."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import jwt

from service.baking import png, svg
from service.baking.png import BakingError
from service.domain.recipients import HashedRecipient
from service.signing import vc_jwt
from service.signing.data_integrity import Canonicalize
from service.signing.did_key import did_key_document
from service.signing.did_web import did_to_url
from service.signing.jws import unverified_header
from service.verification import endorsements, ob2, ob3
from service.verification.fetch_codes import REFUSALS
from service.verification.identity import Identity, IssuerIdentity, Trust
from service.verification.ob2 import Fetch, Fetched
from service.verification.report import Outcome, Report
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
    """The verdict, the form recognised, every check, and what the badge says. ``badge`` holds
    only what was verified (the hosted copy, the signed payload); what a document claims
    without proof is in ``claimed``, never presented as fact."""

    verdict: Verdict
    form: Form
    report: Report
    badge: Json | None = None  # verified: name, description, criteria, dates, recipient
    baked_in: str | None = None  # "png" or "svg" when the badge came out of an image
    issuer: IssuerIdentity | None = None  # who signed, and how that is known
    claimed: Json | None = None  # what an unverified document says of itself
    # The endorsements the badge carries, each with its own checks and verdict (never the
    # badge's): only looked at when the badge itself was verified.
    endorsements: list[EndorsementVerdict] = field(default_factory=list)
    endorsements_unchecked: int = 0
    kind: str = "badge"  # or "endorsement": an EndorsementCredential verified on its own


@dataclass(frozen=True, slots=True)
class EndorsementVerdict:
    verdict: Verdict
    endorsed: endorsements.Endorsed


def verify_any(
    given: str | bytes,
    *,
    fetch: Fetch,
    now: datetime,
    expected_email: str | None = None,
    canonicalize: Canonicalize | None = None,
    trust: Trust | None = None,
) -> Verification:
    """Verify a badge in any form. ``canonicalize`` runs RDFC-1.0 (bounded worker processes
    for untrusted input in the service: ``verification.sandbox``); ``trust`` says which issuers
    are this instance's or on the operator's list. Only errors of reading the input are turned
    into an "unreadable" verdict: a bug of ours is not the input's fault and is raised."""
    run = _Run(_once_per_url(fetch), now, expected_email, canonicalize, trust or Trust())
    try:
        return run.any(given)
    except (
        BakingError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        binascii.Error,
        RecursionError,
        jwt.PyJWTError,
    ):
        report = Report()
        report.failed("format", "unreadable")
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


@dataclass
class _Run:
    fetch: Fetch
    now: datetime
    expected_email: str | None
    canonicalize: Canonicalize | None
    trust: Trust

    def any(self, given: str | bytes) -> Verification:
        baked_in: str | None = None
        if isinstance(given, bytes):
            unbaked = _unbake(given)
            if unbaked is None:
                return _refused("no-baked-badge")
            baked_in, text = unbaked
        else:
            text = given
        text = text.strip()
        if len(text) > MAX_TEXT:
            return _refused("too-large")
        outcome = self.text(text)
        outcome.baked_in = baked_in
        return outcome

    def text(self, text: str) -> Verification:
        if text.startswith(("https://", "http://")):
            return self.url(text)
        if text.startswith("{"):
            return self.json(json.loads(text))
        if _COMPACT.match(text):
            return self.compact(text)
        return _refused("unrecognised")

    def url(self, url: str) -> Verification:
        fetched = self.fetch(url)
        document = fetched.document
        if document is None and fetched.status != 410:
            report = Report()
            if fetched.unreachable:
                code = fetched.code if fetched.code in REFUSALS else "url-unreachable"
                report.failed("fetch", code, unreachable=True, url=url)
            else:
                report.failed("fetch", "document-missing", url=url, status=fetched.status)
            return _outcome(Form.UNKNOWN, report)
        if document is not None and _is_credential(document):
            return self.json(document)
        return self.hosted(url, None)

    def hosted(self, url: str, submitted: Json | None) -> Verification:
        verified = ob2.verify_hosted(
            url, fetch=self.fetch, now=self.now, expected_email=self.expected_email, submitted=submitted
        )
        return self.ob2_outcome(Form.OB2_HOSTED, verified, submitted)

    def ob2_outcome(self, form: Form, verified: ob2.Verified, claimed: Json | None) -> Verification:
        outcome = _outcome(form, verified.report)
        if verified.assertion is not None and verified.badge is not None and verified.issuer is not None:
            outcome.badge = _ob2_summary(verified.assertion, verified.badge, verified.issuer)
            outcome.issuer = self.trust.issuer(str(verified.issuer.get("id")), _name(verified.issuer))
            found = endorsements.ob2(verified.assertion, verified.badge, verified.issuer, self.fetch)
            _attach(outcome, found)
        elif claimed is not None:
            outcome.claimed = _ob2_claims(claimed)
        return outcome

    def json(self, document: Any) -> Verification:
        if not isinstance(document, dict):
            return _refused("not-an-object")
        if _is_credential(document):
            report = ob3.verify_credential(
                document,
                resolve_did=_did_resolver(self.fetch),
                check_status=self.status_checker(),
                now=self.now,
                canonicalize=self.canonicalize,
            )
            return self.ob3_outcome(Form.OB3_DATA_INTEGRITY, report, document)
        url = document.get("id") or ""
        if (
            document.get("type") == "Assertion"
            and isinstance(url, str)
            and url.startswith(("https://", "http://"))
        ):
            # A hosted assertion is only as good as its hosted copy: verify that one, and
            # refuse a submitted copy that says something else.
            return self.hosted(url, document)
        return _refused("not-a-badge")

    def compact(self, token: str) -> Verification:
        unverified_header(token)  # raises ValueError on junk, reported as unreadable
        payload = json.loads(_b64(token.split(".")[1]))
        if not isinstance(payload, dict):
            return _refused("not-an-object")
        if "vc" in payload or _is_credential(payload):  # an OB 2.0 assertion has @context too
            report = ob3.verify_jwt(
                token,
                resolve_did=_did_resolver(self.fetch),
                resolve_jwks=_jwks_resolver(self.fetch),
                check_status=self.status_checker(),
                now=self.now,
                resolve_url=lambda url: _document(self.fetch, url),
            )
            credential = vc_jwt.credential_of(payload)
            return self.ob3_outcome(
                Form.OB3_JWT, report, credential if isinstance(credential, dict) else None
            )
        verified = ob2.verify_signed(
            token, fetch=self.fetch, now=self.now, expected_email=self.expected_email
        )
        return self.ob2_outcome(Form.OB2_SIGNED, verified, payload)

    def ob3_outcome(self, form: Form, report: Report, credential: Json | None) -> Verification:
        if credential is not None and report.outcome_of("proof") is Outcome.PASSED:
            _check_ob3_recipient(credential, self.expected_email, report)
        outcome = _outcome(form, report)
        if credential is None:
            return outcome
        types = credential.get("type")
        if isinstance(types, list) and "EndorsementCredential" in types:
            outcome.kind = "endorsement"
        if report.outcome_of("proof") is Outcome.PASSED:
            outcome.badge = _ob3_summary(credential)
            issuer = credential.get("issuer")
            claimed = _name(issuer) if isinstance(issuer, dict) else None
            outcome.issuer = self.trust.issuer(_issuer_id(credential), claimed)
            if any(c.code == ob3.KEY_IN_TOKEN for c in report.checks):
                # The token brought its own key: it proves who holds that key, not who issued.
                outcome.issuer = IssuerIdentity(_issuer_id(credential), Identity.NONE, None, None, claimed)
            _attach(outcome, endorsements.ob3(credential, self.endorsement))
        else:
            outcome.claimed = _ob3_summary(credential)
        return outcome

    def endorsement(self, item: Json) -> Report:
        """An embedded EndorsementCredential, checked like any OB 3.0 credential."""
        return ob3.verify_credential(
            item,
            resolve_did=_did_resolver(self.fetch),
            check_status=self.status_checker(),
            now=self.now,
            canonicalize=self.canonicalize,
        )

    def status_checker(self) -> ob3.StatusChecker:
        return bitstring_checker(
            fetch=self.fetch, resolve_did=_did_resolver(self.fetch), canonicalize=self.canonicalize
        )


def _attach(outcome: Verification, found: endorsements.Found) -> None:
    outcome.endorsements = [
        EndorsementVerdict(_outcome(Form.UNKNOWN, e.report).verdict, e) for e in found.checked
    ]
    outcome.endorsements_unchecked = found.unchecked


def _refused(code: str) -> Verification:
    report = Report()
    report.failed("format", code)
    return Verification(Verdict.INVALID, Form.UNKNOWN, report)


def _unbake(content: bytes) -> tuple[str, str] | None:
    if content.startswith(png.SIGNATURE):
        found = png.unbake(content)
        return None if found is None else ("png", found[1])
    head = content[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        found_svg = svg.unbake(content)
        return None if found_svg is None else ("svg", found_svg[1])
    return ("text", content.decode("utf-8"))  # a file of JSON or of a compact token


def _outcome(form: Form, report: Report) -> Verification:
    """Valid when something passed and nothing failed; cannot tell when every failure is a
    document that could not be reached; invalid otherwise."""
    if report.valid:
        verdict = Verdict.VALID
    elif report.failures and all(c.unreachable for c in report.failures):
        verdict = Verdict.CANNOT_TELL
    else:
        verdict = Verdict.INVALID
    return Verification(verdict, form, report)


def _is_credential(document: Json) -> bool:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return "VerifiableCredential" in types


def _issuer_id(credential: Json) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


def _name(document: Any) -> str | None:
    name = document.get("name") if isinstance(document, dict) else None
    return name if isinstance(name, str) else None


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
            report.passed("recipient", "recipient-matches")
            return
    report.failed("recipient", "recipient-differs")


def _did_resolver(fetch: Fetch) -> ob3.DidResolver:
    """did:key documents are derived from the DID itself; did:web ones are fetched, and one
    that cannot be reached raises ``Unreachable`` (the verdict is then "cannot tell")."""

    def resolve(did: str) -> Json | None:
        if did.startswith("did:key:"):
            return did_key_document(did)
        try:
            url = did_to_url(did)
        except ValueError:
            return None
        return _document(fetch, url)

    return resolve


def _jwks_resolver(fetch: Fetch) -> ob3.JwksResolver:
    """did:web issuers publish their JWK Set beside their DID document (this service does)."""

    def resolve(issuer_id: str) -> Json | None:
        try:
            url = did_to_url(issuer_id)
        except ValueError:
            return None
        return _document(fetch, url.removesuffix("did.json") + "jwks.json")

    return resolve


def _document(fetch: Fetch, url: str) -> Json | None:
    fetched = fetch(url)
    if fetched.document is None and fetched.unreachable:
        raise ob3.Unreachable(url)
    return fetched.document if fetched.status == 200 else None


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _ob3_summary(credential: Json) -> Json:
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    criteria = achievement.get("criteria")
    issuer = credential.get("issuer")
    return {
        "name": _text(achievement.get("name")) or _text(credential.get("name")),
        "description": _text(achievement.get("description")),
        "criteria": _text(criteria.get("narrative")) if isinstance(criteria, dict) else None,
        "issuer": _name(issuer) if isinstance(issuer, dict) else _text(issuer),
        "issued": _text(credential.get("validFrom") or credential.get("issuanceDate")),
        "expires": _text(credential.get("validUntil") or credential.get("expirationDate")),
        "recipient_name": _recipient_name(subject),
    }


def _recipient_name(subject: Json) -> str | None:
    """The earner's name when the credential states it in clear (``name``, or an identifier of
    type ``name``); emails are hashed and never shown."""
    if isinstance(subject.get("name"), str):
        return str(subject["name"])
    identifiers = subject.get("identifier")
    for identity in identifiers if isinstance(identifiers, list) else []:
        if (
            isinstance(identity, dict)
            and identity.get("identityType") == "name"
            and not identity.get("hashed")
        ):
            return _text(identity.get("identityHash"))
    return None


def _ob2_summary(assertion: Json, badge: Json, issuer: Json) -> Json:
    criteria = badge.get("criteria")
    return {
        "name": _text(badge.get("name")),
        "description": _text(badge.get("description")),
        "criteria": _text(criteria.get("narrative")) if isinstance(criteria, dict) else _text(criteria),
        "issuer": _name(issuer),
        "issued": _text(assertion.get("issuedOn")),
        "expires": _text(assertion.get("expires")),
        "recipient_name": None,
    }


def _ob2_claims(assertion: Json) -> Json:
    """What an OB 2.0 document that could not be verified says of itself (no fetch)."""
    badge = assertion.get("badge")
    badge = badge if isinstance(badge, dict) else {}
    return {
        "name": _text(badge.get("name")),
        "description": _text(badge.get("description")),
        "criteria": None,
        "issuer": _name(badge.get("issuer")),
        "issued": _text(assertion.get("issuedOn")),
        "expires": _text(assertion.get("expires")),
        "recipient_name": None,
    }


__all__ = ["Fetch", "Fetched", "Form", "Verdict", "Verification", "verify_any"]
