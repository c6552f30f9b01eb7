"""Share the model's batches between concurrent requests.

Each request runs the ordinary pipeline in a worker thread, with a `SharedEngine` in
place of the loaded engine. Its `generate` does not run the model: it queues the
request's segments and waits. One scheduler thread takes the first waiting job,
gathers the jobs that follow it until none has come for `max_wait` seconds (5 ms)
or `max_gather` seconds have passed since the first (20 ms): requests arriving as a
burst meet even when preparing each takes a few milliseconds. It then
runs the real engine ONCE on all their segments (grouped by decoding settings) and
hands each job its own outputs, in order. The engine's own length-sorted batching
then packs short segments of many requests together, which is where the throughput
comes from; the event loop never runs the model, so `/health` answers meanwhile.

One bad job never fails another: when a shared call raises, each of its jobs is run
again alone, and only the job that still fails gets the error.

Limits:
- One engine call at a time per scheduler: a long article's call delays the jobs that
  arrive during it (they are gathered into the next call, not pre-empted).
- Progress within a shared call is each job's share of the inputs the engine reports
  done, so it moves in steps of whole engine batches.
- A cancelled job (its request timed out or its client left) is dropped if its call
  has not started; a running call stops at its next engine batch only when every
  job in it was cancelled (a batch under way finishes).
"""

from __future__ import annotations

import collections
import copy
import functools
import logging
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, Sequence

from translate_sum.engines.base import DecodeOptions, ProgressCallback, Seq2SeqEngine, TokenIds

log = logging.getLogger(__name__)

DEFAULT_MAX_WAIT = 0.005
"""Seconds without a new job after which the scheduler runs a call: long enough for
requests arriving together to meet, short enough not to be felt."""

DEFAULT_MAX_GATHER = 0.020
"""Most seconds the scheduler waits after the first job of a call, however many arrive."""

DEFAULT_MAX_INPUTS = 512
"""Most segments in one shared call, so one call never holds a huge backlog."""


class JobCancelled(Exception):
    """The job's request gave up (time limit, or its client left): its segments were dropped."""


@dataclass(eq=False)
class _Job:
    engine: Seq2SeqEngine
    texts: list[str]
    options: DecodeOptions
    progress: ProgressCallback | None
    cancel: "CancelToken | None" = None
    ids: list[TokenIds] | None = None  # the texts' token ids, when the request counted them
    future: Future = field(default_factory=Future)
    reported: int = 0

    @property
    def gave_up(self) -> bool:
        return self.cancel is not None and self.cancel.cancelled.is_set()

    def advance(self, done: int) -> None:
        """Report progress up to `done` of this job's inputs (never backwards)."""
        done = min(done, len(self.texts))
        if self.progress is not None and done > self.reported:
            try:
                self.progress(done - self.reported)
            except Exception:  # a caller's progress bug must not fail the shared call
                log.exception("progress callback failed")
        self.reported = max(self.reported, done)


