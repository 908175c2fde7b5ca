"""Slow clients (issue 15, point 8): bodies sent a byte a second used to take every request slot
of the application, so only /healthz was served while they lasted. Bodies are now taken in whole,
within a deadline, before a request is admitted: slow senders hold connections, not slots, and
get a 408 when their time is up. A real server on loopback, raw sockets as the slow senders."""

from __future__ import annotations

import socket
import threading
import time

import httpx

from service.app import create_app
from service.clock import FixedClock
from service.persistence.database import Database
from service.settings import Settings
from tests.live import serve


def slow_sender(port: int, answers: list[bytes], stop: threading.Event) -> None:
    """POST /verify announcing 200 bytes, then one byte every 0.2 s, and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200\r\n\r\n"
        )
        sock.settimeout(0.2)
        received = b""
        for _ in range(200):
            if stop.is_set():
                break
            try:
                sock.sendall(b" ")
            except OSError:
                break
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received:
                break
        answers.append(received)


def test_slow_senders_take_no_request_slot_and_get_a_408(
    settings: Settings, clock: FixedClock, database: Database
) -> None:
    narrow = settings.model_copy(
        update={"max_concurrent_requests": 2, "body_timeout_seconds": 3.0, "rate_limits_enabled": False}
    )
    app = create_app(narrow, clock=clock, database=database)
    answers: list[bytes] = []
    stop = threading.Event()
    with serve(app) as base:
        port = int(base.rsplit(":", 1)[1])
        senders = [threading.Thread(target=slow_sender, args=(port, answers, stop)) for _ in range(6)]
        for sender in senders:
            sender.start()
        time.sleep(0.5)  # six bodies trickling in, three times the application's slots
        started = time.monotonic()
        verified = httpx.post(f"{base}/verify", json={"input": "bonjour"}, timeout=10)
        page = httpx.get(f"{base}/verifier", timeout=10)
        elapsed = time.monotonic() - started
        for sender in senders:
            sender.join(timeout=15)
        stop.set()
    assert (verified.status_code, page.status_code) == (200, 200)
    assert elapsed < 2, elapsed  # answered while the slow senders were still sending
    assert len(answers) == 6
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers[:1]
    assert all(b"request-timeout" in answer or b"application/problem+json" in answer for answer in answers)
