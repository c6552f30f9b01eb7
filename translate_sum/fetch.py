"""Fetch an article given by its web address (http:// or https://).

The page is downloaded with the standard library's `urllib`: redirects are followed
(at most 10, loops refused), the whole download (connecting, the answer's headers
and its body) must finish within a time limit, enforced by shutting its sockets,
and the body may not exceed a size limit, checked against the declared length
before reading and against the bytes read while reading. The reader then extracts
the article exactly as from a saved page (`reader.parse_article`).

A failure is one `InputError` naming the address and what went wrong in words: the
host cannot be found, the connection was refused, the server answered 404, no
answer in time, too big, neither a web page nor a document.

Word, OpenDocument and PDF files are downloaded too, by their declared type
(`documents.MEDIA_TYPES`), or as `application/octet-stream` when the address or the
Content-Disposition file name ends in .docx, .odt or .pdf; `FetchedPage.document_format`
says which, and the reader reads them as documents.

Limits:
- No JavaScript runs: a page that builds its article in the browser has no article
  text to extract (the reader then says so).
- No cookies, logins or paywalls: what an anonymous visitor gets is what is read.
- Proxies come from the usual environment variables (`https_proxy`...), as in every
  `urllib` program; nothing else is configurable.
"""

from __future__ import annotations

import http.client
import logging
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Any

from translate_sum.documents.container import MEDIA_TYPES, format_for_name
from translate_sum.errors import Hint, InputError
from translate_sum.version import __version__

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
"""Seconds for the whole download: a news page comes in well under a second."""

USER_AGENT = f"translate-sum/{__version__} (article translation; +https://pypi.org/project/translate-sum/)"

TEXT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "text/markdown"})
"""Content types read as an article's text; documents (`MEDIA_TYPES`) are read too,
anything else (images, JSON, archives) is refused."""

