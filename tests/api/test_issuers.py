from pathlib import Path

from fastapi.testclient import TestClient

from service.domain.access import Role
from service.persistence.database import Database
from service.settings import Settings
from tests.api.conftest import World
from tests.factories import SVG, auth, create_issuer, data_uri, issuer_body, make_token, png_bytes, row_counts


def key_files(settings: Settings) -> list[Path]:
    return sorted(settings.keys_dir.glob("*/*.pem"))


def test_admin_creates_an_issuer_with_a_key_per_purpose(
    client: TestClient, database: Database, settings: Settings
) -> None:
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(client, admin, image=data_uri(png_bytes()), rna="W691234567")
    assert issuer["siret"] == "73282932000074"
    assert issuer["rna"] == "W691234567"
    assert issuer["public_url"] == f"https://badges.example.test/issuers/{issuer['id']}"
    assert len(issuer["id"]) == 26
    assert sorted((k["purpose"], k["algorithm"]) for k in issuer["keys"]) == [
        ("data-integrity", "EdDSA"),
        ("ob2", "RS256"),
        ("vc-jwt", "RS256"),
    ]
    assert all(k["retired_at"] is None for k in issuer["keys"])
    files = key_files(settings)
    assert {f.stem for f in files} == {k["kid"] for k in issuer["keys"]}
    assert client.get(f"/issuers/{issuer['id']}/image").content == png_bytes()


def test_ids_are_opaque_and_distinct(client: TestClient, database: Database) -> None:
    admin = make_token(database, Role.ADMIN)
    ids = [create_issuer(client, admin, siret=None)["id"] for _ in range(3)]
    assert len(set(ids)) == 3
    assert not any(i.isdigit() for i in ids)


def test_coordinator_updates_its_issuer(client: TestClient, world: World) -> None:
    response = client.patch(
        f"/api/v1/issuers/{world.issuer_id}",
        json={"name": "  Coop Rhône  ", "description": None},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Coop Rhône"
    assert response.json()["description"] is None
    assert client.get(f"/issuers/{world.issuer_id}").json()["name"] == "Coop Rhône"


def test_issuer_image_upload(client: TestClient, world: World) -> None:
    response = client.put(
        f"/api/v1/issuers/{world.issuer_id}/image",
        files={"image": ("logo.svg", SVG, "image/svg+xml")},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 200, response.text
    image = client.get(f"/issuers/{world.issuer_id}/image")
    assert image.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in image.headers["content-security-policy"]


def test_invalid_issuers_are_refused_and_write_nothing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    admin = make_token(database, Role.ADMIN)
    before, files_before = row_counts(database), key_files(settings)
    cases = {
        "email": issuer_body(email="pas-une-adresse"),
        "url": issuer_body(url="ftp://coop.example"),
        "siret": issuer_body(siret="12345678901234"),
        "rna": issuer_body(rna="123"),
        "name": issuer_body(name="   "),
        "image": issuer_body(image="data:image/png;base64,not base64!"),
        "unknown": issuer_body(colour="blue"),
    }
    for field, body in cases.items():
        response = client.post("/api/v1/issuers", json=body, headers=auth(admin))
        assert response.status_code == 422, (field, response.text)
        problem = response.json()
        assert problem["code"] == "invalid-input"
        fields = [e["field"] for e in problem["errors"]]
        assert (field if field != "unknown" else "colour") in fields, (field, problem)
    assert row_counts(database) == before
    assert key_files(settings) == files_before


def test_image_content_is_checked_not_its_name(
    client: TestClient, database: Database, settings: Settings
) -> None:
    admin = make_token(database, Role.ADMIN)
    before = row_counts(database)
    cases = {
        "image-unsupported-type": data_uri(b"GIF89a....", "image/png"),
        "image-type-mismatch": data_uri(png_bytes(), "image/svg+xml"),
        "image-too-large": data_uri(png_bytes(2000, 2000) + b"\x00" * settings.max_image_bytes),
        "image-svg-unsafe-or-invalid": data_uri(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"
        ),
    }
    for code, image in cases.items():
        response = client.post("/api/v1/issuers", json=issuer_body(image=image), headers=auth(admin))
        assert response.status_code == 422, (code, response.text)
        assert response.json()["code"] == code
    assert row_counts(database) == before
    assert key_files(settings) == []  # the keys made before the image was refused are gone too


def test_delete_issuer_only_when_unused(client: TestClient, world: World, settings: Settings) -> None:
    response = client.delete(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.admin))
    assert response.status_code == 409
    assert response.json()["code"] == "issuer-has-badge-classes"
    other_keys = {p for p in key_files(settings) if p.parent.name == world.other_issuer_id}
    assert len(other_keys) == 3
    assert (
        client.delete(f"/api/v1/issuers/{world.other_issuer_id}", headers=auth(world.admin)).status_code
        == 204
    )
    assert client.get(f"/issuers/{world.other_issuer_id}").status_code == 404
    assert not any(p.exists() for p in other_keys)


def test_unknown_issuer(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/issuers/aaaaaaaaaaaaaaaaaaaaaaaaaa", headers=auth(world.admin))
    assert response.status_code == 404
    assert response.json()["code"] == "issuer-not-found"


def test_encrypted_keys_sign_and_an_unreadable_key_is_a_clear_503(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    from service.app import create_app
    from service.clock import FixedClock
    from tests.conftest import PUBLIC_URL, START
    from tests.factories import create_badge_class, issue_award

    def app_with(passphrase: str | None) -> TestClient:
        settings = Settings(
            environment="test",
            public_url=PUBLIC_URL,
            keys_dir=tmp_path / "keys",
            data_dir=tmp_path / "var",
            database_url=database_url,
            secret_key="s" * 40,
            key_passphrase=passphrase,
        )
        return TestClient(
            create_app(settings, clock=FixedClock(START), database=database), base_url=PUBLIC_URL
        )

    admin = make_token(database, Role.ADMIN)
    with app_with("une phrase de passe solide") as client:
        issuer = create_issuer(client, admin)
        badge_class = create_badge_class(client, admin, issuer["id"])
        issue_award(client, admin, badge_class["id"])
    pems = [p.read_bytes() for p in (tmp_path / "keys" / issuer["id"]).glob("*.pem")]
    assert len(pems) == 3
    assert all(b"ENCRYPTED PRIVATE KEY" in pem for pem in pems)
    with app_with("une autre phrase de passe") as client:
        before = row_counts(database)
        response = client.post(
            f"/api/v1/badge-classes/{badge_class['id']}/awards",
            json={"recipient_email": "a@example.fr"},
            headers=auth(admin),
        )
        assert response.status_code == 503
        assert response.json()["code"] == "signing-unavailable"
        assert "passphrase" not in response.text  # the operator's log says why, not the caller
        assert row_counts(database) == before


def test_openapi_documents_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/badge-classes/{badge_class_id}/awards"]["post"]
    for status in ("401", "403", "404", "422"):
        assert "application/problem+json" in operation["responses"][status]["content"], status
    assert operation["security"] == [{"HTTPBearer": []}]
