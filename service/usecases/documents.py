"""Our own public documents, read straight from the database for the verifier: verifying one of
our badges never goes through the network, and sees revocations as they are now."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, Protocol
from urllib.parse import urlsplit

from service.errors import FabriqueError
from service.openbadges import ob2
from service.persistence import public_revision
from service.persistence.repositories import Awards, SigningKeys
from service.signing.keystore import KeyPurpose
from service.usecases import awards, badge_classes, credentials, issuers, status
from service.usecases.context import Context
from service.usecases.status import SignedListCache
from service.verification.ob2 import Fetch, Fetched

Json = dict[str, Any]
_FINAL = frozenset({200, 410})
ID = r"([a-z2-7]{26})"


class Memo(Protocol):
    """Where built documents are kept while the public revision they were built at is current
    (``service.persistence.public_cache.PublicCache``)."""

    def get(self, key: Hashable) -> Any | None: ...

    def put(self, key: Hashable, revision: int, value: Any) -> None: ...


def local_fetch(
    ctx: Context,
    signed_lists: SignedListCache | None,
    fallback: Fetch | None = None,
    memo: Memo | None = None,
) -> Fetch:
    """A fetch that answers URLs of this service's host from the database (or from ``memo``)
    and hands any other URL to ``fallback`` (the guarded network fetcher), or reports it
    unreachable. Verification only reads what it fetches, so documents from ``memo`` are shared."""

    def fetch(url: str) -> Fetched:
        try:
            parts = urlsplit(url)
        except ValueError:  # https://[zz]/: not a URL at all
            return Fetched(0, None, f"refused: {url} is not a valid URL", "refused-bad-url")
        if parts.netloc != ctx.urls.host or parts.query or parts.fragment:
            if fallback is not None and parts.netloc != ctx.urls.host:
                return fallback(url)
            return Fetched(0, None)
        if memo is None:
            return _local(ctx, signed_lists, parts.path)
        key = ("local", parts.path)
        found: Fetched | None = memo.get(key)
        if found is None:
            revision = public_revision.read(ctx.session)  # before the data, as the memo requires
            found = _local(ctx, signed_lists, parts.path)
            if found.status in _FINAL:  # a 404 may become a document without a new revision
                memo.put(key, revision, found)
        return found

    return fetch


class NotInMemory(Exception):
    """A document the verification needs is not in memory: verify again where I/O may happen."""


def memory_fetch(host: str, memo: Memo) -> Fetch:
    """A fetch that answers only from ``memo`` and raises ``NotInMemory`` for anything else
    (not one of our documents, or not built yet): verification with it does no I/O at all."""

    def fetch(url: str) -> Fetched:
        try:
            parts = urlsplit(url)
        except ValueError:
            raise NotInMemory(url) from None
        if parts.netloc == host and not parts.query and not parts.fragment:
            found: Fetched | None = memo.get(("local", parts.path))
            if found is not None:
                return found
        raise NotInMemory(url)

    return fetch


def _local(ctx: Context, signed_lists: SignedListCache | None, path: str) -> Fetched:
    for pattern, build in _ROUTES:
        match = re.fullmatch(pattern, path)
        if match is None:
            continue
        try:
            return build(ctx, signed_lists, *match.groups())
        except FabriqueError as exc:
            return Fetched(exc.status, None)
    return Fetched(404, None)


def _issuer(ctx: Context, _cache: SignedListCache | None, issuer_id: str) -> Fetched:
    issuer = issuers.get(ctx, issuer_id)
    key = SigningKeys(ctx.session).active(issuer.id, KeyPurpose.OB2)
    return Fetched(200, ob2.issuer(issuer, ctx.urls, key.kid if key else None))


def _revocations(ctx: Context, _cache: SignedListCache | None, issuer_id: str) -> Fetched:
    issuer = issuers.get(ctx, issuer_id)
    revoked = Awards(ctx.session).revoked_for_issuer(issuer.id)
    return Fetched(200, ob2.revocation_list(issuer.id, revoked, ctx.urls))


def _badge(ctx: Context, _cache: SignedListCache | None, badge_class_id: str) -> Fetched:
    return Fetched(200, ob2.badge_class(badge_classes.get(ctx, badge_class_id), ctx.urls))


def _award(ctx: Context, _cache: SignedListCache | None, award_id: str) -> Fetched:
    award = awards.get(ctx, award_id)
    if award.erased_at is not None:
        return Fetched(410, ob2.erased_assertion(award.id, ctx.urls))
    if award.revoked_at is not None:
        revoked_on = award.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return Fetched(410, ob2.revoked_assertion(award, ctx.urls), revoked_on=revoked_on)
    return Fetched(200, ob2.assertion(award, ctx.urls))


def _credential(ctx: Context, _cache: SignedListCache | None, award_id: str) -> Fetched:
    award = awards.get(ctx, award_id)
    if award.erased_at is not None:
        return Fetched(410, None)
    return Fetched(200, credentials.signed_credential(award))


def _key(ctx: Context, _cache: SignedListCache | None, kid: str) -> Fetched:
    key = SigningKeys(ctx.session).get(kid)
    if key is None:
        return Fetched(404, None)
    if key.withdrawn_at is not None:
        return Fetched(410, None)
    return Fetched(200, ob2.cryptographic_key(key.kid, key.issuer_id, key.public_pem, ctx.urls))


def _did(ctx: Context, _cache: SignedListCache | None, issuer_id: str) -> Fetched:
    return Fetched(200, credentials.issuer_did_document(ctx, issuers.get(ctx, issuer_id)))


def _jwks(ctx: Context, _cache: SignedListCache | None, issuer_id: str) -> Fetched:
    return Fetched(200, credentials.issuer_jwks(ctx, issuers.get(ctx, issuer_id)))


def _status(ctx: Context, cache: SignedListCache | None, list_id: str) -> Fetched:
    return Fetched(200, status.list_credential(ctx, list_id, cache).document)


_ROUTES: list[tuple[str, Callable[..., Fetched]]] = [
    (rf"/issuers/{ID}", _issuer),
    (rf"/issuers/{ID}/revocations", _revocations),
    (rf"/issuers/{ID}/did\.json", _did),
    (rf"/issuers/{ID}/jwks\.json", _jwks),
    (rf"/badges/{ID}", _badge),
    (rf"/awards/{ID}", _award),
    (rf"/awards/{ID}/credential", _credential),
    (r"/keys/([A-Za-z0-9_-]{43})", _key),
    (rf"/status/{ID}", _status),
]
