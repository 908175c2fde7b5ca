"""The resource a route acts on, loaded and authorised before the body is even validated.

FastAPI resolves these dependencies before it validates the request body, so a caller without
the right is refused (401/403) without learning anything about what its body should hold.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from service.domain.access import Principal
from service.http.deps import ContextDep, PrincipalDep, require_admin, require_read, require_write
from service.persistence.tables import Award, BadgeClass, Issuer
from service.persistence.training_tables import TrainingSession
from service.usecases import awards, badge_classes, issuers, sessions


def _admin(principal: PrincipalDep) -> Principal:
    require_admin(principal)
    return principal


def _readable_issuer(issuer_id: str, ctx: ContextDep, principal: PrincipalDep) -> Issuer:
    issuer = issuers.get(ctx, issuer_id)
    require_read(principal, issuer.id)
    return issuer


def _writable_issuer(issuer_id: str, ctx: ContextDep, principal: PrincipalDep) -> Issuer:
    issuer = issuers.get(ctx, issuer_id)
    require_write(principal, issuer.id)
    return issuer


def _administered_issuer(issuer_id: str, ctx: ContextDep, principal: PrincipalDep) -> Issuer:
    """For what only an administrator may do to an issuer (withdrawing its keys)."""
    require_admin(principal)
    return issuers.get(ctx, issuer_id)


def _readable_badge_class(badge_class_id: str, ctx: ContextDep, principal: PrincipalDep) -> BadgeClass:
    badge_class = badge_classes.get(ctx, badge_class_id)
    require_read(principal, badge_class.issuer_id)
    return badge_class


def _writable_badge_class(badge_class_id: str, ctx: ContextDep, principal: PrincipalDep) -> BadgeClass:
    badge_class = badge_classes.get(ctx, badge_class_id)
    require_write(principal, badge_class.issuer_id)
    return badge_class


def _readable_award(award_id: str, ctx: ContextDep, principal: PrincipalDep) -> Award:
    """The award's issuer, or the network whose class a member awarded, may read it."""
    award = awards.get(ctx, award_id)
    require_read(principal, _answering_for(principal, award, write=False))
    return award


def _writable_award(award_id: str, ctx: ContextDep, principal: PrincipalDep) -> Award:
    """The award's issuer, or the network whose class a member awarded, may revoke it."""
    award = awards.get(ctx, award_id)
    require_write(principal, _answering_for(principal, award, write=True))
    return award


def _answering_for(principal: Principal, award: Award, *, write: bool) -> str:
    """The issuer whose right decides: the network's when the principal has it on the class's
    issuer and the award is a member's; the award's own otherwise."""
    network = award.class_issuer_id
    if network != award.issuer_id and (
        principal.can_write(network) if write else principal.can_read(network)
    ):
        return network
    return award.issuer_id


def _readable_session(session_id: str, ctx: ContextDep, principal: PrincipalDep) -> TrainingSession:
    training = sessions.get(ctx, session_id)
    require_read(principal, training.issuer_id)
    return training


def _writable_session(session_id: str, ctx: ContextDep, principal: PrincipalDep) -> TrainingSession:
    training = sessions.get(ctx, session_id)
    require_write(principal, training.issuer_id)
    return training


AdminDep = Annotated[Principal, Depends(_admin)]
ReadableIssuer = Annotated[Issuer, Depends(_readable_issuer)]
WritableIssuer = Annotated[Issuer, Depends(_writable_issuer)]
AdministeredIssuer = Annotated[Issuer, Depends(_administered_issuer)]
ReadableBadgeClass = Annotated[BadgeClass, Depends(_readable_badge_class)]
WritableBadgeClass = Annotated[BadgeClass, Depends(_writable_badge_class)]
ReadableAward = Annotated[Award, Depends(_readable_award)]
WritableAward = Annotated[Award, Depends(_writable_award)]
ReadableSession = Annotated[TrainingSession, Depends(_readable_session)]
WritableSession = Annotated[TrainingSession, Depends(_writable_session)]
