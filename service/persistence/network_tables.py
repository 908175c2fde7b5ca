"""Network badges (issue 20, point 3): a network (an issuer) counts other issuers of the instance
as its member structures, and lets some of them award some of its badge classes. An award made
so is the member's (its issuer, its keys, its status list) of the network's badge class."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.base import ID, Base


class NetworkMember(Base):
    __tablename__ = "network_members"

    network_id: Mapped[str] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[str] = mapped_column(
        ForeignKey("issuers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class NetworkGrant(Base):
    """A member may award every version of one of the network's badge classes (its series)."""

    __tablename__ = "network_grants"

    series_id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(
        ForeignKey("issuers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]
