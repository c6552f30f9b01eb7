"""Run the server: bind, say where, serve until Ctrl-C or SIGTERM, stop gracefully.

The socket is bound before uvicorn starts, so the address printed is the one bound
(port 0 picks a free port). On Ctrl-C or SIGTERM uvicorn stops accepting at once,
lets the requests in flight finish (up to `grace` seconds), then the application's
shutdown stops the scheduler.

A request's head must arrive within `HEADER_TIMEOUT` seconds (uvicorn itself has no
such limit), its body within the app's body timeout (`middleware.BodyLimit`).

Limits: one worker process; TLS is left to a reverse proxy in front; the head timer
relies on uvicorn's h11 protocol class (`on_response_complete`, `conn`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)

HEADER_TIMEOUT = 10.0
"""Seconds a client has to send a request's head (its line and headers)."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (IPv4 or IPv6)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http:// address a browser on this machine can open for `sock`."""
    host, port = sock.getsockname()[:2]
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if ipaddress.ip_address(shown).version == 6:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host) if host != "::1" else host).is_loopback
    except (OSError, ValueError):
        return False


def serve(app: Any, sock: socket.socket, *, grace: float, on_ready: Callable[[], None] | None = None) -> None:
    """Serve `app` on the bound `sock` until a stop signal; requests in flight finish."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if on_ready is not None and not self.should_exit:
                on_ready()

    config = server_config(app, grace=grace)
    # uvicorn handles SIGINT/SIGTERM while it runs, then restores the handlers it
    # found and raises the signal again; with these quiet ones in place a stop
    # request ends in a normal return (exit 0), not a KeyboardInterrupt or a kill.
    quiet = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGINT, signal.SIGTERM)} if quiet else {}
    try:
        Server(config).run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def server_config(app: Any, *, grace: float = 30.0, header_timeout: float = HEADER_TIMEOUT) -> Any:
    """uvicorn's settings for `app`: quiet, one process, request heads timed."""
    import uvicorn

    return uvicorn.Config(
        app,
        http=head_timed_protocol(header_timeout),
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=int(grace),
        lifespan="on",
    )


def head_timed_protocol(seconds: float) -> type:
    """uvicorn's HTTP/1.1 protocol (h11), closing a connection whose request head
    (request line and headers) is not all in `seconds` after the connection opened
    or the previous answer ended.

    uvicorn bounds a head's size, not its time: a client sending a byte every 100 ms
    held a connection as long as it liked. The body's time is `BodyLimit`'s.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadTimedProtocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:  # noqa: D102 - asyncio's interface
            super().connection_made(transport)
            self._time_the_head()

        def on_response_complete(self) -> None:  # noqa: D102 - uvicorn's hook
            super().on_response_complete()
            self._time_the_head()

        def connection_lost(self, exc: Exception | None) -> None:  # noqa: D102
            if self._head_timer is not None:
                self._head_timer.cancel()
            super().connection_lost(exc)

        def _time_the_head(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
            self._head_timer = self.loop.call_later(seconds, self._head_late)

        def _head_late(self) -> None:
            # Still IDLE: no complete request head since the timer started.
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                log.info("closed a connection whose request head took over %g s", seconds)
                self.transport.close()

    return HeadTimedProtocol


def _ignore(signum: int, frame: Any) -> None:
    log.debug("signal %d after shutdown: already stopping", signum)
