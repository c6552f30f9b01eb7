"""What the server does for a request, without HTTP: read, translate, brief, audit.

`Service` holds the models loaded once at start and a `BatchScheduler`; each request
gets its own light `Translator` (and `Briefer`) over the shared engines, with the
request's options, so concurrent requests share the model's batches but never each
other's settings or state. Work runs in a bounded thread pool, off the event loop:
a full pool refuses new work at once (`Busy`) instead of queueing without end, and a
request over its time limit (`TooSlow`) or whose client left (its task cancelled) is
abandoned and its queued segments dropped.

Limits:
- The time limit cannot stop an engine call already running; it stops the request
  waiting for it, and the call's other requests still get their outputs.
- Each request briefs with its own shallow copy of the summarizer, over the request's
  wrapped engine (sharing the loaded model): copying relies on the summarizer keeping
  no per-call state (its fallback comes back in the `Summary` it returns).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import dataclasses
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Callable, Generic, Sequence, TypeVar

from translate_sum.errors import InputError
from translate_sum.options import (
    DEFAULT_LENGTH,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_PARAGRAPHS,
    DEFAULT_MAX_UNPACKED_BYTES,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SEGMENT_TOKENS,
    TranslateOptions,
    default_of,
)
from translate_sum.server.scheduler import (
    DEFAULT_MAX_GATHER,
    DEFAULT_MAX_INPUTS,
    DEFAULT_MAX_WAIT,
    BatchScheduler,
    CancelToken,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

Progress = Callable[[int, int], None]

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
DOCUMENT_SUFFIXES = (".docx", ".odt", ".pdf")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES
"""The file names an upload may have (a .docm is refused by the reader, which says why)."""
PASTED = "pasted text"
"""How messages name text sent in a request body rather than as a file."""


class Busy(Exception):
    """Every worker is taken and the queue is full: try again shortly (HTTP 503)."""


class TooSlow(Exception):
    """The request ran past the server's time limit (HTTP 504)."""


@dataclass(frozen=True)
class ServiceLimits:
    """How much work the server accepts at once and for how long."""

    queue_size: int = DEFAULT_QUEUE_SIZE  # requests being worked on or waiting; more are refused
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT  # seconds one request may take
    max_bytes: int = DEFAULT_MAX_BYTES  # largest request body (the article and its fields)
    max_wait: float = DEFAULT_MAX_WAIT  # a call starts once no request came for this long...
    max_gather: float = DEFAULT_MAX_GATHER  # ...or this long after its first request
    max_inputs: int = DEFAULT_MAX_INPUTS  # most segments in one shared engine call
    max_pages: int = DEFAULT_MAX_PAGES  # an uploaded PDF's pages
    max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS  # an uploaded document's text-bearing elements
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES  # an uploaded Word or OpenDocument file, unpacked

    def document_limits(self) -> Any:
        """The bounds on an uploaded document (`documents.DocumentLimits`)."""
        from translate_sum.documents import DocumentLimits

        return DocumentLimits(self.max_bytes, self.max_pages, self.max_paragraphs, self.max_unpacked_bytes)


@dataclass(frozen=True)
class ArticleRequest:
    """The options of one translate or brief request, as the API names them."""

    segment_tokens: int = DEFAULT_SEGMENT_TOKENS
    keep_all: bool = default_of("keep_all")
    strict: bool = default_of("strict_language")
    audit: bool = default_of("audit")
    summarizer: str | None = None  # None: the server's
    length: str = DEFAULT_LENGTH

    def translate_options(self, base: TranslateOptions) -> TranslateOptions:
        return dataclasses.replace(
            base,
            max_segment_tokens=self.segment_tokens,
            keep_all=self.keep_all,
            strict_language=self.strict,
            audit=self.audit,
        )


@dataclass(frozen=True)
class Admitted(Generic[T]):
    """Work admitted to the pool. Await `result()`; cancelling the task that awaits it
    (the request's client left) cancels the work: its queued segments are dropped."""

    future: concurrent.futures.Future
    cancel: CancelToken
    deadline: float  # time.monotonic() past which the request is TooSlow

    async def result(self) -> T:
        """The work's result; TooSlow past the time limit."""
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self.future), max(0.0, self.deadline - time.monotonic()))
        except asyncio.TimeoutError:
            self.cancel.cancel()
            raise TooSlow() from None
        except asyncio.CancelledError:
            self.cancel.cancel()
            raise


