"""The one small interface every inference engine implements.

Translation and summarization are both sequence-to-sequence generation, so one
interface serves both: count tokens (for the segmenter's budget), and generate a batch.
Engines own batching: callers hand over all texts at once and get outputs in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from translate_sum.options import DecodeOptions

__all__ = ["DecodeOptions", "ProgressCallback", "Seq2SeqEngine", "decoding_batches", "length_sorted_batches"]

ProgressCallback = Callable[[int], None]
"""Called with the number of inputs just finished."""


class Seq2SeqEngine(Protocol):
    """A loaded sequence-to-sequence model behind a uniform interface."""

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


def length_sorted_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Group input indexes into batches of similar length under a token budget.

    Sorting by length before batching keeps padding, and so wasted compute, small;
    callers restore the original order from the indexes. A batch's cost is its
    longest input times its size, which is what the budget bounds.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        if current and longest * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def decoding_batches(
    lengths: Sequence[int], options: DecodeOptions, budget: int, min_batches: int = 1
) -> list[list[int]]:
    """Group input indexes into length-sorted batches sized by what decoding costs.

    An input costs `options.decoding_cost` (beams × (input + output bound) tokens:
    the beams' key/value caches, which make long outputs slow when batches are large);
    a batch costs its longest input's cost times its size, at most `budget`. With
    `min_batches` > 1 the budget shrinks so that at least that many batches come out
    when there are inputs enough, so parallel workers all get work.
    """
    costs = [options.decoding_cost(n) for n in lengths]
    if min_batches > 1 and costs:
        budget = max(1, min(budget, sum(costs) // min_batches))
    return length_sorted_batches(costs, budget)
