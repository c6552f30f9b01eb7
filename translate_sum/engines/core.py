"""What every engine does the same way: device choice, limits, settings, error wording.

The transformers and CTranslate2 engines and the converter differ in the library that
runs the model, not in how a device is chosen, how a checkpoint's limits and
generation config are read, or how their errors are worded; those live here, once.

Limits: no model library is imported here; callers pass what their library reports
(the number of CUDA devices, a loaded config as a dict).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from translate_sum.engines.base import STEP_OVERHEAD_INPUTS, DecodeOptions, TokenJoin
from translate_sum.errors import Hint, ModelError

NO_LIMIT = 1_000_000
"""Tokenizers of old checkpoints report a huge sentinel when they know no limit."""

USE_TRANSFORMERS = Hint("use {option}", "engine", "transformers")
"""The way out when CTranslate2 cannot run a model."""


def with_fallback(text: str) -> Hint:
    """A hint that says `text`, then offers the transformers engine."""
    return Hint(f"{text}, or use {{option}}", "engine", "transformers")


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (libraries' messages run long), else its type."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_json(path: Path) -> dict:
    """A checkpoint's JSON file as a dict; {} when the file is absent, ModelError when damaged."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {first_line(exc)}", "the model directory looks damaged") from exc


def machine_threads() -> int:
    """CPU cores this process may use (the affinity mask, where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity mask
        return max(1, os.cpu_count() or 1)


REUSED_BLOCK_BYTES = 32 * 2**20
"""The largest block glibc's malloc serves from its heap, where it is reused from one
decoding step to the next (its highest mmap threshold on 64-bit systems)."""

GPU_BATCH_COST = 65536
"""A GPU is fed far larger batches: its cost is per step, not per token, until memory
or its cores are full."""


def default_batch_cost(device: str, model_width: int = 512) -> int:
    """The decoding cost per batch (see `DecodeOptions.decoding_cost`) that suits `device`.

    On CPU, the largest batch whose beams' key/value cache for one layer (float32,
    `model_width` values per token) fits a block that malloc reuses from step to step
    (`REUSED_BLOCK_BYTES`): 16,384 for the 512-wide opus-mt models, with 4 beams
    about 20 inputs of 80 tokens given 128 output tokens each. Larger batches' blocks
    are mapped afresh at every step, and long outputs slow down (batches of 64 ran at
    half the speed at 128 tokens); much smaller ones waste the matrix units
    (benchmarks/ct2_profile.py sweeps this; README "Performance").
    """
    if device == "cuda":
        return GPU_BATCH_COST
    return max(1024, REUSED_BLOCK_BYTES // (4 * max(1, model_width)))


GPU_STEP_OVERHEAD_INPUTS = 64.0
"""On a GPU a decoding step costs about the same for one input as for dozens, so
batches are filled up to the budget rather than cut to like lengths. Unmeasured: no
GPU has been lent to this project."""


def step_overhead(device: str) -> float:
    """A decoding step's fixed cost on `device`, in inputs (see `base.decoding_batches`)."""
    return GPU_STEP_OVERHEAD_INPUTS if device == "cuda" else STEP_OVERHEAD_INPUTS


