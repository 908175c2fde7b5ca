"""Every 4xx is an RFC 9457 problem with a French (default) or English message."""

from collections.abc import Iterator

from fastapi.testclient import TestClient

from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import auth, issuer_body, row_counts


def test_problem_shape_in_french_by_default(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/awards/inconnu", headers=auth(world.admin))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == "fr"
    problem = response.json()
    assert problem == {
        "type": "tag:fabrique-a-badges,2026:problem:award-not-found",
        "title": "Attribution introuvable",
        "status": 404,
        "detail": "Aucune attribution n'a l'identifiant inconnu.",
        "instance": "/api/v1/awards/inconnu",
        "code": "award-not-found",
    }


def test_english_when_asked(client: TestClient, world: World) -> None:
    headers = {**auth(world.admin), "Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"}
    response = client.post("/api/v1/issuers", json=issuer_body(email="nope"), headers=headers)
    assert response.headers["content-language"] == "en"
    problem = response.json()
    assert problem["title"] == "Invalid data"
    assert problem["errors"][0]["field"] == "email"
    french = client.post("/api/v1/issuers", json=issuer_body(siret="1"), headers=auth(world.admin)).json()
    assert french["errors"][0]["message"] == "SIRET invalide (14 chiffres avec une clé valide)"


def test_malformed_json_is_a_400(client: TestClient, world: World, database: Database) -> None:
    before = row_counts(database)
    junk = [b"{not json", b"", b"[1, 2", b'{"name": NaN, "url": Infinity}', b"\xff\xfe\x00"]
    junk.append('{"name": "\udcff"}'.encode("utf-8", "surrogatepass"))
    for body in junk:
        response = client.post(
            "/api/v1/issuers", content=body, headers={**auth(world.admin), "Content-Type": "application/json"}
        )
        assert response.status_code in (400, 422), (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    response = client.post(
        "/api/v1/issuers",
        content=b"{not json",
        headers={**auth(world.admin), "Content-Type": "application/json"},
    )
    assert response.json()["code"] == "malformed-json"
    array = client.post("/api/v1/issuers", json=[1, 2], headers=auth(world.admin))
    assert array.status_code == 422
    assert row_counts(database) == before


def test_oversized_bodies_are_refused_before_reading(
    client: TestClient, world: World, database: Database
) -> None:
    before = row_counts(database)
    big = b'{"name": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    declared = client.post(
        "/api/v1/issuers", content=big, headers={**auth(world.admin), "Content-Type": "application/json"}
    )
    assert declared.status_code == 413
    assert declared.json()["code"] == "payload-too-large"

    def chunks() -> Iterator[bytes]:
        for _ in range(96):  # 6 MiB, over the 5 MiB limit
            yield b"x" * 65536

    chunked = client.post(
        "/api/v1/issuers", content=chunks(), headers={**auth(world.admin), "Content-Type": "application/json"}
    )
    assert chunked.status_code == 413
    assert row_counts(database) == before


def test_oversized_upload(client: TestClient, world: World) -> None:
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (600 * 1024)
    response = client.put(
        f"/api/v1/badge-classes/{world.badge_class_id}/image",
        files={"image": ("big.png", big, "image/png")},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "image-too-large"


def test_unknown_route_and_method(client: TestClient) -> None:
    missing = client.get("/nulle-part")
    assert (missing.status_code, missing.json()["code"]) == (404, "route-not-found")
    wrong = client.delete("/.well-known/jwks.json")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method-not-allowed")


def test_bad_query_parameters(client: TestClient, world: World) -> None:
    url = f"/api/v1/issuers/{world.issuer_id}/awards"
    for params in ({"limit": "beaucoup"}, {"offset": -1}, {"revoked": "peut-être"}, {"recipient_email": "x"}):
        response = client.get(url, params=params, headers=auth(world.admin))
        assert response.status_code == 422, params
        assert response.json()["errors"], params
