"""/api/v1 awards: issue one, list, read, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from service.api.access import ReadableAward, ReadableIssuer, WritableAward, WritableBadgeClass
from service.api.pagination import Limit, Offset
from service.api.people import for_principal
from service.api.schemas import AwardOut, CredentialOut, Page
from service.errors import Forbidden
from service.http.deps import ContextDep, PrincipalDep
from service.persistence.repositories import Awards
from service.signing.keystore import Algorithm
from service.usecases import awards, credentials
from service.usecases.commands import AwardCreate, Email, Revocation

router = APIRouter(tags=["awards"])


@router.post(
    "/badge-classes/{badge_class_id}/awards",
    status_code=status.HTTP_201_CREATED,
    summary="Issue this badge to one person",
)
def issue_award(badge_class: WritableBadgeClass, body: AwardCreate, ctx: ContextDep) -> AwardOut:
    return AwardOut.of(awards.award(ctx, badge_class, body), ctx.urls)


@router.get("/issuers/{issuer_id}/awards", summary="List an issuer's awards")
def list_awards(
    issuer: ReadableIssuer,
    ctx: ContextDep,
    principal: PrincipalDep,
    badge_class_id: str | None = None,
    recipient_email: Annotated[Email | None, Query()] = None,
    revoked: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AwardOut]:
    if recipient_email is not None and not principal.sees_people:
        raise Forbidden("viewer-no-people")  # a filter by email would tell who has which badge
    rows, total = Awards(ctx.session).list(
        issuer_id=issuer.id,
        badge_class_id=badge_class_id,
        recipient_email=str(recipient_email) if recipient_email else None,
        revoked=revoked,
        limit=limit,
        offset=offset,
    )
    items = [for_principal(principal, AwardOut.of(a, ctx.urls)) for a in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/awards/{award_id}", summary="Read an award")
def read_award(award: ReadableAward, ctx: ContextDep, principal: PrincipalDep) -> AwardOut:
    return for_principal(principal, AwardOut.of(award, ctx.urls))


@router.get(
    "/awards/{award_id}/credential", summary="The award's OB 3.0 credential: JSON with its proof, and VC-JWT"
)
def read_credential(award: ReadableAward, ctx: ContextDep) -> CredentialOut:
    return CredentialOut(
        credential=credentials.signed_credential(award),
        jwt=credentials.credential_jwt(ctx, award, Algorithm.RS256),
    )


@router.post("/awards/{award_id}/revoke", summary="Revoke an award, with a reason")
def revoke_award(award: WritableAward, body: Revocation, ctx: ContextDep) -> AwardOut:
    return AwardOut.of(awards.revoke(ctx, award.id, body), ctx.urls)