class CancelToken:
    """Set by a request that gave up; its queued jobs are then dropped."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()


class BatchScheduler:
    """Gathers generate calls from many threads into shared engine calls.

    `wrap(engine)` gives the `SharedEngine` to hand to a `Translator` or summarizer;
    `start()` and `stop()` run and end the scheduler thread. Counters (`segments_done`,
    `calls`, `pending_inputs`) feed the server's metrics.
    """

    def __init__(
        self,
        max_wait: float = DEFAULT_MAX_WAIT,
        max_inputs: int = DEFAULT_MAX_INPUTS,
        max_gather: float | None = None,
    ) -> None:
        self.max_wait = max_wait
        self.max_gather = max(max_wait, DEFAULT_MAX_GATHER if max_gather is None else max_gather)
        self.max_inputs = max_inputs
        self._arrivals = 0
        self._queue: collections.deque[_Job] = collections.deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.segments_done = 0
        self.calls = 0
        self._recent: collections.deque[tuple[float, int]] = collections.deque()
        # Per real engine: a copy that counts tokens for the request threads, and its
        # lock. Tokenizers are not safe to share between threads (a fast tokenizer's
        # padding state is borrowed mutably), and the original is the scheduler
        # thread's alone, so requests can segment while a long call runs.
        self._counters: dict[int, tuple[Seq2SeqEngine, threading.Lock]] = {}
        self._counters_lock = threading.Lock()

    # -- public ---------------------------------------------------------------------

    def wrap(self, engine: Seq2SeqEngine, cancel: CancelToken | None = None) -> "SharedEngine":
        """`engine` behind this scheduler; `cancel` drops the caller's queued jobs."""
        return SharedEngine(engine, self, cancel)

    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="translate-sum-scheduler", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the queued jobs, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def pending_inputs(self) -> int:
        with self._cond:
            return sum(len(job.texts) for job in self._queue)

    def segments_per_second(self, window: float = 60.0) -> float:
        """Segments translated per second over the last `window` seconds."""
        now = time.monotonic()
        with self._cond:
            while self._recent and self._recent[0][0] < now - window:
                self._recent.popleft()
            done = sum(count for _, count in self._recent)
        return done / window

    def submit(
        self,
        engine: Seq2SeqEngine,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        ids: Sequence[TokenIds] | None = None,
    ) -> list[str]:
        """Queue `texts` (with their token `ids`, if counted) for `engine` and wait for
        their outputs (called by SharedEngine)."""
        if not texts:
            return []
        if self._thread is None:
            raise RuntimeError("the scheduler is not running; call start() first")
        job = _Job(engine, list(texts), options, progress, cancel, list(ids) if ids is not None else None)
        with self._cond:
            self._queue.append(job)
            self._arrivals += 1
            self._cond.notify_all()
        while True:
            try:
                return job.future.result(timeout=0.1)
            except FutureTimeout:
                if cancel is not None and cancel.cancelled.is_set() and self._withdraw(job):
                    raise JobCancelled("the request was cancelled before its turn")

    def count_tokens(self, engine: Seq2SeqEngine, texts: Sequence[str]) -> list[int]:
        """`engine.count_tokens(texts)` for a request thread, on the engine's counting copy."""
        counter, lock = self._counter(engine)
        with lock:
            return counter.count_tokens(texts)

    def encode(self, engine: Seq2SeqEngine, texts: Sequence[str]) -> list[list[int]]:
        """`engine.encode(texts)` for a request thread, on the engine's counting copy."""
        counter, lock = self._counter(engine)
        with lock:
            return counter.encode(texts)  # type: ignore[attr-defined]

    def _counter(self, engine: Seq2SeqEngine) -> tuple[Seq2SeqEngine, threading.Lock]:
        with self._counters_lock:
            if id(engine) not in self._counters:
                self._counters[id(engine)] = (_counting_copy(engine), threading.Lock())
            return self._counters[id(engine)]

    # -- the scheduler thread -------------------------------------------------------

    def _withdraw(self, job: _Job) -> bool:
        with self._cond:
            try:
                self._queue.remove(job)
            except ValueError:
                return False  # already running: let it finish
        return True

    def _gather(self) -> list[_Job] | None:
        """The first waiting job and those that follow it closely (see the module); None to stop."""
        with self._cond:
            while not self._queue:
                if self._stopping:
                    return None
                self._cond.wait(0.5)
            now = time.monotonic()
            last_seen, quiet_until, give_up = self._arrivals, now + self.max_wait, now + self.max_gather
            while sum(len(job.texts) for job in self._queue) < self.max_inputs:
                now = time.monotonic()
                if self._arrivals != last_seen:
                    last_seen, quiet_until = self._arrivals, now + self.max_wait
                remaining = min(quiet_until, give_up) - now
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            taken: list[_Job] = []
            count = 0
            while self._queue and (not taken or count + len(self._queue[0].texts) <= self.max_inputs):
                job = self._queue.popleft()
                taken.append(job)
                count += len(job.texts)
            return taken

    def _run(self) -> None:
        while True:
            jobs = self._gather()
            if jobs is None:
                return
            groups: dict[tuple[int, DecodeOptions], list[_Job]] = {}
            for job in jobs:
                groups.setdefault((id(job.engine), job.options), []).append(job)
            for group in groups.values():
                self._run_group(group)

    def _run_group(self, jobs: list[_Job]) -> None:
        engine, options = jobs[0].engine, jobs[0].options
        texts = [text for job in jobs for text in job.texts]
        total = len(texts)
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            if all(job.gave_up for job in jobs):
                # Called between engine batches: nobody waits for the rest of this call.
                raise JobCancelled(f"all {len(jobs)} requests of this call gave up")
            done += count
            for job in jobs:
                job.advance(done * len(job.texts) // total)

        try:
            if all(job.ids is not None for job in jobs):
                ids = [found for job in jobs for found in job.ids]  # type: ignore[union-attr]
                outputs = engine.generate(texts, options, progress, ids=ids)  # type: ignore[call-arg]
            else:
                outputs = engine.generate(texts, options, progress)
            if len(outputs) != total:
                raise RuntimeError(f"the engine returned {len(outputs)} outputs for {total} inputs")
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting requests
            if isinstance(exc, JobCancelled):
                log.info("stopped an engine call after %d of %d segments: %s", done, total, exc)
                for job in jobs:
                    job.future.set_exception(exc)
                return
            if len(jobs) > 1:
                log.warning("a shared engine call failed (%s); running its %d requests one by one", exc, len(jobs))
                for job in jobs:
                    self._run_group([job])
                return
            jobs[0].future.set_exception(exc)
            return
        self.calls += 1
        with self._cond:
            self.segments_done += total
            self._recent.append((time.monotonic(), total))
        start = 0
        for job in jobs:
            job.advance(len(job.texts))
            job.future.set_result(outputs[start : start + len(job.texts)])
            start += len(job.texts)


class SharedEngine:
    """A `Seq2SeqEngine` whose `generate` goes through a `BatchScheduler`.

    Everything else (`model_name`, `max_input_tokens`, `default_options`,
    `token_join`...) is the real engine's; `count_tokens` and `encode` run on the
    scheduler's counting copy of it.
    """

    def __init__(self, engine: Seq2SeqEngine, scheduler: BatchScheduler, cancel: CancelToken | None = None) -> None:
        self._engine = engine
        self._scheduler = scheduler
        self._cancel = cancel
        if hasattr(engine, "encode"):
            # Only where the engine gives token ids: callers look for `encode` to know.
            self.encode = functools.partial(scheduler.encode, engine)

    @property
    def name(self) -> str:
        return self._engine.name

    @property
    def model_name(self) -> str:
        return self._engine.model_name

    @property
    def max_input_tokens(self) -> int:
        return self._engine.max_input_tokens

    def __getattr__(self, name: str) -> Any:
        # Optional attributes engines may carry (max_output_tokens, device...).
        return getattr(self._engine, name)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        # Segmenting a long article counts tokens again and again before any segment
        # is queued: a request that gave up stops here too, not only at the engine.
        if self._cancel is not None and self._cancel.cancelled.is_set():
            raise JobCancelled("the request was cancelled while its article was being segmented")
        return self._scheduler.count_tokens(self._engine, texts)

    def default_options(self) -> DecodeOptions:
        return self._engine.default_options()

    def generate(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None = None,
        ids: Sequence[TokenIds] | None = None,
    ) -> list[str]:
        return self._scheduler.submit(self._engine, texts, options, progress, self._cancel, ids)



def _counting_copy(engine: Seq2SeqEngine) -> Seq2SeqEngine:
    """The engine with its own copy of its tokenizer, for counting tokens in other threads.

    Engines that keep no `tokenizer` attribute are used as they are (their counting
    is then serialized with the other request threads' by the caller's lock only).
    """
    tokenizer = getattr(engine, "tokenizer", None)
    if tokenizer is None:
        return engine
    counter = copy.copy(engine)
    counter.tokenizer = copy.deepcopy(tokenizer)  # type: ignore[attr-defined]
    return counter
