"""Issue 20, point 2: a mediator requests a badge with evidence; two peers who hold it and a
coordinator review; the class's rule (2 peers + 1 coordinator) decides; approval issues the badge
with the evidence and the reviewers who agreed to be named as endorsements embedded in it. Each
refusal says what it refuses; nobody learns who holds a badge; evidence is private."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.request_tables import BadgeRequest, BadgeRequestFile, BadgeReview
from service.persistence.training_tables import OutboxMessage
from tests.api.conftest import World
from tests.api.test_endorsements import BROWSER, drain, emailed_link, link_in
from tests.factories import (
    auth,
    console_csrf,
    create_badge_class,
    earner_link,
    issue_award,
    make_account,
    row_counts,
    sign_in,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REQUESTER = "sam.leroy@example.fr"
PEERS = ("pair.un@example.fr", "pair.deux@example.fr")


def set_rule(client: TestClient, world: World, **rule: Any) -> Any:
    body = {"open": True, "peer_approvals": 2, "coordinator_approval": True, **rule}
    return client.put(
        f"/api/v1/badge-classes/{world.badge_class_id}/request-rule",
        json=body,
        headers=auth(world.coordinator),
    )


def submit(client: TestClient, world: World, **overrides: Any) -> Any:
    data = {
        "name": "Sam Leroy",
        "email": REQUESTER,
        "statement": "J'ai accompagné 40 personnes aux démarches en ligne cette année, à la médiathèque.",
        "links": "https://mediatheque.example/ateliers\n",
        "peers": "\n".join([*PEERS, "personne@example.fr"]),
        "consent": "oui",
    }
    files = overrides.pop("files", [("files", ("bilan.pdf", PDF, "application/pdf"))])
    follow = overrides.pop("follow_redirects", True)
    data.update(overrides)
    return client.post(
        f"/badges/{world.badge_class_id}/demander",
        data=data,
        files=files,
        headers=BROWSER,
        follow_redirects=follow,
    )


def requests_rows(database: Database) -> list[BadgeRequest]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(BadgeRequest)))


def confirmed_request(client: TestClient, app: FastAPI, world: World) -> str:
    """Rule 2 peers + coordinator; the two peers hold the badge; request sent and confirmed."""
    assert set_rule(client, world).status_code == 200
    for peer in PEERS:
        issue_award(client, world.coordinator, world.badge_class_id, recipient_email=peer)
    answer = submit(client, world)
    assert answer.status_code == 200, answer.text
    assert "Presque fini" in unescape(answer.text)
    link, _, body = emailed_link(app, REQUESTER, "/mes-demandes/")
    assert "Vous avez demandé le badge" in body
    page = client.get(link, headers=BROWSER)
    assert "À confirmer" in unescape(page.text)
    confirmed = client.post(f"{link}/confirmer", follow_redirects=False)
    assert confirmed.status_code == 303
    return link


def coordinator_session(client: TestClient, database: Database, world: World) -> str:
    make_account(database, Role.COORDINATOR, [world.issuer_id], email="coord@example.fr")
    sign_in(client, "coord@example.fr")
    return console_csrf(client)


def review(client: TestClient, link: str, **data: str) -> Any:
    return client.post(link, data=data, headers=BROWSER)


def test_two_peers_and_a_coordinator_approve_and_the_badge_carries_them(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    link = confirmed_request(client, app, world)
    # Only the peers who hold the badge were written to.
    with database.transaction(write=False) as session:
        invited = set(
            session.scalars(
                select(OutboxMessage.recipient).where(OutboxMessage.kind == "badge-review-invitation")
            )
        )
    assert invited == set(PEERS)
    sent = drain(app)
    first, _, body = link_in(sent, PEERS[0], "/relecture/")
    second, _, _ = link_in(sent, PEERS[1], "/relecture/")
    assert "Sam Leroy demande le badge" in body
    page = unescape(client.get(first, headers=BROWSER).text)
    assert "J'ai accompagné 40 personnes" in page
    file_link = re.search(r'href="(/relecture/[^"]+/pieces/[a-z2-7]{26})"', page)
    assert file_link
    served = client.get(file_link.group(1))
    assert served.content == PDF
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"

    assert (
        review(
            client,
            first,
            decision="approuver",
            comment="Je l'ai vu·e animer, c'est solide.",
            shown="oui",
            name="Alex Martin",
        ).status_code
        == 200
    )
    assert review(client, second, decision="approuver", comment="D'accord.").status_code == 200
    again = review(client, second, decision="refuser", comment="Finalement non.")
    assert again.status_code == 409
    assert "Votre avis sur cette demande est déjà enregistré." in unescape(again.text)
    author = unescape(client.get(link, headers=BROWSER).text)
    assert "Avis favorables de pairs\u202f: 2 sur 2." in author
    assert "L'équipe de coordination n'a pas encore donné son avis." in author

    csrf = coordinator_session(client, database, world)
    [row] = requests_rows(database)
    console = client.get(f"/console/demandes/{row.id}")
    assert console.status_code == 200
    assert "J'ai accompagné 40 personnes" in unescape(console.text)
    decided = client.post(
        f"/console/demandes/{row.id}/avis",
        data={"csrf": csrf, "decision": "approuver", "comment": "Conforme aux critères.", "shown": "oui"},
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text

    [row] = requests_rows(database)
    assert row.state == "approved"
    assert row.award_id
    credential = client.get(f"/awards/{row.award_id}/credential").json()
    endorsements = credential["endorsement"]
    # The peer who agreed to be named, and the coordinator (with the issuer as structure); the
    # second peer approved without being named: counted, not published.
    issuer_name = client.get(f"/issuers/{world.issuer_id}").json()["name"]
    names = sorted(e["issuer"]["name"] for e in endorsements)
    assert names == sorted(["Alex Martin", f"Alex Coordination ({issuer_name})"])
    comments = {e["credentialSubject"]["endorsementComment"] for e in endorsements}
    assert comments == {"Je l'ai vu·e animer, c'est solide.", "Conforme aux critères."}
    assert {e["credentialSubject"]["id"] for e in endorsements} == {credential["id"]}
    evidence = credential["evidence"]
    assert any(e.get("narrative", "").startswith("J'ai accompagné 40 personnes") for e in evidence)
    assert any(e.get("id") == "https://mediatheque.example/ateliers" for e in evidence)
    assert any(e.get("name") == "bilan.pdf" for e in evidence)
    verdict = client.post("/verify", json={"credential": credential}).json()
    assert verdict["verdict"] == "valid"
    assert [e["verdict"] for e in verdict["endorsements"]] == ["valid", "valid"]
    # The author's page leads to their badge; its award email is queued.
    author = unescape(client.get(link, headers=BROWSER).text)
    assert "Acceptée\u202f: le badge vous est délivré" in author
    assert earner_link(client, row.award_id) in author
    with database.transaction(write=False) as session:
        kinds = set(session.scalars(select(OutboxMessage.kind).where(OutboxMessage.award_id == row.award_id)))
    assert kinds == {"award-issued"}


def test_a_coordinator_declines_and_the_author_reads_why(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    link = confirmed_request(client, app, world)
    first, _, _ = emailed_link(app, PEERS[0], "/relecture/")
    csrf = coordinator_session(client, database, world)
    [row] = requests_rows(database)
    missing = client.post(f"/console/demandes/{row.id}/avis", data={"csrf": csrf, "comment": "?"})
    assert missing.status_code == 422
    assert "Choisissez favorable ou défavorable." in unescape(missing.text)
    client.post(
        f"/console/demandes/{row.id}/avis",
        data={"csrf": csrf, "decision": "refuser", "comment": "Il manque le compte rendu d'un atelier."},
    )
    [row] = requests_rows(database)
    assert row.state == "declined"
    assert row.award_id is None
    _, subject, body = emailed_link(app, REQUESTER, "/mes-demandes/")
    assert subject == "Votre demande de badge a reçu une réponse"
    assert "n'a pas été acceptée" in body
    page = unescape(client.get(link, headers=BROWSER).text)
    assert "Refusée" in page
    assert "Il manque le compte rendu d'un atelier." in page
    # Closed: no more opinions, no withdrawal.
    late = review(client, first, decision="approuver", comment="Oui")
    assert "Cette demande n'attend plus d'avis." in unescape(client.get(first, headers=BROWSER).text)
    assert late.status_code == 409
    assert client.post(f"{link}/retirer").status_code == 409


def test_what_each_bad_request_gets_and_that_it_writes_nothing(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    closed = submit(client, world)
    assert closed.status_code == 409
    assert "Ce badge ne se demande pas" in unescape(closed.text)
    assert set_rule(client, world).status_code == 200
    before = row_counts(database)
    cases = [
        ({"statement": "  "}, 422, "statement"),
        ({"email": "pas-une-adresse"}, 422, "email"),
        ({"consent": ""}, 422, "consent"),
        ({"links": "javascript:alert(1)"}, 422, "links"),
        ({"links": "\n".join(f"https://a.example/{n}" for n in range(6))}, 422, "links"),
        ({"files": [("files", ("virus.exe", b"MZ\x90\x00", "application/pdf"))]}, 422, "files"),
        ({"files": [("files", ("dessin.svg", b"<svg onload='x'/>", "image/svg+xml"))]}, 422, "files"),
        ({"files": [("files", (f"p{n}.pdf", PDF, "application/pdf")) for n in range(4)]}, 422, "files"),
        (
            {"files": [("files", ("gros.pdf", PDF + b"0" * (2 * 1024 * 1024), "application/pdf"))]},
            413,
            "files",
        ),
        ({"peers": "\n".join(f"p{n}@example.fr" for n in range(9))}, 422, "peers"),
        ({"name": ""}, 422, "name"),
    ]
    for overrides, status, field in cases:
        answer = submit(client, world, **overrides)
        assert answer.status_code == status, (overrides, answer.text[:300])
        assert f'href="#{field}"' in answer.text, field
        assert "La demande n'est pas envoyée" in unescape(answer.text)
    assert row_counts(database) == before
    # A rule nobody reviews under is refused too; junk gets a problem, never a 500.
    assert set_rule(client, world, peer_approvals=0, coordinator_approval=False).status_code == 422
    assert set_rule(client, world, peer_approvals=9).status_code == 422
    assert (
        client.put(
            f"/api/v1/badge-classes/{world.badge_class_id}/request-rule",
            json={"open": "x"},
            headers=auth(world.viewer),
        ).status_code
        == 403
    )


def test_forged_expired_and_withdrawn_links(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    assert set_rule(client, world, peer_approvals=1, coordinator_approval=False).status_code == 200
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email=PEERS[0])
    submit(client, world)
    link, _, _ = emailed_link(app, REQUESTER, "/mes-demandes/")
    forged = client.get(link[:-4] + "AAAA", headers=BROWSER)
    assert forged.status_code == 404
    assert "Lien invalide" in unescape(forged.text)
    assert client.get("/relecture/" + "x" * 300, headers=BROWSER).status_code == 404
    # Withdrawing erases the evidence and the reviewers' addresses, while open.
    assert client.post(f"{link}/retirer", follow_redirects=False).status_code == 303
    [row] = requests_rows(database)
    assert row.state == "withdrawn"
    assert row.statement == ""
    with database.transaction(write=False) as session:
        assert session.scalars(select(BadgeRequestFile)).all() == []
        assert session.scalars(select(BadgeReview)).all() == []
    assert "Retirée" in unescape(client.get(link, headers=BROWSER).text)
    assert client.post(f"{link}/confirmer", follow_redirects=False).status_code == 303  # harmless


def test_who_may_review_and_see_a_request(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    link = confirmed_request(client, app, world)
    first, _, _ = emailed_link(app, PEERS[0], "/relecture/")
    [row] = requests_rows(database)
    # A peer whose badge was revoked since the invitation can no longer review.
    with database.transaction(write=False) as session:
        from service.persistence.tables import Award

        peer_award = session.scalars(select(Award).where(Award.recipient_email == PEERS[0])).one()
    client.post(
        f"/api/v1/awards/{peer_award.id}/revoke", json={"reason": "Erreur"}, headers=auth(world.coordinator)
    )
    refused = review(client, first, decision="approuver", comment="Oui")
    assert refused.status_code == 403
    assert "Seule une personne qui détient ce badge" in unescape(refused.text)
    # A coordinator cannot add a reviewer who does not hold the badge, nor the author.
    csrf = coordinator_session(client, database, world)
    for email in ("personne@example.fr", REQUESTER):
        added = client.post(f"/console/demandes/{row.id}/pairs", data={"csrf": csrf, "email": email})
        assert added.status_code == 409, email
    # Another issuer's coordinator sees nothing of it.
    client.cookies.clear()
    make_account(database, Role.COORDINATOR, [world.other_issuer_id], email="autre@example.fr")
    sign_in(client, "autre@example.fr")
    assert client.get(f"/console/demandes/{row.id}").status_code == 403
    assert (
        client.get(
            f"/api/v1/issuers/{world.issuer_id}/badge-requests", headers=auth(world.other_coordinator)
        ).status_code
        == 403
    )
    listed = client.get(
        f"/api/v1/issuers/{world.issuer_id}/badge-requests", headers=auth(world.coordinator)
    ).json()
    assert [r["state"] for r in listed] == ["pending"]
    assert link


def test_erasing_the_badge_erases_the_request_it_came_from(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    assert set_rule(client, world, peer_approvals=1, coordinator_approval=False).status_code == 200
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email=PEERS[0])
    submit(client, world, peers=PEERS[0])
    link, _, _ = emailed_link(app, REQUESTER, "/mes-demandes/")
    client.post(f"{link}/confirmer")
    first, _, _ = emailed_link(app, PEERS[0], "/relecture/")
    assert review(client, first, decision="approuver", comment="Oui.").status_code == 200
    [row] = requests_rows(database)
    assert row.state == "approved"
    erased = client.post(
        f"{earner_link(client, row.award_id or '')}/effacer", data={"confirm": "1"}, follow_redirects=False
    )
    assert erased.status_code == 303
    assert requests_rows(database) == []
    with database.transaction(write=False) as session:
        assert session.scalars(select(BadgeRequestFile)).all() == []
    assert client.get(link, headers=BROWSER).status_code == 404


def test_from_the_earner_space_a_request_needs_no_confirmation_email(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    from tests.api.test_earner_space import emailed_space_link

    assert set_rule(client, world, peer_approvals=1, coordinator_approval=False).status_code == 200
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email=PEERS[0])
    other = create_badge_class(client, world.coordinator, world.issuer_id, name="Un autre badge")
    issue_award(client, world.coordinator, other["id"], recipient_email=REQUESTER)  # an earner already
    client.post("/mon-espace", data={"email": REQUESTER})
    space, _ = emailed_space_link(app, REQUESTER)
    page = unescape(client.get(space).text)
    assert "Badges que vous pouvez demander" in page
    found = re.search(r'href="(/badges/[a-z2-7]{26}/demander\?espace=[^"]+)"', page)
    assert found
    form_page = unescape(client.get(unescape(found.group(1))).text)
    assert f'value="{REQUESTER}"' in form_page
    assert "readonly" in form_page
    espace = unescape(found.group(1)).split("espace=")[1]
    answer = submit(client, world, peers=PEERS[0], espace=espace, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert "fait=confirmee" in answer.headers["location"]
    [row] = requests_rows(database)
    assert row.state == "pending"
    with database.transaction(write=False) as session:
        kinds = list(session.scalars(select(OutboxMessage.kind).where(OutboxMessage.subject_id.is_not(None))))
    assert kinds == ["badge-review-invitation"]  # no confirmation email: the space proved the address
    # The space lists it; another address cannot use this space's link to skip confirmation.
    assert "en relecture" in unescape(client.get(space).text)
    forged = submit(client, world, email="quelquun@example.fr", espace=espace)
    assert forged.status_code == 200
    assert "Presque fini" in unescape(forged.text)
