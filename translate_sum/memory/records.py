"""The memory's records and its interface: what goes in and out of a `TranslationMemory`.

`Memory` is what the translator wrapper needs; `TranslationMemory` (store.py) and
`NoMemory` (here: off, or a file that could not be opened) implement it. `Entry` is an
entry as exported and imported, `MemoryReport` what `memory stats` shows.

Limits: plain data and the do-nothing memory; nothing here touches a file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from translate_sum.memory.context import MemoryContext
from translate_sum.memory.stats import MemoryStats


@dataclass(frozen=True)
class Recalled:
    """A translation found in the memory; `human` when it was imported as a human's."""

    translation: str
    human: bool = False


@dataclass(frozen=True)
class Entry:
    """One entry as exported or imported (TMX), with its context's description."""

    source: str
    translation: str
    human: bool
    context: str  # the context digest
    description: dict[str, Any]
    used: int  # last used, Unix seconds
    given: str | None = None  # what the run finally gave, when it differs


@dataclass(frozen=True)
class RunRecord:
    """One finished run's counts, as `stats` reports them."""

    finished: float
    stats: MemoryStats


@dataclass(frozen=True)
class MemoryReport:
    """What `translate-sum memory stats` shows."""

    path: Path
    entries: int
    human_entries: int
    contexts: int
    file_bytes: int  # the database and its log on disk
    used_bytes: int  # the pages that hold data (the bound applies to these)
    max_bytes: int
    runs: tuple[RunRecord, ...]  # newest first

    @property
    def recent(self) -> MemoryStats:
        """The counts of `runs` added up."""
        return sum((run.stats for run in self.runs), MemoryStats())


class Memory(Protocol):
    """What the translator wrapper needs from a memory (`TranslationMemory`, `NoMemory`)."""

    problem: str | None  # why it is off; None while it works (or was turned off on purpose)

    def recall(self, context: MemoryContext, sources: Sequence[str]) -> list[Recalled | None]: ...

    def store(self, context: MemoryContext, source: str, translation: str) -> int: ...

    def store_many(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> int: ...

    def record_given(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> None: ...

    def count(self, stats: MemoryStats) -> None: ...

    def totals(self) -> MemoryStats: ...

    def close(self) -> None: ...


class NoMemory:
    """A memory that remembers nothing: `--no-memory`, or one that could not be opened."""

    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self._totals = MemoryStats()
        self._lock = threading.Lock()

    def recall(self, context: MemoryContext, sources: Sequence[str]) -> list[Recalled | None]:
        return [None] * len(sources)

    def store(self, context: MemoryContext, source: str, translation: str) -> int:
        return 0

    def store_many(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> int:
        return 0

    def record_given(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> None:
        return None

    def count(self, stats: MemoryStats) -> None:
        with self._lock:
            self._totals += stats

    def totals(self) -> MemoryStats:
        with self._lock:
            return self._totals

    def close(self) -> None:
        return None


class MemoryUnusable(Exception):
    """The memory file cannot be opened or used; the message says which and why."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        damaged = any(word in reason for word in ("not a database", "malformed", "corrupt"))
        advice = (
            "`translate-sum memory clear` starts a new one"
            if damaged
            else "check that its folder exists and can be written, or choose another memory file"
        )
        super().__init__(f"the translation memory {path} cannot be used ({reason}); going on without it ({advice})")



__all__ = ["Entry", "Memory", "MemoryReport", "MemoryUnusable", "NoMemory", "Recalled", "RunRecord"]
