"""Issue 20, point 3: a network lets a member structure award one of its badge classes. The award
is the member's (issuer, keys, status list); the credential names the network's class and the
network as the achievement's creator; OB 2.0 names the class as the member awards it. A member
cannot award a class it was not allowed; the network's coordinators see and revoke every award
of its classes; its report counts them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from service.domain import status_bits
from service.domain.access import Role
from service.openbadges.schema import schema_errors
from service.persistence.database import Database
from tests.api.conftest import World
from tests.factories import auth, create_badge_class, create_issuer, make_token

PUBLIC = "https://badges.example.test"


def member_of(client: TestClient, world: World) -> None:
    """world.other_issuer_id becomes a member of world.issuer_id, allowed the world's class."""
    added = client.put(
        f"/api/v1/issuers/{world.issuer_id}/members/{world.other_issuer_id}", headers=auth(world.admin)
    )
    assert added.status_code == 200, added.text
    granted = client.put(
        f"/api/v1/badge-classes/{world.badge_class_id}/member-grants",
        json={"issuer_ids": [world.other_issuer_id]},
        headers=auth(world.coordinator),
    )
    assert granted.status_code == 200, granted.text


def member_award(client: TestClient, world: World, token: str | None = None, **body: Any) -> Any:
    return client.post(
        f"/api/v1/issuers/{world.other_issuer_id}/network-awards",
        json={
            "badge_class_id": world.badge_class_id,
            "recipient_email": "lou.garcia@mairie.example.fr",
            "notify": False,
            **body,
        },
        headers=auth(token or world.other_coordinator),
    )


def verify(client: TestClient, given: Any) -> Any:
    body = {"credential": given} if isinstance(given, dict) else {"input": given}
    return client.post("/verify", json=body).json()


def test_a_member_structure_awards_the_networks_badge_in_both_standards(
    client: TestClient, database: Database, world: World
) -> None:
    member_of(client, world)
    listed = client.get(
        f"/api/v1/issuers/{world.other_issuer_id}/network-badge-classes",
        headers=auth(world.other_coordinator),
    ).json()
    assert [c["id"] for c in listed] == [world.badge_class_id]
    answer = member_award(client, world)
    assert answer.status_code == 201, answer.text
    award = answer.json()
    assert award["issuer_id"] == world.other_issuer_id
    assert award["badge_class_id"] == world.badge_class_id

    # OB 3.0: issued by the member, the network's achievement with the network as creator.
    credential = client.get(f"/awards/{award['id']}/credential").json()
    assert credential["issuer"]["id"] == f"did:web:badges.example.test:issuers:{world.other_issuer_id}"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == f"{PUBLIC}/badges/{world.badge_class_id}/achievement"
    assert achievement["creator"]["id"] == f"did:web:badges.example.test:issuers:{world.issuer_id}"
    assert achievement["creator"]["type"] == ["Profile"]
    assert schema_errors({**credential, "proof": credential["proof"]}) == []
    assert credential["credentialStatus"]["statusListCredential"].startswith(f"{PUBLIC}/status/")
    verdict = verify(client, credential)
    assert verdict["verdict"] == "valid", verdict["checks"]
    assert verdict["issuer"]["id"].endswith(world.other_issuer_id)

    # OB 2.0: the class as the member awards it, issued by the member; hosted and signed verify.
    hosted = client.get(f"/awards/{award['id']}").json()
    assert hosted["badge"] == f"{PUBLIC}/badges/{world.badge_class_id}/membres/{world.other_issuer_id}"
    badge_class = client.get(hosted["badge"].removeprefix(PUBLIC)).json()
    assert badge_class["issuer"] == f"{PUBLIC}/issuers/{world.other_issuer_id}"
    assert badge_class["name"] == client.get(f"/badges/{world.badge_class_id}").json()["name"]
    assert verify(client, f"{PUBLIC}/awards/{award['id']}")["verdict"] == "valid"
    assert verify(client, client.get(f"/awards/{award['id']}/signed").text)["verdict"] == "valid"
    # Its page says who awarded it, and whose badge it is.
    holder_page = client.get(f"/awards/{award['id']}/credential.jwt")
    assert holder_page.status_code == 200
    # A class as a non-member awards it does not exist.
    third = create_issuer(client, world.admin, name="Tiers-lieu", siret=None)
    assert client.get(f"/badges/{world.badge_class_id}/membres/{third['id']}").status_code == 404
    assert client.get(f"/badges/{world.badge_class_id}/membres/{world.issuer_id}").status_code == 404


