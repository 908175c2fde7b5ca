"""Who may do what: roles and issuer scopes of an API token. Pure rules."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_read(self, issuer_id: str) -> bool:
        return self.is_admin or issuer_id in self.issuer_ids

    @property
    def sees_people(self) -> bool:
        """Earners' and trainers' emails and names are for those who act on them: a viewer
        (a funder's report, an audit) reads awards and sessions without them."""
        return self.role is not Role.VIEWER

    def can_write(self, issuer_id: str) -> bool:
        return self.is_admin or (self.role is Role.COORDINATOR and issuer_id in self.issuer_ids)
