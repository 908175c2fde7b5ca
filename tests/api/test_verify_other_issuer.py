"""Badges of another issuer, on another host: fetched over the network through the guard.
The other host is a second instance of the service on loopback, allowed by configuration as
the tests' only private network; everything else private stays refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.clock import FixedClock
from service.domain.access import Role
from service.persistence.database import Database
from service.settings import Settings
from tests.factories import auth, create_badge_class, create_issuer, issue_award, make_token
from tests.live import free_port, serve
from tests.test_cli import cli_env, run
from tests.tls import loopback_tls


def verify(client: TestClient, given: str, email: str | None = None) -> Any:
    """The verifier's English reasons, which these tests read."""
    body = {"input": given, **({"expected_email": email} if email else {})}
    response = client.post("/verify", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def verifier(settings: Settings, clock: FixedClock, database: Database) -> TestClient:
    allowed = settings.model_copy(
        update={"verify_allow_http": True, "verify_allowed_networks": "127.0.0.1/32"}
    )
    return TestClient(create_app(allowed, clock=clock, database=database), base_url=settings.public_url)


def test_a_second_issuers_ob2_badges_verify_across_the_network(
    verifier: TestClient,
    settings: Settings,
    clock: FixedClock,
    database: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    port = free_port()
    elsewhere_settings = settings.model_copy(
        update={"public_url": f"http://127.0.0.1:{port}", "keys_dir": tmp_path / "elsewhere-keys"}
    )
    elsewhere: FastAPI = create_app(elsewhere_settings, clock=clock, database=database)
    admin = make_token(database, Role.ADMIN)
    with TestClient(elsewhere, base_url=f"http://127.0.0.1:{port}") as other:
        issuer = create_issuer(other, admin, name="Hub du Sud")
        badge = create_badge_class(other, admin, issuer["id"])
        award = issue_award(other, admin, badge["id"], recipient_email="lea@sud.example.fr")
        token = other.get(f"/awards/{award['id']}/signed").text
    with serve(elsewhere, port=port):
        hosted = verify(verifier, award["assertion_url"], email="lea@sud.example.fr")
        assert (hosted["verdict"], hosted["form"]) == ("valid", "ob2-hosted"), hosted
        assert hosted["badge"]["issuer"] == "Hub du Sud"
        # A hosted profile proves its domain: the domain is the identity, the name a claim.
        assert hosted["issuer"]["identity"] == "domain"
        assert hosted["issuer"]["domain"] == f"127.0.0.1:{port}"
        assert hosted["issuer"]["claimed_name"] == "Hub du Sud"
        # The CLI verifies on the same path, fetching the other issuer's documents (regression:
        # it never fetched, so every other issuer's badge was "cannot tell").
        cli = run(
            "verify",
            award["assertion_url"],
            env={
                **cli_env(database_url, tmp_path / "cli"),
                "FABRIQUE_VERIFY_ALLOW_HTTP": "true",
                "FABRIQUE_VERIFY_ALLOWED_NETWORKS": "127.0.0.1/32",
            },
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr
        assert "issuer.identity: domain" in cli.stdout
        signed = verify(verifier, token, email="lea@sud.example.fr")
        assert (signed["verdict"], signed["form"]) == ("valid", "ob2-signed"), signed
        with TestClient(elsewhere) as other:
            other.post(
                f"/api/v1/awards/{award['id']}/revoke", json={"reason": "Doublon"}, headers=auth(admin)
            )
        assert verify(verifier, token)["verdict"] == "invalid"  # the revocation list is read there
    gone = verify(verifier, award["assertion_url"])
    assert gone["verdict"] == "cannot-tell"  # the other host is down: no verdict either way
    assert "could not be reached" in " ".join(c["reason"] for c in gone["checks"])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/badge.json", "loopback"),
        ("https://10.0.0.1/badge.json", "private network"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://[::1]/badge.json", "loopback"),
        ("http://example.org/badge.json", "not an https URL"),
    ],
)
def test_ssrf_targets_are_refused_with_a_reason(client: TestClient, url: str, reason: str) -> None:
    result = verify(client, url)
    assert result["verdict"] == "cannot-tell"
    fetch = next(c for c in result["checks"] if c["name"] == "fetch")
    assert fetch["reason"].startswith("refused:")
    assert reason in fetch["reason"]


def test_a_second_issuers_ob3_credentials_verify_over_https(
    settings: Settings, clock: FixedClock, database: Database, tmp_path: Path
) -> None:
    ca, certificate, key = loopback_tls(tmp_path)
    port = free_port()
    elsewhere = create_app(
        settings.model_copy(update={"public_url": f"https://127.0.0.1:{port}", "keys_dir": tmp_path / "k2"}),
        clock=clock,
        database=database,
    )
    admin = make_token(database, Role.ADMIN)
    with TestClient(elsewhere, base_url=f"https://127.0.0.1:{port}") as other:
        issuer = create_issuer(other, admin, name="Hub du Sud")
        badge = create_badge_class(other, admin, issuer["id"])
        award = issue_award(other, admin, badge["id"], recipient_email="lea@sud.example.fr")
        credential = other.get(f"/awards/{award['id']}/credential").text
        rs256 = other.get(f"/awards/{award['id']}/credential.jwt").text
        eddsa = other.get(f"/awards/{award['id']}/credential.jwt", params={"alg": "EdDSA"}).text
    assert json.loads(credential)["issuer"]["id"] == f"did:web:127.0.0.1%3A{port}:issuers:{issuer['id']}"
    trusting = settings.model_copy(
        update={"verify_allowed_networks": "127.0.0.1/32", "verify_ca_bundle": str(ca)}
    )
    with (
        TestClient(
            create_app(trusting, clock=clock, database=database), base_url=settings.public_url
        ) as verifier,
        serve(elsewhere, port=port, tls=(certificate, key)),
    ):
        for given, form in ((credential, "ob3-data-integrity"), (rs256, "ob3-jwt"), (eddsa, "ob3-jwt")):
            result = verify(verifier, given, email="lea@sud.example.fr")
            assert (result["verdict"], result["form"]) == ("valid", form), result
            assert result["badge"]["issuer"] == "Hub du Sud"
        by_url = verify(verifier, award["credential_url"])
        assert by_url["verdict"] == "valid", by_url
        with TestClient(elsewhere) as other:
            other.post(
                f"/api/v1/awards/{award['id']}/revoke", json={"reason": "Doublon"}, headers=auth(admin)
            )
        revoked = verify(verifier, credential)
        assert revoked["verdict"] == "invalid"
        assert next(c for c in revoked["checks"] if c["name"] == "status")["outcome"] == "failed"
    # A verifier that does not trust the test CA refuses the TLS connection: no verdict.
    with (
        TestClient(
            create_app(
                settings.model_copy(update={"verify_allowed_networks": "127.0.0.1/32"}),
                clock=clock,
                database=database,
            ),
            base_url=settings.public_url,
        ) as untrusting,
        serve(elsewhere, port=port, tls=(certificate, key)),
    ):
        assert verify(untrusting, credential)["verdict"] in {"invalid", "cannot-tell"}
        assert verify(untrusting, credential)["verdict"] != "valid"
