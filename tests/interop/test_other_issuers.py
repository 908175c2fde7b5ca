"""Badges from other issuers, as they are made today (issue 14, point 8), signed by independent
libraries (the Digital Credentials Consortium's, in tests/interop/node/sign_others.mjs):
Ed25519Signature2020 proofs, VC 1.1 dates, StatusList2021 and 1EdTech revocation lists, VC-JWTs
whose key is an https URL or rides in the header. Each is verified valid, then tampered with.

The documents another issuer would host are given to the verifier through its injected fetch,
as the service does for every URL (``verification.service.verify_any``)."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from service.signing.multibase import ed25519_multikey
from service.verification.ob2 import Fetched
from service.verification.service import Verdict, Verification, verify_any
from tests.interop.test_ob3_digitalbazaar import NODE_DIR, node_verifier

__all__ = ["node_verifier"]
pytestmark = pytest.mark.interop
SEED = bytes(range(32))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
LIST_URL = "https://reseau.example.org/status/1"
REVOCATIONS_URL = "https://reseau.example.org/revocations"


def did_of(seed: bytes) -> str:
    public = ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return "did:key:" + ed25519_multikey(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


DID = did_of(SEED)


def sign(
    documents: list[dict[str, Any]], revoked: list[int] | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The documents signed with Ed25519Signature2020 by the DCC's libraries, and a
    StatusList2021 encodedList with the ``revoked`` indexes set."""
    request = {"seed": SEED.hex(), "documents": documents, "bits": {"length": 131072, "set": revoked or []}}
    done = subprocess.run(
        ["node", NODE_DIR / "sign_others.mjs"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answer = json.loads(done.stdout)
    assert answer["did"] == DID
    return answer["signed"], answer["encodedList"]


def badge(version: int, status: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    context = (
        [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        ]
        if version == 1
        else [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
    )
    dates = (
        {"issuanceDate": "2026-01-01T00:00:00Z", "expirationDate": "2027-01-01T00:00:00Z"}
        if version == 1
        else {"validFrom": "2026-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"}
    )
    if status is not None and status["type"] == "StatusList2021Entry":
        context.append("https://w3id.org/vc/status-list/2021/v1")
    if status is not None and status["type"] == "1EdTechRevocationList":
        context.append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    return {
        "@context": [*context, "https://w3id.org/security/suites/ed25519-2020/v1"],
        "id": f"urn:uuid:6c2f0d1e-0000-4000-8000-00000000000{version}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Réseau des médiateurs de l'Ain"},
        **dates,
        "name": "Accueillir les publics éloignés du numérique",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:6c2f0d1e-0000-4000-8000-0000000000aa",
                "type": ["Achievement"],
                "name": "Accueillir les publics éloignés du numérique",
                "description": "Accueil et orientation",
                "criteria": {"narrative": "Une journée de formation entre pairs"},
            },
        },
        **({"credentialStatus": status} if status else {}),
        **extra,
    }


def status_list_2021(encoded: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": DID,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


def entry_2021(index: int) -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
    }


def verify(given: str | dict[str, Any], hosted: dict[str, Any] | None = None) -> Verification:
    documents = hosted or {}

    def fetch(url: str) -> Fetched:
        found = documents.get(url)
        return Fetched(200, found) if found is not None else Fetched(404, None)

    text = given if isinstance(given, str) else json.dumps(given)
    return verify_any(text, fetch=fetch, now=NOW)


def codes(result: Verification) -> dict[str, str]:
    return {check.name: check.code for check in result.report.checks}


@pytest.mark.parametrize("version", [1, 2])
def test_ed25519signature2020_credentials_verify_and_tampering_is_caught(
    node_verifier: Path, version: int
) -> None:
    (signed,), _ = sign([badge(version)])
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    result = verify(signed)
    assert result.verdict is Verdict.VALID, result.report.checks
    assert result.issuer is not None
    assert result.issuer.identity.value == "none"  # a did:key proves no one in particular
    assert result.badge is not None
    assert result.badge["issued"] == "2026-01-01T00:00:00Z"
    assert result.badge["expires"] == "2027-01-01T00:00:00Z"
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    tampered = verify(forged)
    assert tampered.verdict is Verdict.INVALID
    assert codes(tampered)["proof"] == "tampered"
    assert tampered.badge is None
    assert tampered.claimed is not None
    assert tampered.claimed["name"] == "Expert en cybersécurité"


def test_a_vc_1_1_credential_past_its_expiration_date_is_expired(node_verifier: Path) -> None:
    (signed,), _ = sign([badge(1)])
    later = verify_any(
        json.dumps(signed), fetch=lambda url: Fetched(404, None), now=NOW + timedelta(days=400)
    )
    assert later.verdict is Verdict.INVALID
    assert codes(later)["validity"] == "expired"


def test_a_statuslist2021_entry_is_read_revoked_or_not(node_verifier: Path) -> None:
    unsigned = [badge(1, entry_2021(7)), badge(1, entry_2021(8))]
    credentials, encoded = sign(unsigned, revoked=[7])
    (status_list,), _ = sign([status_list_2021(encoded)])
    hosted = {LIST_URL: status_list}
    revoked, kept = verify(credentials[0], hosted), verify(credentials[1], hosted)
    assert (revoked.verdict, codes(revoked)["status"]) == (Verdict.INVALID, "revoked")
    assert (kept.verdict, codes(kept)["status"]) == (Verdict.VALID, "not-revoked"), kept.report.checks
    forged_list = copy.deepcopy(status_list)
    forged_list["credentialSubject"]["encodedList"] = sign([], revoked=[])[1]  # "un-revoked"
    assert codes(verify(credentials[0], {LIST_URL: forged_list}))["status"] == "status-list-proof"
    unreachable = verify(credentials[0], {})
    assert codes(unreachable)["status"] == "document-missing"


def test_a_1edtech_revocation_list_entry_is_read(node_verifier: Path) -> None:
    entry = {"id": REVOCATIONS_URL, "type": "1EdTechRevocationList"}
    (credential,), _ = sign([badge(2, entry)])
    listing = {"id": REVOCATIONS_URL, "issuer": DID, "revokedCredentials": []}
    assert verify(credential, {REVOCATIONS_URL: listing}).verdict is Verdict.VALID
    listing["revokedCredentials"] = [{"id": credential["id"], "revocationReason": "Attribué par erreur"}]
    revoked = verify(credential, {REVOCATIONS_URL: listing})
    assert revoked.verdict is Verdict.INVALID
    assert revoked.report.failed_with("revoked-because") is not None


RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID_URL = "https://reseau.example.org/keys/2026"


def jwt_credential(issuer: str) -> dict[str, Any]:
    credential = badge(2)
    credential["issuer"]["id"] = issuer
    credential["@context"] = credential["@context"][:2]
    return credential


def encode(credential: dict[str, Any], headers: dict[str, Any], key: Any, alg: str) -> str:
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()),
        **credential,
    }
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def public_jwk(key: Any, kid: str | None) -> dict[str, Any]:
    document = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**document, **({"kid": kid} if kid else {})}


