"""Queries on networks: members, and which of a network's badge classes a member may award."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from service.persistence.network_tables import NetworkGrant, NetworkMember
from service.persistence.tables import Award, BadgeClass, Issuer


class Networks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def membership(self, network_id: str, member_id: str) -> NetworkMember | None:
        return self.session.get(NetworkMember, (network_id, member_id))

    def members(self, network_id: str) -> Sequence[Issuer]:
        query = (
            select(Issuer)
            .join(NetworkMember, NetworkMember.member_id == Issuer.id)
            .where(NetworkMember.network_id == network_id)
            .order_by(Issuer.name, Issuer.id)
        )
        return self.session.scalars(query).all()

    def grants(self, series_id: str) -> set[str]:
        """The members that may award a class (every version of it)."""
        query = select(NetworkGrant.member_id).where(NetworkGrant.series_id == series_id)
        return set(self.session.scalars(query))

    def granted(self, series_id: str, member_id: str) -> bool:
        return self.session.get(NetworkGrant, (series_id, member_id)) is not None

    def grant(self, grant: NetworkGrant) -> None:
        self.session.add(grant)

    def revoke_grants(self, series_id: str, member_ids: set[str]) -> None:
        if member_ids:
            self.session.execute(
                delete(NetworkGrant).where(
                    NetworkGrant.series_id == series_id, NetworkGrant.member_id.in_(sorted(member_ids))
                )
            )

    def revoke_member_grants(self, network_id: str, member_id: str) -> None:
        series = select(BadgeClass.series_id).where(BadgeClass.issuer_id == network_id)
        self.session.execute(
            delete(NetworkGrant).where(
                NetworkGrant.member_id == member_id, NetworkGrant.series_id.in_(series)
            )
        )

    def classes_for(self, member_id: str) -> Sequence[BadgeClass]:
        """The current versions of the networks' classes a member may award."""
        query = (
            select(BadgeClass)
            .join(NetworkGrant, NetworkGrant.series_id == BadgeClass.series_id)
            .where(NetworkGrant.member_id == member_id, BadgeClass.replaced_by_id.is_(None))
            .order_by(BadgeClass.name, BadgeClass.id)
        )
        return self.session.scalars(query).all()

    def has_awarded(self, badge_class_id: str, member_id: str) -> bool:
        query = select(exists().where(Award.badge_class_id == badge_class_id, Award.issuer_id == member_id))
        return bool(self.session.scalar(query))
