"""Issue 20: our endorsements in verifiers written by others. Digital Bazaar and the DCC's
verifier-core verify the OB 3.0 EndorsementCredential (its author's did:web key, its status list,
the official schema) before and after its author withdraws it, and the award credentials that
embed one; the 1EdTech OB 2.0 validator validates the hosted Endorsement on its own and follows
it from an assertion and a badge class."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.test_endorsements import BROWSER, emailed_link, endorse_partner, form
from tests.factories import earner_link, issue_award
from tests.interop.test_ob2_validator import errors, validate
from tests.interop.test_ob3_dcc import SCHEMA_FILE, SCHEMA_URL
from tests.interop.test_ob3_digitalbazaar import (
    NODE_DIR,
    did_documents,
    node_verifier,
    node_verify,
    status_documents,
)

pytestmark = pytest.mark.interop
__all__ = ["node_verifier"]
PUBLIC = "https://badges.example.test"
ENDORSEMENT_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)


def endorser_documents(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    """The author's DID document, under its DID and under the URL did:web resolves it to."""
    did = credential["issuer"]["id"]
    endorser_id = did.rsplit(":", 1)[1]
    document = client.get(f"/endorsers/{endorser_id}/did.json").json()
    return {did: document, f"{PUBLIC}/endorsers/{endorser_id}/did.json": document}


def endorsement_schema() -> dict[str, Any]:
    """What the endorsement schema's URL is answered with offline: the official
    EndorsementCredential definition, taken from the official AchievementCredential schema we
    carry (the published endorsement schema file itself is not carried here)."""
    official = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return {
        "$schema": official["$schema"],
        "$id": ENDORSEMENT_SCHEMA_URL,
        "$defs": official["$defs"],
        "$ref": "#/$defs/EndorsementCredential",
    }


def dcc(
    client: TestClient, credentials: list[dict[str, Any]], documents: dict[str, Any]
) -> list[dict[str, Any]]:
    documents = {
        **documents,
        SCHEMA_URL: json.loads(SCHEMA_FILE.read_text(encoding="utf-8")),
        ENDORSEMENT_SCHEMA_URL: endorsement_schema(),
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
    assert output["refused"] == []
    results: list[dict[str, Any]] = output["results"]
    return results


def test_others_verify_our_endorsements_before_and_after_withdrawal(
    node_verifier: Path, client: TestClient, app: FastAPI, world: World
) -> None:
    endorsement_id, withdrawal = endorse_partner(client, app, world)
    credential = client.get(f"/endorsements/{endorsement_id}/credential").json()
    award = issue_award(client, world.coordinator, world.badge_class_id, recipient_email="lea@example.fr")
    carrying = client.get(f"/awards/{award['id']}/credential").json()
    assert carrying["credentialSubject"]["achievement"]["endorsement"] == [credential]
    documents = {**endorser_documents(client, credential), **did_documents(client, world.issuer_id)}
    documents[f"{PUBLIC}/issuers/{world.issuer_id}/did.json"] = documents[
        f"did:web:badges.example.test:issuers:{world.issuer_id}"
    ]

    standing = node_verify(node_verifier, [credential, carrying], documents, client=client)
    assert standing[0]["verified"] is True, standing[0]
    assert standing[0]["statuses"] == [{"purpose": "revocation", "set": False, "verified": True}]
    assert standing[1]["verified"] is True, standing[1]
    judged = dcc(client, [credential, carrying], documents)
    for result in judged:
        assert result["steps"]["valid_signature"] is True, result
        assert result["steps"]["revocation_status"] is True, result
        assert result["schema"] == [True], result

    assert client.post(withdrawal, headers=BROWSER).status_code == 200
    withdrawn = node_verify(node_verifier, [credential, carrying], documents, client=client)
    assert withdrawn[0]["statuses"] == [{"purpose": "revocation", "set": True, "verified": True}]
    assert withdrawn[1]["verified"] is True  # the badge stands; its endorsement's status says withdrawn
    assert dcc(client, [credential], documents)[0]["steps"]["revocation_status"] is False

    tampered = {
        **credential,
        "credentialSubject": {**credential["credentialSubject"], "endorsementComment": "!"},
    }
    assert node_verify(node_verifier, [tampered], documents, client=client)[0]["verified"] is False
    assert dcc(client, [tampered], documents)[0]["steps"].get("valid_signature") is not True


def test_the_1edtech_validator_follows_our_endorsements(
    validator_python: Path, live: str, client: TestClient, app: FastAPI, world: World
) -> None:
    # A partner endorses the badge class; a peer endorses the award.
    endorsement_id, _ = endorse_partner(client, app, world)
    issue_award(client, world.coordinator, world.badge_class_id, recipient_email="pair@example.fr")
    client.post(f"{earner_link(client, world.award_id)}/recommandation", data={"email": "pair@example.fr"})
    link, _, _ = emailed_link(app, "pair@example.fr", "/recommander/")
    made = client.post(
        link, data=form(name="Alex Martin", kind="person", public_email="pair@example.fr"), headers=BROWSER
    )
    assert made.status_code == 200

    alone = validate(validator_python, live, f"{PUBLIC}/endorsements/{endorsement_id}", email=None)
    assert alone["report"]["valid"] is True, errors(alone)
    assert any("/endorsers/" in u for u in alone["fetched"])  # it read the author's profile

    assertion = validate(validator_python, live, f"{PUBLIC}/awards/{world.award_id}")
    assert assertion["report"]["valid"] is True, errors(assertion)
    followed = [u for u in assertion["fetched"] if "/endorsements/" in u]
    assert len(followed) == 2, assertion["fetched"]  # the award's and the badge class's


def test_others_verify_a_badge_a_member_structure_awarded_for_its_network(
    node_verifier: Path, validator_python: Path, live: str, client: TestClient, world: World
) -> None:
    from tests.api.test_network_badges import member_award, member_of

    member_of(client, world)
    award = member_award(client, world, recipient_email="camille.durand@example.fr").json()
    credential = client.get(f"/awards/{award['id']}/credential").json()
    assert credential["credentialSubject"]["achievement"]["creator"]["id"].endswith(world.issuer_id)
    documents = did_documents(client, world.other_issuer_id)
    [verified] = node_verify(node_verifier, [credential], documents, client=client)
    assert verified["verified"] is True, verified
    documents[f"{PUBLIC}/issuers/{world.other_issuer_id}/did.json"] = documents[
        f"did:web:badges.example.test:issuers:{world.other_issuer_id}"
    ]
    [judged] = dcc(client, [credential], documents)
    assert judged["steps"]["valid_signature"] is True, judged
    assert judged["schema"] == [True], judged
    for given in (f"{PUBLIC}/awards/{award['id']}", client.get(f"/awards/{award['id']}/signed").text):
        result = validate(validator_python, live, given)
        assert result["report"]["valid"] is True, errors(result)
