"""Withdrawing a retired key (after a compromise): it disappears from every published key set,
and everything it signed, in every form, stops verifying; new signatures are unaffected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.verification.ob2 import verify_signed
from service.verification.ob3 import verify_credential, verify_jwt
from service.verification.report import Outcome
from tests.api.conftest import World
from tests.api.test_ob3 import credential_of, did_resolver, status_checker
from tests.api.test_public_documents import fetcher
from tests.api.test_vc_jwt import jwks_resolver
from tests.factories import auth, issue_award


def keys_of(client: TestClient, world: World) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = client.get(
        f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.viewer)
    ).json()["keys"]
    return keys


def rotate_then_withdraw_old(client: TestClient, world: World, clock: FixedClock) -> list[dict[str, Any]]:
    old = keys_of(client, world)
    clock.advance(timedelta(days=1))
    assert (
        client.post(
            f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator)
        ).status_code
        == 201
    )
    for key in old:
        response = client.post(
            f"/api/v1/issuers/{world.issuer_id}/keys/{key['kid']}/withdraw", headers=auth(world.admin)
        )
        assert response.status_code == 200, response.text
        assert response.json()["withdrawn_at"] == "2026-11-23T10:00:00Z"
    return old


def test_only_an_administrator_withdraws_keys(client: TestClient, world: World, clock: FixedClock) -> None:
    """Regression (issue 15, point 13): any coordinator of the issuer could withdraw its keys,
    which makes every badge they signed stop verifying. Administrators only."""
    old = keys_of(client, world)
    clock.advance(timedelta(days=1))
    client.post(f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator))
    refused = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/{old[0]['kid']}/withdraw", headers=auth(world.coordinator)
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/keys/{old[0]['kid']}").status_code == 200  # still published, still verifies


def test_the_active_key_cannot_be_withdrawn(client: TestClient, world: World) -> None:
    for key in keys_of(client, world):
        response = client.post(
            f"/api/v1/issuers/{world.issuer_id}/keys/{key['kid']}/withdraw", headers=auth(world.admin)
        )
        assert response.status_code == 409
        assert response.json()["code"] == "key-is-active"
    other_kid = client.get(f"/issuers/{world.other_issuer_id}/jwks.json").json()["keys"][0]["kid"]
    foreign = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/{other_kid}/withdraw", headers=auth(world.admin)
    )
    assert foreign.status_code == 404  # another issuer's key is not found here, whoever asks
    unknown = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/inconnue/withdraw", headers=auth(world.admin)
    )
    assert unknown.status_code == 404


def test_withdrawn_keys_are_unpublished_and_their_signatures_fail(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    signed_before = client.get(f"/awards/{world.award_id}/signed").text
    credential_before = credential_of(client, world.award_id)
    jwt_before = client.get(f"/awards/{world.award_id}/credential.jwt").text
    old = rotate_then_withdraw_old(client, world, clock)
    old_kids = {k["kid"] for k in old}
    again = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/{old[0]['kid']}/withdraw", headers=auth(world.admin)
    )
    assert again.json()["code"] == "key-already-withdrawn"
    for kid in old_kids:
        gone = client.get(f"/keys/{kid}")
        assert gone.status_code == 410
        assert gone.json()["code"] == "key-withdrawn"
    published = {k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]}
    published |= {k["kid"] for k in client.get(f"/issuers/{world.issuer_id}/jwks.json").json()["keys"]}
    assert not published & old_kids
    did = client.get(f"/issuers/{world.issuer_id}/did.json").json()
    assert not any(m["id"].split("#")[1] in old_kids for m in did["verificationMethod"])
    now = clock.now()
    assert (
        verify_signed(signed_before, fetch=fetcher(client), now=now).report.outcome_of("signature")
        is not Outcome.PASSED
    )
    di = verify_credential(
        credential_before, resolve_did=did_resolver(client), check_status=status_checker(client), now=now
    )
    assert not di.valid
    vc = verify_jwt(jwt_before, resolve_did=did_resolver(client), resolve_jwks=jwks_resolver(client), now=now)
    assert vc.outcome_of("issuer-key") is Outcome.FAILED
    fresh = issue_award(client, world.coordinator, world.badge_class_id)
    assert verify_credential(
        credential_of(client, fresh["id"]),
        resolve_did=did_resolver(client),
        check_status=status_checker(client),
        now=now,
    ).valid
    fresh_signed = client.get(f"/awards/{fresh['id']}/signed").text
    assert verify_signed(fresh_signed, fetch=fetcher(client), now=now).report.valid
    listing = keys_of(client, world)
    assert sum(k["withdrawn_at"] is not None for k in listing) == 3  # OB 2.0, VC-JWT, Data Integrity


def test_each_purpose_rotates_alone_and_unknown_options_rotate_nothing(
    client: TestClient, world: World
) -> None:
    """Regression (issue 15, point 3): `?algorithm=EdDSA` was ignored and every key rotated, and
    one RSA key served OB 2.0 and VC-JWT alike, so a VC-JWT rotation changed the key the OB 2.0
    issuer profile names. Each purpose has its own key; a misspelt option rotates nothing."""

    def active() -> dict[str, str]:
        return {k["purpose"]: k["kid"] for k in keys_of(client, world) if k["retired_at"] is None}

    before = active()
    assert set(before) == {"ob2", "vc-jwt", "data-integrity"}
    assert len(set(before.values())) == 3  # three keys, not one RSA key shared
    url = f"/api/v1/issuers/{world.issuer_id}/keys/rotate"
    only = client.post(url, params={"purpose": "vc-jwt"}, headers=auth(world.coordinator))
    assert only.status_code == 201, only.text
    assert [(k["purpose"], k["algorithm"]) for k in only.json()] == [("vc-jwt", "RS256")]
    after = active()
    assert after["ob2"] == before["ob2"]  # the key the OB 2.0 issuer profile names, untouched
    assert after["data-integrity"] == before["data-integrity"]
    assert after["vc-jwt"] != before["vc-jwt"]
    profile = client.get(f"/issuers/{world.issuer_id}", headers={"Accept": "application/ld+json"}).json()
    assert profile["publicKey"].endswith(f"/keys/{before['ob2']}")
    both = client.post(
        url, params=[("purpose", "ob2"), ("purpose", "data-integrity")], headers=auth(world.coordinator)
    )
    assert sorted(k["purpose"] for k in both.json()) == ["data-integrity", "ob2"]
    rotated = active()
    assert rotated["vc-jwt"] == after["vc-jwt"]
    for params in ({"purpose": "HS256"}, {"algorithm": "EdDSA"}, {"purpos": "ob2"}):
        refused = client.post(url, params=params, headers=auth(world.coordinator))
        assert refused.status_code == 422, (params, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert active() == rotated  # nothing rotated


def test_retired_keys_not_withdrawn_stay_in_the_did_document_and_the_jwk_set(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    first = {k["purpose"]: k["kid"] for k in keys_of(client, world)}
    clock.advance(timedelta(days=1))
    client.post(f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator))
    jwks = {k["kid"] for k in client.get(f"/issuers/{world.issuer_id}/jwks.json").json()["keys"]}
    assert set(first.values()) <= jwks
    did = client.get(f"/issuers/{world.issuer_id}/did.json").json()
    listed = {m["id"].split("#")[1]: m["type"] for m in did["verificationMethod"]}
    assert listed[first["data-integrity"]] == "Multikey"
    assert listed[first["vc-jwt"]] == "JsonWebKey"
    assert first["ob2"] not in listed  # OB 2.0 keys are named by the issuer profile, not the DID
    assert {m["id"] for m in did["verificationMethod"]} == set(did["assertionMethod"])
