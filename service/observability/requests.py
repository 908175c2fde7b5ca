"""Each request gets an id (the caller's ``X-Request-ID`` when it is sane, else a new one),
returned in the response, carried by every log line of the request; when it ends, one access
log line (method, route template, status, duration: no query string, no personal data) and the
request metrics."""

from __future__ import annotations

import logging
import re
import secrets
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.observability.logs import REQUEST_ID
from service.observability.metrics import Metrics

access_log = logging.getLogger("fabrique.access")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_from(header: str | None) -> str:
    return header if header and _SANE_ID.match(header) else secrets.token_hex(8)


def route_template(scope: Scope) -> str:
    """The path with each path parameter put back as ``{name}``: a label of bounded cardinality
    that carries no id (the routers are nested, so the matched route alone lacks the prefixes)."""
    if scope.get("route") is None:
        return "unmatched"
    names = {str(value): name for name, value in (scope.get("path_params") or {}).items()}
    segments = []
    for segment in str(scope.get("path", "")).split("/"):
        stem, dot, suffix = segment.partition(".")
        if segment in names:
            segment = "{" + names[segment] + "}"
        elif dot and stem in names:
            segment = "{" + names[stem] + "}." + suffix
        segments.append(segment)
    return "/".join(segments)


class RequestContext:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id")
        request_id = request_id_from(given.decode("latin-1") if given else None)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            template = route_template(scope)
            method = str(scope.get("method", ""))
            self.metrics.observe(method, template, status, elapsed)
            access_log.info(
                "%s %s %s %.1f ms",
                method,
                template,
                status,
                elapsed * 1000,
                extra={
                    "method": method,
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            REQUEST_ID.reset(token)
