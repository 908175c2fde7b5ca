"""Take in request bodies before they reach a route (ASGI middleware): bounded in size and in
time, and whole before the request is admitted into the application.

A declared Content-Length is checked up front. Every body is then read here, up to the limit
and within ``deadline`` seconds, and replayed to the application: an oversized one is refused
with 413 and a slow one with 408 whatever route it was sent to. Because this middleware stands
outside the admission control, a client sending its body a byte a second holds a connection,
never one of the application's request slots (regression: twelve such clients used to take
them all). In production a reverse proxy that buffers bodies does this first (README).
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.http.problems import problem


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, deadline: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.deadline = deadline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        if declared in (None, b"0") and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body to wait for
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.deadline):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        break
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_bytes:
                        await self._refuse(scope, receive, send)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            response = problem(Request(scope), 408, "request-timeout", {"seconds": int(self.deadline)})
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(Request(scope), 413, "payload-too-large", {"limit": self.max_bytes})
        await response(scope, receive, send)
