"""Abstractive summaries: a sequence-to-sequence engine, map-reduced over long texts.

A text longer than the engine's input limit is cut at paragraph boundaries (then
sentences, then words, then characters — never truncated), each chunk is summarized,
and the joined chunk summaries are summarized again until they fit; so the end of a
long article weighs as much as its start. When the model cannot do it (text too short,
an empty output, text that will not shrink), the summary is the extractive one and
the returned `Summary` says why.

Limits: English only (sentence splitting by pysbd 'en' rules). This module never
imports torch or transformers: the model lives behind the engine object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from translate_sum.engines.base import DecodeOptions, ProgressCallback, Seq2SeqEngine
from translate_sum.tokens import Pieces, TokenBook, generate, pack_greedy
from translate_sum.summarize.extractive import (
    Ranking,
    english_sentences,
    rank_paragraphs,
)
from translate_sum.summarize.summary import Length, Summary, check_length

logger = logging.getLogger(__name__)

_PARAGRAPH_JOIN = "\n\n"


def _words_of(text: str) -> list[str]:
    return text.split()


def _characters_of(text: str) -> list[str]:
    # Halves: a single "word" over the limit (a URL, a table row) is cut in two, again
    # and again, until the pieces fit; nothing is dropped.
    middle = len(text) // 2
    return [text[:middle], text[middle:]] if len(text) > 1 else [text]


_SPLITTERS: tuple[tuple[Callable[[str], list[str]], str], ...] = (
    (english_sentences, " "),
    (_words_of, " "),
    (_characters_of, ""),
)


def split_to_fit(
    paragraphs: Sequence[str],
    count_tokens: Callable[[Sequence[str]], list[int]],
    limit: int,
) -> list[str]:
    """Chunks of the text, each within `limit` tokens, cut at paragraph boundaries.

    Consecutive paragraphs are packed into one chunk while it fits. A paragraph over
    the limit is cut at sentence boundaries, a sentence over it at word boundaries,
    and a word over it in halves; no text is dropped. Chunks come back in order.
    """
    return [chunk for chunk, _ in _chunks(paragraphs, TokenBook(count_tokens), limit)]


def _chunks(paragraphs: Sequence[str], book: TokenBook, limit: int) -> list[tuple[str, int]]:
    """`split_to_fit`, each chunk with its tokens, which `book` keeps (counted from the
    pieces' own tokens where the tokenizer allows, `tokens.Pieces`)."""
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")

    def pieces(text: str, level: int) -> list[str]:
        """`text` cut into pieces that each fit, at the coarsest level that works."""
        if book.count(text) <= limit:
            return [text]
        for depth in range(level, len(_SPLITTERS)):
            split, glue = _SPLITTERS[depth]
            parts = split(text)
            if len(parts) > 1:
                # Each part alone, and as it follows another when the tokenizer joins them.
                book.learn([*parts, *(glue + part for part in parts[1:] if glue and book.join is not None)])
                return pack([p for part in parts for p in pieces(part, depth)], glue)
        # One indivisible unit over the limit (a single character): the engine would
        # overflow, and dropping it would lose text; fail loudly instead.
        raise ValueError(f"a single character is over the engine's {limit}-token limit")

    def pack(units: list[str], glue: str) -> list[str]:
        return [chunk for chunk, _ in pack_greedy(Pieces(units, book, glue), limit)]

    units = [p.strip() for p in paragraphs if p.strip()]
    book.learn(units)
    return pack_greedy(Pieces([piece for p in units for piece in pieces(p, 0)], book, _PARAGRAPH_JOIN), limit)


def _paragraphs(texts: Sequence[str], book: TokenBook) -> Pieces:
    """`texts` as paragraphs of one text (joined by a blank line), with every count the
    book needs for it, and for the map step's chunk size, made in one call."""
    if book.join is not None:
        book.learn([*texts, *(_PARAGRAPH_JOIN + text for text in texts[1:]), ""])
    else:
        book.learn([*texts, _PARAGRAPH_JOIN.join(texts), ""])
    return Pieces(texts, book, _PARAGRAPH_JOIN)


@dataclass(frozen=True)
class _LengthScale:
    min_factor: float
    max_factor: float


# Relative to the model's own generation config (distilbart-cnn: 56-142 tokens, about
# 40-100 words), which is what "medium" means.
_LENGTH_SCALES: dict[str, _LengthScale] = {
    "short": _LengthScale(0.5, 0.6),
    "medium": _LengthScale(1.0, 1.0),
    "long": _LengthScale(1.5, 1.5),
}


# A chunk summary, re-tokenized with its special tokens, should take at most this share
# of the input limit, so that three of them and the joins between them fit: decoded text
# re-tokenizes to more tokens than were generated (special tokens, the "\n\n" join,
# merges that differ), and at exactly half the limit two never fit. Three per chunk
# rather than two saves rounds: a 128-position model finishes 2,000 tokens in 3 rounds
# instead of 5. Real summarizers are far from it (distilbart: 142 of 1,024 tokens).
_MAP_SHARE = 0.3

# The fallback reasons a `Summary` can carry, besides the map-reduce ones.
TOO_SHORT = "article too short for an abstractive summary"
EMPTY_OUTPUT = "the model returned an empty summary"


class AbstractiveSummarizer:
    """Summarize English text of any length with a sequence-to-sequence engine.

    Text over the engine's input limit is summarized chunk by chunk and the chunk
    summaries are summarized again (map-reduce) until they fit in one input. When a
    round fails to shrink the text, after `max_rounds` rounds, when the model returns
    nothing, or when the text is too short to summarize (fewer tokens than twice the
    summary's minimum length, which would make the model invent), the summary falls
    back to the extractive one: it terminates, always. The `Summary` it returns says
    which it is, and why it fell back. It keeps no state between calls.
    """

    def __init__(
        self,
        engine: Seq2SeqEngine,
        options: DecodeOptions | None = None,
        *,
        max_rounds: int = 8,
    ) -> None:
        self.engine = engine
        self.options = options if options is not None else engine.default_options()
        # Each round at least thirds the number of chunks (see `_MAP_SHARE`), so 8
        # rounds cover thousands of chunks; the cap only bites when a model barely
        # shrinks text.
        self.max_rounds = max_rounds

    def options_for(self, length: Length = "medium") -> DecodeOptions:
        """Decoding options for a summary of `length`, scaled from the model's own."""
        check_length(length)
        scale = _LENGTH_SCALES[length]
        base = self.options
        maximum = max(1, round(base.max_new_tokens * scale.max_factor))
        # Longer outputs would overflow the decoder's position table. Engines that do
        # not say their output limit are assumed BART-like: as many positions as input.
        decoder_limit = getattr(self.engine, "max_output_tokens", self.engine.max_input_tokens)
        maximum = min(maximum, decoder_limit)
        minimum = min(round(base.min_new_tokens * scale.min_factor), maximum - 1)
        # Summaries are much shorter than their input: no ratio bound.
        return replace(
            base, min_new_tokens=max(0, minimum), max_new_tokens=maximum, max_length_ratio=None
        )

    def _target(self) -> int:
        """Most tokens a re-tokenized chunk summary should take (special tokens included)."""
        return max(1, int(self.engine.max_input_tokens * _MAP_SHARE))

    def _map_cap(self, book: TokenBook) -> int:
        """Most new tokens for a chunk summary, before any drift is measured."""
        specials = book.count("")
        return max(1, self._target() - specials)

    @staticmethod
    def _capped(options: DecodeOptions, cap: int, shortest_input: int) -> DecodeOptions:
        # A forced minimum longer than half the input makes the model invent text:
        # the last chunk of a text is often short.
        maximum = min(options.max_new_tokens, cap)
        minimum = min(options.min_new_tokens, maximum - 1, shortest_input // 2)
        return replace(options, max_new_tokens=maximum, min_new_tokens=max(0, minimum))

    def summarize(
        self,
        text_paragraphs: Sequence[str],
        length: Length = "medium",
        progress: ProgressCallback | None = None,
        *,
        ranking: Ranking | None = None,
    ) -> Summary:
        """A summary of the paragraphs (English), whatever their total length.

        `progress` is called with the number of model inputs just finished, across
        every round. Empty input gives an empty abstractive summary. When the model
        cannot summarize, the summary is `ranking`'s extractive one (default: the
        paragraphs ranked here) and `fallback_reason` says why.
        """
        options = self.options_for(length)
        texts = [p.strip() for p in text_paragraphs if p.strip()]
        if not texts:
            return Summary("", "abstractive")

        def fallback(reason: str) -> Summary:
            logger.warning("%s; using the extractive summary", reason)
            extractive = (ranking if ranking is not None else rank_paragraphs(text_paragraphs)).summary(length)
            return replace(extractive, fallback_reason=reason)

        limit = self.engine.max_input_tokens
        # Every text of this summary is tokenized once, and the engine reuses the ids.
        book = TokenBook.of(self.engine)
        whole = _paragraphs(texts, book)
        size = whole.count(0, len(whole))
        if size < 2 * options.min_new_tokens:
            return fallback(TOO_SHORT)
        cap = self._map_cap(book)
        may_retry = True
        # Round 0 is the plain case; each later round is one map step over chunks.
        for round_number in range(self.max_rounds + 1):
            if size <= limit:
                final = options if round_number == 0 else self._capped(options, limit, size)
                text, _ = whole.keep(0, len(whole))
                summary = generate(self.engine, [text], final, progress, book)[0]
                summary = summary.strip()
                if summary:
                    return Summary(summary, "abstractive", sentences=tuple(english_sentences(summary)))
                return fallback(EMPTY_OUTPUT)
            if round_number == self.max_rounds:
                break
            chunks = _chunks(texts, book, limit)
            logger.info(
                "summary round %d: %d tokens over the %d-token limit, %d chunks",
                round_number + 1, size, limit, len(chunks),
            )
            summaries, cap, may_retry = self._map(chunks, options, cap, may_retry, progress, book)
            texts = [s.strip() for s in summaries if s.strip()]
            whole = _paragraphs(texts, book)
            new_size = whole.count(0, len(whole)) if texts else 0
            if not texts or new_size >= size:
                return fallback(
                    f"text did not shrink under the {limit}-token limit "
                    f"({size} -> {new_size} tokens)"
                )
            size = new_size
        return fallback(f"text still over the {limit}-token limit after {self.max_rounds} summary rounds")

    def _map(
        self,
        counted: list[tuple[str, int]],
        options: DecodeOptions,
        cap: int,
        may_retry: bool,
        progress: ProgressCallback | None,
        book: TokenBook,
    ) -> tuple[list[str], int, bool]:
        """Summaries of the `counted` chunks (text, tokens), each within the target size when the model allows.

        Returns the summaries, the new-token cap for later rounds and whether a retry
        may still help. A summary that re-tokenizes over the target (the model's text
        drifts to more tokens than it generated) is generated again once, with the cap
        scaled down by the drift measured; if that does not help, the model ignores the
        cap and later rounds do not retry.
        """
        chunks = [chunk for chunk, _ in counted]
        shortest = min(tokens for _, tokens in counted)
        first = self._capped(options, cap, shortest)
        cap = first.max_new_tokens
        summaries = generate(self.engine, chunks, first, progress, book)
        target = self._target()
        sizes = book.counts([s.strip() for s in summaries])
        over = [i for i, n in enumerate(sizes) if n > target]
        if not over or not may_retry or cap <= 1:
            return summaries, cap, may_retry
        worst = max(sizes[i] for i in over)
        smaller = max(1, cap * target // worst)
        logger.info(
            "chunk summaries re-tokenize to up to %d tokens (target %d); cap %d -> %d new tokens",
            worst, target, cap, smaller,
        )
        redo = generate(self.engine, [chunks[i] for i in over], self._capped(options, smaller, shortest), progress, book)
        redone = book.counts([s.strip() for s in redo])
        summaries = list(summaries)
        for i, summary in zip(over, redo):
            summaries[i] = summary
        return summaries, smaller, max(redone) < worst
