"""The translation memory's settings: where it lives, whether it is used, how large.

One frozen `MemoryOptions` carries them from the command line (or the server's
start-up) to `open_memory`. The settings are declared once, with every other, in
`translate_sum.settings` (defaults, bounds, environment variables, help); the names
here are taken from there:

- ``memory`` (``--memory PATH``, ``TRANSLATE_SUM_MEMORY``): the SQLite file; default
  ``<user cache>/translate-sum/memory.sqlite3`` (next to the CTranslate2 conversions);
- ``no_memory`` (``--no-memory``, ``TRANSLATE_SUM_NO_MEMORY=1``): run without it;
- ``memory_max_mb`` (``--memory-max-mb``, ``TRANSLATE_SUM_MEMORY_MAX_MB``): the size the
  least recently used entries are evicted to stay under; default 512 MB.

Importing this module is cheap: platformdirs is imported only to find the default path.

Limits: the size bound counts the database's used pages; the write-ahead log beside it
may add up to `WAL_LIMIT_BYTES` while a long read holds back its checkpoint.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from translate_sum.settings import DEFAULT_MEMORY_MAX_MB, MEMORY_MAX_MB_RANGE, envvar_of

MEMORY_ENV = envvar_of("memory")
NO_MEMORY_ENV = envvar_of("no_memory")
MEMORY_MAX_MB_ENV = envvar_of("memory_max_mb")

DEFAULT_MAX_MB = DEFAULT_MEMORY_MAX_MB
"""The size bound's default, declared with the setting (`translate_sum.settings`)."""
MAX_MB_RANGE = MEMORY_MAX_MB_RANGE

DEFAULT_BUSY_SECONDS = 5.0
"""How long a write waits for another process's write (a batch and a server on one
machine) before it gives up on storing those translations (the run goes on)."""

WAL_LIMIT_BYTES = 64 * 2**20
"""The write-ahead log is truncated to this after each checkpoint."""

FILE_NAME = "memory.sqlite3"


def default_memory_path() -> Path:
    """`TRANSLATE_SUM_MEMORY` when set, else ``memory.sqlite3`` in the user's cache folder."""
    override = os.environ.get(MEMORY_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("translate-sum")) / FILE_NAME


@dataclass(frozen=True)
class MemoryOptions:
    """Whether and where the translation memory is kept, and how large it may grow."""

    path: Path | None = None  # None: `default_memory_path()`
    enabled: bool = True
    max_mb: int = DEFAULT_MAX_MB
    busy_seconds: float = DEFAULT_BUSY_SECONDS

    def resolved_path(self) -> Path:
        """The file this memory lives in."""
        return Path(self.path).expanduser() if self.path is not None else default_memory_path()

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb) * 2**20


__all__ = [
    "DEFAULT_BUSY_SECONDS",
    "DEFAULT_MAX_MB",
    "FILE_NAME",
    "MAX_MB_RANGE",
    "MEMORY_ENV",
    "MEMORY_MAX_MB_ENV",
    "NO_MEMORY_ENV",
    "WAL_LIMIT_BYTES",
    "MemoryOptions",
    "default_memory_path",
]
