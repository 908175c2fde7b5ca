"""Who may do what: roles and issuer scopes of an API token or a console account (which may
hold a different role for some of its issuers). Pure rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # every issuer; may create and delete issuers
    COORDINATOR = "coordinator"  # reads and writes within its issuers
    VIEWER = "viewer"  # reads within its issuers (funders' reporting, audits)


@dataclass(frozen=True, slots=True)
class Principal:
    token_id: str
    role: Role
    issuer_ids: frozenset[str]
    # A role other than ``role`` for some issuers (a console account coordinating one hub and
    # only viewing another); empty for API tokens.
    issuer_roles: Mapping[str, Role] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def role_for(self, issuer_id: str) -> Role | None:
        if self.is_admin:
            return Role.ADMIN
        if issuer_id not in self.issuer_ids:
            return None
        return self.issuer_roles.get(issuer_id, self.role)

    def can_read(self, issuer_id: str) -> bool:
        return self.is_admin or issuer_id in self.issuer_ids

    @property
    def sees_people(self) -> bool:
        """Earners' and trainers' emails and names are for those who act on them: a viewer
        (a funder's report, an audit) reads awards and sessions without them. True only when
        no issuer of this principal is read as a viewer (``sees_people_in`` says per issuer)."""
        return all(role is not Role.VIEWER for role in (self.role, *self.issuer_roles.values()))

    def sees_people_in(self, issuer_id: str) -> bool:
        return self.role_for(issuer_id) in (Role.ADMIN, Role.COORDINATOR)

    def can_write(self, issuer_id: str) -> bool:
        return self.role_for(issuer_id) in (Role.ADMIN, Role.COORDINATOR)
