"""Admission: at most ``limit`` requests inside the application at once; the others wait in the
event loop, holding no thread and no database connection.

Without it, a burst larger than the connection pool deadlocks: every worker thread of the pool
that FastAPI runs sync code in blocks waiting for a database connection (or, on SQLite, for the
write lock), while the requests holding the connections need a thread to finish. Keep ``limit``
below both the connection pool's size and the thread pool's (40 in AnyIO).

Health and metrics answer without waiting: an orchestrator must see a busy process as alive.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT = frozenset({"/healthz", "/metrics"})


class Admission:
    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        # Made in the loop that serves: a semaphore belongs to one event loop (tests serve one
        # app from several loops in turn).
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._slots, self._loop = asyncio.Semaphore(self.limit), loop
        async with self._slots:
            await self.app(scope, receive, send)
