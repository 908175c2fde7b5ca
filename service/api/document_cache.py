"""Serialized public documents kept in process memory for a few seconds.

An award's signed documents never change after issue; only an erasure withdraws them (410). A
request for one, answered from here, touches neither a thread nor the database. The process
that erases forgets at once; other processes at most ``ttl`` seconds later, well inside the
day for which the documents are already announced as cacheable (``Cache-Control``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cached:
    body: bytes
    stored_at: float


class DocumentCache:
    def __init__(
        self, *, ttl: float = 10.0, size: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._size = size
        self._clock = clock
        self._items: OrderedDict[tuple[str, str], Cached] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, kind: str, key: str) -> bytes | None:
        with self._lock:
            found = self._items.get((kind, key))
            if found is None:
                return None
            if self._clock() - found.stored_at > self.ttl:
                del self._items[(kind, key)]
                return None
            self._items.move_to_end((kind, key))
            return found.body

    def put(self, kind: str, key: str, body: bytes) -> None:
        with self._lock:
            self._items[(kind, key)] = Cached(body, self._clock())
            self._items.move_to_end((kind, key))
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def forget(self, key: str) -> None:
        """Drop every document stored under ``key`` (an award id), of every kind."""
        with self._lock:
            for item in [k for k in self._items if k[1] == key]:
                del self._items[item]
