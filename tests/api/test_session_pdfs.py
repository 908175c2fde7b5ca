"""The funders' PDF documents of a session (issue 17, point 10), opened as a reader would: the
signed attendance sheet and the participant's certificate of completion, their text extracted,
their tags and language read, the badge links followed and the QR code decoded (Poppler's
pdftoppm renders the page, ZBar's zbarimg reads the code: Debian's poppler-utils and zbar-tools,
installed by .ci/run)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from service.domain.access import Role
from service.persistence.database import Database
from tests.api.conftest import World
from tests.api.test_sessions import held_session
from tests.api.test_sign_in_sheet import session_today, sheet_url, signs
from tests.factories import auth, console_csrf, make_account, sign_in


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def text_of(document: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in document.pages)


def links_of(document: PdfReader) -> list[str]:
    found = []
    for page in document.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def decode_qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed: apt-get install poppler-utils zbar-tools (.ci/run does)")
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(source), str(tmp_path / "page")], check=True)
    codes = []
    for image in sorted(tmp_path.glob("page*.png")):
        run = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False
        )
        codes += [line for line in run.stdout.splitlines() if line]
    return codes


def test_the_attendance_sheet_says_who_signed_when_and_who_countersigned(
    client: TestClient, database: Database, world: World
) -> None:
    session_id, half_day_id = session_today(client, world)
    url = sheet_url(client, database, world, session_id)
    phone = TestClient(client.app, base_url=str(client.base_url))
    assert signs(phone, url, "camille@mairie.example.fr", "Camille Durand").status_code == 200
    csrf = console_csrf(client)
    client.post(
        f"/console/formations/{session_id}/contresigner",
        data={"csrf": csrf, "half_day_id": half_day_id, "trainer": "Nadia Benali"},
    )
    page = client.get(f"/console/formations/{session_id}")
    assert f'href="/console/formations/{session_id}/emargement.pdf"' in page.text
    answer = client.get(f"/console/formations/{session_id}/emargement.pdf")
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'attachment; filename="emargement-{session_id}.pdf"'
    document = reader(answer.content)
    text = text_of(document)
    assert "Feuille d'émargement" in text
    assert "Accueillir en illectronisme" in text
    assert "Camille Durand" in text
    assert "signé à 11:00 (en retard)" in text
    assert "« Camille Durand »" in text
    assert "Samir Haddad" in text
    assert "absent·e" in text
    assert "Nadia Benali" in text  # the countersignature
    root = document.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged, for screen readers
    assert root["/Lang"] == "fr"
    assert document.metadata is not None
    assert document.metadata.title == "Feuille d'émargement — Accueillir en illectronisme"
    english = reader(
        client.get(
            f"/console/formations/{session_id}/emargement.pdf", headers={"Accept-Language": "en"}
        ).content
    )
    assert "Attendance sheet" in text_of(english)
    assert english.trailer["/Root"]["/Lang"] == "en"


def test_a_certificate_of_completion_names_the_hours_and_the_badges_with_their_qr_codes(
    client: TestClient, database: Database, world: World, tmp_path: Path
) -> None:
    cycle = held_session(client, world)  # Léa came in the morning only
    token = auth(world.coordinator)
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=token).json()
    camille = next(i for i in closed["issued"] if i["recipient_email"] == "camille.durand@mairie-lunel.fr")
    enrolments = client.get(f"/api/v1/sessions/{cycle.session['id']}/enrolments", headers=token).json()
    ids = {e["email"]: e["id"] for e in enrolments}
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    base = f"/console/formations/{cycle.session['id']}/attestations"
    pdf = client.get(f"{base}/{ids['camille.durand@mairie-lunel.fr']}.pdf").content
    document = reader(pdf)
    text = text_of(document)
    assert "Certificat de réalisation" in text
    assert "Camille Durand" in text
    assert "7 h sur 7 h prévues" in text
    assert "Participant·e à un cycle" in text  # the badge earned
    award_url = f"https://badges.example.test/b/{camille['award_id']}"
    assert award_url in links_of(document)
    assert decode_qr_codes(pdf, tmp_path) == [award_url]
    lea = text_of(reader(client.get(f"{base}/{ids['lea.moreau@ccas.example.fr']}.pdf").content))
    assert "3,5 h sur 7 h prévues" in lea
    assert "Aucun badge n'a été obtenu" in lea
    assert client.get(f"{base}/{'a' * 26}.pdf").status_code == 404


def test_the_documents_are_for_the_sessions_coordinators_only(
    client: TestClient, database: Database, world: World
) -> None:
    session_id, _ = session_today(client, world)
    viewer = TestClient(client.app, base_url=str(client.base_url))
    sign_in(viewer, make_account(database, Role.VIEWER, [world.issuer_id], email="v@exemple.fr"))
    assert viewer.get(f"/console/formations/{session_id}/emargement.pdf").status_code == 403
    other = TestClient(client.app, base_url=str(client.base_url))
    sign_in(other, make_account(database, Role.COORDINATOR, [world.other_issuer_id], email="o@exemple.fr"))
    assert other.get(f"/console/formations/{session_id}/emargement.pdf").status_code == 403
    anonymous = client.get(f"/console/formations/{session_id}/emargement.pdf", follow_redirects=False)
    assert anonymous.status_code == 303  # to the sign-in page
