"""Canonicalization of documents this service did not make, in worker processes with a hard
deadline, so that no input can stall the service.

JSON-LD expansion (pyld) and RDFC-1.0 (oxigraph, which holds the GIL) are the only parts of a
verification whose cost depends on more than the input's size. The work budget of
``signing.rdfc_work`` and the inline-context limits of ``signing.jsonld_safe`` bound them; this
module is the backstop for what those bounds miss: the work runs in one of a few worker
processes, the caller waits at most ``deadline`` seconds, and a worker past its deadline is
killed and replaced. The serving process meanwhile only waits on a pipe, so ``/healthz`` and
every other request go on.

What stays in the calling process is linear in the input: a document whose shape is already
known and whose blank nodes are told apart at first degree (``data_integrity.canonicalize_cheap``,
every badge of this service and any shape seen before). A worker sends back the template it
built for a new shape, so the next document of that shape is cheap here too.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from service.signing import data_integrity
from service.signing.errors import ProofError
from service.signing.jsonld_safe import UnsafeJsonLd
from service.signing.rdfc_work import TooComplex

Json = dict[str, Any]
log = logging.getLogger(__name__)
START_SECONDS = 60.0  # a worker's imports, on a loaded machine


class SandboxBusy(RuntimeError):
    """Every worker stayed busy until the deadline: the caller should answer "try again"."""


class NeedsWorker(Exception):
    """Raised by ``cheap_only``: this document needs a worker process (verify again off the
    event loop)."""


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    requests: Connection
    answers: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        for end in (self.requests, self.answers):
            end.close()


@dataclass
class Sandbox:
    """``workers`` processes, started on first use; each call waits at most ``deadline``."""

    workers: int = 2
    deadline: float = 1.5
    clock: Callable[[], float] = time.monotonic
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _started: int = 0
    _first_ready: threading.Event = field(default_factory=threading.Event)

    def canonicalize(self, document: Json) -> str:
        """The canonical N-Quads of an untrusted document: here when cheap, else in a worker.
        Raises what ``canonicalize`` raises, ``TooComplex`` past the deadline, ``SandboxBusy``
        when no worker came free in time."""
        check_size(document)  # first: a walk that allocates nothing, before any other work
        cheap = data_integrity.canonicalize_cheap(document)
        if cheap is not None:
            return cheap
        started = self.clock()
        self._start()
        # Until a first worker has started, its start-up is waited for (not held against the
        # document); after that, a worker that does not come free in time means "busy".
        wait = self.deadline if self._first_ready.is_set() else START_SECONDS
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise SandboxBusy("no canonicalization worker came free in time") from None
        waited = self.clock() - started if self._first_ready.is_set() else 0.0
        remaining = max(0.05, self.deadline - waited)
        try:
            worker.requests.send(document)
            ready = worker.answers.poll(remaining)
            answer = worker.answers.recv() if ready else None
        except (OSError, EOFError):  # the worker died on this document
            answer = None
        if answer is None:
            self._replace(worker)
            raise TooComplex(f"canonicalization took longer than {self.deadline} s")
        self._idle.put(worker)
        return _result(answer)

    def start(self) -> None:
        """Start the workers now (the service does at start-up), not on the first request."""
        self._start()

    def _start(self) -> None:
        with self._lock:
            missing = self.workers - self._started
            self._started = self.workers
        for _ in range(missing):
            threading.Thread(target=self._add, daemon=True).start()

    def _add(self) -> None:
        try:
            self._idle.put(_spawn())
            self._first_ready.set()
        except (OSError, RuntimeError, EOFError):
            log.exception("a canonicalization worker did not start")
            with self._lock:
                self._started -= 1  # the next call tries again

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker past its deadline; a new one starts in the background (its start-up
        is no caller's wait)."""
        worker.stop()
        threading.Thread(target=self._add, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    break
                worker.stop()
            self._started = 0


def _spawn() -> _Worker:
    """A worker process running ``sandbox_worker``, once it says it is ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "service.verification.sandbox_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
    )
    if process.stdin is None or process.stdout is None:  # never with PIPE; for the type checker
        raise RuntimeError("the canonicalization worker has no pipes")
    requests = Connection(os.dup(process.stdin.fileno()), readable=False)
    answers = Connection(os.dup(process.stdout.fileno()), writable=False)
    process.stdin.close()
    process.stdout.close()
    worker = _Worker(process, requests, answers)
    if not answers.poll(START_SECONDS) or answers.recv()[0] != "ready":
        worker.stop()
        raise RuntimeError("the canonicalization worker did not start")
    return worker


def _result(answer: tuple[str, Any, Any]) -> str:
    kind, first, second = answer
    if kind == "ok":
        if second is not None:
            data_integrity.learn(second)
        return str(first)
    if kind == "unsafe":
        raise UnsafeJsonLd(str(first), str(second))
    if kind == "too-complex":
        raise TooComplex(str(first))
    error = ProofError(str(second))
    error.code = str(first)
    raise error


MAX_OBJECTS = 2000  # JSON objects in one document; a badge has tens
MAX_DEPTH = 48


def check_size(document: Any) -> None:
    """``TooComplex`` for a document with more objects or deeper nesting than any badge has:
    refused at once rather than left to run into the deadline (and cost a worker)."""
    objects = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TooComplex(f"nested deeper than {MAX_DEPTH}")
        if isinstance(node, dict):
            objects += 1
            if objects > MAX_OBJECTS:
                raise TooComplex(f"more than {MAX_OBJECTS} objects")
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


def cheap_only(document: Json) -> str:
    """A canonicalizer for the event loop: the cheap path or ``NeedsWorker``."""
    cheap = data_integrity.canonicalize_cheap(document)
    if cheap is None:
        raise NeedsWorker
    return cheap


_SHARED: Sandbox | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> Sandbox:
    """The process's sandbox: its workers serve every app and command of this process."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Sandbox()
        return _SHARED
