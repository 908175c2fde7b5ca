"""A populated world for API tests: two issuers, tokens of every kind, a badge class, an award."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from service.domain.access import Role
from service.persistence.database import Database
from tests.factories import (
    create_badge_class,
    create_issuer,
    create_session,
    issue_award,
    make_token,
    set_trainer_rule,
)


@dataclass(frozen=True)
class World:
    admin: str
    issuer_id: str
    other_issuer_id: str
    coordinator: str  # scoped to issuer_id
    other_coordinator: str  # scoped to other_issuer_id
    viewer: str  # read-only, scoped to issuer_id
    badge_class_id: str
    award_id: str
    session_id: str  # a planned peer-training session of issuer_id


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(client, admin)
    other = create_issuer(client, admin, name="Hub Sud", siret=None)
    coordinator = make_token(database, Role.COORDINATOR, [issuer["id"]])
    badge_class = create_badge_class(client, coordinator, issuer["id"])
    award = issue_award(client, coordinator, badge_class["id"])
    session = create_session(client, coordinator, issuer["id"])
    set_trainer_rule(client, coordinator, badge_class["id"])
    return World(
        admin=admin,
        issuer_id=issuer["id"],
        other_issuer_id=other["id"],
        coordinator=coordinator,
        other_coordinator=make_token(database, Role.COORDINATOR, [other["id"]]),
        viewer=make_token(database, Role.VIEWER, [issuer["id"]]),
        badge_class_id=badge_class["id"],
        award_id=award["id"],
        session_id=session["id"],
    )
