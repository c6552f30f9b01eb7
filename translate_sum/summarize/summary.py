"""What every summarizer shares: the lengths a user can ask for, and the summary value.

Limits: `Summary.sentences` are what key points leave out; they are the summary's own
sentences (an extractive summary's picks, an abstractive summary split once), so a
key point is compared with them, not with the summary's text re-split.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from translate_sum.options import LENGTHS

Length = Literal["short", "medium", "long"]

Method = Literal["abstractive", "extractive"]


@dataclass(frozen=True)
class Summary:
    """A summary and how it was made.

    `method` is "abstractive" (written by a model) or "extractive" (sentences of the
    text, verbatim); `fallback_reason` says, in a few words, why an abstractive
    summarizer gave an extractive summary instead (None when it did not fall back).
    `sentences` are the summary's sentences, stripped.
    """

    text: str
    method: Method
    fallback_reason: str | None = None
    sentences: tuple[str, ...] = ()


def check_length(length: str) -> None:
    """Refuse a length that is not one of `LENGTHS`."""
    if length not in LENGTHS:
        raise ValueError(f"length must be one of {', '.join(LENGTHS)}, got {length!r}")
