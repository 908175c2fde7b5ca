"""/api/v1/issuers: the organisations that sign badges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from service.api.deps import ContextDep, PrincipalDep, require_admin, require_read, require_write
from service.api.pagination import Limit, Offset
from service.api.schemas import IssuerOut, KeyOut, Page
from service.api.uploads import read_capped
from service.persistence.repositories import Issuers, SigningKeys
from service.usecases import issuers, keys
from service.usecases.commands import IssuerCreate, IssuerUpdate
from service.usecases.context import Context

router = APIRouter(prefix="/issuers", tags=["issuers"])


def _out(ctx: Context, issuer_id: str) -> IssuerOut:
    issuer = issuers.get(ctx, issuer_id)
    return IssuerOut.of(issuer, list(SigningKeys(ctx.session).for_issuer(issuer.id)), ctx.urls)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an issuer (admin)")
def create_issuer(body: IssuerCreate, ctx: ContextDep, principal: PrincipalDep) -> IssuerOut:
    require_admin(principal)
    issuer = issuers.create(ctx, body)
    return _out(ctx, issuer.id)


@router.get("", summary="List the issuers this token may read")
def list_issuers(
    ctx: ContextDep, principal: PrincipalDep, limit: Limit = 50, offset: Offset = 0
) -> Page[IssuerOut]:
    only = None if principal.is_admin else principal.issuer_ids
    rows, total = Issuers(ctx.session).list(only, limit, offset)
    items = [IssuerOut.of(i, list(SigningKeys(ctx.session).for_issuer(i.id)), ctx.urls) for i in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/{issuer_id}", summary="Read an issuer")
def read_issuer(issuer_id: str, ctx: ContextDep, principal: PrincipalDep) -> IssuerOut:
    issuer = issuers.get(ctx, issuer_id)
    require_read(principal, issuer.id)
    return _out(ctx, issuer.id)


@router.patch("/{issuer_id}", summary="Change an issuer")
def update_issuer(issuer_id: str, body: IssuerUpdate, ctx: ContextDep, principal: PrincipalDep) -> IssuerOut:
    issuer = issuers.get(ctx, issuer_id)
    require_write(principal, issuer.id)
    issuers.update(ctx, issuer, body)
    return _out(ctx, issuer.id)


@router.put("/{issuer_id}/image", summary="Upload the issuer's image (PNG or SVG)")
async def upload_issuer_image(
    issuer_id: str, image: Annotated[UploadFile, File()], ctx: ContextDep, principal: PrincipalDep
) -> IssuerOut:
    issuer = issuers.get(ctx, issuer_id)
    require_write(principal, issuer.id)
    content = await read_capped(image, ctx.max_image_bytes)
    issuers.set_image(ctx, issuer, content, image.content_type)
    return _out(ctx, issuer.id)


@router.delete(
    "/{issuer_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an issuer that has no badge class (admin)",
)
def delete_issuer(issuer_id: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    require_admin(principal)
    issuers.delete(ctx, issuers.get(ctx, issuer_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{issuer_id}/keys/rotate",
    status_code=status.HTTP_201_CREATED,
    summary="Rotate the issuer's signing keys",
)
def rotate_keys(issuer_id: str, ctx: ContextDep, principal: PrincipalDep) -> list[KeyOut]:
    issuer = issuers.get(ctx, issuer_id)
    require_write(principal, issuer.id)
    return [KeyOut.of(k, ctx.urls) for k in keys.rotate(ctx, issuer.id)]
