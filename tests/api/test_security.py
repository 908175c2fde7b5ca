"""Named security regressions, each through the HTTP surface an attacker has (both databases).

Deeper variants live beside the code they test: tests/unit/test_fetcher.py (every non-public
address class), tests/unit/test_images.py and test_baking.py (every hostile PNG and SVG),
tests/api/test_vc_jwt.py (JWT algorithms), tests/api/test_web_console_auth.py (CSRF origins),
tests/api/test_fuzz.py and test_schemathesis.py (generated junk on every route).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from defusedxml.ElementTree import fromstring as defused_fromstring
from fastapi.testclient import TestClient
from sqlalchemy import update

from service.baking.png import OB2_KEYWORD
from service.baking.png import bake as bake_png
from service.baking.svg import bake as bake_svg
from service.baking.svg import unbake as unbake_svg
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.tables import BadgeClass
from service.settings import Settings
from tests.api.conftest import World
from tests.api.test_vc_jwt import signed_by_the_other_issuer
from tests.factories import (
    SVG,
    auth,
    console_csrf,
    create_badge_class,
    create_issuer,
    data_uri,
    earner_link,
    issue_award,
    make_account,
    png_bytes,
    publish,
    sign_in,
)


def verdict(client: TestClient, given: str) -> dict[str, Any]:
    response = client.post("/verify", json={"input": given})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_vc_jwt_with_alg_none_is_invalid(client: TestClient, world: World) -> None:
    token = client.get(f"/awards/{world.award_id}/credential.jwt").text
    _, payload, _ = token.split(".")
    unsigned = f"{b64url(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."
    assert verdict(client, unsigned)["verdict"] == "invalid"


def test_a_vc_jwt_signed_hs256_with_the_issuers_public_key_is_invalid(
    client: TestClient, world: World, database: Database
) -> None:
    token = client.get(f"/awards/{world.award_id}/credential.jwt").text
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    jwks = client.get(f"/issuers/{world.issuer_id}/jwks.json").json()
    public_jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"].split("#")[-1])
    pem = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(public_jwk)).public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # The classic confusion: the verifier's RSA public key used as an HMAC secret.
    forged = _hs256(claims, pem, header["kid"])
    assert verdict(client, forged)["verdict"] == "invalid"


def _hs256(claims: dict[str, Any], secret: bytes, kid: str) -> str:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64url(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(signature)}"


def test_a_vc_jwt_signed_by_another_issuers_key_is_invalid(
    client: TestClient, world: World, database: Database
) -> None:
    forged = signed_by_the_other_issuer(client, world, database)
    assert verdict(client, forged)["verdict"] == "invalid"  # through POST /verify this time


@pytest.mark.parametrize("tamper", ["name", "proofValue", "verificationMethod", "created"])
def test_a_tampered_data_integrity_credential_is_invalid(
    client: TestClient, world: World, tamper: str
) -> None:
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    assert verdict(client, json.dumps(credential))["verdict"] == "valid"
    proof = credential["proof"][0]
    if tamper == "name":
        credential["credentialSubject"]["achievement"]["name"] += " (expert)"
    elif tamper == "proofValue":
        proof["proofValue"] = proof["proofValue"][:-4] + (
            "AAAA" if not proof["proofValue"].endswith("AAAA") else "BBBB"
        )
    elif tamper == "verificationMethod":
        proof["verificationMethod"] = proof["verificationMethod"].replace(
            world.issuer_id, world.other_issuer_id
        )
    else:
        proof["created"] = "2020-01-01T00:00:00Z"
    assert verdict(client, json.dumps(credential))["verdict"] == "invalid"


def test_a_csrf_token_replayed_after_sign_out_is_refused(
    client: TestClient, database: Database, world: World
) -> None:
    email = make_account(database, Role.ADMIN)
    sign_in(client, email)
    csrf = console_csrf(client)
    client.post("/console/deconnexion", data={"csrf": csrf})
    sign_in(client, email)
    body = {"name": "Hub", "url": "https://hub.example.fr", "email": "hub@example.fr", "csrf": csrf}
    replayed = client.post("/console/emetteurs/nouveau", data=body)
    assert replayed.status_code == 403
    assert client.get("/api/v1/issuers", headers=auth(world.admin)).json()["items"][-1]["name"] != "Hub"


XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_xss_payloads_in_every_user_text_field_are_escaped_on_every_page(
    client: TestClient, world: World, database: Database
) -> None:
    issuer = create_issuer(
        client,
        world.admin,
        name=f"Hub {XSS}",
        description=f"Desc {XSS}",
        siret=None,
    )
    coordinator = world.admin
    badge = create_badge_class(
        client,
        coordinator,
        issuer["id"],
        name=f"Badge {XSS}",
        description=f"Description {XSS}",
        criteria_narrative=f"Critères {XSS}",
        tags=[f"tag{XSS}"],
        alignments=[
            {
                "target_name": f"Cible {XSS}",
                "target_url": "https://exemple.fr/cible",
                "target_framework": f"Cadre {XSS}",
                "target_code": f"C{XSS}",
            }
        ],
    )
    award = issue_award(
        client,
        coordinator,
        badge["id"],
        recipient_name=f"Camille {XSS}",
        narrative=f"Récit {XSS}",
        evidence=[{"narrative": f"Preuve {XSS}", "name": f"Nom {XSS}"}],
    )
    publish(client, award["id"], show_name=True)
    email = make_account(database, Role.ADMIN, email="xss@example.fr")
    sign_in(client, email)
    pages = [
        f"/awards/{award['id']}",
        f"/badges/{badge['id']}",
        f"/issuers/{issuer['id']}",
        f"/console/emetteurs/{issuer['id']}",
        f"/console/emetteurs/{issuer['id']}/attributions",
        f"/verifier?lien=https://badges.example.test/awards/{award['id']}",
    ]
    for path in pages:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, (path, response.status_code)
        assert "<script>alert(1)</script>" not in response.text, path
        assert "<img src=x onerror=alert(2)>" not in response.text, path
    page = client.get(f"/awards/{award['id']}", headers={"Accept": "text/html"}).text
    assert html.escape("<script>alert(1)</script>", quote=False) in page or "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:5432/",
        "http://localhost/awards/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://10.0.0.1/x",
        "https://0x7f000001/x",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
    ],
)
def test_ssrf_targets_are_never_fetched(client: TestClient, target: str) -> None:
    result = verdict(client, target)
    assert result["verdict"] != "valid"
    assert "root:" not in json.dumps(result)


def _upload(client: TestClient, world: World, content: bytes, filename: str, media: str) -> Any:
    return client.put(
        f"/api/v1/badge-classes/{world.badge_class_id}/image",
        files={"image": (filename, content, media)},
        headers=auth(world.coordinator),
    )


def test_a_png_bomb_is_refused_without_being_decoded(client: TestClient, world: World) -> None:
    bomb = bytearray(png_bytes(64, 64))
    bomb[16:24] = (200_000).to_bytes(4, "big") * 2  # 40 gigapixels announced in the header
    refused = _upload(client, world, bytes(bomb), "bombe.png", "image/png")
    assert refused.status_code == 422
    assert refused.json()["code"] == "image-bad-dimensions"


def test_an_svg_with_an_external_entity_is_refused(client: TestClient, world: World) -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>'
    )
    refused = _upload(client, world, xxe, "x.svg", "image/svg+xml")
    assert refused.status_code == 422
    assert "root:" not in refused.text
    baked = client.post("/verify", files={"file": ("x.svg", xxe, "image/svg+xml")})
    assert baked.status_code in {200, 422}
    assert "root:" not in baked.text


def _bad_crc_png() -> bytes:
    content = bytearray(png_bytes())
    content[-13] ^= 0x01  # the IDAT chunk's CRC
    return bytes(content)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (_bad_crc_png(), "image-corrupt"),
        (png_bytes()[: png_bytes().index(b"IEND") - 4], "image-corrupt"),  # no IEND
        (bake_png(png_bytes(), '{"id": "x"}', OB2_KEYWORD), "image-already-baked"),
        (bake_svg(SVG, "https://ailleurs.example/a/1", "assertion"), "image-already-baked"),
        ("<svg><title>é</title></svg>".encode("latin-1"), "image-svg-encoding"),
    ],
    ids=["bad-crc", "no-iend", "png-with-a-badge", "svg-with-a-badge", "latin-1-undeclared"],
)
def test_an_image_that_cannot_be_baked_is_refused_at_upload(
    client: TestClient, world: World, content: bytes, code: str
) -> None:
    refused = _upload(client, world, content, "image", "application/octet-stream")
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"/>',
        '<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"><title>Médiation</title></svg>'.encode(
            "latin-1"
        ),
        b'<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:circle r="9"/></s:svg>',
        b'<!-- <svg> --><svg xmlns="http://www.w3.org/2000/svg"><circle r="9"/></svg>',
    ],
    ids=["self-closed", "latin-1-declared", "prefixed", "svg-in-a-comment-first"],
)
def test_an_accepted_svg_bakes_even_with_a_hostile_badge_name(
    client: TestClient, world: World, content: bytes
) -> None:
    name = "Médiation --><script>alert(1)</script><!-- ]]>"
    badge = create_badge_class(
        client, world.coordinator, world.issuer_id, name=name, image=data_uri(content, "image/svg+xml")
    )
    award = issue_award(client, world.coordinator, badge["id"], recipient_name=name)
    for standard in ("ob3", "ob2"):
        image = client.get(f"/awards/{award['id']}/image?standard={standard}")
        assert image.status_code == 200, image.text
        unbaked = unbake_svg(image.content)
        assert unbaked is not None
        root = defused_fromstring(image.content)
        assert not list(root.iter("script"))
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{earner_link(client, award['id'])}/archive.zip").content)
    )
    assert {"badge-ob3.svg", "badge-ob2.svg"} <= set(archive.namelist())


def test_a_stored_image_that_cannot_be_baked_is_a_409_and_never_costs_the_archive(
    client: TestClient, world: World, database: Database
) -> None:
    """An image stored before uploads were read whole (here a self-closed prefixed root with
    trailing garbage the old check let through) must not turn into a server error."""
    with database.transaction() as session:
        session.execute(
            update(BadgeClass)
            .where(BadgeClass.id == world.badge_class_id)
            .values(image=b"<svg xmlns='http://www.w3.org/2000/svg'></svg><svg", image_type="image/svg+xml")
        )
    image = client.get(f"/awards/{world.award_id}/image")
    assert image.status_code == 409
    assert image.headers["content-type"].startswith("application/problem+json")
    assert image.json()["code"] == "badge-image-unbakable"
    response = client.get(f"{earner_link(client, world.award_id)}/archive.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "open-badges-3.0-credential.json" in archive.namelist()
    assert not [n for n in archive.namelist() if n.startswith("badge-ob")]
    assert "n'a pas pu être préparée" in archive.read("LISEZ-MOI.txt").decode()


def test_oversized_bodies_get_413_before_being_read(
    client: TestClient, world: World, settings: Settings
) -> None:
    big = b"{" + b" " * (settings.max_request_bytes + 10) + b"}"
    refused = client.post(
        "/api/v1/issuers",
        content=big,
        headers={**auth(world.admin), "Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_path_traversal_in_file_names_and_ids_reaches_no_file(
    client: TestClient, world: World, settings: Settings, tmp_path: Path
) -> None:
    before = {p for p in tmp_path.rglob("*")}
    stored = _upload(client, world, png_bytes(64, 64), "../../../../tmp/evil.png", "image/png")
    assert stored.status_code == 200
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(".." not in str(p) and p.name != "evil.png" for p in created)
    assert not (Path(tempfile.gettempdir()) / "evil.png").exists()
    for path in (
        "/awards/..%2F..%2Fetc%2Fpasswd",
        "/issuers/..%2Fkeys/jwks.json",
        "/static/..%2F..%2Fsettings.py",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "root:" not in response.text
        assert "SecretStr" not in response.text


@pytest.mark.parametrize(
    "text", ["Robert'); DROP TABLE awards;--", "' OR 1=1 --", "%' OR '%'='", "\\'; SELECT pg_sleep(5);--"]
)
def test_sql_metacharacters_are_stored_as_text_and_match_nothing_else(
    client: TestClient, world: World, text: str
) -> None:
    issuer = create_issuer(client, world.admin, name=f"Hub {text}", siret=None)
    assert (
        client.get(f"/api/v1/issuers/{issuer['id']}", headers=auth(world.admin)).json()["name"]
        == f"Hub {text}"
    )
    found = client.get(
        f"/api/v1/issuers/{world.issuer_id}/awards",
        params={"badge_class_id": text},
        headers=auth(world.admin),
    )
    assert found.status_code == 200
    assert found.json()["items"] == []
    assert client.get(f"/awards/{world.award_id}/credential").status_code == 200  # the table is there


@pytest.mark.parametrize("end", ["0001-01-01", "9999-12-31"])
def test_far_dates_in_a_report_are_refused_not_a_500(client: TestClient, world: World, end: str) -> None:
    """Found by schemathesis on PostgreSQL: year 1 overflowed the time zone arithmetic."""
    refused = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report", params={"end": end}, headers=auth(world.admin)
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "period-out-of-range"


def test_far_dates_on_the_console_report_page_are_explained_not_a_500(
    client: TestClient, database: Database, world: World
) -> None:
    sign_in(client, make_account(database, Role.ADMIN))
    for query in ("au=0001-01-15", "du=0001-01-01&au=0001-02-01", "au=9999-12-31"):
        page = client.get(f"/console/emetteurs/{world.issuer_id}/rapports?{query}")
        assert page.status_code == 422, query
        assert "hors limites" in page.text or "entre les années" in page.text
        for tail in ("rapports.csv", "rapports/mois.svg"):
            other = client.get(f"/console/emetteurs/{world.issuer_id}/{tail}?{query}")
            assert 400 <= other.status_code < 500, (tail, query, other.status_code)
