"""Run the server: bind, say where, serve until Ctrl-C or SIGTERM, stop gracefully.

The socket is bound before uvicorn starts, so the address printed is the one bound
(port 0 picks a free port). On Ctrl-C or SIGTERM uvicorn stops accepting at once,
lets the requests in flight finish (up to `grace` seconds), then the application's
shutdown stops the scheduler.

Limits: one worker process; TLS is left to a reverse proxy in front.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import threading
from typing import Any, Callable

log = logging.getLogger(__name__)


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

    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=int(grace),
        lifespan="on",
    )
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


def _ignore(signum: int, frame: Any) -> None:
    log.debug("signal %d after shutdown: already stopping", signum)
