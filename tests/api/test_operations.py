"""Operations: liveness and readiness, Prometheus metrics (guarded), request ids, access logs
without personal data, JSON log lines."""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.observability.logs import JsonFormatter
from service.persistence.database import Database
from service.settings import Environment, Settings
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL


def test_liveness_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "keys": "ok"}}


def test_not_ready_without_a_database(tmp_path: Path) -> None:
    settings = Settings(
        environment=Environment.TEST,
        public_url=PUBLIC_URL,
        keys_dir=tmp_path / "keys",
        data_dir=tmp_path,
        secret_key=secrets.token_urlsafe(32),
    )
    unreachable = Database.from_url("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with TestClient(create_app(settings, database=unreachable), base_url=PUBLIC_URL) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["checks"]["database"] == "unavailable (OperationalError)"
    assert client.get("/healthz").status_code == 200  # alive all the same: a restart would not help


def metrics_client(tmp_path: Path, database: Database, token: str | None) -> TestClient:
    settings = Settings(
        environment=Environment.TEST,
        public_url=PUBLIC_URL,
        keys_dir=tmp_path / "keys",
        data_dir=tmp_path,
        secret_key=secrets.token_urlsafe(32),
        metrics_token=token,
    )
    return TestClient(create_app(settings, database=database), base_url=PUBLIC_URL)


def test_metrics_need_the_token_or_loopback(client: TestClient, tmp_path: Path, database: Database) -> None:
    assert client.get("/metrics").status_code == 403  # the test client is not on loopback
    with metrics_client(tmp_path, database, "s3cret-metrics-token") as guarded:
        assert guarded.get("/metrics").status_code == 403
        assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert (
            guarded.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"}).status_code
            == 200
        )


def test_metrics_count_requests_by_route_and_read_awards_from_the_database(
    world: World, tmp_path: Path, database: Database
) -> None:
    with metrics_client(tmp_path, database, "token") as scraped:
        scraped.get(f"/awards/{world.award_id}")
        scraped.get(f"/awards/{world.award_id}")
        text = scraped.get("/metrics", headers={"Authorization": "Bearer token"}).text
    assert 'fabrique_http_requests_total{method="GET",route="/awards/{award_id}",status="200"} 2.0' in text
    assert world.award_id not in text  # route templates, never the ids themselves
    assert "fabrique_awards_issued_total 1.0" in text
    assert "fabrique_awards_revoked_total 0.0" in text
    assert 'fabrique_outbox_messages{state="pending"} 0.0' in text
    assert (
        'fabrique_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/awards/{award_id}"}'
        in text
    )


def test_request_ids_are_kept_when_sane_and_replaced_otherwise(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123.x_y"}).headers["x-request-id"]
        == "abc-123.x_y"
    )
    for bad in ("a" * 65, "a b", "<script>", ""):
        given = client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert given != bad
        assert len(given) == 16


def test_access_lines_name_the_route_not_the_address(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="fabrique.access"):
        client.get(
            f"/api/v1/issuers/{world.issuer_id}/awards",
            params={"recipient_email": "camille.durand@example.fr"},
            headers={"X-Request-ID": "req-42"},
        )
        client.get("/mon-badge/someaward.SECRETMACSECRETMACSECRETMAC1234")
    line, earner = [r for r in caplog.records if r.name == "fabrique.access"]
    assert earner.getMessage().startswith("GET /mon-badge/{token} 404")  # the link is a secret
    assert line.getMessage().startswith("GET /api/v1/issuers/{issuer_id}/awards 401")
    assert "camille" not in line.getMessage()
    assert world.issuer_id not in line.getMessage()
    formatted = json.loads(JsonFormatter().format(line))
    assert formatted["route"] == "/api/v1/issuers/{issuer_id}/awards"
    assert formatted["status"] == 401
    assert formatted["level"] == "info"


def test_json_log_lines_carry_the_request_id() -> None:
    from service.observability.logs import REQUEST_ID

    token = REQUEST_ID.set("req-7")
    try:
        record = logging.LogRecord(
            "fabrique.api", logging.ERROR, __file__, 1, "database unavailable: %s", ("X",), None
        )
        entry = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert entry["request_id"] == "req-7"
    assert entry["message"] == "database unavailable: X"
    assert entry["logger"] == "fabrique.api"
