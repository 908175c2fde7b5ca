"""The verifier's network fetcher refuses what it must not reach (SSRF), with a clear reason."""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.verification.fetcher import FetchPolicy, GuardedFetcher

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


@contextmanager
def server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = routes.get(self.path, (404, {}, b"{}"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetcher(resolves_to: str, **policy: object) -> GuardedFetcher:
    """A fetcher whose DNS answers ``resolves_to`` for every name: no request leaves the host."""
    return GuardedFetcher(FetchPolicy(allow_http=True, **policy), resolver=lambda host, port: [resolves_to])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private network"),
        ("192.168.1.10", "private network"),
        ("169.254.169.254", "link-local"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6 is unwrapped
        ("fd00::1", "private network"),
        ("0.0.0.0", "not a public unicast"),  # noqa: S104 - the address under test
        ("224.0.0.1", "not a public unicast"),
    ],
)
def test_non_public_addresses_are_refused_before_connecting(address: str, reason: str) -> None:
    fetched = fetcher(address)("http://badges.example.org/assertion.json")
    assert fetched.document is None
    assert fetched.status == 0
    assert fetched.reason.startswith("refused: badges.example.org resolves to")
    assert reason in fetched.reason


def test_a_name_with_one_bad_answer_among_good_ones_is_refused() -> None:
    guarded = GuardedFetcher(
        FetchPolicy(allow_http=True), resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"]
    )
    assert "loopback" in guarded("http://mixed.example.org/").reason


def test_https_only_unless_configured() -> None:
    guarded = GuardedFetcher(FetchPolicy(), resolver=lambda host, port: ["93.184.216.34"])
    assert (
        guarded("http://badges.example.org/a.json").reason
        == "refused: http://badges.example.org/a.json is not an https URL"
    )
    assert "not an https URL" in guarded("file:///etc/passwd").reason
    assert "not an https URL" in guarded("ftp://example.org/x").reason


def test_an_allowed_network_is_reached_and_a_redirect_out_of_it_is_refused() -> None:
    document = json.dumps({"type": "Assertion"}).encode()
    routes = {
        "/ok": (200, {"Content-Type": "application/json"}, document),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-ten": (301, {"Location": "http://10.0.0.1/"}, b""),
        "/to-v6-loopback": (307, {"Location": "http://[::1]:1/"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, {"Content-Type": "application/json"}, b"[" + b"1," * 600_000 + b"1]"),
        "/html": (200, {"Content-Type": "text/html"}, b"<html></html>"),
    }
    with server(routes) as port:
        base = f"http://127.0.0.1:{port}"
        guarded = GuardedFetcher(FetchPolicy(allow_http=True, allowed_networks=LOOPBACK_ONLY))
        assert guarded(f"{base}/ok").document == {"type": "Assertion"}
        assert "link-local" in guarded(f"{base}/to-metadata").reason
        assert "private network" in guarded(f"{base}/to-ten").reason
        assert "loopback" in guarded(f"{base}/to-v6-loopback").reason
        assert "more than 3 redirects" in guarded(f"{base}/loop").reason
        assert "larger than the limit" in guarded(f"{base}/big").reason
        assert "did not answer JSON" in guarded(f"{base}/html").reason
        assert guarded(f"{base}/absent").status == 404
        # Without the allowance, the same loopback server is refused.
        assert "loopback" in GuardedFetcher(FetchPolicy(allow_http=True))(f"{base}/ok").reason


def test_answers_are_cached_briefly() -> None:
    calls = []
    routes = {
        "/doc": (200, {"Content-Type": "application/json"}, b'{"n": 1}'),
        "/status": (200, {"Content-Type": "application/json", "Cache-Control": "no-cache"}, b'{"s": 1}'),
        "/short": (200, {"Content-Type": "application/json", "Cache-Control": "public, max-age=5"}, b"{}"),
    }
    now = [0.0]
    with server(routes) as port:
        guarded = GuardedFetcher(
            FetchPolicy(allow_http=True, allowed_networks=LOOPBACK_ONLY, cache_seconds=60),
            resolver=lambda host, port: calls.append(host) or ["127.0.0.1"],  # type: ignore[func-returns-value]
            clock=lambda: now[0],
        )
        url = f"http://127.0.0.1:{port}/doc"
        assert guarded(url).document == {"n": 1}
        assert guarded(url).document == {"n": 1}
        assert len(calls) == 1
        now[0] = 61
        guarded(url)
        assert len(calls) == 2
        status = f"http://127.0.0.1:{port}/status"
        guarded(status)
        guarded(status)
        assert len(calls) == 4  # no-cache: a revocation list is read again every time
        short = f"http://127.0.0.1:{port}/short"
        guarded(short)
        now[0] = 65
        guarded(short)
        assert len(calls) == 5  # max-age=5 honoured
        now[0] = 67
        guarded(short)
        assert len(calls) == 6


@contextmanager
def trickling_server(stop: threading.Event) -> Iterator[int]:
    """Answers 200 at once, then one byte of its body every 0.2 s, for a minute."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "300")
            self.end_headers()
            for _ in range(300):
                if stop.wait(0.2):
                    return
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


def test_a_trickling_server_holds_a_verification_no_longer_than_its_deadline() -> None:
    """Regression (issue 14, point 5): the timeout was per read, so a server sending a byte
    every few seconds held a verification 20-55 s."""
    import time

    stop = threading.Event()
    with trickling_server(stop) as port:
        guarded = GuardedFetcher(FetchPolicy(allow_http=True, allowed_networks=LOOPBACK_ONLY, timeout=1.0))
        started = time.monotonic()
        fetch = guarded.within()
        first = fetch(f"http://127.0.0.1:{port}/a")
        second = fetch(f"http://127.0.0.1:{port}/b")  # the same verification: no time left
        elapsed = time.monotonic() - started
    assert (first.status, first.document, first.code) == (0, None, "too-slow")
    assert second.code == "too-slow"
    assert elapsed < 4  # one deadline of 1 s for both, with room for a loaded machine


def test_a_slow_host_cannot_starve_the_others() -> None:
    """Ten requests held by a slow host take its slots, not the shared pool: another host's
    document still comes at once."""
    import time

    stop = threading.Event()
    document = json.dumps({"type": "Profile"}).encode()
    with (
        trickling_server(stop) as slow,
        server({"/ok": (200, {"Content-Type": "application/json"}, document)}) as fast,
    ):
        guarded = GuardedFetcher(
            FetchPolicy(
                allow_http=True, allowed_networks=LOOPBACK_ONLY, timeout=3.0, per_host=2, connections=4
            )
        )
        waiting = [
            threading.Thread(target=guarded, args=(f"http://127.0.0.1:{slow}/{i}",)) for i in range(10)
        ]
        for thread in waiting:
            thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        answer = guarded(f"http://localhost:{fast}/ok")
        elapsed = time.monotonic() - started
        stop.set()
        for thread in waiting:
            thread.join()
    assert answer.document == {"type": "Profile"}, answer
    assert elapsed < 2
