"""Issue 20, point 1: endorsements in both standards. A coordinator invites a partner; the
partner endorses through the emailed link; the endorsement is an OB 3.0 EndorsementCredential
signed by the partner's own key (did:web) and a hosted OB 2.0 Endorsement, embedded or linked in
the badge class's documents and in credentials signed after it, shown on the pages; the author
withdraws it through the link emailed to them, and every verifier sees the withdrawal."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.domain import status_bits
from service.openbadges.schema import endorsement_schema_errors
from service.persistence.database import Database
from service.persistence.endorsement_tables import Endorsement, EndorsementInvitation, Endorser
from service.persistence.training_tables import OutboxMessage
from service.worker import drain_once
from tests.api.conftest import World
from tests.api.test_sessions import sender, services_of
from tests.factories import auth, create_badge_class, earner_link, issue_award, row_counts
from tests.smtp_server import smtp_server

BROWSER = {"Accept": "text/html"}
PARTNER = "contact@france-services.example"


def invite(client: TestClient, token: str, issuer_id: str, **body: Any) -> Any:
    return client.post(f"/api/v1/issuers/{issuer_id}/endorsement-invitations", json=body, headers=auth(token))


def drain(app: FastAPI) -> list[Any]:
    """Send everything queued to a real SMTP server; the messages it received."""
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    return list(inbox.messages)


def emailed_link(app: FastAPI, recipient: str, pattern: str) -> tuple[str, str, str]:
    """Send what is queued to a real SMTP server: (the link's path, the subject, the text)."""
    return link_in(drain(app), recipient, pattern)


def link_in(messages: list[Any], recipient: str, pattern: str) -> tuple[str, str, str]:
    """(the link's path, the subject, the text) of the last message to ``recipient``."""
    mails = [m for m in messages if recipient in str(m["To"]).lower()]
    assert mails, [str(m["To"]) for m in messages]
    mail = mails[-1]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+(" + pattern + r"\S+)", body)
    assert found, body
    return found.group(1), str(mail["Subject"]), body


def form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "France Services du Pays Basque",
        "kind": "organisation",
        "organisation": "",
        "url": "https://france-services.example/pays-basque",
        "public_email": PARTNER,
        "comment": "Nos agents formés par ce réseau accueillent mieux les personnes éloignées du numérique.",
        "consent": "oui",
    }
    values.update(overrides)
    return values


