"""ASGI middleware of the server: the request body's size and time limits, and request counting.

Limits: the body limit counts bytes as they arrive, so a client that lies about
Content-Length is cut off at the limit; a body refused after the answer started
(never the case for our routes, which read the body first) is only cut off; a
refused body is read and thrown away up to 64 MiB or 30 s, then the connection is
closed, so a client that sends more than that may not see the answer.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

from translate_sum.server.metrics import Metrics
from translate_sum.server.protocol import ApiError
from translate_sum.settings import DEFAULT_BODY_TIMEOUT


DRAIN_BYTES = 64 * 1024 * 1024
"""Most bytes of a refused body read and thrown away so that its client hears the refusal."""

DRAIN_SECONDS = 30.0
"""Longest time spent reading a refused body (nginx's lingering_time)."""

DRAIN_PAUSE = 5.0
"""A refused body's client silent this long is not waited for (nginx's lingering_timeout)."""


class BodyLimit:
    """Answer 413 to a request body over `limit` bytes: by its Content-Length before
    reading, or counted as it arrives; 408 to one still coming `timeout` seconds after
    the request began; and read (bounded) what a refused client still sends.

    The time limit is on the whole body, not on each read: a client sending a byte
    every 100 ms would pass any per-read limit and hold a connection for hours.

    Clients such as Python's urllib send the whole body before they read the answer:
    closing the connection on an unread body resets it, and they never see the 413.
    So an answer given before the body was read goes out at once, then the rest of
    the body is read and thrown away (at most `DRAIN_BYTES`, `DRAIN_SECONDS`, pauses
    of `DRAIN_PAUSE`), then the connection is closed, as nginx's lingering close.
    """

    def __init__(self, app: Any, limit: int, timeout: float = DEFAULT_BODY_TIMEOUT) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    def _refusal(self) -> ApiError:
        return _BodyRefused(413, f"the request body is over the server's {self.limit:,}-byte limit; send a shorter article")

    def _too_slow(self) -> ApiError:
        return _BodyRefused(
            408,
            f"the request body did not arrive within the server's {self.timeout:g} s; "
            "send it faster, or ask the operator to raise --body-timeout",
        )

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = _RequestBody(scope, receive, self.limit, self._refusal, time.monotonic() + self.timeout, self._too_slow)
        send = body.lingering(send)
        if body.declared is not None and body.declared > self.limit:
            await self._refusal().response()(scope, body.receive, send)
            return
        try:
            await self.app(scope, body.receive, send)
        except _BodyRefused as exc:  # raised where no exception handler answers it
            if not body.answered:
                await exc.response()(scope, body.receive, send)


class _BodyRefused(ApiError):
    """Raised from the body's `receive` (too large, or too slow): an ApiError, so the
    routes' body readers let it through and the app answers it."""


class _RequestBody:
    """One request's body as the application reads it: counted, timed, and drained when refused."""

    def __init__(
        self,
        scope: dict[str, Any],
        receive: Any,
        limit: int,
        refusal: Callable[[], ApiError],
        deadline: float,
        too_slow: Callable[[], ApiError],
    ) -> None:
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length", b"")
        self.declared = int(length) if length.isdigit() else None
        # No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body.
        self.done = not self.declared and b"transfer-encoding" not in headers
        self.awaits_continue = headers.get(b"expect", b"").lower() == b"100-continue"
        self.received = 0
        self.answered = False
        self.timed_out = False
        self._receive = receive
        self._limit = limit
        self._refusal = refusal
        self._deadline = deadline
        self._too_slow = too_slow

    async def receive(self) -> dict[str, Any]:
        if self.done:  # past the body: waiting for the client to leave is not timed
            return await self._receive()
        try:
            message = await asyncio.wait_for(self._receive(), max(0.0, self._deadline - time.monotonic()))
        except asyncio.TimeoutError:
            self.timed_out = True  # a slow client is answered, not waited for again
            raise self._too_slow() from None
        self._note(message)
        if self.received > self._limit:
            raise self._refusal()
        return message

    def _note(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.done = self.done or not message.get("more_body", False)
        else:  # http.disconnect
            self.done = True

    def lingering(self, send: Any) -> Any:
        """`send`, but an answer given before the whole body came is followed by a drain."""

        async def send_then_drain(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.answered = True
                if not self.done:  # the client will not get to send another request here
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            elif message["type"] == "http.response.body" and not message.get("more_body") and self._worth_draining():
                await send({**message, "more_body": True})  # the answer goes out now...
                await self._drain()  # ...while the client is still sending
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        return send_then_drain

    def _worth_draining(self) -> bool:
        # A client waiting for "100 Continue" got the answer instead and sends no body.
        return not self.done and not self.timed_out and not (self.awaits_continue and self.received == 0)

    async def _drain(self) -> None:
        deadline = time.monotonic() + DRAIN_SECONDS
        drained = 0
        while not self.done and drained < DRAIN_BYTES:
            wait = min(DRAIN_PAUSE, deadline - time.monotonic())
            if wait <= 0:
                return
            try:
                message = await asyncio.wait_for(self._receive(), wait)
            except asyncio.TimeoutError:
                return
            self._note(message)
            drained += len(message.get("body", b""))


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
