"""Rate limits on sign-in and public verification: what a client past the limit gets, and that
two processes sharing Redis share the count (two app instances here, each with its own limiter)."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.app import create_app
from service.clock import FixedClock
from service.domain.access import Role
from service.http.rate_limits import VERIFY, RateLimits
from service.persistence.database import Database
from service.settings import Settings
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import make_account, sign_in
from tests.live import free_port, serve

REDIS_URL = "redis://127.0.0.1:6379/0"
METRICS_TOKEN = "jeton-de-metriques-de-test"


def limited_app(settings: Settings, clock: FixedClock, database: Database, **limits: object) -> FastAPI:
    return create_app(settings.model_copy(update=limits), clock=clock, database=database)


@pytest.fixture
def redis_address() -> Iterator[str]:
    """A client address of our own in the machine's Redis (other runs share it: CI runs SQLite
    and PostgreSQL side by side), whose counters are removed after."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is expected at 127.0.0.1:6379 (the machine's service)")
    address = f"203.0.113.{secrets.randbelow(250) + 1}-{secrets.token_hex(4)}"
    yield address
    for key in client.scan_iter(f"*{address}*"):
        client.delete(key)
    client.close()


def test_verification_past_the_limit_is_a_429_problem_with_retry_after(
    settings: Settings, clock: FixedClock, database: Database, world: World, client: TestClient
) -> None:
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    app = limited_app(settings, clock, database, rate_limit_verify="3/minute")
    with TestClient(app, base_url=PUBLIC_URL) as limited:
        codes = [limited.post("/verify", json={"credential": credential}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = limited.post("/verify", json={"credential": credential}, headers={"Accept-Language": "fr"})
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["title"] == "Trop de demandes"
        # The page shares the count and says it in words.
        page = limited.post("/verifier", data={"input": "x"})
        assert page.status_code == 429
        assert "Réessayez dans" in page.text
        assert page.headers["retry-after"]


def test_sign_in_past_the_limit_is_refused_before_the_password_is_checked(
    settings: Settings, clock: FixedClock, database: Database
) -> None:
    email = make_account(database, Role.COORDINATOR)
    app = limited_app(settings, clock, database, rate_limit_signin="2/minute")
    with TestClient(app, base_url=PUBLIC_URL) as limited:
        assert sign_in(limited, email, "faux").status_code == 401
        assert sign_in(limited, email, "faux").status_code == 401
        # The right password, but over the limit: not even checked, no session opened.
        refused = sign_in(limited, email)
        assert refused.status_code == 429
        assert "Trop de tentatives de connexion" in refused.text
        assert "__Host-fabrique_console" not in refused.headers.get("set-cookie", "")
        assert "fabrique_console=" not in refused.headers.get("set-cookie", "")


def test_two_processes_sharing_redis_share_the_count(
    settings: Settings,
    clock: FixedClock,
    database: Database,
    world: World,
    client: TestClient,
    redis_address: str,
) -> None:
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    address = redis_address
    shared = {"redis_url": REDIS_URL, "rate_limit_verify": "4/minute"}
    first = limited_app(settings, clock, database, **shared)
    second = limited_app(settings, clock, database, **shared)
    with (
        TestClient(first, base_url=PUBLIC_URL, client=(address, 1)) as one,
        TestClient(second, base_url=PUBLIC_URL, client=(address, 2)) as two,
    ):
        codes = [
            client_.post("/verify", json={"credential": credential}).status_code
            for client_ in (one, two, one, two, one, two)
        ]
    assert codes == [200, 200, 200, 200, 429, 429]


def test_memory_limits_are_per_process(
    settings: Settings, clock: FixedClock, database: Database, world: World, client: TestClient
) -> None:
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    first = limited_app(settings, clock, database, rate_limit_verify="1/minute")
    second = limited_app(settings, clock, database, rate_limit_verify="1/minute")
    with TestClient(first, base_url=PUBLIC_URL) as one, TestClient(second, base_url=PUBLIC_URL) as two:
        assert one.post("/verify", json={"credential": credential}).status_code == 200
        assert two.post("/verify", json={"credential": credential}).status_code == 200
        assert one.post("/verify", json={"credential": credential}).status_code == 429


def test_an_unreachable_redis_lets_requests_through_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    limits = RateLimits("redis://127.0.0.1:1/0", {VERIFY: "1/minute"})
    assert limits.wait(VERIFY, "198.51.100.7") is None
    assert limits.wait(VERIFY, "198.51.100.7") is None
    assert "rate limit storage unavailable" in caplog.text


@contextmanager
def silent_server() -> Iterator[int]:
    """A TCP server on loopback that accepts every connection and never answers: a Redis
    that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def test_a_redis_that_never_answers_neither_freezes_requests_nor_healthz(
    settings: Settings, clock: FixedClock, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression (issue 15, point 7): the limiter called Redis on the event loop with no
    timeout, so a Redis that accepted connections and never answered froze every request,
    /healthz included. Now: each call waits at most 0.25 s, in a worker thread, the storage is
    then left alone for 5 s (requests let through at once), and /metrics counts the failures."""
    with silent_server() as port:
        hung = settings.model_copy(
            update={
                "redis_url": f"redis://127.0.0.1:{port}/0",
                "rate_limit_verify": "1/minute",
                "metrics_token": SecretStr(METRICS_TOKEN),
            }
        )
        app = create_app(hung, clock=clock, database=database)
        with TestClient(app, base_url=settings.public_url) as client:
            started = time.monotonic()
            answers = [client.post("/verify", json={"input": "bonjour"}).status_code for _ in range(5)]
            elapsed = time.monotonic() - started
            assert answers == [200] * 5  # let through: the limit's storage is down, not the service
            assert elapsed < 3  # one timeout, then the cool-down: not five hangs
            assert client.get("/healthz").status_code == 200
            metrics = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
            assert "fabrique_rate_limit_storage_failures_total 1.0" in metrics.text
    assert "rate limit storage unavailable" in caplog.text


def test_healthz_answers_while_a_verification_waits_on_a_hung_redis(
    settings: Settings, clock: FixedClock, database: Database
) -> None:
    """The wait happens in a worker thread: the event loop serves /healthz meanwhile. The storage
    timeout is 2 s here, so that /healthz answering first proves it was not queued behind it."""
    with silent_server() as port:
        hung = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0"})
        app = create_app(hung, clock=clock, database=database)
        limits = RateLimits(f"redis://127.0.0.1:{port}/0", {VERIFY: "10/minute"}, storage_timeout=2.0)
        app.state.rate_limits = limits
        finished: dict[str, float] = {}
        with TestClient(app, base_url=settings.public_url) as client:

            def verify() -> None:
                client.post("/verify", json={"input": "bonjour"})
                finished["verify"] = time.monotonic()

            slow = threading.Thread(target=verify)
            started = time.monotonic()
            slow.start()
            time.sleep(0.1)  # the verification is now waiting on the silent Redis
            assert client.get("/healthz").status_code == 200
            finished["healthz"] = time.monotonic()
            slow.join()
        assert finished["healthz"] < finished["verify"]
        assert finished["verify"] - started >= 1.9  # it did wait for the silent Redis
        assert limits.storage_failures == 1


@pytest.mark.parametrize(("trusted", "second"), [("", 429), ("127.0.0.1", 200)])
def test_forwarded_addresses_are_believed_only_from_configured_proxies(
    settings: Settings, clock: FixedClock, database: Database, trusted: str, second: int
) -> None:
    """Regression (issue 15, point 13): X-Forwarded-For was believed from any local address, so
    a client could pick the address its requests were counted under. Without
    FABRIQUE_TRUSTED_PROXIES it is ignored: two requests from one peer count together."""
    import httpx

    from service.cli import server_options

    configured = settings.model_copy(update={"trusted_proxies": trusted, "rate_limit_verify": "1/minute"})
    app = create_app(configured, clock=clock, database=database)
    options = server_options(configured, "127.0.0.1", free_port())
    proxy = {name: options[name] for name in ("proxy_headers", "forwarded_allow_ips")}
    with serve(app, port=int(str(options["port"])), **proxy) as base:
        answers = [
            httpx.post(
                f"{base}/verify", json={"input": "bonjour"}, headers={"X-Forwarded-For": address}
            ).status_code
            for address in ("203.0.113.1", "203.0.113.2")
        ]
    assert answers == [200, second]
