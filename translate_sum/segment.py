"""Cut paragraphs into segments that fit the model's input, never truncating.

A paragraph's sentences come from the text layer (`text.py`: pysbd, French rules, split
once at preparation and kept on the paragraph). Sentences are packed into segments whose length in
the model's own tokens stays within a budget. A sentence longer than the budget is
cut at the best break that fits: clause punctuation first, then whitespace, and as a
last resort between characters (a URL or a base64 blob has no spaces).

Invariant: the segments of a paragraph are exact slices of it, trailing whitespace
included, so `"".join(segments) == paragraph`. Nothing is dropped or rewritten here.

Token counts are the model's own, kept in a `tokens.TokenBook`: each sentence is
tokenized once, and a segment of several sentences is counted from its sentences'
tokens (`tokens.Pieces`); so is a cut of an over-long sentence made at a space, from
its words'. Only what the tokenizer does not allow to be counted from parts (a joint
without whitespace, a cut inside a word) is tokenized whole. The book keeps each
segment's tokens (and ids), for the engine to reuse.

Limits: pysbd is rule-based and can miss a boundary in unusual typography; a missed
boundary only makes a longer segment, which the budget then cuts. Cutting an
over-long sentence counts growing prefixes of it (a window over the budget, then the
cut candidates a few at a time).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from translate_sum.document import Span
from translate_sum.text import sentence_spans, split_sentences
from translate_sum.tokens import Pieces, TokenBook, TokenCounter, pack_greedy

__all__ = ["TokenCounter", "pack_sentences", "segment_paragraph", "split_sentences"]

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
    tokens: TokenBook | TokenCounter,
    max_tokens: int,
) -> list[tuple[str, int]]:
    """Segments of `text` from its sentence spans (`text.sentence_spans`), each with its tokens.

    The same packing as `segment_paragraph`, from sentences already split; the token
    count of each segment comes back with it, and a `TokenBook` given as `tokens`
    keeps each segment's tokens (and ids) under its text, so that nobody counts it
    again. A translator hands one book to every paragraph of its articles, which
    counts all their sentences in one call first.
    """
    if max_tokens < 2:
        raise ValueError("max_tokens must leave room for at least one token of text")
    book = tokens if isinstance(tokens, TokenBook) else TokenBook(tokens)
    sentences = [text[a:b] for a, b in spans]
    pieces: list[str] = []
    for sentence, count in zip(sentences, book.counts(sentences)):
        if count <= max_tokens:
            pieces.append(sentence)
        else:
            pieces.extend(_split_long(sentence, book, max_tokens))
    return pack_greedy(Pieces(pieces, book), max_tokens)


def _split_long(sentence: str, book: TokenBook, max_tokens: int) -> list[str]:
    """Cut a sentence over the budget into fitting pieces (their tokens kept in `book`),
    preferring clause punctuation, then spaces."""
    pieces: list[str] = []
    rest = sentence
    while rest:
        window = _window_over_budget(rest, book, max_tokens)
        if window is None:
            pieces.append(rest)
            break
        cut = _best_cut(window, book, max_tokens)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def _window_over_budget(rest: str, book: TokenBook, max_tokens: int) -> str | None:
    """A prefix of `rest` just long enough to exceed the budget; None when `rest` fits.

    Searching for a cut in a bounded prefix, not the whole remainder, keeps a
    sentence of a million characters linear instead of quadratic.
    """
    size = max_tokens * 16
    while True:
        window = rest[:size]
        if book.count(window) > max_tokens:
            return window
        if size >= len(rest):
            return None
        size *= 2


_WORD = re.compile(r"\S+\s*|\s+")


def _best_cut(text: str, book: TokenBook, max_tokens: int) -> int:
    """Position at which to cut `text` so the first part fits (always > 0); `book`
    keeps the tokens of that first part.

    A prefix that ends after whitespace is counted from its words (`tokens.Pieces`)
    where the tokenizer allows; others are counted whole.
    """
    words = Pieces(_WORD.findall(text), book) if book.join is not None else None
    word_ends: dict[int, int] = {}  # prefix end -> how many words it holds
    if words is not None:
        end = 0
        for k, word in enumerate(words.pieces, 1):
            end += len(word)
            word_ends[end] = k
    counted: dict[int, int] = {}  # prefix end -> its tokens, shared by the searches

    def fitting(ends: list[int]) -> list[bool]:
        # Prefix counts grow with length (the searches rely on it), so an end below a
        # fitting one fits and an end above a failing one fails: only the others are
        # counted, all in one call.
        fit = max((e for e, n in counted.items() if n <= max_tokens), default=0)
        fail = min((e for e, n in counted.items() if n > max_tokens), default=len(text) + 1)
        unknown = [e for e in ends if fit < e < fail and e not in counted]
        book.learn(part for e in unknown for part in _prefix_parts(text, e, words, word_ends))
        counted.update((e, _prefix_count(text, e, book, words, word_ends)) for e in unknown)
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
    if words is not None and cut in word_ends:
        words.keep(0, word_ends[cut])
    else:
        book.learn([text[:cut]])
    return cut


def _prefix_parts(text: str, end: int, words: Pieces | None, word_ends: dict[int, int]) -> list[str]:
    """The texts to count for text[:end]: its words' where it ends after one, else itself."""
    if words is not None and end in word_ends:
        return words.parts(0, word_ends[end])
    return [text[:end]]


def _prefix_count(text: str, end: int, book: TokenBook, words: Pieces | None, word_ends: dict[int, int]) -> int:
    if words is not None and end in word_ends:
        return words.count(0, word_ends[end])
    return book.count(text[:end])


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
