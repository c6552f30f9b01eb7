"""Polite HTTP for feed runs: one User-Agent, conditional requests, per-host limits, robots.txt.

Every request of a feed run goes through one `PoliteClient`:

- the User-Agent is `fetch.USER_AGENT` (the tool's name, version and home page);
- a feed is asked for with the ETag and Last-Modified its last answer gave
  (`If-None-Match`, `If-Modified-Since`), so an unchanged feed answers 304 with no body;
- at most `FeedOptions.per_host` requests are in flight to one host at once; two
  page requests to one host start at least `host_delay` seconds apart (longer when
  its robots.txt asks with Crawl-delay, up to `MAX_CRAWL_DELAY`), two feed requests
  `feed_delay` apart. A host is a scheme, name and port, as robots.txt rules are
  (RFC 9309);
- every request has the run's time limit for the whole download and its size limit,
  checked against the declared length and against the bytes read;
- an article page is fetched only when the host's robots.txt allows it (read once
  per host and run, with the same limits; RFC 9309: a robots.txt that is missing
  allows everything, one that cannot be reached forbids everything).

Article pages themselves are downloaded by `fetch.fetch`, the tool's one page
fetcher, inside this client's per-host limits; feeds and robots.txt need what it
does not do (request headers, a 304, non-HTML types), hence `get` here.

Limits: no compression is asked for (feeds are small; pages go through
`fetch.fetch`); a permanent redirect of a feed is followed on every run, not
remembered; robots.txt is cached for one run only.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from translate_sum.errors import Hint, InputError
from translate_sum.feeds.items import FeedOptions
from translate_sum.fetch import USER_AGENT, FetchedPage, fetch, network_reason

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8,"
    " text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
"""What a feed request asks for; a line of a list may also be an article page."""

ROBOTS_AGENT = "translate-sum"
"""The product token robots.txt rules are matched against (RFC 9309 §2.2.1)."""

ROBOTS_MAX_BYTES = 512 * 1024
"""RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest is ignored."""

MAX_CRAWL_DELAY = 10.0
"""A Crawl-delay above this many seconds is capped: one slow host must not hold a daily run for hours."""

PEEK_BYTES = 8192
"""What `PoliteClient.peek` reads of an address: enough for `parse.sniff_kind` to see its first element."""

_CHUNK = 64 * 1024


class HttpStatusError(InputError):
    """The server answered with an error status; `status` says which."""

    def __init__(self, message: str, hint: Hint | str | None = None, status: int = 0) -> None:
        super().__init__(message, hint)
        self.status = status


@dataclass(frozen=True)
class Response:
    """A server's answer: 200 with a body, or 304 (not modified) with none."""

    url: str  # after redirects
    status: int
    data: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def origin(url: str) -> str:
    """The scheme, host and port of an address: what politeness and robots.txt count by."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower().rsplit('@', 1)[-1]}"


def get(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = FEED_ACCEPT,
    truncate: bool = False,
) -> Response:
    """Download `url` once, conditionally when `etag` or `last_modified` are given.

    The whole download must end within `timeout` seconds and hold at most
    `max_bytes` (with `truncate`, the first `max_bytes` are kept instead). Raises
    `HttpStatusError` for an error status and `InputError` for any other failure,
    each one line naming the address and the reason.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Language": "fr,en;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if not truncate and declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_big(url, max_bytes, f"{int(declared):,} bytes")
            data = _read_within(response, url, max_bytes, deadline, timeout, truncate)
            return Response(
                response.geturl(), response.status, data, response.headers.get_content_type(),
                response.headers.get_content_charset(), response.headers.get("ETag"), response.headers.get("Last-Modified"),
            )
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Response(url, 304, etag=exc.headers.get("ETag") or etag,
                            last_modified=exc.headers.get("Last-Modified") or last_modified)
        if 300 <= exc.code < 400:
            raise HttpStatusError(f"{url}: the address redirects in a loop", Hint("check the address in a browser"), exc.code) from exc
        raise HttpStatusError(f"{url}: the server answered {exc.code} {exc.reason}", _status_hint(exc.code), exc.code) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise InputError(f"{url}: {network_reason(reason, timeout)}", Hint("check the address and the network")) from exc


