"""The Digital Credentials Consortium's verifier-core (1.0.0-beta.11, pinned in
tests/interop/node) judges our OB 3.0 credentials: signature, revocation status, expiry and
the official schema. Its issuer-registry step needs the internet and is not judged."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.test_ob3 import credential_of
from tests.factories import auth, issue_award
from tests.interop.test_ob3_digitalbazaar import NODE_DIR, node_verifier, status_documents

pytestmark = pytest.mark.interop
__all__ = ["node_verifier"]
PUBLIC = "https://badges.example.test"
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_FILE = NODE_DIR.parents[2] / "schemas" / "json" / "ob_v3p0_achievementcredential_schema.json"


def dcc_verify(client: TestClient, issuer_id: str, credentials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    documents = {
        f"{PUBLIC}/issuers/{issuer_id}/did.json": client.get(f"/issuers/{issuer_id}/did.json").json(),
        SCHEMA_URL: json.loads(SCHEMA_FILE.read_text(encoding="utf-8")),
        **status_documents(client, credentials),
    }
    result = subprocess.run(
        ["node", NODE_DIR / "verify_dcc.mjs"],
        input=json.dumps({"credentials": credentials, "documents": documents}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=NODE_DIR,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = json.loads(result.stdout)
    assert output["refused"] == []  # everything it needed was served offline
    results: list[dict[str, Any]] = output["results"]
    return results


def test_dcc_verifier_judges_our_credentials(node_verifier: Path, client: TestClient, world: World) -> None:
    valid = credential_of(client, world.award_id)
    revoked_award = issue_award(
        client, world.coordinator, world.badge_class_id, recipient_email="d@example.fr"
    )
    revoked = credential_of(client, revoked_award["id"])
    client.post(
        f"/api/v1/awards/{revoked_award['id']}/revoke",
        json={"reason": "Erreur"},
        headers=auth(world.coordinator),
    )
    expired_award = issue_award(
        client,
        world.coordinator,
        world.badge_class_id,
        issued_on="2020-01-01T00:00:00Z",
        expires_at="2021-01-01T00:00:00Z",  # past by any clock
    )
    expired = credential_of(client, expired_award["id"])
    tampered = copy.deepcopy(valid)
    tampered["credentialSubject"]["achievement"]["name"] = "Formateur·rice pair"
    results = dcc_verify(client, world.issuer_id, [valid, revoked, expired, tampered])
    expected = [
        {"valid_signature": True, "revocation_status": True, "expiration": True},
        {"valid_signature": True, "revocation_status": False, "expiration": True},
        {"valid_signature": True, "revocation_status": True, "expiration": False},
    ]
    for result, steps in zip(results[:3], expected, strict=True):
        assert {k: result["steps"][k] for k in steps} == steps, result
        assert result["steps"]["registered_issuer"] is False  # no registry given: not judged
        assert result["schema"] == [True], result
    assert results[3]["steps"].get("valid_signature") is not True, results[3]
