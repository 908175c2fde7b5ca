"""Rate limits per client address on sign-in and public verification, shared by every process
when Redis is configured (``FABRIQUE_REDIS_URL``), per process in memory otherwise.

The limits library counts hits in a moving window. If Redis stops answering, requests are let
through and a warning is logged: a verification service that stops verifying because its
counter is down would punish the people the limit protects. A Redis that accepts connections
and never answers is the worst case: every call waits at most ``STORAGE_TIMEOUT`` seconds, never
on the event loop (``check_async`` runs it in a worker thread), and after a failure the storage
is left alone for ``COOLDOWN`` seconds, requests going through at once; each failure is counted
(``fabrique_rate_limit_storage_failures`` in /metrics).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from service.errors import FabriqueError

log = logging.getLogger("fabrique.rate_limits")
SIGNIN, VERIFY = "signin", "verify"


class RateLimited(FabriqueError):
    status = 429
    code = "too-many-requests"


STORAGE_TIMEOUT = 0.25  # seconds, to connect to Redis and for each answer
COOLDOWN = 5.0  # seconds during which a failed storage is not asked again


class RateLimits:
    def __init__(
        self,
        storage_uri: str,
        rules: dict[str, str],
        *,
        enabled: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        storage_timeout: float = STORAGE_TIMEOUT,
    ) -> None:
        self.enabled = enabled
        self.shared = not storage_uri.startswith("memory://")
        options: dict[str, float | str | bool] = (
            {"socket_timeout": storage_timeout, "socket_connect_timeout": storage_timeout}
            if storage_uri.startswith(("redis://", "rediss://", "redis+unix://"))
            else {}
        )
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))
        self._rules: dict[str, RateLimitItem] = {scope: parse(rule) for scope, rule in rules.items()}
        self._clock: Callable[[], float] = time.time
        self._monotonic = monotonic
        self._resting_until = 0.0
        self.storage_failures = 0  # since start, for /metrics

    def wait(self, scope: str, client: str) -> int | None:
        """None when this hit is allowed; otherwise the seconds until the next one will be.
        Blocking (at most ``STORAGE_TIMEOUT`` per call to Redis): off the event loop."""
        if not self.enabled or self._monotonic() < self._resting_until:
            return None
        rule = self._rules[scope]
        try:
            if self._limiter.hit(rule, "fabrique", scope, client):
                return None
            stats = self._limiter.get_window_stats(rule, "fabrique", scope, client)
        except Exception as exc:  # the shared counter is down or silent: let the request through
            self.storage_failures += 1
            self._resting_until = self._monotonic() + COOLDOWN
            log.warning(
                "rate limit storage unavailable (%s): %s not limited for %.0f s",
                type(exc).__name__,
                scope,
                COOLDOWN,
            )
            return None
        return max(1, math.ceil(stats.reset_time - self._clock()))

    async def wait_async(self, scope: str, client: str) -> int | None:
        """``wait`` for the event loop: in a worker thread when the count lives in Redis."""
        if not self.shared or not self.enabled:
            return self.wait(scope, client)
        return await run_in_threadpool(self.wait, scope, client)

    async def check(self, scope: str, request: Request) -> None:
        """Raise RateLimited (429 with Retry-After) when the client went over ``scope``'s limit."""
        wait = await self.wait_async(scope, client_address(request))
        if wait is not None:
            raise RateLimited(retry_after=wait)


def client_address(request: Request) -> str:
    """The peer address (uvicorn puts the forwarded one there for trusted proxies only)."""
    return request.client.host if request.client else "unknown"
