"""Cut paragraphs into segments that fit the model's input, never truncating.

A paragraph is split into sentences by pysbd (rule-based, with French abbreviations
such as M., Mme, Dr, St; it keeps « » quotes, decimals like 3,5, times like 13h30 and
dates like 5/07/2025 whole). Sentences are then packed into segments whose length in
the model's own tokens stays within a budget. A sentence longer than the budget is
cut at the best break that fits: clause punctuation first, then whitespace, and as a
last resort between characters (a URL or a base64 blob has no spaces).

Invariant: the segments of a paragraph are exact slices of it, trailing whitespace
included, so `"".join(segments) == paragraph`. Nothing is dropped or rewritten here.

Limits: pysbd is rule-based and can miss a boundary in unusual typography; a missed
boundary only makes a longer segment, which the budget then cuts.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Callable, Sequence

TokenCounter = Callable[[Sequence[str]], list[int]]
"""Counts the model's tokens of each text, special tokens included."""

_CLAUSE_BREAK = re.compile(r"[,;:)\]»\u2013\u2014]\s+|\s+[(\[«\u2013\u2014]")
_WHITESPACE_BREAK = re.compile(r"\s+")


@lru_cache(maxsize=4)
def _segmenter(language: str):  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language=language, clean=False, char_span=False)


# pysbd's time grows with the square of its input: long texts go to it in windows.
_WINDOW_CHARS = 4000
_SENTENCE_END = re.compile(r"[.!?…»\"”]\s+")
_SPACE = re.compile(r"\s+")


def split_sentences(text: str, language: str = "fr") -> list[str]:
    """Split `text` into sentences that concatenate back to exactly `text`.

    Whitespace between two sentences stays at the end of the first. Text longer than
    a few thousand characters is split in windows cut at a sentence end (else a
    space), so a 10,000-line paragraph takes seconds, not hours.
    """
    sentences: list[str] = []
    for window in _windows(text):
        sentences.extend(_split_window(window, language))
    return sentences


def _windows(text: str) -> list[str]:
    """`text` in consecutive pieces of at most `_WINDOW_CHARS`, cut where a sentence ends."""
    windows = []
    start = 0
    while len(text) - start > _WINDOW_CHARS:
        middle, limit = start + _WINDOW_CHARS // 2, start + _WINDOW_CHARS
        ends = [m.end() for m in _SENTENCE_END.finditer(text, middle, limit)]
        spaces = [m.end() for m in _SPACE.finditer(text, middle, limit)] if not ends else []
        cut = (ends or spaces or [limit])[-1]
        windows.append(text[start:cut])
        start = cut
    windows.append(text[start:])
    return [w for w in windows if w]


def _split_window(text: str, language: str) -> list[str]:
    if not text.strip():
        return [text] if text else []
    pieces = _segmenter(language).segment(text)
    starts: list[int] = []
    cursor = 0
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        found = text.find(core, cursor)
        if found < 0:
            # pysbd altered the text (it should not with clean=False): keep the rest whole.
            break
        starts.append(found)
        cursor = found + len(core)
    if not starts or starts[0] != 0:
        starts = [0] + [s for s in starts if s > 0]
    bounds = starts + [len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if a < b]


def segment_paragraph(
    text: str,
    count_tokens: TokenCounter,
    max_tokens: int,
    language: str = "fr",
) -> list[str]:
    """Pack the sentences of `text` into segments of at most `max_tokens` tokens.

    Consecutive sentences share a segment while they fit; each over-long sentence is
    cut at its best breaks. The result concatenates back to `text`.
    """
    if max_tokens < 2:
        raise ValueError("max_tokens must leave room for at least one token of text")
    pieces: list[str] = []
    for sentence in split_sentences(text, language):
        pieces.extend(_split_long(sentence, count_tokens, max_tokens))
    return _pack(pieces, count_tokens, max_tokens)


def _pack(pieces: list[str], count_tokens: TokenCounter, max_tokens: int) -> list[str]:
    segments: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        if current and count_tokens([candidate])[0] > max_tokens:
            segments.append(current)
            current = piece
        else:
            current = candidate
    if current:
        segments.append(current)
    return segments


def _split_long(sentence: str, count_tokens: TokenCounter, max_tokens: int) -> list[str]:
    """Cut a sentence into fitting pieces, preferring clause punctuation, then spaces."""
    if count_tokens([sentence])[0] <= max_tokens:
        return [sentence]
    pieces: list[str] = []
    rest = sentence
    while rest:
        window = _window_over_budget(rest, count_tokens, max_tokens)
        if window is None:
            pieces.append(rest)
            break
        cut = _best_cut(window, count_tokens, max_tokens)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def _window_over_budget(rest: str, count_tokens: TokenCounter, max_tokens: int) -> str | None:
    """A prefix of `rest` just long enough to exceed the budget; None when `rest` fits.

    Searching for a cut in a bounded prefix, not the whole remainder, keeps a
    sentence of a million characters linear instead of quadratic.
    """
    size = max_tokens * 16
    while True:
        window = rest[:size]
        if count_tokens([window])[0] > max_tokens:
            return window
        if size >= len(rest):
            return None
        size *= 2


def _best_cut(text: str, count_tokens: TokenCounter, max_tokens: int) -> int:
    """Position at which to cut `text` so the first part fits; always > 0."""

    def fits(end: int) -> bool:
        return count_tokens([text[:end]])[0] <= max_tokens

    clause = [m.end() for m in _CLAUSE_BREAK.finditer(text) if m.end() < len(text)]
    spaces = [m.end() for m in _WHITESPACE_BREAK.finditer(text) if 0 < m.start() and m.end() < len(text)]
    longest_space = _longest_fitting(spaces, fits)
    longest_clause = _longest_fitting(clause, fits)
    # A clause break is worth a shorter piece, but not a tiny one.
    if longest_clause and longest_clause * 2 >= (longest_space or 0):
        return longest_clause
    if longest_space:
        return longest_space
    chars = list(range(1, len(text)))
    return _longest_fitting(chars, fits) or 1


def _longest_fitting(positions: list[int], fits: Callable[[int], bool]) -> int | None:
    """The largest position whose prefix fits (prefix token counts grow with length)."""
    if not positions:
        return None
    # Binary search: the number of tokens of a prefix grows with its length.
    index = bisect.bisect_left(range(len(positions)), True, key=lambda i: not fits(positions[i]))
    return positions[index - 1] if index > 0 else None
