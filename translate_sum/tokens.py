"""Token counts made once: every text tokenized once, runs of texts counted from their parts.

Segmenting and summarizing pack pieces of text (sentences, paragraphs, words) into
inputs that fit a model, which means knowing the tokens of many candidate runs of
pieces. A `TokenBook` holds, for one packing job, the tokens of every text it has
counted (and their ids, from engines that give them), so no text is tokenized twice.
`Pieces` counts a run of consecutive pieces from the pieces' own tokens wherever the
engine's tokenizer allows (`engines.base.TokenJoin`: tokens never cross whitespace),
and tokenizes the run's text only where it does not (two sentences with no space
between them, a word cut in two, an engine that does not say). The engine is then
handed the ids the book holds (`generate`), so an input is not tokenized again to
be decoded.

Limits: a book keeps every text it counted until it is dropped, so one lives for one
job (an article, a batch of articles, one summary). Engines without `encode` (test
doubles) give counts only, and their runs are counted whole.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from translate_sum.engines.base import DecodeOptions, ProgressCallback, TokenIds, TokenJoin

__all__ = ["Pieces", "TokenBook", "TokenCounter", "generate", "pack_greedy"]

TokenCounter = Callable[[Sequence[str]], list[int]]
"""Counts the model's tokens of each text, special tokens included."""

Encoder = Callable[[Sequence[str]], list[list[int]]]
"""Gives the model's token ids of each text, special tokens included."""


class TokenBook:
    """The tokens of every text counted for one job, each text tokenized once.

    `of(engine)` reads the engine's `count_tokens`, and where it has them its
    `encode` (the ids are kept, for the engine to reuse) and `token_join`.
    """

    def __init__(self, count_tokens: TokenCounter, encode: Encoder | None = None, join: TokenJoin | None = None) -> None:
        self._count_tokens = count_tokens
        self._encode = encode
        self.join = join if encode is not None else None  # joined ids need ids to join
        self._counts: dict[str, int] = {}
        self._ids: dict[str, list[int]] = {}

    @classmethod
    def of(cls, engine: Any) -> "TokenBook":
        """A book over `engine` (any `Seq2SeqEngine`)."""
        return cls(engine.count_tokens, getattr(engine, "encode", None), getattr(engine, "token_join", None))

    def learn(self, texts: Iterable[str]) -> None:
        """Count, in one tokenizer call, those of `texts` not counted yet."""
        missing = list(dict.fromkeys(text for text in texts if text not in self._counts))
        if not missing:
            return
        if self._encode is None:
            self._counts.update(zip(missing, self._count_tokens(missing)))
            return
        for text, ids in zip(missing, self._encode(missing)):
            self._ids[text] = list(ids)
            self._counts[text] = len(ids)

    def knows(self, text: str) -> bool:
        return text in self._counts

    def counts(self, texts: Sequence[str]) -> list[int]:
        """The tokens of each text (counting, in one call, those not counted yet)."""
        self.learn(texts)
        return [self._counts[text] for text in texts]

    def count(self, text: str) -> int:
        return self.counts([text])[0]

    def ids(self, text: str) -> list[int] | None:
        """The ids of `text`, when it was counted by an engine that gives ids."""
        return self._ids.get(text)

    def remember(self, text: str, count: int, ids: list[int] | None) -> None:
        """Keep the tokens of `text`, made from its parts (`Pieces`), unless counted whole already."""
        if text not in self._counts:
            self._counts[text] = count
            if ids is not None:
                self._ids[text] = ids