def test_who_may_award_see_and_revoke_a_network_badge(
    client: TestClient, database: Database, world: World
) -> None:
    # Not yet a member, or not allowed this class: refused, nothing written.
    assert member_award(client, world).status_code == 403
    client.put(
        f"/api/v1/issuers/{world.issuer_id}/members/{world.other_issuer_id}", headers=auth(world.admin)
    )
    refused = member_award(client, world)
    assert refused.status_code == 403
    assert refused.json()["code"] == "network-badge-not-allowed"
    other_class = create_badge_class(client, world.coordinator, world.issuer_id, name="Pas pour les membres")
    member_of(client, world)
    assert member_award(client, world, badge_class_id=other_class["id"]).status_code == 403
    # Membership and grants are the admin's and the network's: a member cannot grant itself.
    assert (
        client.put(
            f"/api/v1/badge-classes/{world.badge_class_id}/member-grants",
            json={"issuer_ids": [world.other_issuer_id]},
            headers=auth(world.other_coordinator),
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/v1/issuers/{world.issuer_id}/members/{world.other_issuer_id}",
            headers=auth(world.coordinator),
        ).status_code
        == 403
    )
    # Grants name members only; the usual route stays the network's own.
    third = create_issuer(client, world.admin, name="Tiers-lieu", siret=None)
    not_member = client.put(
        f"/api/v1/badge-classes/{world.badge_class_id}/member-grants",
        json={"issuer_ids": [third["id"]]},
        headers=auth(world.coordinator),
    )
    assert not_member.status_code == 422
    assert (
        client.post(
            f"/api/v1/badge-classes/{world.badge_class_id}/awards",
            json={"recipient_email": "x@example.fr"},
            headers=auth(world.other_coordinator),
        ).status_code
        == 403
    )
    # A third structure's coordinator cannot award in the member's name.
    third_coordinator = make_token(database, Role.COORDINATOR, [third["id"]])
    assert member_award(client, world, token=third_coordinator).status_code == 403

    first = member_award(client, world).json()
    second = member_award(client, world, recipient_email="sacha@mairie.example.fr").json()
    # The network sees every award of its classes, the member its own.
    network_list = client.get(
        f"/api/v1/issuers/{world.issuer_id}/awards", headers=auth(world.coordinator)
    ).json()
    assert {first["id"], second["id"]} <= {a["id"] for a in network_list["items"]}
    assert client.get(f"/api/v1/awards/{first['id']}", headers=auth(world.coordinator)).status_code == 200
    assert client.get(f"/api/v1/awards/{first['id']}", headers=auth(third_coordinator)).status_code == 403
    # The network revokes a member's award; the member revokes its own; a third, neither.
    assert (
        client.post(
            f"/api/v1/awards/{first['id']}/revoke", json={"reason": "Erreur"}, headers=auth(third_coordinator)
        ).status_code
        == 403
    )
    revoked = client.post(
        f"/api/v1/awards/{first['id']}/revoke", json={"reason": "Erreur"}, headers=auth(world.coordinator)
    )
    assert revoked.status_code == 200, revoked.text
    assert (
        client.post(
            f"/api/v1/awards/{second['id']}/revoke",
            json={"reason": "Doublon"},
            headers=auth(world.other_coordinator),
        ).status_code
        == 200
    )
    credential = client.get(f"/awards/{first['id']}/credential").json()
    status = client.get(credential["credentialStatus"]["statusListCredential"].removeprefix(PUBLIC)).json()
    bits = status_bits.decode(status["credentialSubject"]["encodedList"])
    assert status_bits.is_set(bits, int(credential["credentialStatus"]["statusListIndex"]))
    assert verify(client, credential)["verdict"] == "invalid"
    assert client.get(f"/awards/{first['id']}").status_code == 410

    # A member that leaves awards no more; what it awarded still verifies.
    third_award = member_award(client, world, recipient_email="noa@mairie.example.fr").json()
    left = client.delete(
        f"/api/v1/issuers/{world.issuer_id}/members/{world.other_issuer_id}", headers=auth(world.admin)
    )
    assert left.status_code == 204
    assert member_award(client, world).status_code == 403
    assert verify(client, f"{PUBLIC}/awards/{third_award['id']}")["verdict"] == "valid"


