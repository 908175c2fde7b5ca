"""Status checking for OB 3.0 credentials: Bitstring Status List entries (W3C Bitstring Status
List v1.0 §3.2 validate). Fails closed: an entry it cannot check is a failure, not a pass."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from service.domain import status_bits
from service.signing.data_integrity import Canonicalize, ProofCheck, verify_proof
from service.verification.ob2 import Fetched
from service.verification.ob3 import DidResolver, StatusChecker, Unreachable, assertion_key
from service.verification.report import Report

Json = dict[str, Any]
PURPOSES = {"revocation": "revoked", "suspension": "suspended"}
# Entry type -> the type of the list credential's subject: W3C Bitstring Status List v1.0, and
# StatusList2021 before it (still what many issuers and the DCC's tools write; its encodedList
# is base64url without the multibase prefix).
LIST_TYPES = {"BitstringStatusListEntry": "BitstringStatusList", "StatusList2021Entry": "StatusList2021"}


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    code: str
    params: dict[str, str]
    unreachable: bool = False


def bitstring_checker(
    *, fetch: Callable[[str], Fetched], resolve_did: DidResolver, canonicalize: Canonicalize | None = None
) -> StatusChecker:
    """A status checker that fetches lists with ``fetch`` and keys with ``resolve_did``."""

    def check(credential: Json, report: Report) -> None:
        entries = credential.get("credentialStatus")
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        passed: set[str] = set()
        for entry in entries if isinstance(entries, list) else [entries]:
            try:
                outcome = _check_entry(
                    entry, str(issuer_id), fetch, resolve_did, canonicalize, str(credential.get("id"))
                )
            except Unreachable as exc:
                outcome = _Outcome(False, "status-list-unreachable", {"url": exc.url}, unreachable=True)
            if not outcome.ok:
                report.failed("status", outcome.code, unreachable=outcome.unreachable, **outcome.params)
                return
            passed.add(outcome.code)
        # Suspension is named only where an entry checks it (other issuers' lists): this
        # service's credentials carry revocation alone (README, "Suspension is not offered").
        both = {"not-revoked", "not-suspended"} <= passed
        report.passed("status", "not-revoked-nor-suspended" if both else min(passed, default="not-revoked"))

    return check


# A status list is checked for every credential that points at it, and its proof costs two
# RDFC canonicalizations. The outcome depends only on the document and the key its proof names,
# so it is remembered by (document digest, key bytes): a changed list (a revocation) or a changed
# key (a withdrawal) is a different entry and is checked afresh.
_PROOFS: OrderedDict[tuple[str, bytes], ProofCheck] = OrderedDict()
_PROOFS_LOCK = threading.Lock()
_PROOFS_SIZE = 128


def _verified_list_proof(
    status_list: Json, issuer_id: str, resolve_did: DidResolver, canonicalize: Canonicalize | None
) -> ProofCheck:
    keys: dict[str, ed25519.Ed25519PublicKey | None] = {}

    def resolve(method: str) -> ed25519.Ed25519PublicKey | None:
        keys[method] = keys.get(method) or assertion_key(method, issuer_id, resolve_did, {})
        return keys[method]

    proofs = status_list.get("proof")
    first = proofs[0] if isinstance(proofs, list) and proofs else proofs
    method = first.get("verificationMethod") if isinstance(first, dict) else None
    key = resolve(method) if isinstance(method, str) else None
    if key is None:
        return verify_proof(status_list, resolve, canonicalize)
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    digest = hashlib.sha256(
        json.dumps(status_list, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    with _PROOFS_LOCK:
        known = _PROOFS.get((digest, raw))
    if known is not None:
        return known
    checked = verify_proof(status_list, resolve, canonicalize)
    with _PROOFS_LOCK:
        _PROOFS[(digest, raw)] = checked
        while len(_PROOFS) > _PROOFS_SIZE:
            _PROOFS.popitem(last=False)
    return checked


def _check_entry(
    entry: Any,
    issuer_id: str,
    fetch: Callable[[str], Fetched],
    resolve_did: DidResolver,
    canonicalize: Canonicalize | None,
    credential_id: str,
) -> _Outcome:
    kind = entry.get("type") if isinstance(entry, dict) else None
    if kind == "1EdTechRevocationList" and isinstance(entry, dict):
        return _revocation_list(entry, issuer_id, fetch, credential_id)
    if kind not in LIST_TYPES or not isinstance(entry, dict):
        return _Outcome(False, "status-type-unsupported", {"type": str(kind)})
    purpose, url, raw_index = (
        entry.get("statusPurpose"),
        entry.get("statusListCredential"),
        entry.get("statusListIndex"),
    )
    if purpose not in PURPOSES or not isinstance(url, str) or not str(raw_index).isdigit():
        return _Outcome(False, "status-entry-malformed", {})
    fetched = fetch(url)
    status_list = fetched.document if fetched.status == 200 else None
    if not isinstance(status_list, dict):
        if fetched.unreachable:
            return _Outcome(False, "status-list-unreachable", {"url": url}, unreachable=True)
        return _Outcome(False, "document-missing", {"url": url, "status": str(fetched.status)})
    list_issuer = status_list.get("issuer")
    list_issuer_id = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    if list_issuer_id != issuer_id:
        return _Outcome(False, "status-list-other-issuer", {})
    proof = _verified_list_proof(status_list, issuer_id, resolve_did, canonicalize)
    if not proof.verified:
        return _Outcome(False, "status-list-proof", {"detail": proof.code})
    subject = status_list.get("credentialSubject") or {}
    if subject.get("type") != LIST_TYPES[kind] or subject.get("statusPurpose") != purpose:
        return _Outcome(False, "status-list-purpose", {})
    try:
        bits = status_bits.decode(
            str(subject.get("encodedList", "")), multibase=kind == "BitstringStatusListEntry"
        )
        flagged = status_bits.is_set(bits, int(str(raw_index)))
    except (status_bits.StatusListError, IndexError):
        return _Outcome(False, "status-list-unreadable", {})
    if flagged:
        return _Outcome(False, "revoked" if purpose == "revocation" else "suspended", {})
    return _Outcome(True, "not-revoked" if purpose == "revocation" else "not-suspended", {})


def _revocation_list(
    entry: Json, issuer_id: str, fetch: Callable[[str], Fetched], credential_id: str
) -> _Outcome:
    """OB 3.0's 1EdTech Revocation List status method: the issuer publishes, at the entry's
    ``id``, a list of ``revokedCredentials`` (ids, with an optional reason). It is not signed: it
    counts as the issuer's only when it names the issuer, fetched from the address the signed
    credential gives."""
    url = entry.get("id")
    if not isinstance(url, str):
        return _Outcome(False, "status-entry-malformed", {})
    fetched = fetch(url)
    listing = fetched.document if fetched.status == 200 else None
    if listing is None:
        if fetched.unreachable:
            return _Outcome(False, "status-list-unreachable", {"url": url}, unreachable=True)
        return _Outcome(False, "document-missing", {"url": url, "status": str(fetched.status)})
    named = listing.get("issuer")
    named_id = named.get("id") if isinstance(named, dict) else named
    if named_id is not None and named_id != issuer_id:
        return _Outcome(False, "status-list-other-issuer", {})
    revoked, reason = revoked_in(listing, credential_id)
    if revoked:
        return (
            _Outcome(False, "revoked-because", {"reason": reason})
            if reason
            else _Outcome(False, "revoked", {})
        )
    return _Outcome(True, "not-revoked", {})


def revoked_in(listing: Json, credential_id: str) -> tuple[bool, str | None]:
    """Whether a 1EdTech revocation list names the credential, and the reason it gives."""
    revoked = listing.get("revokedCredentials")
    for item in revoked if isinstance(revoked, list) else []:
        if isinstance(item, dict) and item.get("id") == credential_id:
            reason = item.get("revocationReason")
            return True, reason if isinstance(reason, str) else None
    return False, None