def _read_within(response, url: str, max_bytes: int, deadline: float, timeout: float, truncate: bool) -> bytes:  # type: ignore[no-untyped-def]
    """The body, bounded in size and in time (a server trickling bytes is cut off)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise InputError(f"{url}: the answer did not arrive within {timeout:g} s", Hint("try again later"))
        chunk = response.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            if truncate:
                chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                return b"".join(chunks)
            raise _too_big(url, max_bytes, "more")
        chunks.append(chunk)


def _too_big(url: str, max_bytes: int, size: str) -> InputError:
    return InputError(f"{url}: the answer is {size}, over the {max_bytes:,}-byte limit", Hint("raise {option}", "max_bytes"))


def _status_hint(status: int) -> Hint:
    if status in (404, 410):
        return Hint("check the address; the feed may have moved")
    if status in (401, 402, 403):
        return Hint("the address is not open to anonymous readers")
    return Hint("try again later")


@dataclass
class _Host:
    slots: threading.Semaphore
    delay: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0


class HostGate:
    """At most `per_host` requests in flight to one host, their starts `delay` seconds apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, url: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(origin(url), _Host(threading.Semaphore(self.per_host), self.delay))

    def slow_down(self, url: str, delay: float) -> None:
        """Space the requests to `url`'s host at least `delay` seconds apart (capped)."""
        host = self._host(url)
        host.delay = max(host.delay, min(delay, MAX_CRAWL_DELAY))

    @contextmanager
    def slot(self, url: str, delay: float | None = None) -> Iterator[None]:
        """Hold one of the host's slots, after waiting for its next start time.

        The next request to the host may start `delay` seconds after this one (default:
        the host's delay, which robots.txt's Crawl-delay may have raised).
        """
        host = self._host(url)
        with host.slots:
            with host.lock:
                now = time.monotonic()
                start = max(now, host.next_start)
                host.next_start = start + (host.delay if delay is None else max(0.0, delay))
            if start > now:
                time.sleep(start - now)
            yield


class RobotsRefusal(InputError):
    """robots.txt does not let the tool fetch this page."""


class PoliteClient:
    """The one way a feed run touches the network (see the module's docstring)."""

    def __init__(self, options: FeedOptions) -> None:
        self.options = options
        self.gate = HostGate(options.per_host, options.host_delay)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.requests = 0  # every request sent, robots.txt included: for reports and tests

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """A feed (or an address of unknown kind), conditionally, within the host's limits."""
        with self.gate.slot(url, self.options.feed_delay):
            self._count()
            return get(url, max_bytes=self.options.max_bytes, timeout=self.options.timeout,
                       etag=etag, last_modified=last_modified)

    def peek(self, url: str, size: int = PEEK_BYTES) -> Response:
        """The first `size` bytes of an address, within the host's limits: enough to tell
        a feed from a page (`parse.sniff_kind`) without downloading a whole page."""
        with self.gate.slot(url, self.options.feed_delay):
            self._count()
            return get(url, max_bytes=size, timeout=self.options.timeout, truncate=True)

    def page(self, url: str) -> FetchedPage:
        """An article page, when robots.txt allows it; raises RobotsRefusal or InputError."""
        if self.options.respect_robots:
            refusal = self.robots_refusal(url)
            if refusal:
                raise RobotsRefusal(f"{url}: {refusal}", Hint("the feed's summary is used instead"))
        with self.gate.slot(url):
            self._count()
            return fetch(url, max_bytes=self.options.max_bytes, timeout=self.options.timeout)

    def robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids `url` to this tool, or None when it allows it."""
        rules = self._rules(origin(url))
        if isinstance(rules, str):
            return rules
        if not rules.can_fetch(ROBOTS_AGENT, url):
            return "robots.txt does not allow this page to be fetched"
        return None

    def _rules(self, host: str) -> urllib.robotparser.RobotFileParser | str:
        # Read once per host and run: a second thread asking for the same host waits
        # for the first one's answer; other hosts are not held up.
        with self._lock:
            lock = self._robots_locks.setdefault(host, threading.Lock())
        with lock:
            if host not in self._robots:
                self._robots[host] = self._read_robots(host)
            return self._robots[host]

    def _read_robots(self, host: str) -> urllib.robotparser.RobotFileParser | str:
        url = f"{host}/robots.txt"
        rules = urllib.robotparser.RobotFileParser(url)
        try:
            with self.gate.slot(url):
                self._count()
                answer = get(url, max_bytes=ROBOTS_MAX_BYTES, timeout=self.options.timeout, accept="text/plain",
                             truncate=True)
        except HttpStatusError as exc:
            if 400 <= exc.status < 500:  # RFC 9309 2.3.1.3: "unavailable", everything allowed
                rules.parse([])
                return rules
            return f"robots.txt cannot be read ({exc.message.split(': ', 1)[-1]}), so no page of the site is fetched"
        except InputError as exc:  # RFC 9309 2.3.1.4: "unreachable", everything forbidden
            return f"robots.txt cannot be read ({exc.message.split(': ', 1)[-1]}), so no page of the site is fetched"
        rules.parse(answer.data.decode("utf-8", errors="replace").splitlines())
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            self.gate.slow_down(url, float(delay))
        return rules
