"""Who may call the server: API keys, where a key may be sent, and the Host check.

A key is read from the `X-API-Key` header or `Authorization: Bearer KEY`, checked
before the request body is read; or, as LibreTranslate clients send it, from the
body's `api_key` field, checked as soon as the body is parsed. A key in the address
(`?api_key=`) is refused on every route: proxies and access logs keep addresses.

Refusals: LibreTranslate's routes answer as LibreTranslate does (no key 400, a wrong
key 403); our own routes (`/v1/*`, `/metrics`) answer a missing key with 401 and
`WWW-Authenticate: Bearer`, a wrong one with 403.

`AccessGuard` (ASGI) refuses, before anything is read, a request whose Host header
names none of the allowed hosts (421), which shuts out DNS rebinding: a web page on
another site that resolves its own name to 127.0.0.1 still sends its own name as
Host; and a key in the address (400).

Limits: keys are compared as given (no hashing, no per-key quotas); the Host check is
off when no names are given (a server listening on the network without
`allowed_hosts`); a request without a Host header (HTTP/1.0) is let through, as no
browser sends one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request

from translate_sum.server.protocol import ApiError

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
"""The names a browser on this machine reaches a loopback server by."""

MISSING_KEY = "Please contact the server operator to get an API key"
INVALID_KEY = "Invalid API key"
"""LibreTranslate's words for a missing and a wrong key (400 and 403)."""

NEEDS_KEY = (
    "this server needs an API key: send it as the X-API-Key header, as Authorization: Bearer KEY, "
    'or as the "api_key" field of the body'
)
KEY_IN_ADDRESS = (
    "do not put the API key in the address, where proxies and logs keep it; send it as the X-API-Key header, "
    'as Authorization: Bearer KEY, or as the "api_key" field of a JSON or form body'
)

Style = Literal["libretranslate", "bearer"]


@dataclass(frozen=True)
class Keys:
    """The keys a family of routes accepts (none: open), and how it refuses."""

    keys: tuple[str, ...] = ()
    style: Style = "bearer"

    def check_headers(self, request: Request) -> None:
        """Before the body is read: a key sent in a header is checked now (403 if wrong).

        A request with no header key passes: its key may be in the body.
        """
        key = header_key(request)
        if self.keys and key is not None:
            self._compare(key)

    def check(self, request: Request, fields: dict[str, Any] | None = None) -> None:
        """The key of the request, from a header or (parsed) body field `api_key`."""
        if not self.keys:
            return
        key = header_key(request)
        if key is None and fields is not None:
            value = fields.get("api_key")
            key = value if isinstance(value, str) and value else None
        if key is None:
            if self.style == "libretranslate":
                raise ApiError(400, MISSING_KEY)
            raise ApiError(401, NEEDS_KEY, {"WWW-Authenticate": 'Bearer realm="translate-sum"'})
        self._compare(key)

    def _compare(self, key: str) -> None:
        given = key.encode("utf-8", "surrogatepass")
        if not any(secrets.compare_digest(given, known.encode("utf-8")) for known in self.keys):
            raise ApiError(403, INVALID_KEY)


def header_key(request: Request) -> str | None:
    """The key sent as `X-API-Key` or `Authorization: Bearer KEY`, if any."""
    key = request.headers.get("x-api-key", "").strip()
    auth = request.headers.get("authorization", "")
    if not key and auth[:7].lower() == "bearer ":
        key = auth[7:].strip()
    return key or None


def allowed_hosts_for(listen_host: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The Host names a server listening on `listen_host` answers to; () for any.

    On a loopback address: the loopback names, plus `extra` (a proxy's public name).
    On the network: `extra` with the loopback names when given, else any name (the
    machine's names and addresses are not known here).
    """
    from translate_sum.server.run import is_loopback

    if "*" in extra:
        return ()
    if extra or is_loopback(listen_host):
        return (*LOOPBACK_HOSTS, *extra)
    return ()


class AccessGuard:
    """Refuse by headers, before any body is read: a Host not allowed (421), a key in the address (400)."""

    def __init__(self, app: Any, allowed_hosts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = {_bare(name) for name in allowed_hosts}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            refusal = self._refusal(scope)
            if refusal is not None:
                await refusal.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refusal(self, scope: dict[str, Any]) -> ApiError | None:
        host = dict(scope.get("headers", [])).get(b"host")
        if self.allowed and host is not None and not self._allows(host.decode("latin-1")):
            shown = ", ".join(sorted(self.allowed))
            return ApiError(
                421,
                f"this server answers to {shown}, not to '{host.decode('latin-1')[:80]}' "
                "(a web page elsewhere may be trying to reach it); behind a proxy, start it with --allowed-host NAME",
            )
        if _has_key_parameter(scope.get("query_string", b"")):
            return ApiError(400, KEY_IN_ADDRESS)
        return None

    def _allows(self, host: str) -> bool:
        name = _bare(host)
        return name in self.allowed or any(
            pattern.startswith("*.") and name.endswith(pattern[1:]) for pattern in self.allowed
        )


def _bare(host: str) -> str:
    """A Host value or allowed name without its port and brackets, lower-case."""
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:  # name:8000; a bare IPv6 address has several colons
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _has_key_parameter(query: bytes) -> bool:
    from urllib.parse import unquote_to_bytes

    for item in query.split(b"&"):
        name = unquote_to_bytes(item.partition(b"=")[0].replace(b"+", b" "))
        if name.strip().lower() == b"api_key":
            return True
    return False
