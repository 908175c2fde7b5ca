"""/api/v1 recognition between peers: coordinators invite partners, employers, trainers and peers
to endorse their issuer, a badge class or an award, and list what was endorsed (endorsing itself
is done by the invited author through the link emailed to them, never through the API); they set
whether a badge class may be requested, and list the requests."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from service.api.access import ReadableBadgeClass, ReadableIssuer, WritableBadgeClass, WritableIssuer
from service.domain import badge_requests as request_rules
from service.errors import NotFound
from service.http.deps import ContextDep, PrincipalDep
from service.openbadges.endorsements import endorser_display_name
from service.persistence.endorsement_tables import Endorsement, EndorsementInvitation
from service.persistence.request_repositories import BadgeRequests
from service.usecases import badge_requests, endorsements
from service.usecases.context import Context

router = APIRouter(tags=["endorsements"])  # and badge requests


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_kind: Literal["issuer", "badge-class", "award"]
    subject_id: str | None = Field(
        default=None, max_length=26, description="the badge class or award; the issuer's own id if omitted"
    )
    basis: Literal["partner", "employer", "trainer", "peer"] = Field(
        description="why they may vouch: a partner or employer you invite; a trainer of the session; "
        "a peer holding the badge (checked now and when the link is used)"
    )
    email: str = Field(max_length=320)
    name: str | None = Field(default=None, max_length=200)
    language: Literal["fr", "en"] = "fr"


class InvitationOut(BaseModel):
    id: str
    subject_kind: str
    subject_id: str
    basis: str
    expires_at: datetime

    @classmethod
    def of(cls, row: EndorsementInvitation) -> InvitationOut:
        return cls(
            id=row.id,
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            basis=row.basis,
            expires_at=row.expires_at,
        )


class EndorsementOut(BaseModel):
    id: str
    subject_kind: str
    subject_id: str
    basis: str
    author: str
    comment: str
    created_at: datetime
    withdrawn_at: datetime | None
    url: str = Field(description="the hosted OB 2.0 Endorsement (a page for browsers)")
    credential_url: str = Field(description="the OB 3.0 EndorsementCredential")

    @classmethod
    def of(cls, row: Endorsement, ctx: Context) -> EndorsementOut:
        return cls(
            id=row.id,
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            basis=row.basis,
            author=endorser_display_name(row.endorser),
            comment=row.comment,
            created_at=row.created_at,
            withdrawn_at=row.withdrawn_at,
            url=ctx.urls.endorsement(row.id),
            credential_url=ctx.urls.endorsement_credential(row.id),
        )


@router.post(
    "/issuers/{issuer_id}/endorsement-invitations",
    status_code=status.HTTP_201_CREATED,
    summary="Invite someone to endorse the issuer, one of its badge classes or awards",
)
def invite(
    issuer: WritableIssuer, body: InvitationIn, ctx: ContextDep, principal: PrincipalDep
) -> InvitationOut:
    subject_id = body.subject_id or issuer.id
    found = endorsements.target(ctx, body.subject_kind, subject_id)
    if found.issuer.id != issuer.id:  # another issuer's badge: not yours to have endorsed
        raise NotFound(f"{body.subject_kind}-not-found", id=subject_id)
    invitation = endorsements.invite(
        ctx,
        kind=body.subject_kind,
        subject_id=subject_id,
        basis=body.basis,
        email=body.email,
        name=body.name,
        language=body.language,
        invited_by=f"token:{principal.token_id}",
    )
    return InvitationOut.of(invitation)


@router.get("/issuers/{issuer_id}/endorsements", summary="Endorsements of the issuer and its badges")
def list_endorsements(issuer: ReadableIssuer, ctx: ContextDep) -> list[EndorsementOut]:
    return [EndorsementOut.of(e, ctx) for e in endorsements.for_issuer(ctx, issuer.id)]


class RequestRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    open: bool = Field(description="whether the badge class may be requested from its public page")
    peer_approvals: int = Field(ge=0, le=5, description="favourable opinions of peers holding the badge")
    coordinator_approval: bool = Field(description="whether a coordinator of the issuer must approve too")


class RequestRuleOut(RequestRuleIn):
    pass


class BadgeRequestOut(BaseModel):
    id: str
    badge_class_id: str
    state: str = Field(description="pending, approved or declined (unconfirmed requests are not listed)")
    created_at: datetime
    decided_at: datetime | None
    award_id: str | None
    peer_approvals: int
    peer_declines: int
    coordinator_approvals: int
    coordinator_declines: int


@router.put("/badge-classes/{badge_class_id}/request-rule", summary="Whether a badge class may be requested")
def put_request_rule(badge_class: WritableBadgeClass, body: RequestRuleIn, ctx: ContextDep) -> RequestRuleOut:
    rule = badge_requests.set_rule(
        ctx, badge_class, request_rules.Rule(body.open, body.peer_approvals, body.coordinator_approval)
    )
    return RequestRuleOut(
        open=rule.open, peer_approvals=rule.peer_approvals, coordinator_approval=rule.coordinator_approval
    )


@router.get("/badge-classes/{badge_class_id}/request-rule", summary="The request rule of a badge class")
def get_request_rule(badge_class: ReadableBadgeClass, ctx: ContextDep) -> RequestRuleOut:
    rule = badge_requests.rule_of(ctx, badge_class)
    return RequestRuleOut(
        open=rule.open, peer_approvals=rule.peer_approvals, coordinator_approval=rule.coordinator_approval
    )


@router.get("/issuers/{issuer_id}/badge-requests", summary="Badge requests of the issuer's classes")
def list_badge_requests(issuer: ReadableIssuer, ctx: ContextDep) -> list[BadgeRequestOut]:
    found = BadgeRequests(ctx.session).for_issuer(issuer.id, ("pending", "approved", "declined"))
    out = []
    for row in found:
        tally = badge_requests.tally(row)
        out.append(
            BadgeRequestOut(
                id=row.id,
                badge_class_id=row.badge_class_id,
                state=row.state,
                created_at=row.created_at,
                decided_at=row.decided_at,
                award_id=row.award_id,
                peer_approvals=tally.peer_approvals,
                peer_declines=tally.peer_declines,
                coordinator_approvals=tally.coordinator_approvals,
                coordinator_declines=tally.coordinator_declines,
            )
        )
    return out
