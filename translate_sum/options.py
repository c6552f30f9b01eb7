"""Every setting a user can choose, its allowed values and its default, in one place.

The library's functions take these defaults and option objects; the CLI builds its
flags from them instead of repeating them, and errors' hints name settings by the
field names used here (``engine``, ``max_bytes``, ``strict_language``...). A setting
keeps one name from the command line down to the stage that reads it.

Importing this module is cheap (it imports nothing of the project or of a model
library), so the CLI can build `--help` from it and any module can import it.

Limits: decoding settings (`DecodeOptions`) a run does not set come from each model's
own generation config (read by the engines), not from the defaults here.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGINES = ("auto", "transformers", "ctranslate2")
"""Inference engines; "auto" picks CTranslate2 when it is installed."""
DEFAULT_ENGINE = "auto"

DEVICES = ("auto", "cpu", "cuda")
"""Where models run; "auto" uses a CUDA GPU when the engine sees one."""
DEFAULT_DEVICE = "auto"

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32")
"""CTranslate2 weight types; the default is int8 on CPU and float16 on CUDA."""

DEFAULT_MAX_BYTES = 5_000_000
"""Input files larger than this are refused before anything is read into memory."""

DEFAULT_SEGMENT_TOKENS = 128
"""OPUS-MT models were trained on single sentences: long multi-sentence inputs make
them drop sentences. Short sentences are still packed together up to this budget."""
SEGMENT_TOKENS_RANGE = (8, 1024)
"""Smallest and largest segment budget a user may ask for (the model's limit still caps it)."""

SUMMARIZERS = ("abstractive", "extractive")
"""abstractive: a summary model writes the summary; extractive: the best sentences."""
DEFAULT_SUMMARIZER = "abstractive"

LENGTHS = ("short", "medium", "long")
"""Summary lengths."""
DEFAULT_LENGTH = "medium"


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
    keep_all: bool = False  # translate page furniture and duplicates too
    strict_language: bool = False  # English input is an error instead of passed through
    audit: bool = True  # flag paragraphs to double-check, retry loops and bad lengths


__all__ = [
    "DEFAULT_DEVICE",
    "DEFAULT_ENGINE",
    "DEFAULT_LENGTH",
    "DEFAULT_MAX_BYTES",
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
