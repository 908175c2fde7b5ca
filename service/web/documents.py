"""Public documents at stable URLs: no token, JSON-LD for machines, HTML for browsers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.domain import endorsements as endorsement_rules
from service.errors import Gone, NotFound
from service.http.deps import ContextDep, ServicesDep
from service.http.negotiation import json_media_type, language_of, wants_page
from service.openbadges import ob2
from service.openbadges.urls import Paths
from service.persistence import public_revision
from service.persistence.tables import Award
from service.services import Services
from service.signing.keystore import Algorithm
from service.usecases import (
    awards,
    badge_classes,
    badge_requests,
    baked,
    credentials,
    issuers,
    public_documents,
    share_cards,
)
from service.usecases.context import Context
from service.web.badge_view import qr_svg, view
from service.web.endorsements import views as endorsement_views
from service.web.public_cache import answer, fresh
from service.web.render import page

router = APIRouter(include_in_schema=True, tags=["public documents"])

_CORS = {"Access-Control-Allow-Origin": "*"}
# Status-bearing documents must not be cached long: a revocation shows on the next fetch.
NO_STORE = "no-cache"
SHORT = "public, max-age=300"
LONG = "public, max-age=86400"
_SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


# The documents that are also pages: their answer depends on the agent (share crawlers) too.
_VARY = "Accept, User-Agent"
_PAGE_VARY = "Accept, Accept-Language, Cookie, User-Agent"


def _json(request: Request, document: dict[str, Any], *, cache: str, status_code: int = 200) -> JSONResponse:
    headers = {"Cache-Control": cache, "Vary": _VARY, **_CORS}
    return JSONResponse(
        document,
        status_code=status_code,
        media_type=json_media_type(request.headers.get("accept")),
        headers=headers,
    )


def _page_wanted(request: Request) -> bool:
    """A browser or a share crawler gets the page, unless the link asked for the document itself
    (``?format=json``)."""
    if request.query_params.get("format") == "json":
        return False
    return wants_page(request.headers.get("accept"), request.headers.get("user-agent"))


@router.get(Paths.ISSUER, summary="Issuer profile (OB 2.0 Issuer)")
def issuer_document(issuer_id: str, request: Request, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    if _page_wanted(request):
        return page(
            request,
            "issuer.html",
            issuer=issuer,
            recognitions=endorsement_views(ctx, request, endorsement_rules.ISSUER, issuer.id),
            image_url=ctx.urls.issuer_image(issuer.id),
            json_url=ctx.urls.issuer(issuer.id),
            headers={"Vary": _PAGE_VARY},
        )
    return _json(request, public_documents.issuer(ctx, issuer.id), cache=SHORT)


@router.get(Paths.REVOCATIONS, summary="OB 2.0 RevocationList of an issuer")
def revocation_list(issuer_id: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, public_documents.revocation_list(ctx, issuer_id), cache=NO_STORE)


@router.get(Paths.BADGE_CLASS, summary="Badge class (OB 2.0 BadgeClass)")
def badge_class_document(badge_class_id: str, request: Request, ctx: ContextDep) -> Response:
    badge = badge_classes.get(ctx, badge_class_id)
    if _page_wanted(request):
        return page(
            request,
            "badge_class.html",
            badge=badge,
            recognitions=endorsement_views(ctx, request, endorsement_rules.BADGE_CLASS, badge.id),
            requests_open=badge.replaced_by_id is None and badge_requests.rule_of(ctx, badge).open,
            image_url=ctx.urls.badge_class_image(badge.id),
            issuer_url=ctx.urls.issuer(badge.issuer_id),
            json_url=ctx.urls.badge_class(badge.id),
            card_url=ctx.urls.badge_class_card(badge.id),
            headers={"Vary": _PAGE_VARY},
        )
    return _json(request, public_documents.badge_class(ctx, badge.id), cache=SHORT)


@router.get(
    Paths.MEMBER_BADGE_CLASS, summary="A network's badge class as a member structure awards it (OB 2.0)"
)
def member_badge_class_document(
    badge_class_id: str, issuer_id: str, request: Request, ctx: ContextDep
) -> Response:
    return _json(request, public_documents.member_badge_class(ctx, badge_class_id, issuer_id), cache=SHORT)


def _image(content: bytes | None, media_type: str | None) -> Response:
    if content is None or media_type is None:
        raise NotFound("image-not-found")
    headers = {"Cache-Control": SHORT, "X-Content-Type-Options": "nosniff", **_CORS}
    if media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = _SVG_CSP
    return Response(content, media_type=media_type, headers=headers)


@router.get(Paths.BADGE_CLASS_IMAGE, summary="Badge image")
def badge_class_image(badge_class_id: str, ctx: ContextDep) -> Response:
    badge = badge_classes.get(ctx, badge_class_id)
    return _image(badge.image, badge.image_type)


@router.get(Paths.ISSUER_IMAGE, summary="Issuer image")
def issuer_image(issuer_id: str, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    return _image(issuer.image, issuer.image_type)


def _not_erased(award: Award) -> Award:
    """An erased award keeps its address and its revoked status, and nothing else."""
    if award.erased_at is not None:
        raise Gone("award-erased", id=award.id)
    return award


@router.get(
    Paths.AWARD,
    summary="Hosted assertion (OB 2.0), 410 Gone once revoked; the badge page for browsers",
)
async def award_document(award_id: str, request: Request, services: ServicesDep) -> Response:
    """Answered from the process's public cache while nothing was revoked or erased since it
    was built (see ``public_cache``): a revocation shows on this process's next request, on the
    others' within ``FABRIQUE_PUBLIC_CACHE_SECONDS``."""
    if _page_wanted(request):
        return await _badge_page(services, request, award_id)
    status_code, body = await answer(
        services.public, ("assertion", award_id), _assertion_answer, services, award_id
    )
    headers = {"Cache-Control": NO_STORE, "Vary": _VARY, **_CORS}
    media_type = json_media_type(request.headers.get("accept"))
    return Response(body, status_code=status_code, media_type=media_type, headers=headers)


