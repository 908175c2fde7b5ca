"""Digital Bazaar's verifier (@digitalbazaar/vc 7.3 + eddsa-rdfc-2022 cryptosuite, pinned in
tests/interop/node/package-lock.json) verifies the OB 3.0 credentials the service issues.
Contexts come from the npm context packages, DID documents from the app; fetch is disabled."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.clock import FixedClock
from service.persistence.database import Database
from service.persistence.repositories import SigningKeys
from service.signing.data_integrity import add_proof
from service.signing.keystore import KeyPurpose
from tests.api.conftest import World
from tests.api.test_ob3 import credential_of
from tests.factories import auth, issue_award

pytestmark = pytest.mark.interop
NODE_DIR = Path(__file__).parent / "node"
DID_PREFIX = "did:web:badges.example.test:issuers:"


@pytest.fixture(scope="session")
def node_verifier() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are needed for the OB 3.0 interop tests")
    if not (NODE_DIR / "node_modules" / "@digitalbazaar" / "vc").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=600)
    return NODE_DIR / "verify_di.mjs"


def node_verify(
    script: Path,
    credentials: list[dict[str, Any]],
    documents: dict[str, Any],
    now: str = "2026-11-22T12:00:00Z",
    client: TestClient | None = None,
) -> list[dict[str, Any]]:
    """Verify with Digital Bazaar at a given time (never the wall clock: tests must not age),
    with the status lists the credentials point to when a client is given to fetch them."""
    if client is not None:
        documents = {**documents, **status_documents(client, credentials)}
    result = subprocess.run(
        ["node", script],
        input=json.dumps({"credentials": credentials, "documents": documents, "now": now}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=NODE_DIR,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output: list[dict[str, Any]] = json.loads(result.stdout)
    return output


def did_documents(client: TestClient, *issuer_ids: str) -> dict[str, Any]:
    return {DID_PREFIX + i: client.get(f"/issuers/{i}/did.json").json() for i in issuer_ids}


def status_documents(client: TestClient, credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """The signed status lists the credentials point to, as the app serves them now."""
    urls = {c["credentialStatus"]["statusListCredential"] for c in credentials if "credentialStatus" in c}
    return {url: client.get(url.replace("https://badges.example.test", "")).json() for url in urls}


def test_digital_bazaar_verifies_our_credentials(
    node_verifier: Path, client: TestClient, world: World
) -> None:
    rich = issue_award(
        client,
        world.coordinator,
        world.badge_class_id,
        recipient_email="dominique@example.fr",
        expires_at="2028-11-22T10:00:00Z",
        narrative="A animé deux ateliers « arnaques en ligne ».",
        evidence=[
            {
                "url": "https://coop.example/sessions/12",
                "narrative": "Session entre pairs, 6 h",
                "name": "Feuille d'émargement",
            }
        ],
    )
    # Texts with what N-Quads escapes (TAB, line ends, quotes, backslash): canonicalized by our
    # template path, they must hash as Digital Bazaar's rdf-canonize does.
    escaped = issue_award(
        client,
        world.coordinator,
        world.badge_class_id,
        recipient_email="sacha@example.fr",
        narrative='Colonne\tvaleur\r\nligne « citée » "entre guillemets" et C:\\chemin',
        evidence=[{"narrative": 'a\tb\nc \\ "d"', "name": "Preuve\t1"}],
    )
    credentials = [credential_of(client, i) for i in (world.award_id, rich["id"], escaped["id"])]
    results = node_verify(node_verifier, credentials, did_documents(client, world.issuer_id), client=client)
    assert [r["verified"] for r in results] == [True, True, True], results
    assert all(r["statuses"] == [{"purpose": "revocation", "set": False, "verified": True}] for r in results)


def test_digital_bazaar_refuses_tampered_and_foreign_keys(
    node_verifier: Path, client: TestClient, world: World, database: Database, clock: FixedClock
) -> None:
    genuine = credential_of(client, world.award_id)
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["achievement"]["name"] = "Référent·e de cycle"
    with database.transaction() as session:
        other = SigningKeys(session).active(world.other_issuer_id, KeyPurpose.DATA_INTEGRITY)
        assert other is not None
        other_key = client.app.state.services.keys.load(world.other_issuer_id, other.kid)  # type: ignore[attr-defined]
    unsigned = {k: v for k, v in genuine.items() if k != "proof"}
    foreign = add_proof(unsigned, other_key, f"{DID_PREFIX}{world.other_issuer_id}#{other.kid}", clock.now())
    results = node_verify(
        node_verifier,
        [tampered, foreign],
        did_documents(client, world.issuer_id, world.other_issuer_id),
        client=client,
    )
    assert [r["verified"] for r in results] == [False, False], results
    assert any("signature" in e.lower() for e in results[0]["errors"]), results[0]


def test_digital_bazaar_verifies_across_a_rotation(
    node_verifier: Path, client: TestClient, world: World
) -> None:
    before = credential_of(client, world.award_id)
    assert (
        client.post(
            f"/api/v1/issuers/{world.issuer_id}/keys/rotate", headers=auth(world.coordinator)
        ).status_code
        == 201
    )
    after = credential_of(client, issue_award(client, world.coordinator, world.badge_class_id)["id"])
    results = node_verify(
        node_verifier, [before, after], did_documents(client, world.issuer_id), client=client
    )
    assert [r["verified"] for r in results] == [True, True], results


def test_digital_bazaar_refuses_a_retired_then_withdrawn_key(
    node_verifier: Path, client: TestClient, world: World, clock: FixedClock
) -> None:
    from tests.api.test_key_withdrawal import rotate_then_withdraw_old

    before = credential_of(client, world.award_id)
    rotate_then_withdraw_old(client, world, clock)
    after = credential_of(client, issue_award(client, world.coordinator, world.badge_class_id)["id"])
    results = node_verify(
        node_verifier,
        [before, after],
        did_documents(client, world.issuer_id),
        now="2026-11-24T00:00:00Z",
        client=client,
    )
    assert [r["verified"] for r in results] == [False, True], results


def test_digital_bazaar_sees_a_revocation(node_verifier: Path, client: TestClient, world: World) -> None:
    credential = credential_of(client, world.award_id)
    other = credential_of(client, issue_award(client, world.coordinator, world.badge_class_id)["id"])
    response = client.post(
        f"/api/v1/awards/{world.award_id}/revoke",
        json={"reason": "Attribué par erreur"},
        headers=auth(world.coordinator),
    )
    assert response.status_code == 200
    results = node_verify(
        node_verifier, [credential, other], did_documents(client, world.issuer_id), client=client
    )
    # Digital Bazaar: proof and status check verify for both; the revocation bit is set for the
    # revoked credential only.
    assert [r["verified"] for r in results] == [True, True], results
    assert [r["statuses"] for r in results] == [
        [{"purpose": "revocation", "set": True, "verified": True}],
        [{"purpose": "revocation", "set": False, "verified": True}],
    ], results
