"""/api/v1/issuers: the organisations that sign badges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status

from service.api.access import AdminDep, AdministeredIssuer, ReadableIssuer, WritableIssuer
from service.api.pagination import Limit, Offset
from service.api.schemas import IssuerOut, KeyOut, Page
from service.api.uploads import read_capped
from service.errors import InvalidInput
from service.http.deps import ContextDep, PrincipalDep
from service.persistence.repositories import Issuers, SigningKeys
from service.persistence.tables import Issuer
from service.signing.keystore import KeyPurpose
from service.usecases import issuers, keys
from service.usecases.commands import IssuerCreate, IssuerUpdate
from service.usecases.context import Context

router = APIRouter(prefix="/issuers", tags=["issuers"])


def _out(ctx: Context, issuer: Issuer) -> IssuerOut:
    return IssuerOut.of(issuer, list(SigningKeys(ctx.session).for_issuer(issuer.id)), ctx.urls)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an issuer (admin)")
def create_issuer(_: AdminDep, body: IssuerCreate, ctx: ContextDep) -> IssuerOut:
    return _out(ctx, issuers.create(ctx, body))


@router.get("", summary="List the issuers this token may read")
def list_issuers(
    ctx: ContextDep, principal: PrincipalDep, limit: Limit = 50, offset: Offset = 0
) -> Page[IssuerOut]:
    only = None if principal.is_admin else principal.issuer_ids
    rows, total = Issuers(ctx.session).list(only, limit, offset)
    return Page(items=[_out(ctx, i) for i in rows], total=total, limit=limit, offset=offset)


@router.get("/{issuer_id}", summary="Read an issuer")
def read_issuer(issuer: ReadableIssuer, ctx: ContextDep) -> IssuerOut:
    return _out(ctx, issuer)


@router.patch("/{issuer_id}", summary="Change an issuer")
def update_issuer(issuer: WritableIssuer, body: IssuerUpdate, ctx: ContextDep) -> IssuerOut:
    return _out(ctx, issuers.update(ctx, issuer, body))


@router.put("/{issuer_id}/image", summary="Upload the issuer's image (PNG or SVG)")
async def upload_issuer_image(
    issuer: WritableIssuer, image: Annotated[UploadFile, File()], ctx: ContextDep
) -> IssuerOut:
    content = await read_capped(image, ctx.max_image_bytes)
    return _out(ctx, issuers.set_image(ctx, issuer, content, image.content_type))


@router.delete(
    "/{issuer_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an issuer with no badge class (admin)",
)
def delete_issuer(_: AdminDep, issuer_id: str, ctx: ContextDep) -> Response:
    issuers.delete(ctx, issuers.get(ctx, issuer_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{issuer_id}/keys/rotate",
    status_code=status.HTTP_201_CREATED,
    summary="Rotate the issuer's signing keys: those of `purpose` (repeatable: ob2, vc-jwt, "
    "data-integrity), or all",
)
def rotate_keys(
    issuer: WritableIssuer,
    ctx: ContextDep,
    request: Request,
    purpose: Annotated[list[KeyPurpose] | None, Query()] = None,
) -> list[KeyOut]:
    """Each purpose rotates alone. After an ``ob2`` rotation every signed OB 2.0 assertion the
    service hands out (alone, baked, in archives) is signed with the new key; files downloaded
    before keep their old signature, which the 1EdTech validator no longer accepts."""
    unknown = sorted(set(request.query_params) - {"purpose"})
    if unknown:  # an option misspelt (or the former ``algorithm``) must not rotate every key
        raise InvalidInput("unknown-option", field=unknown[0])
    chosen = list(dict.fromkeys(purpose)) if purpose else list(keys.ISSUER_PURPOSES)
    return [KeyOut.of(k, ctx.urls) for k in keys.rotate(ctx, issuer.id, chosen)]


@router.post(
    "/{issuer_id}/keys/{kid}/withdraw",
    summary="Withdraw a retired key: what it signed stops verifying (administrators only)",
)
def withdraw_key(issuer: AdministeredIssuer, kid: str, ctx: ContextDep) -> KeyOut:
    return KeyOut.of(keys.withdraw(ctx, issuer.id, kid), ctx.urls)