def test_the_networks_report_counts_what_its_members_awarded(client: TestClient, world: World) -> None:
    member_of(client, world)
    assert member_award(client, world, issued_on="2026-11-20T10:00:00Z").status_code == 201
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    network = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report", params=period, headers=auth(world.viewer)
    ).json()
    member = client.get(
        f"/api/v1/issuers/{world.other_issuer_id}/report",
        params=period,
        headers=auth(world.other_coordinator),
    ).json()
    assert network["badges_issued"] == 2  # the world's own award and the member's
    assert member["badges_issued"] == 1


def test_the_console_grants_a_member_and_the_member_awards_from_its_own_console(
    client: TestClient, database: Database, world: World
) -> None:
    from html import unescape

    from tests.factories import console_csrf, make_account, publish, sign_in

    client.put(
        f"/api/v1/issuers/{world.issuer_id}/members/{world.other_issuer_id}", headers=auth(world.admin)
    )
    make_account(database, Role.COORDINATOR, [world.issuer_id], email="reseau@example.fr")
    sign_in(client, "reseau@example.fr")
    page = unescape(client.get(f"/console/badges/{world.badge_class_id}").text)
    assert "Structures membres qui peuvent attribuer ce badge" in page
    granted = client.post(
        f"/console/badges/{world.badge_class_id}/membres",
        data={"csrf": console_csrf(client), "member": world.other_issuer_id},
        follow_redirects=False,
    )
    assert granted.status_code == 303, granted.text
    forged = client.post(
        f"/console/badges/{world.badge_class_id}/membres",
        data={"csrf": console_csrf(client), "member": "x" * 26},
    )
    assert forged.status_code == 422
    client.cookies.clear()
    make_account(database, Role.COORDINATOR, [world.other_issuer_id], email="membre@example.fr")
    sign_in(client, "membre@example.fr")
    listing = unescape(client.get(f"/console/emetteurs/{world.other_issuer_id}/attributions").text)
    assert "Badges des réseaux dont la structure est membre" in listing
    made = client.post(
        f"/console/emetteurs/{world.other_issuer_id}/attributions/nouvelle",
        data={
            "csrf": console_csrf(client),
            "badge_class_id": world.badge_class_id,
            "recipient_email": "lou.garcia@mairie.example.fr",
            "recipient_name": "Lou Garcia",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    award_id = made.headers["location"].split("q=")[1].split("&")[0]
    listed = client.get(f"/api/v1/awards/{award_id}", headers=auth(world.other_coordinator)).json()
    assert listed["issuer_id"] == world.other_issuer_id
    # The member cannot grant itself, nor award the network's other classes from its console.
    assert (
        client.post(
            f"/console/badges/{world.badge_class_id}/membres", data={"csrf": console_csrf(client)}
        ).status_code
        == 403
    )
    other = create_badge_class(client, world.coordinator, world.issuer_id, name="Réservé au réseau")
    refused = client.post(
        f"/console/emetteurs/{world.other_issuer_id}/attributions/nouvelle",
        data={"csrf": console_csrf(client), "badge_class_id": other["id"], "recipient_email": "x@example.fr"},
    )
    assert refused.status_code == 422
    # Its public page says who awarded it and whose badge it is.
    assert client.get(f"/b/{award_id}").status_code == 404  # private until its holder publishes it
    publish(client, award_id)
    shown = unescape(client.get(f"/b/{award_id}").text)
    member_name = client.get(f"/issuers/{world.other_issuer_id}").json()["name"]
    network_name = client.get(f"/issuers/{world.issuer_id}").json()["name"]
    assert (
        f'Émis par</dt><dd><a href="https://badges.example.test/issuers/{world.other_issuer_id}">{member_name}'
        in shown
    )
    assert f'Badge du réseau</dt><dd><a href="/issuers/{world.issuer_id}">{network_name}' in shown