class Pieces:
    """Consecutive pieces of text and the tokens of any run of them joined with `glue`.

    Each piece is counted once: alone (when it starts a run) and, where it joins the
    piece before it, as it follows it (`glue` + piece). A run's tokens are its parts'
    where every joint joins (`TokenJoin.joins`); between joints that do not, the
    text is counted whole (once: the book keeps it).
    """

    def __init__(self, pieces: Sequence[str], book: TokenBook, glue: str = "") -> None:
        self.pieces = list(pieces)
        self.book = book
        self.glue = glue
        join = book.join
        # joins[k]: whether piece k's ids join those of piece k - 1.
        self._joins = [False] + [
            join is not None and join.joins(self.pieces[k - 1], glue + self.pieces[k]) for k in range(1, len(self.pieces))
        ]
        following = [glue + self.pieces[k] for k in range(1, len(self.pieces)) if glue and self._joins[k]]
        book.learn(self.pieces + following)

    def __len__(self) -> int:
        return len(self.pieces)

    def text(self, start: int, end: int) -> str:
        return self.glue.join(self.pieces[start:end])

    def parts(self, start: int, end: int) -> list[str]:
        """The texts whose tokens, joined, are those of pieces[start:end] joined."""
        parts = []
        first = start
        for k in range(start + 1, end + 1):
            if k == end or self._joins[k]:
                text = self.text(first, k)
                parts.append(self.glue + text if first > start else text)
                first = k
        return parts

    def counted(self, start: int, end: int) -> bool:
        """Whether the tokens of pieces[start:end] are known without a tokenizer call."""
        return all(self.book.knows(part) for part in self.parts(start, end))

    def learn(self, runs: Iterable[tuple[int, int]]) -> None:
        """Count the texts the given runs need, all in one tokenizer call."""
        self.book.learn(part for start, end in runs for part in self.parts(start, end))

    def count(self, start: int, end: int) -> int:
        """The tokens of pieces[start:end] joined with the glue."""
        counts = self.book.counts(self.parts(start, end))
        return self.book.join.count(counts) if len(counts) > 1 else counts[0]  # type: ignore[union-attr]

    def ids(self, start: int, end: int) -> list[int] | None:
        """The ids of pieces[start:end] joined, when the book has ids."""
        found = [self.book.ids(part) for part in self.parts(start, end)]
        if any(ids is None for ids in found):
            return None
        return self.book.join.join(found) if len(found) > 1 else found[0]  # type: ignore[union-attr, arg-type, return-value]

    def keep(self, start: int, end: int) -> tuple[str, int]:
        """pieces[start:end] joined and its tokens, which the book then keeps under that text."""
        text, count = self.text(start, end), self.count(start, end)
        self.book.remember(text, count, self.ids(start, end))
        return text, count


# Runs counted in one tokenizer call while packing, where they must be counted whole:
# pieces are added until their summed counts pass the budget by this much, so that
# the call almost always holds the run that overflows (special tokens are counted once
# per text, and joining two texts rarely changes their tokens by more than one).
_PACK_LOOKAHEAD_TOKENS = 8


def pack_greedy(pieces: Pieces, max_tokens: int) -> list[tuple[str, int]]:
    """Greedy packing: a chunk takes the next piece while it fits; each chunk with its tokens.

    Gives exactly the chunks that counting each candidate whole, one by one, would.
    Candidates are counted from their pieces where the tokenizer allows; the others a
    few at a time, in one call each (see above). A piece over the budget alone is a
    chunk of its own.
    """
    chunks: list[tuple[str, int]] = []
    start = 0
    while start < len(pieces):
        end = start + 1  # pieces[start:end] are in the chunk
        while end < len(pieces):
            if not pieces.counted(start, end + 1):
                pieces.learn((start, e + 1) for e in _lookahead(pieces, start, end, max_tokens))
            if pieces.count(start, end + 1) > max_tokens:
                break
            end += 1
        chunks.append(pieces.keep(start, end))
        start = end
    return chunks


def _lookahead(pieces: Pieces, start: int, end: int, max_tokens: int) -> list[int]:
    """Last pieces of the candidates worth counting with pieces[start:end + 1]."""
    ends = [end]
    estimate = pieces.count(start, end) + pieces.book.count(pieces.pieces[end])
    while ends[-1] + 1 < len(pieces) and estimate <= max_tokens + _PACK_LOOKAHEAD_TOKENS:
        ends.append(ends[-1] + 1)
        estimate += pieces.book.count(pieces.pieces[ends[-1]])
    return ends


def generate(
    engine: Any,
    texts: Sequence[str],
    options: DecodeOptions,
    progress: ProgressCallback | None = None,
    book: TokenBook | None = None,
) -> list[str]:
    """`engine.generate(texts)`, handed the ids `book` holds for them so that they are not
    tokenized again (engines that take no ids, or texts the book lacks: the texts alone)."""
    ids: list[TokenIds | None] = [book.ids(text) for text in texts] if book is not None and takes_ids(engine) else []
    if texts and ids and all(found is not None for found in ids):
        return engine.generate(texts, options, progress, ids=ids)
    return engine.generate(texts, options, progress)


def takes_ids(engine: Any) -> bool:
    """Whether `engine.generate` accepts `ids=`: the protocol makes it optional, so an
    engine (or a wrapper, or a test double) written without it still works."""
    try:
        parameters = inspect.signature(engine.generate).parameters
    except (TypeError, ValueError):
        return False
    return "ids" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