GENERIC_BINARY = "application/octet-stream"
"""What servers send for a file they do not type: a document when its name says so."""

ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9," + ",".join(f"{t};q=0.8" for t in MEDIA_TYPES) + ",*/*;q=0.1"

_CHUNK = 64 * 1024
_URL = re.compile(r"^https?://\S+$", re.I)


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded page: its final address (after redirects), body and declared type."""

    url: str
    data: bytes
    content_type: str
    charset: str | None = None
    document_format: str | None = None  # "docx", "odt" or "pdf" for a document; None for a page


    @property
    def is_html(self) -> bool:
        return self.content_type in {"text/html", "application/xhtml+xml"}

    @property
    def is_markdown(self) -> bool:
        return self.content_type == "text/markdown"


def is_url(name: str) -> bool:
    """True for an http:// or https:// address (what `fetch` accepts)."""
    return bool(_URL.match(name.strip()))


def read_url_list(path: str | Path) -> list[str]:
    """The addresses listed in a text file, one a line, in order, each once.

    Blank lines and lines starting with "#" are ignored; anything else that is not an
    http(s) address is an `InputError` naming its line, so a typo never silently
    drops an article.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the list of addresses ({exc})", Hint("give a UTF-8 text file, one address a line")) from exc
    urls: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise InputError(
                f"{path}:{number}: '{line[:80]}' is not an http(s) address",
                Hint("list one address a line, starting with https://; # starts a comment"),
            )
        if line not in urls:
            urls.append(line)
    if not urls:
        raise InputError(f"{path}: lists no address", Hint("list one address a line, starting with https://"))
    return urls


_UNSAFE = re.compile(r"[^\w.-]+")


def url_input_path(url: str) -> PurePosixPath:
    """Where an address's outputs go in a folder run, mirroring the site like `wget -x`.

    ``https://www.exemple.fr/politique/le-vote_12.html?page=2`` gives
    ``www.exemple.fr/politique/le-vote_12_page-2.html``: the host, then the path's
    segments made safe for any file system (no "..", no separators, no odd
    characters); an address ending in "/" gives ``index``.
    """
    parts = urllib.parse.urlsplit(url.strip())
    host = _safe_segment(parts.netloc.rsplit("@", 1)[-1].replace(":", "_")) or "host"
    segments = [_safe_segment(urllib.parse.unquote(s)) for s in parts.path.split("/")]
    segments = [s for s in segments if s]
    if not segments or parts.path.endswith("/"):
        segments.append("index")
    if parts.query:
        stem, dot, suffix = segments[-1].rpartition(".")
        query = _safe_segment(parts.query.replace("=", "-").replace("&", "_"))[:60]
        segments[-1] = f"{stem}_{query}.{suffix}" if dot and stem else f"{segments[-1]}_{query}"
    return PurePosixPath(host, *segments)


def _safe_segment(text: str) -> str:
    segment = _UNSAFE.sub("-", text).strip("-.")[:120]
    return "" if segment in {"", ".", ".."} else segment


def fetch(url: str, *, max_bytes: int, timeout: float = DEFAULT_TIMEOUT) -> FetchedPage:
    """Download the page at `url`; raise `InputError` with the reason in words.

    `timeout` bounds the whole download: connecting, the answer's headers (a server
    may send them one at a time) and its body, redirects included.
    """
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": ACCEPT,
            "Accept-Language": "fr,en;q=0.5",
        },
    )
    with _Watchdog(deadline) as watchdog:
        try:
            page = _download(watchdog, request, url, max_bytes, deadline, timeout)
        except InputError:
            raise
        except Exception as exc:
            if watchdog.fired:  # the sockets were shut at the deadline: whatever broke, that is why
                raise _late(url, timeout) if watchdog.answered else _failure(url, TimeoutError(), timeout) from exc
            raise _failure(url, exc, timeout) from exc
        if watchdog.fired:  # a body cut short at the deadline reads as a short body
            raise _late(url, timeout)
    if page.url != url:
        log.info("%s: redirected to %s", url, page.url)
    return page


def _download(watchdog: "_Watchdog", request: urllib.request.Request, url: str, max_bytes: int, deadline: float, timeout: float) -> FetchedPage:
    with _opener(watchdog).open(request, timeout=timeout) as response:
        watchdog.answered = True  # an answer came (its head maybe cut at the deadline): late, not unanswered
        headers: Message = response.headers
        content_type = headers.get_content_type()
        document_format = _document_format(content_type, response.geturl(), headers)
        if content_type not in TEXT_TYPES and document_format is None:
            raise InputError(
                f"{url}: the address gives {content_type}, not a web page, text or a Word, OpenDocument or PDF file",
                Hint("give the address of the article's page or document"),
            )
        declared = headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise _too_big(url, max_bytes, f"{int(declared):,} bytes")
        data = _read_within(response, url, max_bytes, deadline, timeout)
        return FetchedPage(
            url=response.geturl(), data=data, content_type=content_type, charset=headers.get_content_charset(),
            document_format=document_format,
        )


def _document_format(content_type: str, url: str, headers: Message) -> str | None:
    """The document format an answer declares: by its type, or for an untyped file
    (`GENERIC_BINARY`) by the extension of its file name or of its address."""
    if content_type in MEDIA_TYPES:
        return MEDIA_TYPES[content_type]
    if content_type != GENERIC_BINARY:
        return None
    for name in (headers.get_filename() or "", urllib.parse.urlsplit(url).path):
        found = format_for_name(name)
        if found is not None:
            return found
    return None


def _failure(url: str, exc: Exception, timeout: float) -> InputError:
    """A failed download in words."""
    if isinstance(exc, urllib.error.HTTPError):
        if 300 <= exc.code < 400:  # urllib gave up: a loop, or too many redirects
            return InputError(f"{url}: the address redirects in a loop", Hint("check the address in a browser"))
        return InputError(f"{url}: the server answered {exc.code} {exc.reason}", _hint_for_status(exc.code))
    if isinstance(exc, urllib.error.URLError):
        return InputError(f"{url}: {network_reason(exc.reason, timeout)}", Hint("check the address and the network"))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return InputError(f"{url}: no answer within {timeout:g} s", Hint("try again later, or save the page and give the file"))
    # A connection reset mid-body, a malformed address or answer.
    return InputError(f"{url}: {network_reason(exc, timeout)}", Hint("check the address and the network"))


def _late(url: str, timeout: float) -> InputError:
    return InputError(f"{url}: the page did not arrive within {timeout:g} s", Hint("try again later, or save the page and give the file"))


class _Watchdog:
    """Shuts the download's sockets at the deadline, so no wait outlasts it.

    A socket timeout bounds each wait, not their sum: a server sending its headers one
    every 2 s kept a 30 s download going for 50 s. Every connection the download
    opens (redirects too) is watched; at the deadline they are shut down, which wakes
    whatever read or write is waiting on them.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self.answered = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> "_Watchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.001, self.deadline - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for TLS: the SSL layer's would touch state
        # the reading thread is using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _opener(watchdog: _Watchdog) -> urllib.request.OpenerDirector:
    """urllib's opener (proxies, redirects...) whose connections `watchdog` watches."""

    def watched(base: type[http.client.HTTPConnection]) -> Any:
        class Watched(base):  # type: ignore[misc, valid-type]
            def connect(self) -> None:
                self.timeout = min(self.timeout, watchdog.remaining()) if isinstance(self.timeout, (int, float)) else watchdog.remaining()
                super().connect()
                watchdog.watch(self.sock)

        return Watched

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(watched(http.client.HTTPConnection), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(watched(http.client.HTTPSConnection), req, context=self._context)

    return urllib.request.build_opener(HTTP(), HTTPS())


def _read_within(response, url: str, max_bytes: int, deadline: float, timeout: float) -> bytes:  # type: ignore[no-untyped-def]
    """The body, refused when over `max_bytes` or still coming at the deadline.

    The socket timeout bounds each wait; the deadline bounds the whole download, so a
    server trickling a byte a second cannot hold the run for hours.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _late(url, timeout)
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(url, max_bytes, "more")
        chunks.append(chunk)


def _too_big(url: str, max_bytes: int, size: str) -> InputError:
    return InputError(f"{url}: the page is {size}, over the {max_bytes:,}-byte limit", Hint("raise {option}", "max_bytes"))


def _hint_for_status(status: int) -> Hint:
    if status in (401, 402, 403):
        return Hint("the page is not open to anonymous readers; save it from your browser and give the file")
    if status in (404, 410):
        return Hint("check the address")
    return Hint("try again later, or save the page from your browser and give the file")


def network_reason(reason: object, timeout: float) -> str:
    """A network failure in words: unknown host, refused, timed out, certificate."""
    if isinstance(reason, socket.gaierror):
        return "the host cannot be found (no network, or a mistyped address)"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"the site's certificate is not valid ({reason.verify_message})"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot download the page ({reason.strerror})"
    return f"cannot download the page ({reason})"
