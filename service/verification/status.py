"""Status checking for OB 3.0 credentials: Bitstring Status List entries (W3C Bitstring Status
List v1.0 §3.2 validate). Fails closed: an entry it cannot check is a failure, not a pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.domain import status_bits
from service.signing.data_integrity import verify_proof
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
    proof = verify_proof(status_list, lambda method: assertion_key(method, issuer_id, resolve_did, {}))
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
