"""The option dataclasses a run carries, with the settings' defaults and choices.

Every setting a user can choose is declared once, in `translate_sum.settings`
(`SETTINGS`: name, type, default, choices, environment variable, help, flag); this
module re-exports its constants (`ENGINES`, `DEFAULT_MAX_BYTES`...) beside the
dataclasses that take them as defaults. The CLI builds its flags and the server its
request fields from that table, and errors' hints name settings by the field names
used here (``engine``, ``max_bytes``, ``strict_language``...). A setting keeps one
name from the command line down to the stage that reads it.

Importing this module is cheap (it imports nothing of the project but `settings`,
nothing of a model library), so the CLI can build `--help` from it.

Limits: decoding settings (`DecodeOptions`) a run does not set come from each model's
own generation config (read by the engines), not from the defaults here.
"""

from __future__ import annotations

from dataclasses import dataclass

from translate_sum.settings import (
    ARTICLE_FORMATS,
    AUDIT_FORMATS,
    BATCH_FORMATS,
    DEFAULT_BATCH_FORMAT,
    DEFAULT_DEVICE,
    DEFAULT_ENGINE,
    DEFAULT_LENGTH,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_PARAGRAPHS,
    DEFAULT_MAX_UNPACKED_BYTES,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SEGMENT_TOKENS,
    DEFAULT_SUMMARIZER,
    DEVICES,
    ENGINES,
    LENGTHS,
    QUANTIZATIONS,
    SEGMENT_TOKENS_RANGE,
    SETTINGS,
    SUMMARIZERS,
    Setting,
    default_of,
)


OUTPUT_BOUND_STEP = 16
"""Output bounds are rounded up to a multiple of this many tokens. A batch decodes to
one bound, so only inputs of one bound share a batch (`engines.base.decoding_batches`)
and a segment's words never depend on what else is in its batch; rounding lets inputs
of like length share a bound, and so a batch. On the corpus articles' segments the CPU
cost model of `decoding_batches` puts 16 at 1% over mixed-bound batches (4% when every
segment loops), exact bounds at 15%; on a GPU at 27% and 7.5x, unmeasured
(benchmarks/memory_bench.py bounds)."""


@dataclass(frozen=True)
class DecodeOptions:
    """How to decode; defaults come from the model's generation config.

    The output length is bounded relative to the input (`max_length_ratio` times the
    input tokens plus `max_length_offset`, rounded up to a multiple of
    `OUTPUT_BOUND_STEP`, never above `max_new_tokens`) so that a model caught in a loop
    stops early instead of running to the model's maximum.

    Batches are sized by what decoding them costs (`decoding_cost`): every beam
    carries the input and the output it may grow to, so `batch_tokens` bounds
    batch size × beams × (longest input + its output bound). None leaves the size to
    the engine, which knows its device (small batches on CPU cores, large on a GPU).
    """

    num_beams: int = 4
    max_new_tokens: int = 512
    min_new_tokens: int = 0
    max_length_ratio: float | None = 1.5
    max_length_offset: int = 10
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    batch_tokens: int | None = None  # decoding cost per batch (see above); None: the engine's

    def output_limit(self, input_tokens: int) -> int:
        """Most new tokens allowed for an input of `input_tokens` tokens."""
        if self.max_length_ratio is None:
            return self.max_new_tokens
        bound = int(self.max_length_ratio * input_tokens) + self.max_length_offset
        bound = -(-bound // OUTPUT_BOUND_STEP) * OUTPUT_BOUND_STEP
        return max(self.min_new_tokens + 1, min(self.max_new_tokens, bound))

    def decoding_cost(self, input_tokens: int) -> int:
        """Tokens the beams of one input hold at most: beams × (input + output bound)."""
        return self.num_beams * (input_tokens + self.output_limit(input_tokens))


@dataclass(frozen=True)
class TranslateOptions:
    """Settings of a translation run, carried together."""

    max_segment_tokens: int = DEFAULT_SEGMENT_TOKENS
    decode: DecodeOptions | None = None  # None: the model's own generation config
    keep_all: bool = default_of("keep_all")  # translate page furniture and duplicates too
    strict_language: bool = default_of("strict_language")  # English input is an error instead of passed through
    audit: bool = default_of("audit")  # flag paragraphs to double-check, retry loops and bad lengths


__all__ = [
    "ARTICLE_FORMATS",
    "AUDIT_FORMATS",
    "BATCH_FORMATS",
    "DEFAULT_BATCH_FORMAT",
    "DEFAULT_QUEUE_SIZE",
    "DEFAULT_REQUEST_TIMEOUT",
    "SETTINGS",
    "Setting",
    "default_of",
    "DEFAULT_DEVICE",
    "DEFAULT_ENGINE",
    "DEFAULT_LENGTH",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_PARAGRAPHS",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "DEFAULT_SEGMENT_TOKENS",
    "DEFAULT_SUMMARIZER",
    "DEVICES",
    "ENGINES",
    "LENGTHS",
    "OUTPUT_BOUND_STEP",
    "QUANTIZATIONS",
    "SEGMENT_TOKENS_RANGE",
    "SUMMARIZERS",
    "DecodeOptions",
    "TranslateOptions",
]