@router.get(Paths.AWARD_PAGE, summary="The badge page for people (HTML, whatever is asked)")
async def award_page(award_id: str, request: Request, services: ServicesDep) -> Response:
    """The address of every link made for people: a browser, a share crawler and a bot that asks
    for JSON all get the page (the documents are at ``/awards/{id}``, named in its head)."""
    response = await _badge_page(services, request, award_id)
    response.headers["Link"] = (
        f'<{services.urls.award(award_id)}>; rel="alternate"; type="application/ld+json"'
    )
    return response


_CARD_HEADERS = {
    "Cache-Control": "public, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Language",
    **_CORS,
}


@router.get(Paths.AWARD_CARD, summary="Share card of a published badge (PNG, 1200 × 630)")
def award_card(award_id: str, request: Request, ctx: ContextDep) -> Response:
    content = share_cards.award_card(ctx, award_id, language_of(request))
    return Response(content, media_type="image/png", headers=_CARD_HEADERS)


@router.get(Paths.BADGE_CLASS_CARD, summary="Share card of a badge class (PNG, 1200 × 630)")
def badge_class_card(badge_class_id: str, request: Request, ctx: ContextDep) -> Response:
    content = share_cards.badge_class_card(ctx, badge_class_id, language_of(request))
    return Response(content, media_type="image/png", headers=_CARD_HEADERS)


def _assertion_answer(services: Services, award_id: str) -> tuple[int, tuple[int, bytes]]:
    """(revision, (status, body)): the revision is read before the award, in one transaction."""
    with services.database.transaction(write=False) as session:
        revision = public_revision.read(session)
        found = public_documents.assertion(services.context(session), award_id)
        return revision, (found.status, json_bytes(found.document))


@dataclass(frozen=True, slots=True)
class _KeptPage:
    status: int
    body: bytes
    raw_headers: tuple[tuple[bytes, bytes], ...]
    stale_at: datetime | None  # when the badge expires: the page must then say so

    def response(self) -> Response:
        response = Response(self.body, status_code=self.status)
        response.raw_headers = list(self.raw_headers)
        return response


async def _badge_page(services: Services, request: Request, award_id: str) -> Response:
    """The badge page, from the process's page cache while the public revision holds (revoking,
    erasing, publishing, hiding, showing the name and editing the badge or issuer raise it), and
    until the badge expires. An address with a query (tracking parameters) is built each time,
    so that nobody can fill the cache with variants."""
    if request.url.query:
        return (await run_in_threadpool(_award_page, services, request, award_id))[1].response()
    key = (award_id, language_of(request), request.url.path)
    cache = await fresh(services.pages)
    kept: _KeptPage | None = cache.get(key)
    if kept is not None and (kept.stale_at is None or services.clock.now() < kept.stale_at):
        return kept.response()
    revision, built = await run_in_threadpool(_award_page, services, request, award_id)
    cache.put(key, revision, built)
    return built.response()