class Service:
    """The loaded models, the scheduler and the pool that runs requests.

    `translator` is a loaded `Translator`; `briefer` a loaded `Briefer` over the same
    translator, or None when the server only translates.
    """

    def __init__(
        self, translator: Any, briefer: Any | None = None, limits: ServiceLimits | None = None, memory: Any | None = None
    ) -> None:
        self.translator = translator
        self.briefer = briefer
        # The translation memory the translator's engine was wrapped with (closed at stop).
        self.memory = memory
        self.limits = limits or ServiceLimits()
        limits = self.limits
        self.scheduler = BatchScheduler(limits.max_wait, limits.max_inputs, limits.max_gather)
        self._pool = concurrent.futures.ThreadPoolExecutor(self.limits.queue_size, thread_name_prefix="translate-sum-request")
        self._admitted = 0
        self._admitted_lock = threading.Lock()

    @property
    def models(self) -> dict[str, str]:
        return dict(self.briefer.models if self.briefer is not None else self.translator.models)

    @property
    def summarizer(self) -> str:
        """The server's default summarizer: abstractive when a summary model is loaded."""
        if self.briefer is not None and self.briefer.summarizer is not None:
            return "abstractive"
        return "extractive"

    @property
    def in_flight(self) -> int:
        return self._admitted

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
        self.scheduler.stop()
        if self.memory is not None:
            self.memory.close()  # records the server's counts for `memory stats`

    # -- running work ------------------------------------------------------------------

    def submit(self, work: Callable[[CancelToken], T]) -> "Admitted[T]":
        """Admit `work(cancel)` and start it in the pool now; Busy when the queue is full.

        For a caller that must know before it answers (a stream cannot turn its 200
        into a 503); others call `run`.
        """
        with self._admitted_lock:
            if self._admitted >= self.limits.queue_size:
                raise Busy()
            self._admitted += 1
        cancel = CancelToken()
        try:
            future = self._pool.submit(work, cancel)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._release()
            raise Busy() from None
        future.add_done_callback(lambda _: self._release())
        return Admitted(future, cancel, time.monotonic() + self.limits.request_timeout)

    async def run(self, work: Callable[[CancelToken], T]) -> T:
        """Run `work(cancel)` in the pool; Busy when full, TooSlow past the time limit."""
        return await self.submit(work).result()

    def _release(self) -> None:
        with self._admitted_lock:
            self._admitted -= 1

    # -- the work itself (runs in a pool thread) ---------------------------------------

    def article(self, data: bytes | str, name: str | None) -> Any:
        """The article sent as text (`name` None) or as a file named `name`."""
        return self.source(data, name).article

    def source(self, data: bytes | str, name: str | None) -> Any:
        """`article`, with the Word, OpenDocument or PDF document it came from (`reader.ArticleSource`)."""
        from translate_sum.reader import parse_source

        if isinstance(data, str):
            # As bytes, so the reader's checks (binary, control characters) apply to
            # pasted text as they do to files; lone surrogates fail decoding there.
            data = data.encode("utf-8", errors="surrogatepass")
        limits = self.limits.document_limits()
        if name is None:
            return parse_source(data, path=PASTED, limits=limits)
        safe = PurePath(name.replace("\\", "/")).name or "upload"
        suffix = PurePath(safe).suffix.lower()
        if suffix and suffix not in ARTICLE_SUFFIXES:
            raise InputError(f"{safe}: not an article file; send .txt, .md, .html, .docx, .odt or .pdf")
        return parse_source(
            data, path=safe, markdown=suffix in (".md", ".markdown"), html=suffix in (".html", ".htm"), limits=limits
        )

    def translator_for(self, request: ArticleRequest, cancel: CancelToken | None = None) -> Any:
        """A Translator over the shared engine with this request's options."""
        from translate_sum.memory import MemoryEngine

        options = request.translate_options(self.translator.options)
        engine = self.translator.engine
        if isinstance(engine, MemoryEngine):  # the memory outside the scheduler: hits never wait for it
            return type(self.translator)(engine.around(self.scheduler.wrap(engine.engine, cancel)), options)
        return type(self.translator)(self.scheduler.wrap(engine, cancel), options)

    def translate(
        self, article: Any, request: ArticleRequest, cancel: CancelToken | None = None, progress: Progress | None = None
    ) -> Any:
        """The TranslatedArticle of `article` (as read), prepared with the request's options."""
        from translate_sum.pipeline import prepare

        translator = self.translator_for(request, cancel)
        return translator.translate(prepare(article, translator.options), progress)

    def brief(
        self, article: Any, request: ArticleRequest, cancel: CancelToken | None = None, progress: Progress | None = None
    ) -> Any:
        """The Brief of `article` (as read), with the request's summarizer and length."""
        from translate_sum.pipeline import Briefer, prepare

        summarizer_name = request.summarizer or self.summarizer
        if summarizer_name == "abstractive" and self.summarizer != "abstractive":
            raise InputError(
                "this server loaded no summary model, so it writes extractive summaries only; "
                'send "summarizer": "extractive", or ask the operator to start it with --summarizer abstractive'
            )
        translator = self.translator_for(request, cancel)
        prepared = prepare(article, translator.options)
        summarizer = None
        if summarizer_name == "abstractive":
            # A copy per request, over this request's wrapped engine: concurrent briefs
            # do not wait for each other.
            summarizer = copy.copy(self.briefer.summarizer)
            summarizer.engine = self.scheduler.wrap(self.briefer.summarizer.engine, cancel)
        return Briefer(translator, summarizer).brief_article(prepared, request.length, progress)

    def translate_texts(self, texts: Sequence[str], cancel: CancelToken | None = None) -> list[str]:
        """Each text translated (LibreTranslate's `q`): paragraphs kept, blank texts as given.

        Everything is translated (no furniture detection) in one pass over the engine.
        English texts come back as they are; another language is an `InputError`.
        """
        from translate_sum.pipeline import prepare

        translator = self.translator_for(ArticleRequest(keep_all=True), cancel)
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        articles = [prepare(self.article(texts[i], None), translator.options) for i in wanted]
        results = translator.translate_many(articles) if articles else []
        outputs = list(texts)
        for i, result in zip(wanted, results):
            outputs[i] = "\n\n".join(p.translation for p in result.paragraphs)
        return outputs

