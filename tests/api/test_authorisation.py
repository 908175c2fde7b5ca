"""Every write route refuses: no token, a revoked or unknown token, another issuer's
coordinator, and a read-only viewer. Routes are enumerated from the app itself, so a new
route that forgets its check fails here."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from service.app import API_PREFIX, API_ROUTERS, PUBLIC_ROUTERS
from service.clock import SystemClock
from service.persistence.database import Database
from service.usecases import tokens
from tests.api.conftest import World
from tests.factories import auth

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# POSTs that anyone may make because they change nothing: verifying a badge is a computation
# (tests/api/test_verify.py checks that it leaves every table as it was).
PUBLIC_COMPUTATIONS = {("POST", "/verify")}
EXISTS_AFTER_AN_ACTION = {"/api/v1/sessions/{session_id}/closing"}
ADMIN_ONLY = {
    ("POST", "/api/v1/issuers"),
    ("DELETE", "/api/v1/issuers/{issuer_id}"),
    # Withdrawing a key makes all it signed stop verifying (issue 15, point 13).
    ("POST", "/api/v1/issuers/{issuer_id}/keys/{kid}/withdraw"),
    # Who belongs to a network is the operator's to say (issue 20, point 3).
    ("PUT", "/api/v1/issuers/{issuer_id}/members/{member_id}"),
    ("DELETE", "/api/v1/issuers/{issuer_id}/members/{member_id}"),
    # The themes' vocabulary is the instance's, shared by every issuer (issue 21, point 4).
    ("POST", "/api/v1/themes"),
}


def mounted_routes() -> list[tuple[str, str]]:
    """Every route of every router the app factory mounts, whether in the schema or not."""
    found = []
    for prefix, routers in ((API_PREFIX, API_ROUTERS), ("", PUBLIC_ROUTERS)):
        for router in routers:
            for route in router.routes:
                assert isinstance(route, APIRoute)
                found.extend((method, prefix + route.path) for method in route.methods - {"HEAD"})
    return sorted(found)


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """Operations as published in the OpenAPI document, but the public computations."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        found.extend((method.upper(), path) for method in operations)
    return sorted(r for r in found if r not in PUBLIC_COMPUTATIONS)


def test_the_public_computations_are_known_and_few(app: FastAPI) -> None:
    published = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert published >= PUBLIC_COMPUTATIONS
    public_writes = {r for r in published if r[0] in WRITE_METHODS and not r[1].startswith("/api/")}
    assert public_writes == PUBLIC_COMPUTATIONS


def test_openapi_lists_every_api_operation(app: FastAPI) -> None:
    mounted = {r for r in mounted_routes() if r[1].startswith("/api/")}
    assert mounted == {r for r in routes(app) if r[1].startswith("/api/")}
    writes = {r for r in mounted_routes() if r[0] in WRITE_METHODS} - PUBLIC_COMPUTATIONS
    assert writes <= set(routes(app)), "a write route is hidden from the OpenAPI document"


