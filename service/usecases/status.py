"""OB 3.0 status: each award gets a random, never reused place in its issuer's revocation list;
the list is published as a signed BitstringStatusListCredential, derived from the awards."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from service.domain import status_bits
from service.errors import Conflict, NotFound
from service.ids import new_id
from service.openbadges.contexts import CREDENTIALS_V2
from service.openbadges.ob2 import iso
from service.persistence.repositories import SigningKeys, StatusLists
from service.persistence.tables import Award, StatusEntry, StatusList
from service.signing.data_integrity import add_proof
from service.signing.did_web import issuer_did, verification_method_id
from service.signing.keystore import Algorithm, KeyFileMissing
from service.usecases.context import Context

REVOCATION = "revocation"
# A new list is opened at three quarters full, so random allocation stays cheap.
FILL_LIMIT = status_bits.MIN_ENTRIES * 3 // 4


def allocate(ctx: Context, award: Award, purpose: str = REVOCATION) -> dict[str, Any]:
    """Give the award a place in the issuer's current list; return its credentialStatus entry."""
    repo = StatusLists(ctx.session)
    status_list = repo.newest(award.issuer_id, purpose)
    if status_list is None or repo.count(status_list.id) >= FILL_LIMIT:
        status_list = StatusList(
            id=new_id(),
            issuer_id=award.issuer_id,
            purpose=purpose,
            size=status_bits.MIN_ENTRIES,
            created_at=ctx.clock.now(),
        )
        ctx.session.add(status_list)
        ctx.session.flush()  # the entry below refers to it
    list_id = status_list.id
    position = status_bits.random_index(status_list.size, lambda p: repo.is_taken(list_id, p))
    ctx.session.add(StatusEntry(list_id=status_list.id, position=position, award_id=award.id))
    ctx.session.flush()
    url = ctx.urls.status_list(status_list.id)
    return {
        "id": f"{url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(position),
        "statusListCredential": url,
    }


def list_credential(ctx: Context, list_id: str) -> dict[str, Any]:
    """The list as a BitstringStatusListCredential signed now by the issuer's active Ed25519 key."""
    repo = StatusLists(ctx.session)
    status_list = repo.get(list_id)
    if status_list is None:
        raise NotFound("status-list-not-found", id=list_id)
    bits = status_bits.bitstring(status_list.size, repo.revoked_positions(status_list.id))
    url = ctx.urls.status_list(status_list.id)
    did = issuer_did(ctx.urls.host, status_list.issuer_id)
    document = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": iso(status_list.created_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": status_bits.encode(bits),
        },
    }
    key = SigningKeys(ctx.session).active(status_list.issuer_id, Algorithm.EDDSA.value)
    if key is None:
        raise Conflict("issuer-has-no-signing-key", id=status_list.issuer_id)
    private_key = ctx.keys.load(status_list.issuer_id, key.kid)
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise KeyFileMissing(f"key {key.kid} is not an Ed25519 key")
    return add_proof(document, private_key, verification_method_id(did, key.kid), ctx.clock.now())
