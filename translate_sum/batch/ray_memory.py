"""The translation memory on a Ray cluster: every worker reads and writes through the driver.

One small Ray actor, `MemoryKeeper`, runs on the driver's node (pinned there) and holds
the memory's SQLite file, opened as a local run opens it (`open_memory`). Each worker
gets a `RemoteMemory`: a `Memory` that forwards lookups, stores, the audit's notes,
counts and model-file digests to the keeper, so a worker's translator is wrapped by
`with_memory` exactly as a local one is, and the outputs are the same bytes.

Why through the driver, not a read-only snapshot on each node:
- a snapshot would ship the whole file (up to `--memory-max-mb`, 512 MB by default) to
  every node before any work, most of it never asked for;
- the workers cannot share the file itself: the nodes see it over a network filesystem
  at best, where SQLite's locks are unsafe with several writers;
- translations made on the cluster would be lost with a snapshot; through the keeper
  they are in the driver's memory when the run ends, for the next run or the server.
A lookup costs one round trip to the keeper per engine call (a group's segments
together), which is small beside decoding them.

Faults: a keeper that cannot open the file gives the driver one warning and the run
goes on without a memory; a keeper that dies or does not answer turns each worker's
memory off with one warning (in that worker's log), and its translations go on.

Limits: the keeper opens the memory path on the driver's node (with `ray://`, the
node the driver runs on in the cluster, not the client's machine). Run counts are
recorded in the memory when the run ends (`end_run`), as a local run's `close` does.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from translate_sum.memory.context import MemoryContext
from translate_sum.memory.fingerprint import FileStamp
from translate_sum.memory.records import NoMemory, Recalled
from translate_sum.memory.settings import MemoryOptions
from translate_sum.memory.stats import MemoryStats

log = logging.getLogger(__name__)

KEEPER_NAME = "translate-sum-memory"
"""The keeper actor's name, then the driver's token (as the workers')."""

CALL_SECONDS = 60.0
"""How long a worker waits for the keeper before it goes on without the memory: a
store may wait for another process's write (`MemoryOptions.busy_seconds`), never this long."""


class MemoryKeeper:
    """A Ray actor's body: the memory file, opened on the driver's node."""

    def __init__(self, options: MemoryOptions) -> None:
        from translate_sum.memory.store import open_memory

        self.memory = open_memory(options)
        self.run = MemoryStats()

    def problem(self) -> str | None:
        """Why there is no memory (it could not be opened), else None."""
        return self.memory.problem if isinstance(self.memory, NoMemory) else None

    def recall(self, context: MemoryContext, sources: Sequence[str]) -> list[Recalled | None]:
        return self.memory.recall(context, sources)

    def store_many(self, context: MemoryContext, pairs: list[tuple[str, str]]) -> int:
        return self.memory.store_many(context, pairs)

    def record_given(self, context: MemoryContext, pairs: list[tuple[str, str]]) -> None:
        self.memory.record_given(context, pairs)

    def count(self, stats: MemoryStats) -> None:
        # Kept here, not in the memory's process totals: a warm keeper serves several runs.
        self.run += stats

    def cached_digest(self, path: str, stamp: FileStamp) -> str | None:
        cached = getattr(self.memory, "cached_digest", None)
        return cached(path, stamp) if cached is not None else None

    def save_digest(self, path: str, stamp: FileStamp, digest: str) -> None:
        save = getattr(self.memory, "save_digest", None)
        if save is not None:
            save(path, stamp, digest)

    def end_run(self) -> MemoryStats:
        """Record the run's counts (for `memory stats`) and start counting the next."""
        finished, self.run = self.run, MemoryStats()
        record = getattr(self.memory, "record_run", None)
        if record is not None and finished.segments:
            record(finished)
        return finished

    def close(self) -> None:
        self.end_run()
        self.memory.close()


class RemoteMemory:
    """A worker's `Memory`: each call forwarded to the `MemoryKeeper` on the driver's node.

    The first failure (the keeper gone, no answer in `CALL_SECONDS`) turns it off with
    one warning: lookups miss, stores are dropped, the run goes on.
    """

    def __init__(self, keeper: Any) -> None:
        self.keeper = keeper
        self.problem: str | None = None
        self._totals = MemoryStats()

    def _call(self, method: str, *args: Any, default: Any = None) -> Any:
        if self.problem is not None:
            return default
        import ray

        try:
            return ray.get(getattr(self.keeper, method).remote(*args), timeout=CALL_SECONDS)
        except Exception as exc:  # a dead or stuck keeper: go on without the memory
            self.problem = f"the translation memory on the driver stopped answering ({type(exc).__name__}); going on without it"
            log.warning("%s", self.problem)
            return default

    def recall(self, context: MemoryContext, sources: Sequence[str]) -> list[Recalled | None]:
        found = self._call("recall", context, list(sources))
        return found if found is not None else [None] * len(sources)

    def store(self, context: MemoryContext, source: str, translation: str) -> int:
        return self.store_many(context, [(source, translation)])

    def store_many(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> int:
        return int(self._call("store_many", context, list(pairs), default=0))

    def record_given(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> None:
        self._call("record_given", context, list(pairs))

    def count(self, stats: MemoryStats) -> None:
        self._totals += stats
        self._call("count", stats)

    def totals(self) -> MemoryStats:
        return self._totals

    def cached_digest(self, path: str, stamp: FileStamp) -> str | None:
        return self._call("cached_digest", path, stamp)

    def save_digest(self, path: str, stamp: FileStamp, digest: str) -> None:
        self._call("save_digest", path, stamp, digest)

    def close(self) -> None:
        return None  # the driver closes the keeper


def start_keeper(ray: Any, options: MemoryOptions | None, token: str) -> Any | None:
    """The keeper actor, on this (the driver's) node; None when the memory is off or unusable."""
    if options is None or not options.enabled:
        return None
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
    actor = ray.remote(MemoryKeeper).options(
        name=f"{KEEPER_NAME}-{token}", num_cpus=0, max_restarts=0, scheduling_strategy=here
    )
    keeper = actor.remote(dataclasses.replace(options, path=options.resolved_path()))
    problem = ray.get(keeper.problem.remote())
    if problem is not None:
        log.warning("%s", problem)  # said here, on the driver's screen, once
        ray.kill(keeper, no_restart=True)
        return None
    return keeper


def end_keeper_run(ray: Any, keeper: Any | None) -> None:
    """Record the finished run's counts in the memory (the keeper stays for the next run)."""
    if keeper is None:
        return
    try:
        ray.get(keeper.end_run.remote(), timeout=CALL_SECONDS)
    except Exception:  # the keeper is gone: its counts with it
        log.debug("could not record the run's memory counts", exc_info=True)


def stop_keeper(ray: Any, keeper: Any | None) -> None:
    """Close the memory file (recording the run) and end the keeper."""
    if keeper is None:
        return
    try:
        ray.get(keeper.close.remote(), timeout=CALL_SECONDS)
    except Exception:
        log.debug("could not close the translation memory on the driver's node", exc_info=True)
    try:
        ray.kill(keeper, no_restart=True)
    except Exception:
        log.debug("could not end the memory keeper", exc_info=True)


__all__ = ["KEEPER_NAME", "MemoryKeeper", "RemoteMemory", "end_keeper_run", "start_keeper", "stop_keeper"]
