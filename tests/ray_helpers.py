"""Ray test helpers that Ray workers import by name (so not in a test module).

Limits: for tests only; `DiesOn` ends its whole process.
"""

from __future__ import annotations

import dataclasses
import os

from translate_sum.batch import ModelSpec


class DiesOn:
    """An engine wrapper whose process exits (as an out-of-memory kill would) on a word."""

    def __init__(self, word: str, engine: object) -> None:
        self.word = word
        self.engine = engine

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)

    def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
        if any(self.word in t for t in texts):
            os._exit(1)
        return self.engine.generate(texts, options, progress)  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class DyingSpec(ModelSpec):
    """The echo models, but a worker dies while translating a text with "Tchernobyl"."""

    def load(self, memory=None):  # type: ignore[no-untyped-def]
        from translate_sum.memory import MemoryEngine

        translator, briefer = super().load(memory)
        engine = translator.engine
        if isinstance(engine, MemoryEngine):  # the memory stays outermost: it reports where outputs came from
            translator.engine = engine.around(DiesOn("Tchernobyl", engine.engine))
        else:
            translator.engine = DiesOn("Tchernobyl", engine)  # type: ignore[assignment]
        return translator, briefer
