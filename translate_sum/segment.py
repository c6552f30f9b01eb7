"""Cut paragraphs into segments that fit the model's input, never truncating.

A paragraph's sentences come from the text layer (`text.py`: pysbd, French rules, split
once at preparation and kept on the paragraph). Sentences are packed into segments whose length in
the model's own tokens stays within a budget. A sentence longer than the budget is
cut at the best break that fits: clause punctuation first, then whitespace, and as a
last resort between characters (a URL or a base64 blob has no spaces).

Invariant: the segments of a paragraph are exact slices of it, trailing whitespace
included, so `"".join(segments) == paragraph`. Nothing is dropped or rewritten here.

Limits: pysbd is rule-based and can miss a boundary in unusual typography; a missed
boundary only makes a longer segment, which the budget then cuts. Token counts are
the model's own, made in few tokenizer calls (all the sentences of a paragraph in one,
then the packing candidates a few at a time), and kept with each segment.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Sequence

from translate_sum.document import Span
from translate_sum.text import sentence_spans, split_sentences

__all__ = ["TokenCounter", "pack_greedy", "pack_sentences", "segment_paragraph", "split_sentences"]

TokenCounter = Callable[[Sequence[str]], list[int]]
"""Counts the model's tokens of each text, special tokens included."""

_CLAUSE_BREAK = re.compile(r"[,;:)\]»\u2013\u2014]\s+|\s+[(\[«\u2013\u2014]")
_WHITESPACE_BREAK = re.compile(r"\s+")


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
    return [piece for piece, _ in pack_sentences(text, sentence_spans(text, language), count_tokens, max_tokens)]


def pack_sentences(
    text: str,
    spans: Sequence[Span],
    count_tokens: TokenCounter,
    max_tokens: int,
) -> list[tuple[str, int]]:
    """Segments of `text` from its sentence spans (`text.sentence_spans`), each with its tokens.

    The same packing as `segment_paragraph`, from sentences already split; the token
    count of each segment comes back with it so that nobody counts it again.
    """
    if max_tokens < 2:
        raise ValueError("max_tokens must leave room for at least one token of text")
    sentences = [text[a:b] for a, b in spans]
    # One tokenizer call for every sentence of the paragraph.
    counts = count_tokens(sentences) if sentences else []
    pieces: list[str] = []
    piece_counts: list[int | None] = []
    for sentence, tokens in zip(sentences, counts):
        if tokens <= max_tokens:
            pieces.append(sentence)
            piece_counts.append(tokens)
        else:
            cut = _split_long(sentence, count_tokens, max_tokens)
            pieces.extend(cut)
            piece_counts.extend([None] * len(cut))
    unknown = [i for i, n in enumerate(piece_counts) if n is None]
    if unknown:
        for i, n in zip(unknown, count_tokens([pieces[i] for i in unknown])):
            piece_counts[i] = n
    return pack_greedy(pieces, [n or 0 for n in piece_counts], count_tokens, max_tokens)


# Candidates counted in one tokenizer call while packing: consecutive sentences are
# added until their summed counts pass the budget by this much, so that the call
# almost always holds the candidate that overflows (special tokens are counted once
# per text, and joining two texts rarely changes their tokens by more than one).
_PACK_LOOKAHEAD_TOKENS = 8


def pack_greedy(
    pieces: Sequence[str],
    counts: Sequence[int],
    count_tokens: TokenCounter,
    max_tokens: int,
    glue: str = "",
) -> list[tuple[str, int]]:
    """Greedy packing: a chunk takes the next piece (joined with `glue`) while it fits.

    `counts` are the tokens of each piece alone. Gives exactly the chunks that counting
    each candidate one by one would, with each chunk's tokens; the candidates are
    counted a few at a time, in one call each (see above). A piece over the budget
    alone is a chunk of its own.
    """
    segments: list[tuple[str, int]] = []
    start = 0
    while start < len(pieces):
        current, tokens = pieces[start], counts[start]
        end = start + 1  # pieces[start:end] are in the segment
        while end < len(pieces):
            ends = [end]
            estimate = tokens + counts[end]
            while ends[-1] + 1 < len(pieces) and estimate <= max_tokens + _PACK_LOOKAHEAD_TOKENS:
                ends.append(ends[-1] + 1)
                estimate += counts[ends[-1]]
            candidates = [glue.join(pieces[start : e + 1]) for e in ends]
            overflow = False
            for candidate, exact in zip(candidates, count_tokens(candidates)):
                if exact > max_tokens:
                    overflow = True
                    break
                current, tokens, end = candidate, exact, end + 1
            if overflow:
                break
        segments.append((current, tokens))
        start = end
    return segments


def _split_long(sentence: str, count_tokens: TokenCounter, max_tokens: int) -> list[str]:
    """Cut a sentence over the budget into fitting pieces, preferring clause
    punctuation, then spaces."""
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
