"""Importing enrolment and attendance sheets as spreadsheets export them here."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import auth, row_counts

HEADER = "Nom;Prénom;Courriel;Structure;Fonction;20/11/2026 matin;20/11/2026 après-midi"
ROWS = [
    "Durand;Camille;camille.durand@mairie-lunel.fr;Mairie de Lunel;Agente d'accueil;x;x",
    "Haddad;Samir;samir.haddad@caf.example.fr;CAF;Conseiller;oui;oui",
    "Moreau;Léa;lea.moreau@ccas.example.fr;CCAS;Travailleuse sociale;x;",
    "N'Diaye;Aïssatou;aissatou.ndiaye@ccas.example.fr;CCAS;Éducatrice;présent;non",
    "Lefèvre;Chloé;chloe.lefevre@fs.example.fr;France Services;Agente;X;X",
]


def upload(
    client: TestClient, world: World, content: bytes, *, accept: bool = False, language: str = "fr"
) -> Any:
    return client.post(
        f"/api/v1/sessions/{world.session_id}/import",
        params={"accept_valid_rows": str(accept).lower()},
        files={"file": ("inscriptions.csv", content, "text/csv")},
        headers={**auth(world.coordinator), "Accept-Language": language},
    )


def enrolments(client: TestClient, world: World) -> dict[str, Any]:
    found = client.get(f"/api/v1/sessions/{world.session_id}/enrolments", headers=auth(world.coordinator))
    return {e["email"]: e for e in found.json()}


@pytest.mark.parametrize(
    ("encoding", "bom", "separator"),
    [("utf-8", True, ";"), ("utf-8", False, ","), ("cp1252", False, ";")],
)
def test_a_sheet_with_accents_in_any_usual_form(
    client: TestClient, world: World, encoding: str, bom: bool, separator: str
) -> None:
    lines = [HEADER, *ROWS]
    if separator == ",":
        lines = [line.replace(";", ",") for line in lines]
    content = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if bom:
        content = b"\xef\xbb\xbf" + content
    response = upload(client, world, content)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["imported"], report["written"]) == (5, 5, True)
    assert report["delimiter"] == separator
    assert report["encoding"] == ("windows-1252" if encoding == "cp1252" else "utf-8")
    assert report["attendance_marks"] == 8
    found = enrolments(client, world)
    assert found["aissatou.ndiaye@ccas.example.fr"]["name"] == "Aïssatou N'Diaye"
    assert found["chloe.lefevre@fs.example.fr"]["profession"] == "Agente"
    assert found["lea.moreau@ccas.example.fr"]["attended_hours"] == 3.5
    assert found["camille.durand@mairie-lunel.fr"]["attended_hours"] == 7.0
    # Capacity is 5 in the factory: everyone fits; importing again changes nothing.
    assert {e["state"] for e in found.values()} == {"registered"}
    again = upload(client, world, content)
    assert again.json()["attendance_marks"] == 0
    assert len(enrolments(client, world)) == 5


def test_a_bad_email_on_line_7_refuses_the_whole_file(
    client: TestClient, world: World, database: Database
) -> None:
    rows = [
        *ROWS,
        "Roux;Anne;anne.roux@@exemple;CCAS;Agente;x;x",
        "Petit;Jean;jean.petit@exemple.fr;Mairie;Agent;x;x",
    ]
    counts = row_counts(database)
    response = upload(client, world, ("\n".join([HEADER, *rows]) + "\n").encode())
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "csv-invalid"
    assert problem["errors"] == [
        {
            "line": 7,
            "field": "courriel",
            "value": "anne.roux@@exemple",
            "type": "csv-bad-value",
            "message": "« courriel » invalide\u202f: « anne.roux@@exemple ».",
        }
    ]
    assert row_counts(database) == counts  # nothing written
    accepted = upload(client, world, ("\n".join([HEADER, *rows]) + "\n").encode(), accept=True, language="en")
    assert accepted.status_code == 200
    report = accepted.json()
    assert report["imported"] == 6  # the five, and Jean on line 8
    assert [(p["line"], p["message"]) for p in report["problems"]] == [
        (7, "Invalid “courriel”: “anne.roux@@exemple”.")
    ]
    assert "anne.roux@@exemple" not in enrolments(client, world)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", [(1, "csv-empty", None)]),
        (b"\xef\xbb\xbf", [(1, "csv-empty", None)]),
        (HEADER.encode() + b"\n", [(1, "csv-no-rows", None)]),
        (b"Nom;Adresse\nDurand;1 rue\n", [(1, "csv-missing-column", "courriel")]),
        (
            (HEADER + ";Nom\n" + ROWS[0] + ";x\n").encode(),
            [(1, "csv-duplicate-column", "Nom")],
        ),
        (
            b"Nom;Courriel;21/11/2026 matin\nDurand;d@example.fr;x\n",
            [(1, "csv-unknown-half-day", "21/11/2026 matin")],
        ),
        (
            b"Nom;Courriel;31/02/2026 matin\nDurand;d@example.fr;x\n",
            [(1, "csv-bad-date", "31/02/2026 matin")],
        ),
        (
            "Nom;Courriel;20/11/2026 matin\nDurand;d@example.fr;peut-être\n".encode(),
            [(2, "csv-bad-presence", "20/11/2026 matin")],
        ),
        (
            b"Nom;Courriel;Statut\nDurand;d@example.fr;ravi\n;e@example.fr;inscrit\n",
            [(2, "csv-bad-state", "state"), (3, "csv-missing-value", "nom")],
        ),
        (
            b"Nom;Courriel\nDurand;d@example.fr\nDupont;D@Example.fr\n",
            [(3, "csv-duplicate-person", "courriel")],
        ),
        (b"Nom;Courriel\nDurand;d@example.fr;en trop\n", [(2, "csv-too-many-cells", None)]),
        (
            b"\x00\x01\x02;\xff\xfe\n",
            [(1, "csv-missing-column", "courriel"), (1, "csv-missing-column", "nom")],
        ),
    ],
)
def test_each_bad_file_gets_its_line_and_reason(
    client: TestClient, world: World, database: Database, content: bytes, expected: list[tuple[int, str, str]]
) -> None:
    counts = row_counts(database)
    response = upload(client, world, content)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["line"], e["type"], e["field"]) for e in errors] == expected
    assert all(e["message"] for e in errors)
    assert row_counts(database) == counts


def test_unknown_columns_are_ignored_and_reported(client: TestClient, world: World) -> None:
    content = "Nom;Courriel;Téléphone;Date de naissance\nDurand;d@example.fr;0601020304;01/01/1980\n".encode()
    response = upload(client, world, content)
    assert response.status_code == 200
    assert response.json()["ignored_columns"] == ["Téléphone", "Date de naissance"]
    stored = enrolments(client, world)["d@example.fr"]
    assert "0601020304" not in repr(stored)  # never stored: only professional contact data is kept


def test_too_large_and_not_allowed(client: TestClient, world: World) -> None:
    from service.usecases.csv_import import MAX_BYTES

    big = upload(client, world, b"Nom;Courriel\n" + b"x" * (MAX_BYTES + 10))
    assert big.status_code == 413
    foreign = client.post(
        f"/api/v1/sessions/{world.session_id}/import",
        files={"file": ("a.csv", b"Nom;Courriel\n", "text/csv")},
        headers=auth(world.other_coordinator),
    )
    assert foreign.status_code == 403
