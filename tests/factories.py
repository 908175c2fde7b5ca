"""Plain factory functions for tests: real images, tokens and resources made through the API."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from fastapi.testclient import TestClient

from service.clock import SystemClock
from service.domain.access import Role
from service.persistence.database import Database
from service.usecases import tokens


def png_bytes(width: int = 64, height: int = 64, rgb: tuple[int, int, int] = (0, 90, 160)) -> bytes:
    """A real, decodable RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    b'<circle cx="32" cy="32" r="30" fill="#005aa0"/></svg>'
)


def data_uri(content: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def make_token(database: Database, role: Role, issuer_ids: list[str] | None = None) -> str:
    with database.transaction() as session:
        _, plaintext = tokens.create(
            session, SystemClock(), name=f"test {role.value}", role=role, issuer_ids=issuer_ids or []
        )
    return plaintext


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issuer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Coop des médiateurs du Rhône",
        "url": "https://coop-mediation.example.org",
        "email": "contact@coop-mediation.example.org",
        "description": "Réseau de médiateurs numériques",
        "siret": "73282932000074",
    }
    body.update(overrides)
    return body


def badge_class_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Accueillir et orienter les publics en illectronisme",
        "description": "Accueillir une personne en difficulté avec le numérique et l'orienter.",
        "criteria_narrative": "Module de 3,5 h et mise en situation (diagnostic partagé, orientation).",
        "image": data_uri(png_bytes()),
        "tags": ["aide_aux_demarches_administratives", "culture_numerique"],
        "alignments": [
            {
                "target_name": "Identifier les besoins et y répondre par la technologie",
                "target_url": "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
                "target_framework": "DigComp 2.2",
                "target_code": "5.2",
            }
        ],
        "language": "fr",
    }
    body.update(overrides)
    return body


def create_issuer(client: TestClient, admin_token: str, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/issuers", json=issuer_body(**overrides), headers=auth(admin_token))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def create_badge_class(client: TestClient, token: str, issuer_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/issuers/{issuer_id}/badge-classes", json=badge_class_body(**overrides), headers=auth(token)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def issue_award(client: TestClient, token: str, badge_class_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recipient_email": "Camille.Durand@example.fr",
        "recipient_name": "Camille Durand",
        # The API queues the earner's email by default; the tests that count emails count their
        # own, so the shared fixtures' awards stay quiet (test_web_console_work tests the default).
        "notify": False,
    }
    body.update(overrides)
    response = client.post(f"/api/v1/badge-classes/{badge_class_id}/awards", json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


# Half-days before the tests' fixed clock (2026-11-22T10:00Z), so the session can be closed.
MORNING = {"starts_at": "2026-11-20T08:00:00Z", "ends_at": "2026-11-20T11:30:00Z"}
AFTERNOON = {"starts_at": "2026-11-20T12:30:00Z", "ends_at": "2026-11-20T16:00:00Z"}


def session_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Accueillir les publics en illectronisme",
        "objectives": "Mener un diagnostic partagé, puis orienter.",
        "themes": ["aide_aux_demarches_administratives", "culture_numerique"],
        "level": "N2",
        "format": "in_person",
        "venue_name": "France Services de Lunel",
        "venue_siret": "73282932000074",
        "capacity": 5,
        "half_days": [MORNING, AFTERNOON],
        "trainers": [{"name": "Alex Martin", "email": "alex.martin@coop.example.org", "role": "lead"}],
    }
    body.update(overrides)
    return body


def create_session(client: TestClient, token: str, issuer_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/issuers/{issuer_id}/sessions", json=session_body(**overrides), headers=auth(token)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def set_trainer_rule(client: TestClient, token: str, badge_class_id: str, **rule: Any) -> dict[str, Any]:
    body = {"min_sessions": 1, "min_session_peers": 3, "max_session_peers": 5, **rule}
    response = client.put(
        f"/api/v1/badge-classes/{badge_class_id}/trainer-rule", json=body, headers=auth(token)
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def row_counts(database: Database) -> dict[str, int]:
    """Rows per table: compared before and after a refused request to prove it wrote nothing."""
    from sqlalchemy import func, select

    from service.persistence.base import Base

    with database.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def data_row_counts(database: Database) -> dict[str, int]:
    """Rows per table of the instance's data: without the public revision's one row, which
    every migrated database has."""
    return {name: count for name, count in row_counts(database).items() if name != "public_revision"}


def earner_link(client: TestClient, award_id: str) -> str:
    """The private path an earner gets in their email for this award."""
    from service.domain.earner_links import token_for

    secret = client.app.state.services.secret  # type: ignore[attr-defined]
    return f"/mon-badge/{token_for(secret, award_id)}"


def publish(client: TestClient, award_id: str, *, show_name: bool = False) -> None:
    """The earner makes the badge page public, through their private link."""
    data = {"show_name": "1"} if show_name else {}
    response = client.post(f"{earner_link(client, award_id)}/publier", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


PASSWORD = "correct horse battery staple"


def make_account(
    database: Database, role: Role, issuer_ids: list[str] | None = None, *, email: str = "coord@example.fr"
) -> str:
    """A console account; returns its email (the password is PASSWORD)."""
    from service.usecases import accounts

    with database.transaction() as session:
        accounts.create(
            session,
            SystemClock(),
            email=email,
            name="Alex Coordination",
            password=PASSWORD,
            role=role,
            issuer_ids=issuer_ids or [],
        )
    return email


def form_value(html: str, name: str) -> str:
    import re

    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the console's form; returns the response to the form."""
    form = client.get("/console/connexion")
    token = form_value(form.text, "form_token")
    return client.post(
        "/console/connexion",
        data={"email": email, "password": password, "form_token": token, "suite": "/console"},
        follow_redirects=False,
    )


def console_csrf(client: TestClient) -> str:
    return form_value(client.get("/console").text, "csrf")
