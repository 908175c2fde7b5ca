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
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from service.signing import data_integrity
from service.signing.errors import ProofError
from service.signing.jsonld_safe import UnsafeJsonLd
from service.signing.rdfc_work import TooComplex

Json = dict[str, Any]
log = logging.getLogger(__name__)


class SandboxBusy(RuntimeError):
    """Every worker stayed busy until the deadline: the caller should answer "try again"."""


class NeedsWorker(Exception):
    """Raised by ``cheap_only``: this document needs a worker process (verify again off the
    event loop)."""


def _serve(connection: Connection) -> None:
    """A worker's loop: canonicalize each document received, answer with the result or the
    refusal's code and term."""
    while True:
        try:
            document = connection.recv()
        except EOFError:
            return
        try:
            nquads, learned = data_integrity.canonicalize_learning(document)
            connection.send(("ok", nquads, learned))
        except UnsafeJsonLd as exc:
            connection.send(("unsafe", exc.code, exc.term))
        except TooComplex as exc:
            connection.send(("too-complex", str(exc), None))
        except ProofError as exc:
            connection.send(("error", exc.code, str(exc)))
        except (RecursionError, MemoryError) as exc:
            connection.send(("too-complex", type(exc).__name__, None))


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


@dataclass
class Sandbox:
    """``workers`` processes, started on first use; each call waits at most ``deadline``."""

    workers: int = 2
    deadline: float = 1.5
    clock: Callable[[], float] = time.monotonic
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _started: int = 0

    def canonicalize(self, document: Json) -> str:
        """The canonical N-Quads of an untrusted document: here when cheap, else in a worker.
        Raises what ``canonicalize`` raises, ``TooComplex`` past the deadline, ``SandboxBusy``
        when no worker came free in time."""
        cheap = data_integrity.canonicalize_cheap(document)
        if cheap is not None:
            return cheap
        started = self.clock()
        self._start()
        try:
            worker = self._idle.get(timeout=self.deadline)
        except queue.Empty:
            raise SandboxBusy("no canonicalization worker came free in time") from None
        remaining = max(0.05, self.deadline - (self.clock() - started))
        try:
            worker.connection.send(document)
            ready = worker.connection.poll(remaining)
            answer = worker.connection.recv() if ready else None
        except (OSError, EOFError):
            answer = None
            ready = False
        if not ready or answer is None:
            self._replace(worker)
            raise TooComplex(f"canonicalization took longer than {self.deadline} s")
        self._idle.put(worker)
        return _result(answer)

    def _start(self) -> None:
        with self._lock:
            while self._started < self.workers:
                self._idle.put(_spawn())
                self._started += 1

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker past its deadline; a new one starts in the background (its start-up,
        about a second of imports, is no caller's wait)."""
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()
        threading.Thread(target=lambda: self._idle.put(_spawn()), daemon=True).start()

    def close(self) -> None:
        with self._lock:
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    break
                worker.connection.close()
                worker.process.kill()
                worker.process.join(timeout=5)
            self._started = 0


def _spawn() -> _Worker:
    context = multiprocessing.get_context("spawn")  # never fork a threaded server
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child,), name="fabrique-canonicalizer", daemon=True)
    process.start()
    child.close()
    return _Worker(process, parent)


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
