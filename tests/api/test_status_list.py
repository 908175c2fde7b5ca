"""OB 3.0 revocation through a Bitstring Status List, in step with OB 2.0 revocation."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update

from service.clock import FixedClock
from service.domain import status_bits
from service.domain.status_bits import MIN_ENTRIES, decode, encode, is_set
from service.persistence.database import Database
from service.persistence.tables import StatusEntry, StatusList
from service.usecases import awards, badge_classes
from service.usecases.commands import AwardCreate
from service.usecases.status import FILL_LIMIT
from service.verification.ob2 import Fetched
from service.verification.ob3 import StatusChecker, verify_credential
from service.verification.report import Outcome, Report
from service.verification.status import bitstring_checker
from tests.api.conftest import World
from tests.api.test_ob3 import credential_of, did_resolver, status_checker
from tests.factories import auth, issue_award

PUBLIC = "https://badges.example.test"


def status_list_of(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    response = client.get(credential["credentialStatus"]["statusListCredential"].removeprefix(PUBLIC))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    document: dict[str, Any] = response.json()
    return document


def test_each_credential_has_a_random_place_in_its_issuers_list(client: TestClient, world: World) -> None:
    credentials = [credential_of(client, world.award_id)]
    credentials += [
        credential_of(client, issue_award(client, world.coordinator, world.badge_class_id)["id"])
        for _ in range(9)
    ]
    entries = [c["credentialStatus"] for c in credentials]
    assert {e["type"] for e in entries} == {"BitstringStatusListEntry"}
    assert {e["statusPurpose"] for e in entries} == {"revocation"}
    assert len({e["statusListCredential"] for e in entries}) == 1  # one list for the issuer
    positions = [int(e["statusListIndex"]) for e in entries]
    assert len(set(positions)) == 10
    assert positions != sorted(positions) or max(positions) > 1000  # not handed out in order
    assert all(e["id"] == f"{e['statusListCredential']}#{e['statusListIndex']}" for e in entries)
    status_list = status_list_of(client, credentials[0])
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["issuer"] == credentials[0]["issuer"]["id"]
    assert status_list["credentialSubject"]["statusPurpose"] == "revocation"
    bits = decode(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == MIN_ENTRIES
    assert not any(is_set(bits, p) for p in positions)


def test_revocation_shows_on_the_next_fetch_in_both_standards(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    credential = credential_of(client, world.award_id)
    other = credential_of(client, issue_award(client, world.coordinator, world.badge_class_id)["id"])
    report = verify_credential(
        credential, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    )
    assert report.outcome_of("status") is Outcome.PASSED
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke",
        json={"reason": "Erreur de saisie"},
        headers=auth(world.coordinator),
    )
    bits = decode(status_list_of(client, credential)["credentialSubject"]["encodedList"])
    assert is_set(bits, int(credential["credentialStatus"]["statusListIndex"]))
    assert not is_set(bits, int(other["credentialStatus"]["statusListIndex"]))
    revoked = verify_credential(
        credential, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    )
    assert revoked.outcome_of("status") is Outcome.FAILED
    assert "revoked" in next(c.reason for c in revoked.checks if c.name == "status")
    assert revoked.outcome_of("proof") is Outcome.PASSED  # the credential is genuine, and revoked
    still = verify_credential(
        other, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    )
    assert still.valid
    assert (
        client.get(f"/awards/{world.award_id}", headers={"Accept": "application/json"}).status_code == 410
    )  # OB 2.0


def test_a_forged_or_foreign_status_list_is_refused(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    credential = credential_of(client, world.award_id)
    genuine = status_list_of(client, credential)
    # A list "un-revoking" nothing but re-encoded by someone else: the proof no longer matches.
    forged = copy.deepcopy(genuine)
    forged["credentialSubject"]["encodedList"] = encode(b"\xff" * (MIN_ENTRIES // 8))
    other_credential = credential_of(
        client, issue_award(client, world.coordinator, world.badge_class_id)["id"]
    )
    foreign_award = client.post(
        f"/api/v1/issuers/{world.other_issuer_id}/badge-classes",
        json={
            "name": "B",
            "description": "D",
            "criteria_narrative": "C",
            "image": "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=",
        },
        headers=auth(world.admin),
    )
    assert foreign_award.status_code == 201, foreign_award.text
    foreign_credential = credential_of(
        client, issue_award(client, world.admin, foreign_award.json()["id"])["id"]
    )
    foreign_list = status_list_of(client, foreign_credential)
    for served, why in ((forged, "status-list-proof"), (foreign_list, "status-list-other-issuer")):
        checker = bitstring_checker(
            fetch=lambda _url, doc=served: Fetched(200, doc), resolve_did=did_resolver(client)
        )
        assert run(checker, other_credential) == ("failed", why)
    unreachable = bitstring_checker(fetch=lambda _url: Fetched(0, None), resolve_did=did_resolver(client))
    assert run(unreachable, other_credential) == ("failed", "status-list-unreachable")
    for entry in (
        {"type": "1EdTechRevocationList", "id": "x"},
        {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
    ):
        odd = {**other_credential, "credentialStatus": entry}
        assert run(status_checker(client), odd)[0] == "failed"  # fails closed on what it cannot check


def run(checker: StatusChecker, credential: dict[str, Any]) -> tuple[str, str]:
    report = Report()
    checker(credential, report)
    return report.checks[0].outcome.value, report.checks[0].code


def test_unknown_status_list(client: TestClient) -> None:
    for list_id in ("x" * 26, "inconnu", "%00"):
        assert client.get(f"/status/{list_id}").status_code == 404


def test_the_list_is_revalidated_cheaply_and_changes_with_a_revocation(
    client: TestClient, world: World
) -> None:
    url = credential_of(client, world.award_id)["credentialStatus"]["statusListCredential"]
    path = url.removeprefix(PUBLIC)
    first = client.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = client.get(path)
    assert again.json() == first.json()  # not signed again: the same proof
    assert again.headers["etag"] == etag
    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": etag.removeprefix("W/")}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"autre", *'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"autre"'}).status_code == 200
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Erreur"}, headers=auth(world.coordinator)
    )
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200  # the revocation shows on the next fetch, cache or not
    assert changed.headers["etag"] != etag
    assert changed.json()["credentialSubject"] != first.json()["credentialSubject"]


def test_a_key_rotation_re_signs_the_list(client: TestClient, world: World) -> None:
    path = credential_of(client, world.award_id)["credentialStatus"]["statusListCredential"]
    before = client.get(path.removeprefix(PUBLIC))
    rotated = client.post(f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.admin))
    assert rotated.status_code in (200, 201), rotated.text
    after = client.get(path.removeprefix(PUBLIC))
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["proof"][0]["verificationMethod"] != before.json()["proof"][0]["verificationMethod"]


def test_a_new_list_opens_when_the_current_one_is_three_quarters_full(
    client: TestClient, world: World, database: Database
) -> None:
    first = credential_of(client, world.award_id)["credentialStatus"]["statusListCredential"]
    with database.transaction() as session:
        session.execute(update(StatusList).values(allocated=FILL_LIMIT - 1))
    just_fits = issue_award(client, world.coordinator, world.badge_class_id)["id"]
    assert credential_of(client, just_fits)["credentialStatus"]["statusListCredential"] == first
    overflow = issue_award(client, world.coordinator, world.badge_class_id)["id"]
    second = credential_of(client, overflow)["credentialStatus"]["statusListCredential"]
    assert second != first
    following = issue_award(client, world.coordinator, world.badge_class_id)["id"]
    assert credential_of(client, following)["credentialStatus"]["statusListCredential"] == second
    for url in (first, second):  # the full list is still published: its credentials still check
        assert client.get(url.removeprefix(PUBLIC)).status_code == 200
    with database.transaction(write=False) as session:
        counts = {
            row.id: row.allocated for row in session.execute(select(StatusList.id, StatusList.allocated))
        }
    assert counts[second.rsplit("/", 1)[1]] == 2
    assert counts[first.rsplit("/", 1)[1]] == FILL_LIMIT


def test_a_checked_list_proof_is_remembered_until_the_list_changes(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    from service.verification import status as status_module

    status_module._PROOFS.clear()
    credential = credential_of(client, world.award_id)
    check = status_checker(client)
    assert run(check, credential) == ("passed", "not-revoked")
    assert run(check, credential) == ("passed", "not-revoked")
    assert len(status_module._PROOFS) == 1  # the second check reused the first proof check
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Erreur"}, headers=auth(world.coordinator)
    )
    assert run(check, credential) == ("failed", "revoked")
    assert len(status_module._PROOFS) == 2  # a new list: checked afresh


def test_a_batch_issued_in_one_transaction_gets_distinct_places_and_is_written_in_one_flush(
    client: TestClient, world: World, app: FastAPI, database: Database, clock: FixedClock
) -> None:
    """As a session closing issues: ``flush=False``, then one flush. Places given earlier in the
    transaction are not in the database yet; the allocator must still never give one twice."""
    services = app.state.services
    before = credential_of(client, world.award_id)["credentialStatus"]
    batch = 30
    executed: list[tuple[str, bool]] = []

    def record(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, many: bool) -> None:
        executed.append((" ".join(statement.split()[:3]), many))

    with database.transaction() as session:
        ctx = services.context(session)
        badge = badge_classes.get(ctx, world.badge_class_id)
        issued = [
            awards.issue(ctx, badge, AwardCreate(recipient_email=f"p{i}@example.fr"), flush=False)
            for i in range(batch)
        ]
        event.listen(database.engine, "before_cursor_execute", record)
        try:
            session.flush()
        finally:
            event.remove(database.engine, "before_cursor_execute", record)
    award_inserts = [many for statement, many in executed if statement.startswith("INSERT INTO awards")]
    entry_inserts = [
        many for statement, many in executed if statement.startswith("INSERT INTO status_entries")
    ]
    assert len(award_inserts) == 1  # one multi-row statement each
    assert len(entry_inserts) == 1
    places = [int(a.credential["credentialStatus"]["statusListIndex"]) for a in issued if a.credential]
    assert len(places) == batch
    assert len(set(places) | {int(before["statusListIndex"])}) == batch + 1
    with database.transaction(write=False) as session:
        stored = set(session.scalars(select(StatusEntry.position)))
        allocated = session.scalar(select(StatusList.allocated))
    assert stored == set(places) | {int(before["statusListIndex"])}
    assert allocated == batch + 1
    last = credential_of(client, issued[-1].id)
    report = verify_credential(
        last, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    )
    assert report.valid


def test_a_place_given_earlier_in_the_transaction_is_never_drawn_again(
    world: World, app: FastAPI, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draws are forced to repeat (the random source is the one thing replaced): places given
    earlier in the batch are not flushed yet, so only the allocator's own memory refuses them."""
    draws = iter([5, 5, 7, 5, 7, 9, *range(10, 40)])
    monkeypatch.setattr(status_bits.secrets, "randbelow", lambda _size: next(draws))
    with database.transaction() as session:
        ctx = app.state.services.context(session)
        badge = badge_classes.get(ctx, world.badge_class_id)
        issued = [
            awards.issue(ctx, badge, AwardCreate(recipient_email=f"p{i}@example.fr"), flush=False)
            for i in range(12)  # past the point where the list's places are loaded at once
        ]
    places = [int(a.credential["credentialStatus"]["statusListIndex"]) for a in issued if a.credential]
    assert places[:3] == [5, 7, 9]
    assert len(set(places)) == 12