def fill(path: str, world: World) -> str:
    values = {
        "issuer_id": world.issuer_id,
        "badge_class_id": world.badge_class_id,
        "award_id": world.award_id,
        "session_id": world.session_id,
        "kid": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",  # any kid: the issuer is checked first
        "enrolment_id": "a" * 26,  # any id: the session's issuer is checked first
        "member_id": world.other_issuer_id,
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"teach this test the path parameter in {path}"
    return path


def test_every_write_route_is_under_the_api_prefix(app: FastAPI) -> None:
    writes = [(m, p) for m, p in routes(app) if m in WRITE_METHODS]
    assert len(writes) >= 10
    assert all(p.startswith("/api/v1/") for _, p in writes), writes


def test_every_api_route_refuses_missing_or_bad_tokens(
    client: TestClient, app: FastAPI, world: World
) -> None:
    for method, path in routes(app):
        if not path.startswith("/api/"):
            continue
        url = fill(path, world)
        for headers in ({}, auth("fab_not-a-real-token"), {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            response = client.request(method, url, headers=headers, json={})
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"] == "Bearer"


def test_revoked_token_stops_working(client: TestClient, world: World, database: Database) -> None:
    assert (
        client.get(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.coordinator)).status_code == 200
    )
    with database.transaction() as session:
        principal = tokens.authenticate(session, world.coordinator)
        assert principal is not None
        tokens.revoke(session, SystemClock(), principal.token_id)
    assert (
        client.get(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.coordinator)).status_code == 401
    )


def test_every_write_route_refuses_another_issuers_coordinator(
    client: TestClient, app: FastAPI, world: World
) -> None:
    for method, path in routes(app):
        if method not in WRITE_METHODS:
            continue
        response = client.request(method, fill(path, world), headers=auth(world.other_coordinator), json={})
        assert response.status_code == 403, (method, path, response.text)


def test_every_write_route_refuses_a_viewer(client: TestClient, app: FastAPI, world: World) -> None:
    for method, path in routes(app):
        if method not in WRITE_METHODS:
            continue
        response = client.request(method, fill(path, world), headers=auth(world.viewer), json={})
        assert response.status_code == 403, (method, path, response.text)
        expected = "admin-only" if (method, path) in ADMIN_ONLY else "read-only-token"
        assert response.json()["code"] == expected, (method, path)


def test_admin_only_routes_refuse_the_issuers_own_coordinator(client: TestClient, world: World) -> None:
    for method, path in sorted(ADMIN_ONLY):
        response = client.request(method, fill(path, world), headers=auth(world.coordinator), json={})
        assert response.status_code == 403
        assert response.json()["code"] == "admin-only"


def test_reads_are_scoped_too(client: TestClient, app: FastAPI, world: World) -> None:
    for method, path in routes(app):
        if method != "GET" or not path.startswith("/api/") or "{" not in path:
            continue
        url = fill(path, world)
        assert client.get(url, headers=auth(world.other_coordinator)).status_code == 403, path
        # A closing in the background exists only once asked for: found by rights, then absent.
        expected = 404 if path in EXISTS_AFTER_AN_ACTION else 200
        assert client.get(url, headers=auth(world.viewer)).status_code == expected, path
        assert client.get(url, headers=auth(world.admin)).status_code == expected, path


def test_issuer_list_shows_only_the_tokens_issuers(client: TestClient, world: World) -> None:
    mine = client.get("/api/v1/issuers", headers=auth(world.coordinator)).json()
    assert [i["id"] for i in mine["items"]] == [world.issuer_id]
    everything = client.get("/api/v1/issuers", headers=auth(world.admin)).json()
    assert {i["id"] for i in everything["items"]} == {world.issuer_id, world.other_issuer_id}
    assert everything["total"] == 2


@pytest.mark.parametrize("prefix", ["/issuers/", "/badges/", "/awards/", "/.well-known/jwks.json"])
def test_public_documents_need_no_token(client: TestClient, world: World, prefix: str) -> None:
    ids = {"/issuers/": world.issuer_id, "/badges/": world.badge_class_id, "/awards/": world.award_id}
    url = prefix + ids.get(prefix, "")
    assert client.get(url).status_code == 200


ADMIN_ONLY_READS = frozenset({"/api/v1/audit-events"})


def test_a_viewer_reads_no_ones_email_or_name(client: TestClient, app: FastAPI, world: World) -> None:
    """Regression (issue 15, point 13): a viewer token (a funder's reporting) read every earner's
    and trainer's email. Every API read route, as a viewer: no email of anyone in the answer,
    and no search by email; the issuer's own coordinator still sees them."""
    enrolled = client.post(
        f"/api/v1/sessions/{world.session_id}/enrolments",
        json={"enrolments": [{"name": "Camille Durand", "email": "camille.secret@example.fr"}]},
        headers=auth(world.coordinator),
    )
    assert enrolled.status_code in (200, 201), enrolled.text
    earner = client.get(f"/api/v1/awards/{world.award_id}", headers=auth(world.coordinator)).json()
    session = client.get(f"/api/v1/sessions/{world.session_id}", headers=auth(world.coordinator)).json()
    trainers = {t["email"] for t in session["trainers"]}
    assert trainers  # the session has trainers, whose emails are people's data too
    secrets_ = {earner["recipient_email"], "camille.secret@example.fr", *trainers}
    for method, path in routes(app):
        if method != "GET" or not path.startswith("/api/") or path in EXISTS_AFTER_AN_ACTION:
            continue
        answer = client.get(fill(path, world), headers=auth(world.viewer))
        if path in ADMIN_ONLY_READS:  # the audit log names staff: administrators only
            assert answer.status_code == 403, path
            continue
        assert answer.status_code == 200, (path, answer.text)
        assert not [s for s in secrets_ if s in answer.text], path
        assert "Camille Durand" not in answer.text, path
    searched = client.get(
        f"/api/v1/issuers/{world.issuer_id}/awards",
        params={"recipient_email": earner["recipient_email"]},
        headers=auth(world.viewer),
    )
    assert (searched.status_code, searched.json()["code"]) == (403, "viewer-no-people")
    coordinator = client.get(
        f"/api/v1/sessions/{world.session_id}/enrolments", headers=auth(world.coordinator)
    )
    assert "camille.secret@example.fr" in coordinator.text