def endorse_partner(client: TestClient, app: FastAPI, world: World, **overrides: str) -> tuple[str, str]:
    """Invite the partner, follow the emailed link, endorse: (endorsement id, withdrawal path)."""
    answer = invite(
        client,
        world.coordinator,
        world.issuer_id,
        subject_kind="badge-class",
        subject_id=world.badge_class_id,
        basis="partner",
        email=PARTNER,
        name="France Services",
    )
    assert answer.status_code == 201, answer.text
    link, subject, body = emailed_link(app, PARTNER, "/recommander/")
    assert subject == "Une invitation à recommander un badge"
    assert "comme organisation partenaire" in body
    assert "as partner organisation" in body
    page = client.get(link, headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    text = unescape(page.text)
    assert "recommander le badge « Médiation numérique — accueil »" in text or "recommander le badge" in text
    made = client.post(link, data=form(**overrides), headers=BROWSER)
    assert made.status_code == 200, made.text
    assert "Merci\u202f: votre recommandation est publiée et signée." in unescape(made.text)
    endorsement_id = re.search(r"/endorsements/([a-z2-7]{26})", made.text)
    assert endorsement_id
    withdrawal, subject, _ = emailed_link(app, PARTNER, "/recommandations/retrait/")
    assert subject == "Votre recommandation est publiée"
    return endorsement_id.group(1), withdrawal


def verify_json(client: TestClient, document: Any) -> Any:
    answer = client.post("/verify", json={"credential": document}, headers={"Accept-Language": "en"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_partner_endorses_a_badge_class_in_both_standards_and_withdraws(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    endorsement_id, withdrawal = endorse_partner(client, app, world)

    # OB 3.0: an EndorsementCredential signed by the partner's own did:web key.
    credential = client.get(f"/endorsements/{endorsement_id}/credential").json()
    assert credential["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert credential["issuer"]["id"].startswith("did:web:badges.example.test:endorsers:")
    assert credential["issuer"]["name"] == "France Services du Pays Basque"
    assert credential["credentialSubject"] == {
        "id": f"https://badges.example.test/badges/{world.badge_class_id}/achievement",
        "type": ["EndorsementSubject"],
        "endorsementComment": form()["comment"],
    }
    assert [p["cryptosuite"] for p in credential["proof"]] == ["eddsa-rdfc-2022"]
    assert endorsement_schema_errors(credential) == []
    endorser_id = credential["issuer"]["id"].rsplit(":", 1)[1]
    did_document = client.get(f"/endorsers/{endorser_id}/did.json").json()
    assert did_document["assertionMethod"] == [credential["proof"][0]["verificationMethod"]]
    assert PARTNER not in str(did_document)  # the address the invitation went to stays private
    verdict = verify_json(client, credential)
    assert verdict["verdict"] == "valid", verdict["checks"]
    assert {c["name"] for c in verdict["checks"]} >= {"proof", "issuer-key", "schema", "status"}

    # OB 2.0: a hosted Endorsement issued by the partner's Profile; linked from the BadgeClass.
    ob2 = client.get(f"/endorsements/{endorsement_id}").json()
    assert ob2["type"] == "Endorsement"
    assert ob2["claim"] == {
        "id": f"https://badges.example.test/badges/{world.badge_class_id}",
        "endorsementComment": form()["comment"],
    }
    profile = client.get(ob2["issuer"]).json()
    assert profile["type"] == "Profile"
    assert profile["email"] == PARTNER
    assert profile["url"] == "https://france-services.example/pays-basque"
    badge_class = client.get(f"/badges/{world.badge_class_id}").json()
    assert badge_class["endorsement"] == [f"https://badges.example.test/endorsements/{endorsement_id}"]

    # Embedded in the Achievement, and in every credential signed from now on.
    achievement = client.get(f"/badges/{world.badge_class_id}/achievement").json()
    assert achievement["endorsement"] == [credential]
    award = issue_award(client, world.coordinator, world.badge_class_id, recipient_email="lea@example.fr")
    signed = client.get(f"/awards/{award['id']}/credential").json()
    assert signed["credentialSubject"]["achievement"]["endorsement"] == [credential]
    verdict = verify_json(client, signed)
    assert verdict["verdict"] == "valid"
    [carried] = verdict["endorsements"]
    assert carried["verdict"] == "valid", carried["checks"]
    assert carried["about"] == "badge"
    assert carried["author"] == "France Services du Pays Basque"
    assert carried["comment"] == form()["comment"]
    assert "endorses-this" in [c["code"] for c in carried["checks"]]
    old = client.get(f"/awards/{world.award_id}/credential").json()
    assert "endorsement" not in old["credentialSubject"]["achievement"]  # signed before: unchanged

    # Shown on the badge class page, apart from the criteria.
    page = unescape(client.get(f"/badges/{world.badge_class_id}", headers=BROWSER).text)
    assert "Recommandations" in page
    assert form()["comment"] in page
    assert "Une recommandation n'est pas une certification" in page

    # Withdrawn by its author: gone from documents and pages, its status bit set.
    confirm = client.get(withdrawal, headers=BROWSER)
    assert confirm.status_code == 200
    assert "Retirer ma recommandation" in unescape(confirm.text)
    assert (
        client.get(f"/endorsements/{endorsement_id}/credential").status_code == 200
    )  # a GET changes nothing
    done = client.post(withdrawal, headers=BROWSER)
    assert done.status_code == 200
    assert "Votre recommandation est retirée." in unescape(done.text)
    assert client.get(f"/endorsements/{endorsement_id}/credential").status_code == 410
    assert client.get(f"/endorsements/{endorsement_id}").status_code == 410
    assert client.get(f"/endorsements/{endorsement_id}", headers=BROWSER).status_code == 410
    assert "endorsement" not in client.get(f"/badges/{world.badge_class_id}").json()
    assert "endorsement" not in client.get(f"/badges/{world.badge_class_id}/achievement").json()
    assert form()["comment"] not in unescape(
        client.get(f"/badges/{world.badge_class_id}", headers=BROWSER).text
    )
    status_list = client.get(credential["credentialStatus"]["statusListCredential"]).json()
    bits = status_bits.decode(status_list["credentialSubject"]["encodedList"])
    assert status_bits.is_set(bits, int(credential["credentialStatus"]["statusListIndex"]))
    withdrawn = verify_json(client, credential)
    assert withdrawn["verdict"] == "invalid"
    assert [c["code"] for c in withdrawn["checks"] if c["outcome"] == "failed"] == ["revoked"]
    # The award signed while it stood still verifies (the badge is not the endorsement), and
    # says that the endorsement it carries was withdrawn.
    verdict = verify_json(client, signed)
    assert verdict["verdict"] == "valid"
    assert verdict["endorsements"][0]["verdict"] == "invalid"
    assert "revoked" in [c["code"] for c in verdict["endorsements"][0]["checks"]]
    # Withdrawing twice is harmless.
    assert client.post(withdrawal, headers=BROWSER).status_code == 200


def test_the_invitation_link_works_once_and_only_as_sent(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    endorsement_id, _ = endorse_partner(client, app, world)
    with database.transaction(write=False) as session:
        invitation = session.scalars(select(EndorsementInvitation)).one()
        assert invitation.endorsement_id == endorsement_id
    from service.domain.endorsements import invitation_token

    secret = client.app.state.services.secret  # type: ignore[attr-defined]
    link = f"/recommander/{invitation_token(secret, invitation.id)}"
    again = client.post(link, data=form(), headers=BROWSER)
    assert again.status_code == 410
    assert "Invitation déjà utilisée" in unescape(again.text)
    forged = client.get(link[:-3] + "AAA", headers=BROWSER)
    assert forged.status_code == 404
    assert "Lien invalide" in unescape(forged.text)
    assert client.get("/recommander/" + "x" * 500, headers=BROWSER).status_code == 404


def test_each_refused_field_says_why_and_writes_nothing(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    assert (
        invite(
            client, world.coordinator, world.issuer_id, subject_kind="issuer", basis="partner", email=PARTNER
        ).status_code
        == 201
    )
    link, _, _ = emailed_link(app, PARTNER, "/recommander/")
    before = row_counts(database)
    cases = {
        "consent": (form(consent=""), "Accord manquant"),
        "comment": (form(comment="   "), "Recommandation manquante"),
        "name": (form(name=""), "Nom manquant"),
        "kind": (form(kind="robot"), "Choix manquant"),
        "url": (form(url="javascript:alert(1)"), "Site web invalide"),
        "public_email": (form(public_email="pas une adresse"), "Adresse invalide"),
    }
    for field, (values, title) in cases.items():
        answer = client.post(link, data=values, headers=BROWSER)
        assert answer.status_code == 422, field
        text = unescape(answer.text)
        assert title in text, field
        assert f'href="#{field}"' in text, field
        assert form()["comment"] in text or field == "comment"  # what was typed is kept
    control = client.post(link, data=form(comment="un\x00deux"), headers=BROWSER)
    assert control.status_code == 422
    assert row_counts(database) == before
    # The issuer endorsed by a partner: the OB 2.0 Issuer links it, the OB 3.0 Profile embeds it.
    assert client.post(link, data=form(), headers=BROWSER).status_code == 200
    issuer = client.get(f"/issuers/{world.issuer_id}").json()
    assert len(issuer["endorsement"]) == 1
    profile = client.get(f"/issuers/{world.issuer_id}/profile").json()
    assert profile["endorsement"][0]["credentialSubject"]["id"] == profile["id"]


def test_who_may_be_invited_on_which_basis(client: TestClient, app: FastAPI, world: World) -> None:
    def refused(token: str, issuer_id: str, **body: Any) -> tuple[int, str]:
        answer = invite(client, token, issuer_id, **body)
        assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
        return answer.status_code, answer.json().get("code", answer.json().get("type", ""))

    peer = {"subject_kind": "badge-class", "subject_id": world.badge_class_id, "email": "pair@example.fr"}
    # A peer who does not hold the badge, a trainer who trained no such session: refused.
    assert refused(world.coordinator, world.issuer_id, basis="peer", **peer)[0] == 409
    assert refused(world.coordinator, world.issuer_id, basis="trainer", **peer)[0] == 409
    # An issuer is endorsed by organisations, not by its earners.
    assert (
        refused(
            world.coordinator, world.issuer_id, subject_kind="issuer", basis="peer", email="pair@example.fr"
        )[0]
        == 422
    )
    # Nobody endorses their own badge.
    assert (
        refused(
            world.coordinator,
            world.issuer_id,
            subject_kind="award",
            subject_id=world.award_id,
            basis="peer",
            email="camille.durand@example.fr",
        )[0]
        == 409
    )
    # Another issuer's coordinator, a viewer, no token: never.
    assert (
        invite(client, world.other_coordinator, world.issuer_id, basis="partner", **peer).status_code == 403
    )
    assert invite(client, world.viewer, world.issuer_id, basis="partner", **peer).status_code == 403
    assert (
        client.post(
            f"/api/v1/issuers/{world.issuer_id}/endorsement-invitations", json={"basis": "partner", **peer}
        ).status_code
        == 401
    )
    # One's own issuer, another issuer's badge: not found.
    other_badge = create_badge_class(client, world.other_coordinator, world.other_issuer_id)
    assert (
        invite(
            client,
            world.other_coordinator,
            world.other_issuer_id,
            subject_kind="badge-class",
            subject_id=world.badge_class_id,
            basis="partner",
            email=PARTNER,
        ).status_code
        == 404
    )
    assert other_badge["id"]
    # Junk: 422, never 500.
    for junk in (
        {"subject_kind": "award", "basis": "partner", "email": PARTNER},
        {"subject_kind": "issuer", "basis": "reviewer", "email": PARTNER},
        {"subject_kind": "issuer", "basis": "partner", "email": "x"},
        {"subject_kind": "issuer", "basis": "partner", "email": PARTNER, "extra": 1},
        {"subject_kind": "nothing", "basis": "partner", "email": PARTNER},
    ):
        assert invite(client, world.coordinator, world.issuer_id, **junk).status_code in (404, 422), junk
    # A holder of the badge may be invited as a peer.
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email="pair@example.fr")
    assert invite(client, world.coordinator, world.issuer_id, basis="peer", **peer).status_code == 201


def test_an_earner_asks_a_peer_and_learns_nothing_of_others_badges(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    holder = issue_award(client, world.coordinator, world.badge_class_id, recipient_email="pair@example.fr")
    own = earner_link(client, world.award_id)

    def ask(email: str) -> str:
        answer = client.post(f"{own}/recommandation", data={"email": email}, follow_redirects=False)
        assert answer.status_code == 303
        return str(answer.headers["location"])

    assert ask("personne@example.fr").endswith("fait=demande")
    assert ask("Pair@Example.fr").endswith("fait=demande")  # the same answer
    assert ask("camille.durand@example.fr").endswith("fait=demande")  # oneself: silently nothing
    assert ask("pas une adresse").endswith("fait=adresse-invalide")
    with database.transaction(write=False) as session:
        sent = session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == "endorsement-invitation")
        )
        assert list(sent) == ["pair@example.fr"]
    link, _, body = emailed_link(app, "pair@example.fr", "/recommander/")
    assert "as peer holding the badge" in body
    page = unescape(client.get(link, headers=BROWSER).text)
    assert "confirmer que Camille Durand a bien obtenu le badge" in page
    made = client.post(
        link,
        data=form(
            name="Alex Martin",
            kind="person",
            organisation="Médiathèque de Bayonne",
            url="",
            public_email="pair@example.fr",
            comment="J'ai vu Camille animer l'atelier.",
        ),
        headers=BROWSER,
    )
    assert made.status_code == 200
    # On the earner's page and, once published, on the public page; in the hosted assertion.
    assert "Alex Martin (Médiathèque de Bayonne)" in unescape(client.get(own).text)
    assert len(client.get(f"/awards/{world.award_id}").json()["endorsement"]) == 1
    # The holder of the peer's badge is not told anything about the earner.
    assert holder["id"]
    # A flood from one page sends no more than the daily allowance, holders or not.
    assert ask("quelquun@example.fr").endswith("fait=demande")
    assert ask("autre@example.fr").endswith("fait=demande")  # the fifth valid ask of the day
    assert ask("encore@example.fr").endswith("fait=demandes-epuisees")
    assert ask("Pair@example.fr").endswith("fait=demandes-epuisees")
    with database.transaction(write=False) as session:
        count = len(session.scalars(select(EndorsementInvitation)).all())
    assert count == 1  # only the holder was ever written to


def test_erasing_the_earner_withdraws_the_endorsements_of_their_badge(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email="pair@example.fr")
    own = earner_link(client, world.award_id)
    client.post(f"{own}/recommandation", data={"email": "pair@example.fr"})
    link, _, _ = emailed_link(app, "pair@example.fr", "/recommander/")
    assert (
        client.post(
            link, data=form(kind="person", public_email="pair@example.fr"), headers=BROWSER
        ).status_code
        == 200
    )
    with database.transaction(write=False) as session:
        endorsement = session.scalars(select(Endorsement)).one()
    erased = client.post(f"{own}/effacer", data={"confirm": "1"}, follow_redirects=False)
    assert erased.status_code == 303, erased.text
    assert client.get(f"/endorsements/{endorsement.id}/credential").status_code == 410
    with database.transaction(write=False) as session:
        assert session.get(Endorsement, endorsement.id).withdrawn_at is not None  # type: ignore[union-attr]
        assert session.scalars(select(Endorser)).one().email == "pair@example.fr"  # the author's own


def _resigned(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    """The credential signed again by its issuer's key after a change: what an issuer that
    embeds a forged or misplaced endorsement would hand out."""
    from datetime import UTC, datetime

    from service.signing.data_integrity import add_proof

    services = client.app.state.services  # type: ignore[attr-defined]
    method = credential["proof"][0]["verificationMethod"]
    issuer_id = method.split(":issuers:")[1].split("#")[0]
    key = services.keys.load(issuer_id, method.split("#")[1])
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    return add_proof(unsigned, key, method, datetime(2026, 11, 22, 10, tzinfo=UTC))


def test_verification_judges_each_endorsement_on_its_own(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    # A peer's endorsement of one award, linked from the hosted OB 2.0 assertion.
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email="pair@example.fr")
    client.post(f"{earner_link(client, world.award_id)}/recommandation", data={"email": "pair@example.fr"})
    link, _, _ = emailed_link(app, "pair@example.fr", "/recommander/")
    made = client.post(
        link, data=form(name="Alex Martin", kind="person", public_email="pair@example.fr"), headers=BROWSER
    )
    assert made.status_code == 200
    answer = client.post("/verify", json={"input": f"https://badges.example.test/awards/{world.award_id}"})
    hosted = answer.json()
    assert hosted["verdict"] == "valid", hosted["checks"]
    [peer] = hosted["endorsements"]
    assert peer["verdict"] == "valid", peer["checks"]
    assert peer["about"] == "award"
    assert peer["author"] == "Alex Martin"
    assert {c["code"] for c in peer["checks"]} >= {"endorses-this", "endorsement-hosted-by-author"}

    # An issuer's credential that carries a forged or misplaced endorsement: the badge stands,
    # the endorsement does not.
    endorsement_id, _ = endorse_partner(client, app, world)
    award = issue_award(client, world.coordinator, world.badge_class_id, recipient_email="lea@example.fr")
    signed = client.get(f"/awards/{award['id']}/credential").json()
    achievement = signed["credentialSubject"]["achievement"]
    genuine = achievement["endorsement"][0]
    forged = {
        **genuine,
        "credentialSubject": {**genuine["credentialSubject"], "endorsementComment": "Excellent\u202f!"},
    }
    achievement["endorsement"] = [forged]
    verdict = verify_json(client, _resigned(client, signed))
    assert verdict["verdict"] == "valid"
    assert verdict["endorsements"][0]["verdict"] == "invalid"
    assert [c["code"] for c in verdict["endorsements"][0]["checks"] if c["outcome"] == "failed"] == [
        "tampered"
    ]
    assert verdict["endorsements"][0]["author"] is None  # a forged document names nobody

    elsewhere = create_badge_class(client, world.coordinator, world.issuer_id, name="Autre badge")
    other = issue_award(client, world.coordinator, elsewhere["id"], recipient_email="lea@example.fr")
    moved = client.get(f"/awards/{other['id']}/credential").json()
    # Twelve distinct copies (identical ones would merge into a symmetric graph that the
    # canonicalization guard refuses): the genuine one first, then eleven with altered proofs.
    copies = [genuine] + [
        {
            **genuine,
            "proof": [
                {**genuine["proof"][0], "proofValue": genuine["proof"][0]["proofValue"][:-2] + f"{n:02d}"}
            ],
        }
        for n in range(11)
    ]
    moved["credentialSubject"]["achievement"]["endorsement"] = copies
    verdict = verify_json(client, _resigned(client, moved))
    assert verdict["verdict"] == "valid"
    assert len(verdict["endorsements"]) == 10
    assert verdict["endorsements_unchecked"] == 2
    failed = [c["code"] for c in verdict["endorsements"][0]["checks"] if c["outcome"] == "failed"]
    assert failed == ["endorses-something-else"]
    assert endorsement_id

    # The page shows them apart from the badge's own checks.
    page = client.post("/verifier", data={"input": f"https://badges.example.test/awards/{world.award_id}"})
    text = unescape(page.text)
    assert "Recommandations jointes" in text
    assert "signée par « Alex Martin »" in text