def _award_page(services: Services, request: Request, award_id: str) -> tuple[int, _KeptPage]:
    """(the revision read first, the page) in one transaction."""
    with services.database.transaction(write=False) as session:
        revision = public_revision.read(session)
        ctx = services.context(session)
        award = awards.get(ctx, award_id)
        response = _award_response(ctx, request, award)
        expires = award.expires_at
        stale_at = expires if expires is not None and ctx.clock.now() < expires else None
        return revision, _KeptPage(
            response.status_code, bytes(response.body), tuple(response.raw_headers), stale_at
        )


def _award_response(ctx: Context, request: Request, award: Award) -> Response:
    hidden = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Vary": _PAGE_VARY}
    if award.revoked_at is not None and (award.published_at is None or award.erased_at is not None):
        # Said as it is, published or not: revoked (or erased, which revokes); never indexed,
        # and without the holder's name, which they never made public.
        return page(
            request,
            "badge_revoked.html",
            status_code=410,
            json_url=None,
            headers=hidden,
            award=award,
            badge_name=award.badge_class.name,
            issuer_name=award.issuer.name,
            erased=award.erased_at is not None,
        )
    if award.published_at is None:
        return page(request, "badge_private.html", status_code=404, json_url=None, headers=hidden)
    revoked = award.revoked_at is not None
    return page(
        request,
        "badge.html",
        status_code=410 if revoked else 200,
        v=view(award, ctx.urls, ctx.clock.now()),
        recognitions=[] if revoked else endorsement_views(ctx, request, endorsement_rules.AWARD, award.id),
        json_url=ctx.urls.award(award.id),
        headers=hidden if revoked else {"Cache-Control": NO_STORE, "Vary": _PAGE_VARY},
        noindex=revoked,
    )


@router.get(Paths.AWARD_FILE, summary="Hosted assertion (OB 2.0) as a file to keep")
def award_assertion_file(award_id: str, request: Request, ctx: ContextDep) -> Response:
    award = _not_erased(awards.get(ctx, award_id))
    response = _json(request, ob2.assertion(award, ctx.urls), cache=NO_STORE)
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{award.id}-ob2.json"'
    return response


@router.get(Paths.AWARD_QR, summary="QR code of the badge page's address")
def award_qr_code(award_id: str, ctx: ContextDep) -> Response:
    award = awards.get(ctx, award_id)
    headers = {"Cache-Control": LONG, "Content-Security-Policy": _SVG_CSP}
    return Response(qr_svg(ctx.urls.award_page(award.id)), media_type="image/svg+xml", headers=headers)


@router.get(Paths.SIGNED_AWARD, summary="Signed assertion (OB 2.0, compact JWS, RS256)")
def signed_award(award_id: str, ctx: ContextDep) -> Response:
    award = _not_erased(awards.get(ctx, award_id))
    headers = {
        "Content-Disposition": f'attachment; filename="badge-{award.id}.jws"',
        "Cache-Control": SHORT,  # signed anew after a rotation of the issuer's OB 2.0 key
        **_CORS,
    }
    return Response(awards.signed_assertion(ctx, award), media_type="application/jose", headers=headers)


@router.get(
    Paths.BAKED_IMAGE,
    summary="The badge image with the award baked in (PNG or SVG, as the badge class's image)",
)
def baked_award_image(
    award_id: str,
    ctx: ContextDep,
    standard: baked.Standard = baked.Standard.OB3,
    format: baked.ImageFormat | None = None,
) -> Response:
    """``standard=ob3`` (default) bakes the OB 3.0 credential, ``ob2`` the signed OB 2.0 assertion;
    ``format=svg`` gives a PNG badge as SVG too."""
    award = _not_erased(awards.get(ctx, award_id))
    content, media_type = baked.baked_image(ctx, award, standard, format)
    extension = "png" if media_type == "image/png" else "svg"
    headers = {
        "Content-Disposition": f'attachment; filename="badge-{award.id}-{standard.value}.{extension}"',
        "Cache-Control": NO_STORE,
        "X-Content-Type-Options": "nosniff",
        **_CORS,
    }
    if media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = _SVG_CSP
    return Response(content, media_type=media_type, headers=headers)


@router.get(Paths.DID_DOCUMENT, summary="DID document of the issuer's did:web DID")
def did_document(issuer_id: str, ctx: ContextDep) -> Response:
    document = public_documents.did_document(ctx, issuer_id)
    return JSONResponse(
        document, media_type="application/did+ld+json", headers={"Cache-Control": SHORT, **_CORS}
    )


