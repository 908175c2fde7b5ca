"""OB 3.0 status: each award gets a random, never reused place in its issuer's revocation list;
the list is published as a signed BitstringStatusListCredential, derived from the awards."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
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
from service.signing.keystore import KeyFileMissing, KeyPurpose
from service.usecases.context import Context

REVOCATION = "revocation"
# A new list is opened at three quarters full, so random allocation stays cheap.
FILL_LIMIT = status_bits.MIN_ENTRIES * 3 // 4
_HELD_LISTS = "fabrique.status_lists_held"  # session.info: (issuer, purpose) -> _Held
_LOAD_AFTER = 8  # places given by one transaction in one list before it loads all the list's places


@dataclass(slots=True)
class _Held:
    """The list this transaction locked and allocates in, and the places it knows are taken:
    those it gave (maybe not flushed yet), and every place of the list once it loaded them."""

    status_list: StatusList
    taken: set[int] = field(default_factory=set)
    loaded: bool = False


def allocate(ctx: Context, award: Award, purpose: str = REVOCATION) -> dict[str, Any]:
    """Give the award a place in the issuer's current list; return its credentialStatus entry.
    The entry is added to the session, not flushed: the caller inserts it with the award."""
    repo = StatusLists(ctx.session)
    # The list locked by this transaction's first allocation serves its next ones (a session
    # closing allocates hundreds of places): one locking query per transaction, not per award.
    held_lists: dict[tuple[str, str], _Held] = ctx.session.info.setdefault(_HELD_LISTS, {})
    held = held_lists.get((award.issuer_id, purpose))
    if held is None or held.status_list.allocated >= FILL_LIMIT:
        status_list = repo.open_for_update(award.issuer_id, purpose, FILL_LIMIT)
        if status_list is None:
            status_list = StatusList(
                id=new_id(),
                issuer_id=award.issuer_id,
                purpose=purpose,
                size=status_bits.MIN_ENTRIES,
                allocated=0,
                created_at=ctx.clock.now(),
            )
            ctx.session.add(status_list)
            ctx.session.flush()  # the entries below refer to it
        held = held_lists[(award.issuer_id, purpose)] = _Held(status_list)
    status_list = held.status_list
    list_id = status_list.id
    if not held.loaded and len(held.taken) >= _LOAD_AFTER:
        # A batch: one query for every place of the (locked) list beats one query per draw.
        held.taken.update(repo.positions(list_id))
        held.loaded = True

    def is_taken(position: int) -> bool:
        return position in held.taken or (not held.loaded and repo.is_taken(list_id, position))

    position = status_bits.random_index(status_list.size, is_taken)
    held.taken.add(position)
    ctx.session.add(StatusEntry(list_id=list_id, position=position, award_id=award.id))
    status_list.allocated += 1  # flushed with the award, by the caller or the next query
    url = ctx.urls.status_list(list_id)
    return {
        "id": f"{url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(position),
        "statusListCredential": url,
    }


@dataclass(frozen=True, slots=True)
class SignedList:
    document: dict[str, Any]
    etag: str  # weak: two signatures of the same bits differ only in the proof's creation time


class SignedListCache:
    """Signed status lists by (list, signing key, bits): a list is signed again only when a
    revocation or a key rotation changed it. Bounded, shared by the threads of one process."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, str], document: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = document
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def list_credential(ctx: Context, list_id: str, cache: SignedListCache | None = None) -> SignedList:
    """The list as a BitstringStatusListCredential signed by the issuer's active Ed25519 key:
    re-signed when its bits or that key changed, otherwise taken from ``cache``."""
    repo = StatusLists(ctx.session)
    status_list = repo.get(list_id)
    if status_list is None:
        raise NotFound("status-list-not-found", id=list_id)
    bits = status_bits.bitstring(status_list.size, repo.revoked_positions(status_list.id))
    encoded = status_bits.encode(bits)
    key = SigningKeys(ctx.session).active(status_list.issuer_id, KeyPurpose.DATA_INTEGRITY)
    if key is None:
        raise Conflict("issuer-has-no-signing-key", id=status_list.issuer_id)
    cache_key = (status_list.id, key.kid, encoded)
    etag = 'W/"' + hashlib.sha256("\n".join(cache_key).encode()).hexdigest()[:32] + '"'
    document = cache.get(cache_key) if cache is not None else None
    if document is None:
        document = _signed_list(ctx, status_list, encoded, key.kid)
        if cache is not None:
            cache.put(cache_key, document)
    return SignedList(document, etag)


def _signed_list(ctx: Context, status_list: StatusList, encoded: str, kid: str) -> dict[str, Any]:
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
            "encodedList": encoded,
        },
    }
    private_key = ctx.keys.load(status_list.issuer_id, kid)
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise KeyFileMissing(f"key {kid} is not an Ed25519 key")
    return add_proof(document, private_key, verification_method_id(did, kid), ctx.clock.now())
