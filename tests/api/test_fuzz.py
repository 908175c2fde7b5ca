"""Junk in, never a 5xx out: hypothesis-generated JSON bodies on every write route, and
hostile identifiers on every route with a path parameter (both databases)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.persistence.database import Database
from tests.api.conftest import World
from tests.api.test_authorisation import fill, routes
from tests.factories import auth, badge_class_body, form_value, issuer_body, row_counts

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
hostile_text = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60) | st.sampled_from(
    ["\x00", "a\x00b", "../../etc/passwd", "%00", "' OR 1=1 --", "<script>", "x" * 5000, "é" * 27, "\ud7ff"]
)
FIELDS = sorted({*issuer_body(), *badge_class_body(), "recipient_email", "reason", "issued_on", "expires_at"})
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(body=json_values, field=st.sampled_from(FIELDS), value=hostile_text | json_values)
def test_write_routes_never_fail_on_junk(
    client: TestClient, app: FastAPI, world: World, database: Database, body: Any, field: str, value: Any
) -> None:
    writes = [(m, p) for m, p in routes(app) if m in {"POST", "PATCH"} and not p.endswith("/image")]
    for method, path in writes:
        for payload in (body, {field: value}, {**issuer_body(), **badge_class_body(), field: value}):
            response = client.request(method, fill(path, world), json=payload, headers=auth(world.admin))
            assert response.status_code < 500, (method, path, payload, response.text)


@SETTINGS
@given(identifier=hostile_text)
@example(identifier="/")  # found by Hypothesis: the router read it as a trailing slash
@example(identifier="x//")
def test_hostile_identifiers_are_not_found(
    client: TestClient, app: FastAPI, world: World, identifier: str
) -> None:
    from urllib.parse import quote, unquote, urlsplit

    for method, path in routes(app):
        if "{" not in path or method != "GET":
            continue
        url = path.split("{")[0] + quote(identifier, safe="") + path.split("}", 1)[1]
        response = client.get(url, headers=auth(world.admin), follow_redirects=False)
        if response.status_code == 307:
            # The router decodes %2F: an identifier ending in "/" reads as a trailing slash, and
            # the answer is a redirect to the same address without it, never the identifier's use.
            assert identifier.endswith("/"), (url, response.headers)
            assert unquote(urlsplit(response.headers["location"]).path) == unquote(url).rstrip("/")
            continue
        assert response.status_code in (404, 405, 422), (url, response.status_code, response.text)


def test_nul_characters_are_refused_cleanly(client: TestClient, world: World, database: Database) -> None:
    before = row_counts(database)
    response = client.post("/api/v1/issuers", json=issuer_body(name="Coop\x00"), headers=auth(world.admin))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert client.get("/awards/%00").status_code == 404
    listing = client.get(
        f"/api/v1/issuers/{world.issuer_id}/awards",
        params={"badge_class_id": "\x00"},
        headers=auth(world.admin),
    )
    assert listing.status_code == 200
    assert listing.json()["total"] == 0
    assert row_counts(database) == before


def jwt_like(draw_parts: list[bytes]) -> str:
    import base64

    return ".".join(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in draw_parts)


@SETTINGS
@given(
    given_text=hostile_text
    | json_values.map(lambda v: __import__("json").dumps(v))
    | st.lists(st.binary(max_size=60), min_size=3, max_size=3).map(jwt_like)
    | st.builds(lambda s: "https://badges.example.test/" + s, st.text(max_size=40)),
    email=st.none() | st.text(max_size=30),
)
def test_verify_never_fails_on_junk_text(client: TestClient, given_text: str, email: str | None) -> None:
    body: dict[str, Any] = {"input": given_text}
    if email is not None:
        body["expected_email"] = email
    response = client.post("/verify", json=body)
    assert response.status_code in {200, 413, 422}, response.text
    if response.status_code == 200:
        assert response.json()["verdict"] in {"invalid", "cannot-tell"}


@SETTINGS
@given(
    content=st.binary(max_size=400)
    | st.binary(max_size=200).map(lambda b: b"\x89PNG\r\n\x1a\n" + b)
    | st.binary(max_size=200).map(lambda b: b"<svg xmlns='http://www.w3.org/2000/svg'>" + b)
)
def test_verify_never_fails_on_junk_files(client: TestClient, content: bytes) -> None:
    response = client.post("/verify", files={"file": ("badge", content)})
    assert response.status_code == 200, response.text
    assert response.json()["verdict"] in {"invalid", "cannot-tell"}


@SETTINGS
@given(
    given_text=st.text(max_size=200),
    email=st.text(max_size=40),
    content=st.none() | st.binary(max_size=200).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
)
def test_the_verification_page_never_fails_on_junk(
    client: TestClient, given_text: str, email: str, content: bytes | None
) -> None:
    files = {"file": ("badge.png", content, "image/png")} if content is not None else None
    response = client.post(
        "/verifier",
        data={"input": given_text, "expected_email": email},
        files=files,
        headers={"Accept": "text/html"},
    )
    assert response.status_code in {200, 422}, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Badge valide" not in response.text


@SETTINGS
@given(
    email=st.text(max_size=60),
    password=st.text(max_size=300),
    suite=st.text(max_size=80),
)
def test_the_sign_in_form_never_fails_on_junk(
    client: TestClient, email: str, password: str, suite: str
) -> None:
    """With a genuine form token, so that the junk reaches the account lookup and argon2."""
    token = form_value(client.get("/console/connexion").text, "form_token")
    response = client.post(
        "/console/connexion",
        data={"email": email, "password": password, "form_token": token, "suite": suite},
        follow_redirects=False,
    )
    assert response.status_code == 401, response.text