@router.get(Paths.PROFILE, summary="Issuer profile (OB 3.0 Profile)")
def profile_document(issuer_id: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, public_documents.profile(ctx, issuer_id), cache=SHORT)


@router.get(Paths.ACHIEVEMENT, summary="Badge class (OB 3.0 Achievement)")
def achievement_document(badge_class_id: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, public_documents.achievement(ctx, badge_class_id), cache=SHORT)


@router.get(Paths.CREDENTIAL, summary="OB 3.0 AchievementCredential (Data Integrity eddsa-rdfc-2022)")
async def credential_document(
    award_id: str, request: Request, services: ServicesDep, download: bool = False
) -> Response:
    """``?download=1`` hands the earner a file to keep or import into a wallet. Served from the
    process's public cache when there (see ``public_cache``)."""
    body = await answer(services.public, ("credential", award_id), _credential_bytes, services, award_id)
    headers = {"Cache-Control": LONG, "Vary": "Accept", **_CORS}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="badge-{award_id}.json"'
    return Response(body, media_type=json_media_type(request.headers.get("accept")), headers=headers)


def _credential_bytes(services: Services, award_id: str) -> tuple[int, bytes]:
    with services.database.transaction(write=False) as session:
        revision = public_revision.read(session)
        return revision, json_bytes(public_documents.credential(services.context(session), award_id))


def json_bytes(document: Any) -> bytes:
    """The bytes JSONResponse would send."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


@router.get(Paths.CREDENTIAL_JWT, summary="OB 3.0 credential as a VC-JWT (RS256, or EdDSA)")
def credential_jwt_document(award_id: str, ctx: ContextDep, alg: Algorithm = Algorithm.RS256) -> Response:
    award = _not_erased(awards.get(ctx, award_id))
    token = credentials.credential_jwt(ctx, award, alg)
    headers = {
        "Content-Disposition": f'attachment; filename="badge-{award.id}.jwt"',
        "Cache-Control": LONG,
        **_CORS,
    }
    return Response(token, media_type="application/jwt", headers=headers)


@router.get(Paths.ISSUER_JWKS, summary="The issuer's public keys, current and retired (RFC 7517)")
def issuer_jwks(issuer_id: str, ctx: ContextDep) -> Response:
    document = public_documents.issuer_jwks(ctx, issuer_id)
    return JSONResponse(
        document, media_type="application/jwk-set+json", headers={"Cache-Control": SHORT, **_CORS}
    )


@router.get(Paths.STATUS_LIST, summary="Bitstring Status List credential (revocation), signed")
async def status_list_document(list_id: str, request: Request, services: ServicesDep) -> Response:
    """Revalidated on every use (a revocation must show on the next fetch), cheaply: the ETag
    changes exactly when the bits or the signing key do. Served from the public cache."""
    etag, body = await answer(services.public, ("status", list_id), _status_list_answer, services, list_id)
    headers = {"Cache-Control": NO_STORE, "ETag": etag, "Vary": "Accept", **_CORS}
    matches = _etags(request.headers.get("if-none-match"))
    if etag in matches or "*" in matches:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=json_media_type(request.headers.get("accept")), headers=headers)


def _status_list_answer(services: Services, list_id: str) -> tuple[int, tuple[str, bytes]]:
    with services.database.transaction(write=False) as session:
        revision = public_revision.read(session)
        signed = public_documents.status_list(services.context(session), list_id, services.signed_lists)
        return revision, (signed.etag, json_bytes(signed.document))


def _etags(header: str | None) -> set[str]:
    """Entity tags of an If-None-Match header (RFC 9110 §13.1.2), compared weakly."""
    if not header:
        return set()
    tags = {tag.strip() for tag in header.split(",")}
    return tags | {tag[2:] if tag.startswith("W/") else "W/" + tag for tag in tags}


@router.get(Paths.KEY, summary="Public key (OB 2.0 CryptographicKey)")
def key_document(kid: str, request: Request, ctx: ContextDep) -> Response:
    return _json(request, public_documents.key(ctx, kid), cache=LONG)


@router.get(Paths.JWKS, summary="Every public key, current and retired (RFC 7517)")
def jwks(ctx: ContextDep) -> Response:
    return JSONResponse(
        public_documents.jwks(ctx),
        media_type="application/jwk-set+json",
        headers={"Cache-Control": SHORT, **_CORS},
    )


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    return page(request, "home.html", json_url=None)
