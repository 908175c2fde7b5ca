"""/api/v1 network badges: an administrator names a network's member structures; the network's
coordinators say which member may award which of its badge classes; a member's coordinators
award those classes. The network reads and may revoke every award of its classes (awards)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.access import (
    AdminDep,
    ReadableBadgeClass,
    ReadableIssuer,
    WritableBadgeClass,
    WritableIssuer,
)
from service.api.schemas import AwardOut, BadgeClassOut
from service.http.deps import ContextDep
from service.persistence.tables import Issuer
from service.usecases import issuers, networks
from service.usecases.commands import AwardCreate

router = APIRouter(tags=["networks"])


class MemberOut(BaseModel):
    id: str
    name: str
    url: str

    @classmethod
    def of(cls, issuer: Issuer) -> MemberOut:
        return cls(id=issuer.id, name=issuer.name, url=issuer.url)


class GrantsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuer_ids: list[str] = Field(
        max_length=500, description="the member structures that may award the class"
    )


class GrantsOut(BaseModel):
    issuer_ids: list[str]


class NetworkAwardIn(AwardCreate):
    badge_class_id: str = Field(max_length=26, description="a class of a network this issuer may award")


@router.put("/issuers/{issuer_id}/members/{member_id}", summary="Make an issuer a member structure (admin)")
def add_member(_: AdminDep, issuer_id: str, member_id: str, ctx: ContextDep) -> MemberOut:
    return MemberOut.of(networks.add_member(ctx, issuers.get(ctx, issuer_id), member_id))


@router.delete(
    "/issuers/{issuer_id}/members/{member_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="A member structure leaves the network (admin); what it awarded stays valid",
)
def remove_member(_: AdminDep, issuer_id: str, member_id: str, ctx: ContextDep) -> Response:
    networks.remove_member(ctx, issuers.get(ctx, issuer_id), member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/issuers/{issuer_id}/members", summary="The member structures of a network")
def list_members(issuer: ReadableIssuer, ctx: ContextDep) -> list[MemberOut]:
    return [MemberOut.of(member) for member in networks.members(ctx, issuer)]


@router.put("/badge-classes/{badge_class_id}/member-grants", summary="Which members may award a class")
def put_grants(badge_class: WritableBadgeClass, body: GrantsIn, ctx: ContextDep) -> GrantsOut:
    return GrantsOut(issuer_ids=sorted(networks.set_grants(ctx, badge_class, body.issuer_ids)))


@router.get("/badge-classes/{badge_class_id}/member-grants", summary="The members that may award a class")
def get_grants(badge_class: ReadableBadgeClass, ctx: ContextDep) -> GrantsOut:
    return GrantsOut(issuer_ids=sorted(networks.grants(ctx, badge_class)))


@router.get("/issuers/{issuer_id}/network-badge-classes", summary="The networks' classes a member may award")
def network_classes(issuer: ReadableIssuer, ctx: ContextDep) -> list[BadgeClassOut]:
    return [BadgeClassOut.of(found, ctx.urls) for found in networks.classes_for(ctx, issuer)]


@router.post(
    "/issuers/{issuer_id}/network-awards",
    status_code=status.HTTP_201_CREATED,
    summary="A member structure awards one of its network's classes",
)
def network_award(issuer: WritableIssuer, body: NetworkAwardIn, ctx: ContextDep) -> AwardOut:
    command = AwardCreate.model_validate(body.model_dump(exclude={"badge_class_id"}))
    return AwardOut.of(networks.award(ctx, issuer, body.badge_class_id, command), ctx.urls)
