"""Rate limits per client address on sign-in and public verification, shared by every process
when Redis is configured (``FABRIQUE_REDIS_URL``), per process in memory otherwise.

The limits library counts hits in a moving window. If Redis stops answering, requests are let
through and a warning is logged: a verification service that stops verifying because its
counter is down would punish the people the limit protects.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from service.errors import FabriqueError

log = logging.getLogger("fabrique.rate_limits")
SIGNIN, VERIFY = "signin", "verify"


class RateLimited(FabriqueError):
    status = 429
    code = "too-many-requests"


class RateLimits:
    def __init__(self, storage_uri: str, rules: dict[str, str], *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.shared = not storage_uri.startswith("memory://")
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._rules: dict[str, RateLimitItem] = {scope: parse(rule) for scope, rule in rules.items()}
        self._clock: Callable[[], float] = time.time

    def wait(self, scope: str, client: str) -> int | None:
        """None when this hit is allowed; otherwise the seconds until the next one will be."""
        if not self.enabled:
            return None
        rule = self._rules[scope]
        try:
            if self._limiter.hit(rule, "fabrique", scope, client):
                return None
            stats = self._limiter.get_window_stats(rule, "fabrique", scope, client)
        except Exception as exc:  # the shared counter is down: let the request through
            log.warning("rate limit storage unavailable (%s): %s not limited", type(exc).__name__, scope)
            return None
        return max(1, math.ceil(stats.reset_time - self._clock()))

    def check(self, scope: str, request: Request) -> None:
        """Raise RateLimited (429 with Retry-After) when the client went over ``scope``'s limit."""
        wait = self.wait(scope, client_address(request))
        if wait is not None:
            raise RateLimited(retry_after=wait)


def client_address(request: Request) -> str:
    """The peer address (uvicorn puts the forwarded one there for trusted proxies only)."""
    return request.client.host if request.client else "unknown"
