"""Network badges (issue 20, point 3): a network lets its member structures award some of its
badge classes. An administrator says which issuers are a network's members; the network's
coordinators say which member may award which class; a member's coordinators award it. The award
is the member's: its issuer, keys and status list; its credential names the network's class,
whose ``Achievement.creator`` is the network (OB 3.0's "authorization to issue"); in OB 2.0 the
assertion names the class as that member awards it (``/badges/{id}/membres/{member}``). The
network's coordinators see and may revoke every award of its classes."""

from __future__ import annotations

from collections.abc import Iterable

from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.persistence.network_repositories import Networks
from service.persistence.network_tables import NetworkGrant, NetworkMember
from service.persistence.repositories import BadgeClasses
from service.persistence.tables import Award, BadgeClass, Issuer
from service.usecases import audit, awards, issuers, outbox
from service.usecases.commands import AwardCreate
from service.usecases.context import Context


def add_member(ctx: Context, network: Issuer, member_id: str) -> Issuer:
    member = issuers.get(ctx, member_id)
    if member.id == network.id:
        raise InvalidInput("network-member-itself", field="member_id")
    repo = Networks(ctx.session)
    if repo.membership(network.id, member.id) is None:
        ctx.session.add(NetworkMember(network_id=network.id, member_id=member.id, created_at=ctx.clock.now()))
        audit.record(ctx, "network-member-added", "issuer", member.id, network.id)
    return member


def remove_member(ctx: Context, network: Issuer, member_id: str) -> None:
    """The member may no longer award the network's classes; what it awarded stays valid."""
    repo = Networks(ctx.session)
    found = repo.membership(network.id, member_id)
    if found is None:
        raise NotFound("network-member-not-found", id=member_id)
    repo.revoke_member_grants(network.id, member_id)
    ctx.session.delete(found)
    audit.record(ctx, "network-member-removed", "issuer", member_id, network.id)


def members(ctx: Context, network: Issuer) -> list[Issuer]:
    return list(Networks(ctx.session).members(network.id))


def grants(ctx: Context, badge_class: BadgeClass) -> set[str]:
    return Networks(ctx.session).grants(badge_class.series_id)


def set_grants(ctx: Context, badge_class: BadgeClass, member_ids: Iterable[str]) -> set[str]:
    """Which members may award the class (every version): each must be a member."""
    wanted = set(member_ids)
    repo = Networks(ctx.session)
    for member_id in wanted:
        if repo.membership(badge_class.issuer_id, member_id) is None:
            raise InvalidInput("network-member-not-found", field="issuer_ids", id=member_id)
    current = repo.grants(badge_class.series_id)
    repo.revoke_grants(badge_class.series_id, current - wanted)
    for member_id in sorted(wanted - current):
        repo.grant(
            NetworkGrant(series_id=badge_class.series_id, member_id=member_id, created_at=ctx.clock.now())
        )
    if wanted != current:
        audit.record(
            ctx,
            "network-grants-set",
            "badge-class",
            badge_class.id,
            badge_class.issuer_id,
            members=sorted(wanted),
        )
    return wanted


def may_award(ctx: Context, member_id: str, badge_class: BadgeClass) -> bool:
    repo = Networks(ctx.session)
    return repo.membership(badge_class.issuer_id, member_id) is not None and repo.granted(
        badge_class.series_id, member_id
    )


def award(ctx: Context, member: Issuer, badge_class_id: str, command: AwardCreate) -> Award:
    """A member structure awards one of its network's classes it was allowed (403 otherwise)."""
    badge_class = BadgeClasses(ctx.session).get(badge_class_id)
    if badge_class is None:
        raise NotFound("badge-class-not-found", id=badge_class_id)
    if badge_class.issuer_id == member.id:
        raise Conflict("network-badge-own-class", id=badge_class_id)  # its own class: the usual route
    if not may_award(ctx, member.id, badge_class):
        raise Forbidden("network-badge-not-allowed", id=badge_class_id)
    issued = awards.issue(ctx, badge_class, command, issuer=member)
    if command.notify:
        outbox.enqueue_award_email(ctx, issued, command.language)
    audit.record(
        ctx,
        "award-issued",
        "award",
        issued.id,
        member.id,
        badge_class_id=badge_class.id,
        network=badge_class.issuer_id,
    )
    return issued


def classes_for(ctx: Context, member: Issuer) -> list[BadgeClass]:
    return list(Networks(ctx.session).classes_for(member.id))


def member_badge_class_exists(ctx: Context, badge_class: BadgeClass, member_id: str) -> bool:
    """The class as a member awards it is published while the member may award it, and for as
    long as something it awarded names it."""
    repo = Networks(ctx.session)
    return may_award(ctx, member_id, badge_class) or repo.has_awarded(badge_class.id, member_id)