def test_a_vc_jwt_whose_kid_is_an_https_url_on_the_issuers_domain() -> None:
    issuer = "https://reseau.example.org/issuer"
    credential = jwt_credential(issuer)
    token = encode(credential, {"kid": KID_URL}, RSA, "RS256")
    hosted = {KID_URL: public_jwk(RSA, KID_URL)}
    result = verify(token, hosted)
    assert result.verdict is Verdict.VALID, result.report.checks
    assert result.issuer is not None
    assert (result.issuer.identity.value, result.issuer.domain) == ("domain", "reseau.example.org")
    elsewhere = encode(jwt_credential("https://autre.example.org/issuer"), {"kid": KID_URL}, RSA, "RS256")
    assert codes(verify(elsewhere, hosted))["issuer-key"] == "key-not-the-issuers"
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["name"] = "Autre badge"
    forged = ".".join(
        [header, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), signature]
    )
    assert codes(verify(forged, hosted))["proof"] == "tampered"


def test_a_vc_jwt_carrying_only_its_jwk_verifies_but_proves_no_identity() -> None:
    credential = jwt_credential("https://reseau.example.org/issuer")
    token = encode(credential, {"jwk": public_jwk(RSA, None)}, RSA, "RS256")
    result = verify(token)
    assert result.verdict is Verdict.VALID, result.report.checks
    assert result.issuer is not None
    assert result.issuer.identity.value == "none"
    assert codes(result)["issuer-key"] == "key-in-token"
    secret = {"kty": "oct", "k": base64.urlsafe_b64encode(b"s" * 32).decode()}
    hmac = encode(credential, {"jwk": secret}, b"s" * 32, "HS256")
    assert verify(hmac).verdict is Verdict.INVALID  # never an HMAC keyed by the token itself