def thread_layout(cores: int) -> tuple[int, int]:
    """(batches decoded in parallel, threads per batch) for `cores` CPU cores.

    Beam search does not keep several threads of one batch busy (beam bookkeeping,
    softmax and cache copies run on one): on 2 cores, two one-thread batches at a time
    translated the tuning articles in 9.9 s each, one two-thread batch at a time in
    11.3-12.3 s (`benchmarks/ct2_profile.py --article-mode`). Up to 4 cores every core
    decodes its own batch; beyond that, 4 batches share the cores (each parallel batch
    holds its own caches, and an article rarely has enough segments to keep more
    batches busy). Only the 2-core layout has been measured.
    """
    cores = max(1, cores)
    parallel = min(cores, 4)
    return parallel, max(1, cores // parallel)


def resolve_device(device: str, cuda_devices: int, runtime: str) -> str:
    """Resolve "auto" to "cuda" when `runtime` sees a CUDA GPU, else "cpu".

    `cuda_devices` is how many GPUs `runtime` (PyTorch, CTranslate2) reports; asking
    for "cuda" where it sees none is a `ModelError` that offers the CPU.
    """
    if device == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if device == "cuda" and cuda_devices == 0:
        raise ModelError(
            f"a CUDA GPU was asked for but {runtime} sees none", Hint("use {option} or auto", "device", "cpu")
        )
    return device


def token_limits(max_positions: int | None, tokenizer_limit: int | None) -> tuple[int, int]:
    """(most input tokens, most output tokens) of a checkpoint.

    Inputs are bounded by both the position embeddings and the tokenizer's
    `model_max_length`; outputs by the positions less the decoder's start token.
    """
    positions = max_positions or NO_LIMIT
    return int(min(positions, tokenizer_limit or NO_LIMIT)), int(positions) - 1


def refuse_long_inputs(lengths: Sequence[int], limit: int) -> None:
    """ValueError when an input is over the model's limit.

    Segmentation guarantees this never happens; silent truncation would lose text.
    """
    too_long = [n for n in lengths if n > limit]
    if too_long:
        raise ValueError(f"input of {max(too_long)} tokens exceeds the model's {limit}")


def options_from_generation_config(config: dict) -> DecodeOptions:
    """Map a Hugging Face generation config (as a dict) onto `DecodeOptions`."""
    defaults = DecodeOptions()
    max_length = config.get("max_length") or defaults.max_new_tokens
    return DecodeOptions(
        num_beams=int(config.get("num_beams") or 1),
        max_new_tokens=int(config.get("max_new_tokens") or max_length),
        min_new_tokens=int(config.get("min_new_tokens") or config.get("min_length") or 0),
        length_penalty=float(config.get("length_penalty") if config.get("length_penalty") is not None else 1.0),
        no_repeat_ngram_size=int(config.get("no_repeat_ngram_size") or 0),
        repetition_penalty=float(config.get("repetition_penalty") or 1.0),
    )


JOINT_SPACES = (" ", "\n", "\t", "\u00a0", "\u202f")
"""Whitespace probed at a joint (`probe_token_join`): the space, a line break, a tab, and
the no-break spaces French typography puts before « » : ; ? !"""

_PROBE_LEFT, _PROBE_RIGHT = "Il dort.", "Le chat"


def probe_token_join(
    encode: Callable[[Sequence[str]], list[list[int]]],
    *,
    trailing: bool,
    refused_starts: tuple[str, ...] = (),
) -> TokenJoin | None:
    """The `TokenJoin` of a tokenizer whose tokens never cross whitespace, read off probes.

    The family is the caller's knowledge (`subwords.token_join`): whether whitespace
    that ends the left-hand text may join (`trailing`: SentencePiece) or only
    whitespace that starts the right-hand one (byte-level BPE). The probes check the
    tokenizer's settings: where its special tokens go, and at which whitespace
    (`JOINT_SPACES`) two texts' ids join into the joined text's, found by tokenizing a
    few short texts (one call). None when not even a plain space joins (a prefix
    space, no whitespace trimming): texts are then counted whole.
    """
    texts = ["", _PROBE_LEFT, _PROBE_RIGHT]
    for space in JOINT_SPACES:
        texts += [_PROBE_LEFT + space, space + _PROBE_RIGHT, _PROBE_LEFT + space + _PROBE_RIGHT]
    ids = [list(found) for found in encode(texts)]
    empty, left, right = ids[:3]
    prefix = next(
        (k for k in range(len(empty) + 1) if left[:k] == empty[:k] and left[len(left) - len(empty) + k :] == empty[k:]),
        None,
    )
    if prefix is None:
        return None
    join = TokenJoin(prefix, len(empty) - prefix)
    ends_left: set[str] = set()  # whitespace that may end the left-hand text
    starts_right: set[str] = set()  # whitespace that may start the right-hand text
    for k, space in enumerate(JOINT_SPACES):
        left_spaced, right_spaced, whole = ids[3 + 3 * k : 6 + 3 * k]
        if trailing and join.join([left_spaced, right]) == whole:
            ends_left.add(space)
        if join.join([left, right_spaced]) == whole:
            starts_right.add(space)
    if " " not in ends_left | starts_right:
        return None
    return TokenJoin(join.prefix, join.suffix, frozenset(ends_left), frozenset(starts_right), refused_starts)
