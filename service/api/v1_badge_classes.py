"""/api/v1 badge classes: created under an issuer, then addressed by their own id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from service.api.access import ReadableBadgeClass, ReadableIssuer, WritableBadgeClass, WritableIssuer
from service.api.pagination import Limit, Offset
from service.api.schemas import BadgeClassOut, CatalogueImportOut, Page
from service.api.uploads import read_capped
from service.http.deps import ContextDep
from service.persistence.repositories import BadgeClasses
from service.usecases import badge_classes, catalogue
from service.usecases.commands import BadgeClassCreate, BadgeClassUpdate

router = APIRouter(tags=["badge classes"])


@router.post(
    "/issuers/{issuer_id}/badge-classes", status_code=status.HTTP_201_CREATED, summary="Create a badge class"
)
def create_badge_class(issuer: WritableIssuer, body: BadgeClassCreate, ctx: ContextDep) -> BadgeClassOut:
    return BadgeClassOut.of(badge_classes.create(ctx, issuer, body), ctx.urls)


@router.get("/issuers/{issuer_id}/badge-classes", summary="List an issuer's badge classes")
def list_badge_classes(
    issuer: ReadableIssuer, ctx: ContextDep, limit: Limit = 50, offset: Offset = 0
) -> Page[BadgeClassOut]:
    rows, total = BadgeClasses(ctx.session).list_for_issuer(issuer.id, limit, offset)
    items = [BadgeClassOut.of(b, ctx.urls) for b in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/badge-classes/{badge_class_id}", summary="Read a badge class")
def read_badge_class(badge_class: ReadableBadgeClass, ctx: ContextDep) -> BadgeClassOut:
    return BadgeClassOut.of(badge_class, ctx.urls)


@router.patch("/badge-classes/{badge_class_id}", summary="Change a badge class")
def update_badge_class(
    badge_class: WritableBadgeClass, body: BadgeClassUpdate, ctx: ContextDep
) -> BadgeClassOut:
    return BadgeClassOut.of(badge_classes.update(ctx, badge_class, body), ctx.urls)


@router.put("/badge-classes/{badge_class_id}/image", summary="Replace the badge image (PNG or SVG)")
async def upload_badge_class_image(
    badge_class: WritableBadgeClass, image: Annotated[UploadFile, File()], ctx: ContextDep
) -> BadgeClassOut:
    content = await read_capped(image, ctx.max_image_bytes)
    return BadgeClassOut.of(badge_classes.set_image(ctx, badge_class, content, image.content_type), ctx.urls)


@router.delete(
    "/badge-classes/{badge_class_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a badge class never awarded",
)
def delete_badge_class(badge_class: WritableBadgeClass, ctx: ContextDep) -> Response:
    badge_classes.delete(ctx, badge_class)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/issuers/{issuer_id}/catalogue",
    summary="Import the shipped mediator-skills catalogue (12 badge classes); imported entries are kept",
)
def import_catalogue(issuer: WritableIssuer, ctx: ContextDep) -> CatalogueImportOut:
    imported = catalogue.import_into(ctx, issuer, catalogue.load())
    return CatalogueImportOut(
        created=[BadgeClassOut.of(bc, ctx.urls) for bc in imported.created],
        kept=[BadgeClassOut.of(bc, ctx.urls) for bc in imported.kept],
    )
