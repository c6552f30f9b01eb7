"""The one small interface every inference engine implements.

Translation and summarization are both sequence-to-sequence generation, so one
interface serves both: count tokens (for the segmenter's budget), and generate a batch.
Engines own batching: callers hand over all texts at once and get outputs in order.

Both real engines also give the token ids themselves (`encode`) and take them back in
`generate` (`ids`), so that text counted while segmenting is not tokenized again, and
say how their tokenizer's ids of consecutive texts make the ids of the texts joined
(`TokenJoin`), so that a segment of several sentences is counted from its sentences'
ids instead of being tokenized whole. Engines without them (test doubles) still work:
callers then count texts whole.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from translate_sum.options import DecodeOptions

__all__ = ["DecodeOptions", "ProgressCallback", "Seq2SeqEngine", "TokenIds", "TokenJoin", "decoding_batches"]

ProgressCallback = Callable[[int], None]
"""Called with the number of inputs just finished."""

TokenIds = Sequence[int]
"""The ids of one text, special tokens included, as the engine's tokenizer gives them."""


class Seq2SeqEngine(Protocol):
    """A loaded sequence-to-sequence model behind a uniform interface.

    Real engines also have `encode(texts) -> list[list[int]]` (the ids `count_tokens`
    counts) and `token_join: TokenJoin | None`, and their `generate` takes
    `ids=`: the ids of `texts`, made by `encode` or joined by `token_join`.
    """

    name: str  # engine name: "transformers", "ctranslate2"
    model_name: str  # the model id or path it was loaded from
    max_input_tokens: int  # most source tokens per input, special tokens included

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source tokens of each text, special tokens included."""
        ...

    def default_options(self) -> DecodeOptions:
        """Decoding settings read from the model's own generation config."""
        ...

    def generate(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Outputs for `texts`, in the same order. Batches sorted by length inside."""
        ...


@dataclass(frozen=True)
class TokenJoin:
    """When a tokenizer's ids of two texts, joined, are the ids of the joined text.

    SentencePiece and byte-level BPE never make a token that crosses whitespace, so
    where two texts meet at whitespace the ids of the joined text are the two texts'
    own ids, the special tokens at the joint left out. Which side of the joint the
    whitespace may be on is the family's: SentencePiece trims it at a text's ends and
    gives it to the following piece, so either side will do (`trailing` and
    `leading` hold the characters that work); byte-level BPE makes a text's trailing
    whitespace a token of its own, so only whitespace that starts the right-hand text
    does (`leading`), after a left-hand text that ends without any. `prefix` and
    `suffix` count the special tokens around every text's ids (Marian: 0 and 1,
    `</s>`; BART: 1 and 1, `<s>` and `</s>`). `refused_starts`: texts starting so
    are read differently at the start of an input (Marian's `>>fr<<` language codes)
    and never joined.

    Ids joined this way are exactly what an engine is then given (`generate(ids=)`),
    so a count made from them is the input's length even where a tokenizer broke
    the rule: the model's limit holds whatever happens.
    """

    prefix: int
    suffix: int
    trailing: frozenset[str] = frozenset()
    leading: frozenset[str] = frozenset()
    refused_starts: tuple[str, ...] = ()

    def joins(self, left: str, right: str) -> bool:
        """Whether the ids of `left + right` are the ids of `left` and of `right`, joined."""
        if not left or not right or right.startswith(self.refused_starts):
            return False
        if left[-1] in self.trailing:
            return not right[0].isspace()
        return right[0] in self.leading and not left[-1].isspace()

    def count(self, counts: Sequence[int]) -> int:
        """The tokens of texts joined, from the tokens of each (special tokens once)."""
        return sum(counts) - (len(counts) - 1) * (self.prefix + self.suffix)

    def join(self, parts: Sequence[TokenIds]) -> list[int]:
        """The ids of texts joined, from the ids of each (special tokens once)."""
        if len(parts) == 1:
            return list(parts[0])
        joined = list(parts[0][: self.prefix])
        for part in parts:
            joined.extend(part[self.prefix : len(part) - self.suffix])
        joined.extend(parts[-1][len(parts[-1]) - self.suffix :])
        return joined


STEP_OVERHEAD_INPUTS = 1.0
"""What one decoding step costs beyond its inputs' share, in inputs: a batch of k inputs
takes about as long per step as k + 1 inputs would if steps had no fixed cost (one
CTranslate2 thread, 4 beams, batches of 1 to 21: 77 target tokens/s alone, 160 in
eights, 169 in a batch of 21). On the tuning articles, 0.5 to 2 did equally well.
A GPU's steps cost far more than their inputs' share (`core.step_overhead`)."""

_LONGEST_BATCH = 256
"""Most inputs in one batch; bounds the search below at O(inputs × 256)."""

_PLANNED_INPUTS = 128
"""Up to this many inputs (an article's segments), smaller budgets are tried for
parallel workers (below); beyond it there are batches enough to keep them all busy."""


def decoding_batches(
    lengths: Sequence[int],
    options: DecodeOptions,
    budget: int,
    workers: int = 1,
    overhead: float = STEP_OVERHEAD_INPUTS,
) -> list[list[int]]:
    """Group input indexes into length-sorted batches that decode in the least time.

    Every batch holds inputs of one output bound (`options.output_limit`): engines
    decode a batch up to its longest input's bound, so a 20-token segment batched with
    a 120-token one would decode for the long one's 190 steps when its output does not
    stop sooner (a loop, random weights), and its words would depend on what else was
    in the batch. With one bound per batch, a segment gets the same words alone, in
    any batch, resumed or remembered (the translation memory relies on it). Larger
    batches share each step's fixed cost (`overhead`, in inputs: `STEP_OVERHEAD_INPUTS`
    on CPU), so the split that takes least time, batches of equal bounds neither too
    small nor too large, is found exactly over the length-sorted inputs.

    A batch costs its longest input's `options.decoding_cost` (beams × (input +
    output bound) tokens: the beams' key/value caches) times its size, at most
    `budget` unless one input costs more. With `workers` > 1 decoding batches in
    parallel (taking them in the order returned, each as soon as it is free), smaller
    budgets are tried too and the split whose workers finish first is kept: one large
    batch and a small one would leave a worker idle.
    """
    if not lengths:
        return []
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    costs = [options.decoding_cost(lengths[i]) for i in order]
    steps = [options.output_limit(lengths[i]) for i in order]
    budgets = [budget]
    if workers > 1 and len(order) <= _PLANNED_INPUTS:
        while budgets[-1] > costs[0]:  # down to one input per batch, a quarter less each time
            budgets.append(budgets[-1] * 3 // 4)
    plans = [_least_time_cuts(costs, steps, each, overhead) for each in budgets]
    best = min(plans, key=lambda cuts: _finish_time(cuts, steps, workers, overhead))
    return [order[start:end] for start, end in best]


def _batch_time(start: int, end: int, steps: Sequence[int], overhead: float) -> float:
    """Time of the batch of sorted inputs start..end: its longest's steps × (size + overhead)."""
    return steps[start] * (end - start + overhead)


