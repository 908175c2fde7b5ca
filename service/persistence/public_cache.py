"""Public documents kept in process memory while the public revision they were built at is current.

Hosted assertions, OB 3.0 credentials and status lists change only when an award is revoked or
erased or a key or issuer changes, and each such commit raises the public revision
(``service.persistence.public_revision``). A process answers from memory, and re-reads the
revision (one row, one query) at most every ``interval`` seconds:

- a change committed by this process is seen by its next request (``stale`` runs after the
  commit, and the next request re-reads);
- a change committed by another process is seen at most ``interval`` seconds later, plus the time
  of one query. ``interval = 0`` re-reads on every request.

Entries are tagged with the revision read *before* their data, in the same transaction: an entry
can be newer than its tag, never older.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class PublicCache:
    def __init__(
        self,
        read_revision: Callable[[], int],
        *,
        interval: float = 0.25,
        size: int = 8192,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self._read_revision = read_revision
        self._size = size
        self._clock = clock
        self._revision: int | None = None
        self._checked_at = -math.inf
        self._generation = 0  # raised by ``stale``: a re-read begun before it must not count
        self._items: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def due(self) -> bool:
        """Whether the revision must be re-read before answering from memory."""
        return self._revision is None or self._clock() - self._checked_at >= self.interval

    def refresh(self) -> None:
        """Re-read the committed revision (a query: call it from a worker thread) and drop every
        entry built at another one."""
        with self._lock:
            generation = self._generation
            self._checked_at = self._clock()  # requests meanwhile do not all re-read too
        revision = self._read_revision()
        with self._lock:
            if generation != self._generation:
                self._checked_at = -math.inf  # this process changed something meanwhile: again
                return
            if revision != self._revision:
                self._items.clear()
                self._revision = revision

    def stale(self) -> None:
        """This process committed a change to public documents: forget everything now."""
        with self._lock:
            self._generation += 1
            self._revision = None
            self._checked_at = -math.inf
            self._items.clear()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != self._revision:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, revision: int, value: Any) -> None:
        """Keep ``value``, built in a transaction that read ``revision`` first."""
        with self._lock:
            if self._revision is not None and revision != self._revision:
                return  # built across a change: the next request builds it again
            self._items[key] = (revision, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
