"""The translation memory: nothing translated twice.

A French segment already translated with the same model files, engine, weight type,
device and decoding settings is answered from one SQLite file instead of being decoded
again. The pieces, each in its own module:

- `settings`: `MemoryOptions` (path, on/off, size bound) and their defaults;
- `fingerprint`: the model files' content hash, cached per file by its stamp;
- `context`: `EngineIdentity` and `MemoryContext`, everything in a key but the source;
- `store`: `TranslationMemory`, the SQLite file (`open_memory` never raises: a file that
  cannot be used gives one warning and a `NoMemory`);
- `engine`: `MemoryEngine`, a translator with the engine's own interface that answers
  from the memory and decodes only the misses; `with_memory` wraps an engine,
  `generate` returns outputs with their origins and counts (`Generation`);
- `tmx`: export and import as TMX 1.4; `commands`: what `translate-sum memory` runs.

Use::

    memory = open_memory(MemoryOptions())
    engine = with_memory(load_engine(resolved), resolved.path, memory)
    translator = Translator(engine)          # hits never reach the model
    ...
    memory.close()                           # records the run's counts

Limits: translation only (summaries are not remembered); fr→en only (TMX import
takes French sources and English targets).
"""

from __future__ import annotations

from translate_sum.memory.context import EngineIdentity, MemoryContext, identify_engine
from translate_sum.memory.engine import Generation, MemoryEngine, generate, record_given, with_memory
from translate_sum.memory.records import Entry, Memory, MemoryReport, MemoryUnusable, NoMemory, Recalled
from translate_sum.memory.settings import (
    DEFAULT_MAX_MB,
    MEMORY_ENV,
    MEMORY_MAX_MB_ENV,
    NO_MEMORY_ENV,
    MemoryOptions,
    default_memory_path,
)
from translate_sum.memory.stats import DECODED, HUMAN, REMEMBERED, MemoryStats, Origin
from translate_sum.memory.store import TranslationMemory, open_memory

__all__ = [
    "DECODED",
    "DEFAULT_MAX_MB",
    "HUMAN",
    "MEMORY_ENV",
    "MEMORY_MAX_MB_ENV",
    "NO_MEMORY_ENV",
    "REMEMBERED",
    "EngineIdentity",
    "Entry",
    "Generation",
    "Memory",
    "MemoryContext",
    "MemoryEngine",
    "MemoryOptions",
    "MemoryReport",
    "MemoryStats",
    "MemoryUnusable",
    "NoMemory",
    "Origin",
    "Recalled",
    "TranslationMemory",
    "default_memory_path",
    "generate",
    "identify_engine",
    "open_memory",
    "record_given",
    "with_memory",
]
