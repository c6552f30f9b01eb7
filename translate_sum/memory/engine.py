"""A translator that answers from the memory and decodes only what it has not seen.

`MemoryEngine` wraps any `Seq2SeqEngine` and has the same interface, so the pipeline,
the batch and the server take it where they took the engine (argos-translate's
`CachedTranslation`): each `generate` call looks its segments up, sends only the
misses to the wrapped engine (each distinct text once, however often it repeats in the
call) and stores what comes back. No caller branches on whether there is a memory:
`with_memory` returns the engine itself when there is none (a pass-through).

Where each output came from is returned, not left in an attribute: `generate_recalled`
(and the free function `generate`, which works for any engine) returns a `Generation`
with the outputs, each one's `Origin` and the call's `MemoryStats`. The memory also adds
every call's counts to its process totals (`Memory.totals`, for the server's /metrics,
and the runs table `memory stats` reads).

The outputs are byte-identical with the memory on or off, cold or warm, as long as the
wrapped engine gives a segment the same words whatever else is in the call (see
`engines.base.decoding_batches`: every batch holds inputs of one output bound).
Imported human translations are the exception, on purpose: they replace the machine's.

Limits: two processes (or two threads) that miss the same segment at the same time
both decode it; the second store replaces the first with the same words. Cancelled
calls (the server's time limit) store nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate_sum.engines.base import DecodeOptions, ProgressCallback, Seq2SeqEngine
from translate_sum.memory.context import EngineIdentity, MemoryContext, identify_engine
from translate_sum.memory.records import Memory, NoMemory
from translate_sum.memory.stats import DECODED, HUMAN, REMEMBERED, MemoryStats, Origin
from translate_sum.tokens import takes_ids


@dataclass(frozen=True)
class Generation:
    """Outputs of one call, where each came from, and the call's counts."""

    outputs: tuple[str, ...]
    origins: tuple[Origin, ...]
    stats: MemoryStats


class MemoryEngine:
    """A `Seq2SeqEngine` answering from `memory` before asking `engine`; see the module doc."""

    def __init__(self, engine: Seq2SeqEngine, memory: Memory, identity: EngineIdentity) -> None:
        self.engine = engine
        self.memory = memory
        self.identity = identity

    @property
    def name(self) -> str:
        return self.engine.name

    @property
    def model_name(self) -> str:
        return self.engine.model_name

    @property
    def max_input_tokens(self) -> int:
        return self.engine.max_input_tokens

    def __getattr__(self, attribute: str) -> Any:
        # device, quantization, tokenizer...: whatever else callers read from an engine.
        if attribute == "engine":  # not set yet (unpickling): no recursion
            raise AttributeError(attribute)
        return getattr(self.engine, attribute)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """The wrapped engine's counts (a lookup does not need them)."""
        return self.engine.count_tokens(texts)

    def default_options(self) -> DecodeOptions:
        return self.engine.default_options()

    def around(self, engine: Seq2SeqEngine) -> "MemoryEngine":
        """The same memory and identity around another engine over the same model.

        The server wraps its engine per request (its batch scheduler, with the
        request's cancel token); putting the memory outside that wrapper answers hits
        at once, without waiting for the scheduler's next shared call.
        """
        return MemoryEngine(engine, self.memory, self.identity)

    def context(self, options: DecodeOptions) -> MemoryContext:
        """The key prefix of a call decoded with `options`."""
        return MemoryContext(self.identity, options)

    def generate(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None = None,
        ids: Sequence[Sequence[int]] | None = None,
    ) -> list[str]:
        """Outputs for `texts`, in order: remembered ones looked up, the rest decoded."""
        return list(self.generate_recalled(texts, options, progress, ids).outputs)

    def generate_recalled(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None = None,
        ids: Sequence[Sequence[int]] | None = None,
    ) -> Generation:
        """`generate`, with each output's origin and the call's counts.

        `progress` hears of the remembered and repeated segments at once, then of the
        decoded ones as the wrapped engine finishes them: it adds up to `len(texts)`.
        `ids`, the token ids of `texts` when the caller has them, are handed on for the
        misses (to an engine whose `generate` takes `ids=`), so they are not
        tokenized again.
        """
        context = self.context(options)
        found = self.memory.recall(context, texts)
        misses: dict[str, int] = {}  # distinct texts to decode → their place in `to_decode`
        for text, hit in zip(texts, found):
            if hit is None:
                misses.setdefault(text, len(misses))
        to_decode = list(misses)
        hits = sum(hit is not None for hit in found)
        repeats = len(texts) - hits - len(to_decode)
        if progress and hits + repeats:
            progress(hits + repeats)
        decoded = self._decode(to_decode, options, progress, texts, ids)
        stored = self.memory.store_many(context, zip(to_decode, decoded))
        outputs: list[str] = []
        origins: list[Origin] = []
        for text, hit in zip(texts, found):
            if hit is None:
                outputs.append(decoded[misses[text]])
                origins.append(DECODED)
            else:
                outputs.append(hit.translation)
                origins.append(HUMAN if hit.human else REMEMBERED)
        stats = MemoryStats(
            hits=hits,
            human=origins.count(HUMAN),
            decoded=len(to_decode),
            repeats=repeats,
            stored=stored,
        )
        self.memory.count(stats)
        return Generation(tuple(outputs), tuple(origins), stats)

    def _decode(
        self,
        to_decode: list[str],
        options: DecodeOptions,
        progress: ProgressCallback | None,
        texts: Sequence[str],
        ids: Sequence[Sequence[int]] | None,
    ) -> list[str]:
        """The wrapped engine's outputs for the misses, with their ids when the caller gave them."""
        if not to_decode:
            return []
        if ids is None or not takes_ids(self.engine):
            return self.engine.generate(to_decode, options, progress)
        first = {text: i for i, text in reversed(list(enumerate(texts)))}
        return self.engine.generate(to_decode, options, progress, ids=[ids[first[text]] for text in to_decode])  # type: ignore[call-arg]

    def record_given(self, options: DecodeOptions, pairs: Iterable[tuple[str, str]]) -> None:
        """Note the (source, translation) pairs a run finally gave for a call with `options`."""
        self.memory.record_given(self.context(options), pairs)