def _least_time_cuts(
    costs: Sequence[int], steps: Sequence[int], budget: int, overhead: float
) -> list[tuple[int, int]]:
    """(start, end) of each batch of the length-sorted inputs, least total time within `budget`.

    A batch never spans two output bounds (`steps`). Between splits of equal time the
    more even one wins (the smaller sum of squared batch times), so parallel workers
    get batches of like sizes.
    """
    count = len(costs)
    # least[j]: (time, sum of squared batch times) of the first j inputs' best split;
    # cut[j]: where its last batch starts.
    least = [(0.0, 0.0)] + [(float("inf"), 0.0)] * count
    cut = [0] * (count + 1)
    for start in range(count):
        for end in range(start + 1, min(count, start + _LONGEST_BATCH) + 1):
            if end - start > 1 and (costs[start] * (end - start) > budget or steps[end - 1] != steps[start]):
                break
            time = _batch_time(start, end, steps, overhead)
            candidate = (least[start][0] + time, least[start][1] + time * time)
            if candidate < least[end]:
                least[end], cut[end] = candidate, start
    cuts: list[tuple[int, int]] = []
    end = count
    while end:
        cuts.append((cut[end], end))
        end = cut[end]
    return cuts[::-1]


def _finish_time(cuts: Sequence[tuple[int, int]], steps: Sequence[int], workers: int, overhead: float) -> float:
    """When the last of `workers` finishes, each taking the next batch as soon as it is free."""
    free = [0.0] * max(1, workers)
    for start, end in cuts:
        heapq.heapreplace(free, free[0] + _batch_time(start, end, steps, overhead))
    return max(free)
