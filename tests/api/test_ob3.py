"""OB 3.0 forms of an award: the credential, its proof, the DID document, Profile, Achievement."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from service.clock import FixedClock
from service.openbadges.schema import schema_errors
from service.persistence.database import Database
from service.persistence.tables import BadgeClass
from service.signing.data_integrity import add_proof
from service.signing.did_web import did_to_url
from service.signing.keystore import KeyPurpose
from service.verification.ob2 import Fetched
from service.verification.ob3 import verify_credential
from service.verification.report import Outcome
from service.verification.status import bitstring_checker
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import auth, issue_award, row_counts

DID_PREFIX = "did:web:badges.example.test:issuers:"


def did_resolver(client: TestClient):  # type: ignore[no-untyped-def]
    def resolve(did: str) -> dict[str, Any] | None:
        url = did_to_url(did)
        response = client.get(url.replace("https://badges.example.test", ""))
        return response.json() if response.status_code == 200 else None

    return resolve


def status_checker(client: TestClient):  # type: ignore[no-untyped-def]
    def fetch(url: str) -> Fetched:
        response = client.get(url.replace("https://badges.example.test", ""))
        return Fetched(response.status_code, response.json() if response.status_code == 200 else None)

    return bitstring_checker(fetch=fetch, resolve_did=did_resolver(client))


def credential_of(client: TestClient, award_id: str) -> dict[str, Any]:
    response = client.get(f"/awards/{award_id}/credential")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def test_every_award_has_a_signed_schema_valid_credential(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    award = client.get(f"/api/v1/awards/{world.award_id}", headers=auth(world.viewer)).json()
    assert award["credential_url"] == f"{PUBLIC_URL}/awards/{world.award_id}/credential"
    credential = credential_of(client, world.award_id)
    assert schema_errors(credential) == []
    assert credential["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert credential["issuer"]["id"] == DID_PREFIX + world.issuer_id
    assert credential["validFrom"] == "2026-11-22T10:00:00Z"
    subject = credential["credentialSubject"]
    hosted = client.get(f"/awards/{world.award_id}").json()["recipient"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": hosted["identity"],
            "identityType": "emailAddress",
            "hashed": True,
            "salt": hosted["salt"],
        }
    ]
    achievement = subject["achievement"]
    assert achievement["alignment"][0]["targetFramework"] == "DigComp 2.2"
    assert achievement["alignment"][0]["targetCode"] == "5.2"
    assert achievement["inLanguage"] == "fr"
    assert achievement["tag"] == ["aide_aux_demarches_administratives", "culture_numerique"]
    assert achievement["image"]["id"].endswith("/image")
    report = verify_credential(
        credential, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    )
    assert report.valid, report.checks
    assert report.outcome_of("issuer-key") is Outcome.PASSED


def test_did_document(client: TestClient, world: World) -> None:
    response = client.get(f"/issuers/{world.issuer_id}/did.json")
    assert response.headers["content-type"] == "application/did+ld+json"
    document = response.json()
    did = DID_PREFIX + world.issuer_id
    assert document["id"] == did
    method, jwt_method = document["verificationMethod"]  # Data Integrity, then VC-JWT
    assert method["type"] == "Multikey"
    assert method["controller"] == did
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert (jwt_method["type"], jwt_method["publicKeyJwk"]["kty"]) == ("JsonWebKey", "RSA")
    assert document["assertionMethod"] == [method["id"], jwt_method["id"]]
    assert document["authentication"] == [method["id"]]
    proof = credential_of(client, world.award_id)["proof"][0]
    assert proof["verificationMethod"] == method["id"]


def test_profile_and_achievement_documents(client: TestClient, world: World) -> None:
    profile = client.get(f"/issuers/{world.issuer_id}/profile").json()
    assert profile["id"] == DID_PREFIX + world.issuer_id
    assert profile["type"] == ["Profile"]
    achievement = client.get(f"/badges/{world.badge_class_id}/achievement").json()
    assert achievement["id"] == f"{PUBLIC_URL}/badges/{world.badge_class_id}/achievement"
    assert achievement == {
        **credential_of(client, world.award_id)["credentialSubject"]["achievement"],
        "@context": achievement["@context"],
    }


def test_tampered_or_expired_credentials_fail(client: TestClient, world: World, clock: FixedClock) -> None:
    credential = credential_of(client, world.award_id)
    resolve = did_resolver(client)
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Formateur·rice pair confirmé·e"
    report = verify_credential(tampered, resolve_did=resolve, now=clock.now())
    assert report.outcome_of("proof") is Outcome.FAILED
    expiring = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    expiring_credential = credential_of(client, expiring["id"])
    assert expiring_credential["validUntil"] == "2026-12-01T00:00:00Z"
    clock.advance(timedelta(days=30))
    late = verify_credential(expiring_credential, resolve_did=resolve, now=clock.now())
    assert late.outcome_of("validity") is Outcome.FAILED
    assert late.outcome_of("proof") is Outcome.PASSED
    for junk in (
        None,
        "x",
        [],
        {"@context": "nope"},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "x"},
    ):
        assert not verify_credential(junk, resolve_did=resolve, now=clock.now()).valid


def test_a_key_of_another_issuer_is_refused(
    client: TestClient, world: World, clock: FixedClock, database: Database
) -> None:
    """Named regression: the proof's kid belongs to another issuer (a real key, a valid signature)."""
    from service.persistence.repositories import SigningKeys

    app_keys = client.app.state.services.keys  # type: ignore[attr-defined]
    with database.transaction() as session:
        other = SigningKeys(session).active(world.other_issuer_id, KeyPurpose.DATA_INTEGRITY)
        assert other is not None
        other_key = app_keys.load(world.other_issuer_id, other.kid)
    credential = credential_of(client, world.award_id)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    forged = add_proof(unsigned, other_key, f"{DID_PREFIX}{world.other_issuer_id}#{other.kid}", clock.now())
    report = verify_credential(
        forged, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    )
    assert report.outcome_of("issuer-key") is Outcome.FAILED
    assert not report.valid
    # Named regression: the issuer field swapped to the other issuer, proof left as it was.
    swapped = copy.deepcopy(credential)
    swapped["issuer"]["id"] = DID_PREFIX + world.other_issuer_id
    assert not verify_credential(
        swapped, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
    ).valid


