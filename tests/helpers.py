"""Small test doubles shared by several test modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from translate_sum.engines.base import DecodeOptions, ProgressCallback


@dataclass
class RecordingEngine:
    """A Seq2SeqEngine that 'translates' by tagging its input and records every batch.

    One token per word plus an end token, like a real tokenizer would count them.
    """

    max_input_tokens: int = 64
    name: str = "fake"
    model_name: str = "fake-model"
    batches: list[list[str]] = field(default_factory=list)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def default_options(self) -> DecodeOptions:
        return DecodeOptions(num_beams=1, batch_tokens=64)

    def generate(
        self, texts: Sequence[str], options: DecodeOptions, progress: ProgressCallback | None = None
    ) -> list[str]:
        lengths = self.count_tokens(texts)
        assert max(lengths, default=0) <= self.max_input_tokens, "an input exceeds the model limit"
        outputs = [""] * len(texts)
        for batch in _batches(lengths, options.batch_tokens):
            self.batches.append([texts[i] for i in batch])
            for i in batch:
                outputs[i] = f"EN({texts[i].strip()})"
            if progress:
                progress(len(batch))
        return outputs


# Minor numbers of Linux's memory devices (major 1): what /dev/null, /dev/zero and
# /dev/full are. Tests make their own nodes so they never touch the real ones.
NULL_DEVICE, ZERO_DEVICE, FULL_DEVICE = 3, 5, 7


def make_device(path: Path, minor: int) -> Path:
    """A character device at `path` behaving like /dev/null, /dev/zero or /dev/full.

    Skips the calling test where device nodes cannot be made (not root, or a
    filesystem mounted nodev, where the node would not work either).
    """
    import os
    import stat

    import pytest

    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        with open(path, "rb", buffering=0):
            pass
    except OSError as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror})")
    return path


def _batches(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Consecutive inputs while their tokens stay within `budget` (one over it goes alone)."""
    batches: list[list[int]] = []
    used = 0
    for i, length in enumerate(lengths):
        if not batches or used + length > budget:
            batches.append([])
            used = 0
        batches[-1].append(i)
        used += length
    return batches
