"""The earner's private page, reached through the signed link in their email: publish, hide,
download everything, erase. A link that is not genuine opens nothing."""

from __future__ import annotations

import io
import json
import zipfile
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.persistence.tables import Award
from service.persistence.training_tables import AwardOrigin, Enrolment, OutboxMessage
from tests.api.conftest import World
from tests.api.test_sessions import held_session, services_of
from tests.factories import auth, earner_link

BROWSER = {"Accept": "text/html"}


def test_only_a_genuine_link_opens_the_page(client: TestClient, world: World) -> None:
    link = earner_link(client, world.award_id)
    assert client.get(link, headers=BROWSER).status_code == 200
    award_id, mac = link.removeprefix("/mon-badge/").split(".")
    other = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    forged = [
        f"/mon-badge/{award_id}.{other}",  # one character changed
        f"/mon-badge/{award_id}.{mac[:-2]}",  # cut
        f"/mon-badge/{award_id}",  # no MAC
        f"/mon-badge/{world.badge_class_id}.{mac}",  # another id with this MAC
    ]
    for url in forged:
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 404, url
        assert "Ce lien personnel n'est pas valide" in unescape(response.text)
        assert client.post(f"{url}/publier", headers=BROWSER).status_code == 404
        assert client.post(f"{url}/effacer", data={"confirm": "1"}, headers=BROWSER).status_code == 404
    with services_of(client.app).database.transaction(write=False) as session:  # type: ignore[arg-type]
        award = session.get(Award, world.award_id)
        assert award is not None
        assert award.published_at is None
        assert award.erased_at is None


def test_the_private_page_is_never_cached_nor_referred(client: TestClient, world: World) -> None:
    response = client.get(earner_link(client, world.award_id), headers=BROWSER)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-robots-tag"] == "noindex"


def test_publish_with_name_then_hide(client: TestClient, world: World) -> None:
    link = earner_link(client, world.award_id)
    before = client.get(link, headers=BROWSER).text
    # Said before publishing: without the name, a recruiter cannot tell whose badge it is.
    assert "un recruteur qui la voit ne peut pas le relier à vous" in unescape(before)
    assert 'aria-describedby="show-name-hint"' in before
    done = client.post(f"{link}/publier", data={"show_name": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].endswith("?fait=publiee")
    private = unescape(client.get(done.headers["location"], headers=BROWSER).text)
    assert "Votre page est publique." in private
    assert "Votre nom y est affiché." in private
    public = client.get(f"/awards/{world.award_id}", headers=BROWSER)
    assert public.status_code == 200
    assert "Camille Durand" in public.text
    hidden = client.post(f"{link}/masquer", follow_redirects=False)
    assert hidden.headers["location"].endswith("?fait=masquee")
    assert client.get(f"/awards/{world.award_id}", headers=BROWSER).status_code == 404


def test_download_everything(client: TestClient, world: World) -> None:
    response = client.get(f"{earner_link(client, world.award_id)}/archive.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "donnees-personnelles.json",
        "open-badges-2.0-assertion.json",
        "open-badges-2.0-assertion-signee.jws",
        "open-badges-3.0-credential.json",
        "open-badges-3.0-credential.jwt",
        "badge-ob3.png",
        "badge-ob2.png",
        "LISEZ-MOI.txt",
    } == names
    personal = json.loads(archive.read("donnees-personnelles.json"))
    assert personal["email"] == "Camille.Durand@example.fr"  # as the coordinator typed it
    assert personal["name"] == "Camille Durand"
    credential = json.loads(archive.read("open-badges-3.0-credential.json"))
    assert credential == client.get(f"/awards/{world.award_id}/credential").json()


def test_erasure_needs_a_confirmation(client: TestClient, world: World) -> None:
    link = earner_link(client, world.award_id)
    page = unescape(client.get(f"{link}/effacer", headers=BROWSER).text)
    assert "reste signée par l'émetteur" in page  # the honest part
    refused = client.post(f"{link}/effacer", headers=BROWSER)
    assert refused.status_code == 422
    assert "Cochez la case pour confirmer l'effacement." in unescape(refused.text)
    hosted = client.get(f"/awards/{world.award_id}", headers={"Accept": "application/json"})
    assert hosted.status_code == 200


def test_erasure_revokes_and_deletes_personal_data(client: TestClient, app: FastAPI, world: World) -> None:
    cycle = held_session(client, world)
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=auth(world.coordinator))
    issued = next(i for i in closed.json()["issued"] if i["origin"] == "session")
    award = {"id": issued["award_id"], "recipient_email": issued["recipient_email"]}
    kept_credential = client.get(f"/awards/{award['id']}/credential").json()
    link = earner_link(client, award["id"])
    erased = client.post(f"{link}/effacer", data={"confirm": "1"}, follow_redirects=False)
    assert erased.status_code == 303
    assert "Ce badge a été effacé" in unescape(client.get(link, headers=BROWSER).text)
    with services_of(app).database.transaction(write=False) as session:
        row = session.get(Award, award["id"])
        assert row is not None
        assert (row.recipient_email, row.recipient_name, row.credential, row.credential_jwt) == (
            "",
            None,
            None,
            None,
        )
        assert row.revoked_at is not None
        assert row.erased_at is not None
        origin = session.get(AwardOrigin, award["id"])
        assert origin is not None
        assert origin.recipient == f"erased:{award['id']}"
        emails = set(
            session.scalars(select(Enrolment.email).where(Enrolment.session_id == cycle.session["id"]))
        )
        assert award["recipient_email"] not in emails
        assert any(email.startswith("erased+") for email in emails)
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.award_id == award["id"])).all() == []
    # A copy kept before erasure still carries a valid signature, and verifiers see it revoked.
    report = client.post("/verify", json={"credential": kept_credential}).json()
    assert report["verdict"] == "invalid"
    outcomes = {c["name"]: c["outcome"] for c in report["checks"]}
    assert outcomes["proof"] == "passed"
    assert outcomes["status"] == "failed"
    # Erasing again changes nothing and says so.
    again = client.post(f"{link}/effacer", data={"confirm": "1"}, follow_redirects=True, headers=BROWSER)
    assert "Ce badge a été effacé" in unescape(again.text)
    assert client.post(f"{link}/publier", headers=BROWSER).status_code == 410


def test_erasure_of_a_revoked_badge_removes_the_coordinators_reason_from_public_lists(
    client: TestClient, world: World
) -> None:
    """Regression (issue 15, point 13): a badge revoked with a reason naming the earner, then
    erased at the earner's request, kept that reason in the public revocation list."""
    reason = "Camille Durand a triché à l'évaluation"
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": reason}, headers=auth(world.coordinator)
    )
    listing = client.get(f"/issuers/{world.issuer_id}/revocations").text
    assert "Camille Durand" in listing
    link = earner_link(client, world.award_id)
    assert client.post(f"{link}/effacer", data={"confirm": "1"}, follow_redirects=False).status_code == 303
    after = client.get(f"/issuers/{world.issuer_id}/revocations").json()["revokedAssertions"]
    assert "Camille Durand" not in json.dumps(after, ensure_ascii=False)
    entry = next(e for e in after if e["id"].endswith(world.award_id))
    assert entry["revocationReason"].startswith("Effacé à la demande de la personne titulaire")
    hosted = client.get(f"/awards/{world.award_id}", headers={"Accept": "application/json"})
    assert "Camille Durand" not in hosted.text
