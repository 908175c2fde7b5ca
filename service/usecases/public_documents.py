"""Our public documents, each built in one place: the routes of ``service.web.documents`` answer
with these builders, and the verifier reads the same ones straight from the database through
``local_fetch`` (verifying one of our badges never goes through the network, and sees
revocations as they are now). Paths come from ``service.openbadges.urls.Paths``."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, Protocol
from urllib.parse import urlsplit

from service.domain import endorsements as endorsement_rules
from service.errors import FabriqueError, Gone, NotFound
from service.openbadges import ob2, ob3
from service.openbadges.urls import Paths
from service.persistence import public_revision
from service.persistence.repositories import Awards, SigningKeys
from service.persistence.tables import Award
from service.signing.keystore import KeyPurpose
from service.usecases import awards, badge_classes, credentials, endorsements, issuers, networks, status
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
    for pattern, build in LOCAL_READS:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        try:
            return build(ctx, signed_lists, *match.groups())
        except FabriqueError as exc:
            return Fetched(exc.status, None)
    return Fetched(404, None)


# The builders: each raises NotFound or Gone as the route answers them.


def issuer(ctx: Context, issuer_id: str) -> Json:
    """The OB 2.0 Issuer profile; its ``publicKey`` is the issuer's current OB 2.0 key."""
    found = issuers.get(ctx, issuer_id)
    key = SigningKeys(ctx.session).active(found.id, KeyPurpose.OB2)
    links = endorsements.ob2_links(ctx, endorsement_rules.ISSUER, found.id)
    return ob2.issuer(found, ctx.urls, key.kid if key else None, links)


def revocation_list(ctx: Context, issuer_id: str) -> Json:
    found = issuers.get(ctx, issuer_id)
    return ob2.revocation_list(found.id, Awards(ctx.session).revoked_for_issuer(found.id), ctx.urls)


def profile(ctx: Context, issuer_id: str) -> Json:
    """The OB 3.0 Profile of the issuer, as a document of its own."""
    return {
        "@context": [ob3.CREDENTIALS_V2, ob3.OB_V3],
        **credentials.profile(ctx, issuers.get(ctx, issuer_id)),
    }


def did_document(ctx: Context, issuer_id: str) -> Json:
    return credentials.issuer_did_document(ctx, issuers.get(ctx, issuer_id))


def issuer_jwks(ctx: Context, issuer_id: str) -> Json:
    return credentials.issuer_jwks(ctx, issuers.get(ctx, issuer_id))


def badge_class(ctx: Context, badge_class_id: str) -> Json:
    found = badge_classes.get(ctx, badge_class_id)
    return ob2.badge_class(
        found, ctx.urls, endorsements.ob2_links(ctx, endorsement_rules.BADGE_CLASS, found.id)
    )


def member_badge_class(ctx: Context, badge_class_id: str, member_id: str) -> Json:
    """A network's class as one of its members awards it (OB 2.0 BadgeClass)."""
    found = badge_classes.get(ctx, badge_class_id)
    if found.issuer_id == member_id or not networks.member_badge_class_exists(ctx, found, member_id):
        raise NotFound("badge-class-not-found", id=badge_class_id)
    links = endorsements.ob2_links(ctx, endorsement_rules.BADGE_CLASS, found.id)
    return ob2.badge_class(found, ctx.urls, links, member_id=member_id)


def achievement(ctx: Context, badge_class_id: str) -> Json:
    badge = badge_classes.get(ctx, badge_class_id)
    return {"@context": [ob3.CREDENTIALS_V2, ob3.OB_V3], **credentials.achievement(ctx, badge)}


def assertion(ctx: Context, award_id: str) -> Fetched:
    """The hosted OB 2.0 assertion: 200, or 410 with what a revoked or erased award keeps."""
    award = awards.get(ctx, award_id)
    if award.erased_at is not None:
        return Fetched(410, ob2.erased_assertion(award.id, ctx.urls))
    if award.revoked_at is not None:
        revoked_on = award.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return Fetched(410, ob2.revoked_assertion(award, ctx.urls), revoked_on=revoked_on)
    return Fetched(200, hosted_assertion(ctx, award))


