"""Status checking for OB 3.0 credentials: Bitstring Status List entries (W3C Bitstring Status
List v1.0 §3.2 validate). Fails closed: an entry it cannot check is a failure, not a pass."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from service.domain import status_bits
from service.signing.data_integrity import ProofCheck, verify_proof
from service.verification.ob3 import DidResolver, StatusChecker, assertion_key

Json = dict[str, Any]
PURPOSES = {"revocation": "revoked", "suspension": "suspended"}


def bitstring_checker(*, fetch: Callable[[str], Json | None], resolve_did: DidResolver) -> StatusChecker:
    """A status checker that fetches lists with ``fetch`` and keys with ``resolve_did``."""

    def check(credential: Json) -> tuple[bool, str]:
        entries = credential.get("credentialStatus")
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        for entry in entries if isinstance(entries, list) else [entries]:
            ok, reason = _check_entry(entry, str(issuer_id), fetch, resolve_did)
            if not ok:
                return False, reason
        return True, "not revoked, not suspended"

    return check


# A status list is checked for every credential that points at it, and its proof costs two
# RDFC canonicalizations. The outcome depends only on the document and the key its proof names,
# so it is remembered by (document digest, key bytes): a changed list (a revocation) or a changed
# key (a withdrawal) is a different entry and is checked afresh.
_PROOFS: OrderedDict[tuple[str, bytes], ProofCheck] = OrderedDict()
_PROOFS_LOCK = threading.Lock()
_PROOFS_SIZE = 128


def _verified_list_proof(status_list: Json, issuer_id: str, resolve_did: DidResolver) -> ProofCheck:
    keys: dict[str, ed25519.Ed25519PublicKey | None] = {}

    def resolve(method: str) -> ed25519.Ed25519PublicKey | None:
        keys[method] = keys.get(method) or assertion_key(method, issuer_id, resolve_did, {})
        return keys[method]

    proofs = status_list.get("proof")
    first = proofs[0] if isinstance(proofs, list) and proofs else proofs
    method = first.get("verificationMethod") if isinstance(first, dict) else None
    key = resolve(method) if isinstance(method, str) else None
    if key is None:
        return verify_proof(status_list, resolve)
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    digest = hashlib.sha256(
        json.dumps(status_list, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    with _PROOFS_LOCK:
        known = _PROOFS.get((digest, raw))
    if known is not None:
        return known
    checked = verify_proof(status_list, resolve)
    with _PROOFS_LOCK:
        _PROOFS[(digest, raw)] = checked
        while len(_PROOFS) > _PROOFS_SIZE:
            _PROOFS.popitem(last=False)
    return checked


def _check_entry(
    entry: Any, issuer_id: str, fetch: Callable[[str], Json | None], resolve_did: DidResolver
) -> tuple[bool, str]:
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return False, "unsupported credentialStatus type"
    purpose, url, raw_index = (
        entry.get("statusPurpose"),
        entry.get("statusListCredential"),
        entry.get("statusListIndex"),
    )
    if purpose not in PURPOSES or not isinstance(url, str) or not str(raw_index).isdigit():
        return False, "malformed BitstringStatusListEntry"
    status_list = fetch(url)
    if not isinstance(status_list, dict):
        return False, f"the status list {url} could not be fetched"
    list_issuer = status_list.get("issuer")
    list_issuer_id = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    if list_issuer_id != issuer_id:
        return False, "the status list is not published by the credential's issuer"
    proof = _verified_list_proof(status_list, issuer_id, resolve_did)
    if not proof.verified:
        return False, f"the status list's proof does not verify: {proof.reason}"
    subject = status_list.get("credentialSubject") or {}
    if subject.get("type") != "BitstringStatusList" or subject.get("statusPurpose") != purpose:
        return False, "the status list does not match the entry's purpose"
    try:
        bits = status_bits.decode(str(subject.get("encodedList", "")))
        flagged = status_bits.is_set(bits, int(str(raw_index)))
    except (status_bits.StatusListError, IndexError) as exc:
        return False, f"unreadable status list: {exc}"
    if flagged:
        return False, f"{PURPOSES[purpose]} (status list {url}, index {raw_index})"
    return True, f"not {PURPOSES[purpose]}"