def test_rotation_keeps_old_credentials_verifying(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    before = credential_of(client, world.award_id)
    clock.advance(timedelta(days=1))
    assert (
        client.post(
            f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator)
        ).status_code
        == 201
    )
    after = credential_of(client, issue_award(client, world.coordinator, world.badge_class_id)["id"])
    assert before["proof"][0]["verificationMethod"] != after["proof"][0]["verificationMethod"]
    document = client.get(f"/issuers/{world.issuer_id}/did.json").json()
    assert len(document["verificationMethod"]) == 4  # both Multikeys, both VC-JWT JsonWebKeys
    for credential in (before, after):
        assert verify_credential(
            credential, resolve_did=did_resolver(client), check_status=status_checker(client), now=clock.now()
        ).valid


def test_an_invalid_credential_is_refused_never_signed(
    client: TestClient, world: World, database: Database
) -> None:
    """A badge class stored before languages were normalised ('fr_fr' fails the OB 3.0 schema's
    LanguageCode pattern): issuing is refused with the schema's reason, and nothing is written."""
    with database.transaction() as session:
        session.execute(
            update(BadgeClass).where(BadgeClass.id == world.badge_class_id).values(language="fr_fr")
        )
    before = row_counts(database)
    response = client.post(
        f"/api/v1/badge-classes/{world.badge_class_id}/awards",
        json={"recipient_email": "a@example.fr"},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "credential-schema-invalid"
    assert "inLanguage" in problem["detail"]
    assert row_counts(database) == before


def test_languages_are_stored_in_the_schemas_case(client: TestClient, world: World) -> None:
    response = client.patch(
        f"/api/v1/badge-classes/{world.badge_class_id}",
        json={"language": "FR-fr"},
        headers=auth(world.coordinator),
    )
    assert response.json()["language"] == "fr-FR"
    award = issue_award(client, world.coordinator, response.json()["id"])  # the new version
    assert credential_of(client, award["id"])["credentialSubject"]["achievement"]["inLanguage"] == "fr-FR"


def test_downloads_from_the_api_and_for_the_earner(client: TestClient, world: World) -> None:
    from tests.factories import auth as bearer

    both = client.get(f"/api/v1/awards/{world.award_id}/credential", headers=bearer(world.viewer))
    assert both.status_code == 200
    body = both.json()
    assert body["credential"] == credential_of(client, world.award_id)
    assert body["jwt"] == client.get(f"/awards/{world.award_id}/credential.jwt").text
    assert (
        client.get(
            f"/api/v1/awards/{world.award_id}/credential", headers=bearer(world.other_coordinator)
        ).status_code
        == 403
    )
    download = client.get(f"/awards/{world.award_id}/credential", params={"download": 1})
    assert download.headers["content-disposition"] == f'attachment; filename="badge-{world.award_id}.json"'
    assert download.json() == body["credential"]
    jwt_file = client.get(f"/awards/{world.award_id}/credential.jwt")
    assert jwt_file.headers["content-disposition"] == f'attachment; filename="badge-{world.award_id}.jwt"'
    assert client.get(f"/awards/{world.award_id}/credential.jwt", params={"alg": "HS256"}).status_code == 422
