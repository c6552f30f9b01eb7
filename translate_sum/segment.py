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

import re
from collections.abc import Callable, Sequence

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
    sentence_tokens: Sequence[int] | None = None,
) -> list[tuple[str, int]]:
    """Segments of `text` from its sentence spans (`text.sentence_spans`), each with its tokens.

    The same packing as `segment_paragraph`, from sentences already split; the token
    count of each segment comes back with it so that nobody counts it again.
    `sentence_tokens` are the tokens of each sentence when the caller counted them
    already (a translator counts the sentences of a whole article in one call).
    """
    if max_tokens < 2:
        raise ValueError("max_tokens must leave room for at least one token of text")
    sentences = [text[a:b] for a, b in spans]
    if sentence_tokens is None:
        # One tokenizer call for every sentence of the paragraph.
        sentence_tokens = count_tokens(sentences) if sentences else []
    pieces: list[tuple[str, int]] = []
    for sentence, tokens in zip(sentences, sentence_tokens):
        if tokens <= max_tokens:
            pieces.append((sentence, tokens))
        else:
            pieces.extend(_split_long(sentence, tokens, count_tokens, max_tokens))
    return pack_greedy([p for p, _ in pieces], [n for _, n in pieces], count_tokens, max_tokens)


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


def _split_long(sentence: str, tokens: int, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[str, int]]:
    """Cut a sentence of `tokens` tokens, over the budget, into fitting pieces (each
    with its tokens), preferring clause punctuation, then spaces."""
    pieces: list[tuple[str, int]] = []
    rest: str = sentence
    known: int | None = tokens  # the tokens of `rest`, when counted
    while rest:
        window, counted = _window_over_budget(rest, known, count_tokens, max_tokens)
        if window is None:
            pieces.append((rest, counted))
            break
        cut, cut_tokens = _best_cut(window, count_tokens, max_tokens)
        pieces.append((rest[:cut], cut_tokens))
        rest, known = rest[cut:], None
    return pieces


def _window_over_budget(
    rest: str, known: int | None, count_tokens: TokenCounter, max_tokens: int
) -> tuple[str | None, int]:
    """A prefix of `rest` just long enough to exceed the budget, and its tokens; None
    and the tokens of `rest` when it fits. `known`: the tokens of `rest`, if counted.

    Searching for a cut in a bounded prefix, not the whole remainder, keeps a
    sentence of a million characters linear instead of quadratic.
    """
    size = max_tokens * 16
    while True:
        window = rest[:size]
        whole = size >= len(rest)
        tokens = known if whole and known is not None else count_tokens([window])[0]
        if tokens > max_tokens:
            return window, tokens
        if whole:
            return None, tokens
        size *= 2


def _best_cut(text: str, count_tokens: TokenCounter, max_tokens: int) -> tuple[int, int]:
    """Position at which to cut `text` so the first part fits (always > 0), and the
    tokens of that first part."""
    counted: dict[int, int] = {}  # prefix end -> its tokens, shared by the searches

    def fitting(ends: list[int]) -> list[bool]:
        # Prefix counts grow with length (the searches rely on it), so an end below a
        # fitting one fits and an end above a failing one fails: only the others are
        # counted, all in one call.
        fit = max((e for e, n in counted.items() if n <= max_tokens), default=0)
        fail = min((e for e, n in counted.items() if n > max_tokens), default=len(text) + 1)
        unknown = [e for e in ends if fit < e < fail and e not in counted]
        if unknown:
            counted.update(zip(unknown, count_tokens([text[:e] for e in unknown])))
        return [e <= fit or (e < fail and counted[e] <= max_tokens) for e in ends]

    clause = [m.end() for m in _CLAUSE_BREAK.finditer(text) if m.end() < len(text)]
    spaces = [m.end() for m in _WHITESPACE_BREAK.finditer(text) if 0 < m.start() and m.end() < len(text)]
    longest_space = _longest_fitting(spaces, fitting)
    longest_clause = _longest_fitting(clause, fitting)
    # A clause break is worth a shorter piece, but not a tiny one.
    if longest_clause and longest_clause * 2 >= (longest_space or 0):
        cut = longest_clause
    elif longest_space:
        cut = longest_space
    else:
        chars = list(range(1, len(text)))
        cut = _longest_fitting(chars, fitting) or 1
    if cut not in counted:
        counted[cut] = count_tokens([text[:cut]])[0]
    return cut, counted[cut]


# Positions tried per tokenizer call while searching for a cut: each call narrows the
# range (PROBES + 1)-fold, where a binary search halves it per call.
_SEARCH_PROBES = 8


def _longest_fitting(positions: list[int], fitting: Callable[[list[int]], list[bool]]) -> int | None:
    """The largest position whose prefix fits (prefix token counts grow with length).

    A search over sorted `positions` that asks `fitting` about several at a time.
    """
    low, high = 0, len(positions)  # positions[:low] fit, positions[high:] do not
    while low < high:
        if high - low <= _SEARCH_PROBES:
            probes = list(range(low, high))
        else:
            probes = sorted({low + (high - low) * k // (_SEARCH_PROBES + 1) for k in range(1, _SEARCH_PROBES + 1)})
        answers = fitting([positions[i] for i in probes])
        failing = [i for i, ok in zip(probes, answers) if not ok]
        if failing:
            high = failing[0]
        passing = [i for i, ok in zip(probes, answers) if ok and i < high]
        if passing:
            low = passing[-1] + 1
    return positions[low - 1] if low > 0 else None
