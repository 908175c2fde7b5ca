"""/api/v1 badge classes: created under an issuer, then addressed by their own id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from service.api.deps import ContextDep, PrincipalDep, require_read, require_write
from service.api.pagination import Limit, Offset
from service.api.schemas import BadgeClassOut, Page
from service.api.uploads import read_capped
from service.persistence.repositories import BadgeClasses
from service.usecases import badge_classes, issuers
from service.usecases.commands import BadgeClassCreate, BadgeClassUpdate

router = APIRouter(tags=["badge classes"])


@router.post(
    "/issuers/{issuer_id}/badge-classes", status_code=status.HTTP_201_CREATED, summary="Create a badge class"
)
def create_badge_class(
    issuer_id: str, body: BadgeClassCreate, ctx: ContextDep, principal: PrincipalDep
) -> BadgeClassOut:
    issuer = issuers.get(ctx, issuer_id)
    require_write(principal, issuer.id)
    return BadgeClassOut.of(badge_classes.create(ctx, issuer, body), ctx.urls)


@router.get("/issuers/{issuer_id}/badge-classes", summary="List an issuer's badge classes")
def list_badge_classes(
    issuer_id: str, ctx: ContextDep, principal: PrincipalDep, limit: Limit = 50, offset: Offset = 0
) -> Page[BadgeClassOut]:
    issuer = issuers.get(ctx, issuer_id)
    require_read(principal, issuer.id)
    rows, total = BadgeClasses(ctx.session).list_for_issuer(issuer.id, limit, offset)
    return Page(items=[BadgeClassOut.of(b, ctx.urls) for b in rows], total=total, limit=limit, offset=offset)


@router.get("/badge-classes/{badge_class_id}", summary="Read a badge class")
def read_badge_class(badge_class_id: str, ctx: ContextDep, principal: PrincipalDep) -> BadgeClassOut:
    badge_class = badge_classes.get(ctx, badge_class_id)
    require_read(principal, badge_class.issuer_id)
    return BadgeClassOut.of(badge_class, ctx.urls)


@router.patch("/badge-classes/{badge_class_id}", summary="Change a badge class")
def update_badge_class(
    badge_class_id: str, body: BadgeClassUpdate, ctx: ContextDep, principal: PrincipalDep
) -> BadgeClassOut:
    badge_class = badge_classes.get(ctx, badge_class_id)
    require_write(principal, badge_class.issuer_id)
    return BadgeClassOut.of(badge_classes.update(ctx, badge_class, body), ctx.urls)


@router.put("/badge-classes/{badge_class_id}/image", summary="Replace the badge image (PNG or SVG)")
async def upload_badge_class_image(
    badge_class_id: str, image: Annotated[UploadFile, File()], ctx: ContextDep, principal: PrincipalDep
) -> BadgeClassOut:
    badge_class = badge_classes.get(ctx, badge_class_id)
    require_write(principal, badge_class.issuer_id)
    content = await read_capped(image, ctx.max_image_bytes)
    return BadgeClassOut.of(badge_classes.set_image(ctx, badge_class, content, image.content_type), ctx.urls)


@router.delete(
    "/badge-classes/{badge_class_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a badge class never awarded",
)
def delete_badge_class(badge_class_id: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    badge_class = badge_classes.get(ctx, badge_class_id)
    require_write(principal, badge_class.issuer_id)
    badge_classes.delete(ctx, badge_class)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
