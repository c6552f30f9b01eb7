"""ASGI middleware of the server: the request body limit and request counting.

Limits: the body limit counts bytes as they arrive, so a client that lies about
Content-Length is cut off at the limit; a body refused after the answer started
(never the case for our routes, which read the body first) is only cut off.
"""

from __future__ import annotations

import time
from typing import Any, Awaitable, Callable

from fastapi.responses import JSONResponse

from translate_sum.server.metrics import Metrics
from translate_sum.server.protocol import ApiError

class BodyLimit:
    """Answer 413 to a request body over `limit` bytes, counted as it arrives."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _message(self) -> str:
        return f"the request body is over the server's {self.limit:,}-byte limit; send a shorter article"

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await JSONResponse({"error": self._message()}, status_code=413)(scope, receive, send)
                return
        received = 0
        started = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(413, self._message())
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await JSONResponse({"error": self._message()}, status_code=413)(scope, receive, send)


class _TooLarge(ApiError):
    """Raised from the body's `receive`: an ApiError, so the routes' body readers let it through."""


class CountRequests:
    """Record each answered request in `Metrics`, by route pattern and status."""

    def __init__(self, app: Any, metrics: Metrics, routes: set[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            path = scope.get("path", "")
            route = path if path in self.routes else "/static" if path.startswith("/static") else "other"
            self.metrics.record(route, status, time.perf_counter() - started)