def with_memory(engine: Seq2SeqEngine, model_dir: Path, memory: Memory) -> Seq2SeqEngine:
    """`engine` behind `memory`; the engine itself when there is no memory (`NoMemory`).

    `model_dir` is the checkpoint the engine was loaded from: its files' hash goes into
    every key (`context.identify_engine`; file digests are cached in the memory).
    """
    if isinstance(memory, NoMemory):
        return engine
    cache = memory if hasattr(memory, "cached_digest") else None
    return MemoryEngine(engine, memory, identify_engine(engine, model_dir, cache))  # type: ignore[arg-type]


def generate(
    engine: Seq2SeqEngine,
    texts: Sequence[str],
    options: DecodeOptions,
    progress: ProgressCallback | None = None,
    ids: Sequence[Sequence[int]] | None = None,
) -> Generation:
    """Outputs of `engine` for `texts` and where each came from, for any engine.

    A `MemoryEngine` says; any other engine decoded everything. The pipeline calls this
    instead of `engine.generate` to report how many segments the memory gave. `ids`
    (the texts' token ids) are handed on only when given: give them only to an engine
    whose `generate` takes `ids=`.
    """
    if isinstance(engine, MemoryEngine):
        return engine.generate_recalled(texts, options, progress, ids)
    if not texts:
        outputs: tuple[str, ...] = ()
    elif ids is None:
        outputs = tuple(engine.generate(texts, options, progress))
    else:
        outputs = tuple(engine.generate(texts, options, progress, ids=ids))  # type: ignore[call-arg]
    return Generation(outputs, (DECODED,) * len(outputs), MemoryStats(decoded=len(outputs)))


def record_given(engine: Seq2SeqEngine, options: DecodeOptions, pairs: Iterable[tuple[str, str]]) -> None:
    """After the audit: what the run finally gave for segments first decoded with `options`.

    A no-op for an engine without a memory.
    """
    if isinstance(engine, MemoryEngine):
        engine.record_given(options, pairs)


__all__ = ["Generation", "MemoryEngine", "generate", "record_given", "with_memory"]