def hosted_assertion(ctx: Context, award: Award) -> Json:
    """The hosted OB 2.0 assertion of a current award, with its endorsements."""
    links = endorsements.ob2_links(ctx, endorsement_rules.AWARD, award.id)
    return ob2.assertion(award, ctx.urls, endorsements=links)


def credential(ctx: Context, award_id: str) -> Json:
    """The OB 3.0 credential with its Data Integrity proof; an erased award keeps none (410)."""
    award = awards.get(ctx, award_id)
    if award.erased_at is not None:
        raise Gone("award-erased", id=award.id)
    return credentials.signed_credential(award)


def status_list(ctx: Context, list_id: str, signed_lists: SignedListCache | None) -> status.SignedList:
    return status.list_credential(ctx, list_id, signed_lists)


def key(ctx: Context, kid: str) -> Json:
    """An OB 2.0 CryptographicKey, current or retired; a withdrawn one is gone (410)."""
    found = SigningKeys(ctx.session).get(kid)
    if found is None:
        raise NotFound("key-not-found", id=kid)
    if found.withdrawn_at is not None:
        raise Gone("key-withdrawn", id=kid)
    return ob2.cryptographic_key(found.kid, found.issuer_id, found.public_pem, ctx.urls)


def jwks(ctx: Context) -> Json:
    """Every key not withdrawn, of every issuer, as a JWK Set with thumbprint kids."""
    keys = SigningKeys(ctx.session).published()
    return {"keys": [{**k.public_jwk, "kid": k.kid, "alg": k.algorithm, "use": "sig"} for k in keys]}


def endorsement_credential(ctx: Context, endorsement_id: str) -> Json:
    """The signed EndorsementCredential; a withdrawn one is gone (410)."""
    return endorsements.endorsement(ctx, endorsement_id).credential


def _ok(build: Callable[..., Json]) -> Callable[..., Fetched]:
    return lambda ctx, _lists, *ids: Fetched(200, build(ctx, *ids))


_PARAMETER = re.compile(r"\{(\w+)\}")


def path_pattern(path: str) -> re.Pattern[str]:
    """The path as a regular expression: ``{kid}`` a key id, any other parameter an id."""
    parts = _PARAMETER.split(path)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(re.escape(part))
        else:
            out.append(r"([A-Za-z0-9_-]{43})" if part == "kid" else ID)
    return re.compile("".join(out))


# What the verifier may read of ours without the network, path by path.
LOCAL_READS: list[tuple[re.Pattern[str], Callable[..., Fetched]]] = [
    (path_pattern(Paths.ISSUER), _ok(issuer)),
    (path_pattern(Paths.REVOCATIONS), _ok(revocation_list)),
    (path_pattern(Paths.PROFILE), _ok(profile)),
    (path_pattern(Paths.DID_DOCUMENT), _ok(did_document)),
    (path_pattern(Paths.ISSUER_JWKS), _ok(issuer_jwks)),
    (path_pattern(Paths.BADGE_CLASS), _ok(badge_class)),
    (path_pattern(Paths.ACHIEVEMENT), _ok(achievement)),
    (path_pattern(Paths.MEMBER_BADGE_CLASS), _ok(member_badge_class)),
    (path_pattern(Paths.AWARD), lambda ctx, _lists, award_id: assertion(ctx, award_id)),
    (path_pattern(Paths.CREDENTIAL), _ok(credential)),
    (path_pattern(Paths.KEY), _ok(key)),
    (
        path_pattern(Paths.STATUS_LIST),
        lambda ctx, lists, list_id: Fetched(200, status_list(ctx, list_id, lists).document),
    ),
    (path_pattern(Paths.JWKS), lambda ctx, _lists: Fetched(200, jwks(ctx))),
    (path_pattern(Paths.ENDORSER), _ok(endorsements.endorser_ob2_profile)),
    (path_pattern(Paths.ENDORSER_PROFILE), _ok(endorsements.endorser_profile)),
    (path_pattern(Paths.ENDORSER_DID_DOCUMENT), _ok(endorsements.endorser_did_document)),
    (path_pattern(Paths.ENDORSER_STATUS), _ok(endorsements.endorser_status_list)),
    (path_pattern(Paths.ENDORSEMENT), _ok(endorsements.ob2_document)),
    (path_pattern(Paths.ENDORSEMENT_CREDENTIAL), _ok(endorsement_credential)),
]
