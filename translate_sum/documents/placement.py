"""Where a paragraph's translation goes among the runs (Word) or spans (OpenDocument) it had.

A paragraph is translated whole, never run by run: runs cut sentences in half, and a
translation reorders words, so there is no honest way to map words back. The rule:

1. If every run carrying text has the same inline formatting (bold, italic, link...),
   the whole translation goes into the first of them and the others are emptied:
   formatting that covers the whole paragraph is kept, nothing is lost.
2. Else, if each sentence of the source has one formatting throughout and the
   translation has as many sentences as the source, sentence N of the translation
   goes into the first run of source sentence N: formatting that spans whole
   sentences (a bold first sentence, a linked sentence) is kept.
3. Else the whole translation goes into the first run carrying text, which keeps
   that run's formatting; the formatting that differed between runs is reported by
   name (`lost`), never dropped silently.

Runs of whitespace only carry no formatting that shows and are emptied. Tabs and
line breaks that the translation no longer has are reported as "tab" and "line break".

Limits: formatting inside a sentence (one bold word) is never placed again; a
sentence count that differs between source and translation falls back to rule 3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from translate_sum.document import Span

Signature = tuple[tuple[str, str], ...]
"""A run's inline formatting as sorted (name, value) pairs: ("bold", "1"), ("link", "rId4")."""


@dataclass(frozen=True)
class Piece:
    """A run's text and its formatting, in paragraph order."""

    text: str
    signature: Signature = ()


@dataclass(frozen=True)
class Text:
    """A paragraph's translation with the sentences of both sides (see `place`)."""

    text: str
    source_spans: tuple[Span, ...] = ()
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Placement:
    """The new text of every piece ("" empties it) and the formatting that was lost."""

    texts: tuple[str, ...]
    lost: tuple[str, ...] = ()


def place_paragraph(pieces: Sequence[Piece], objects: Sequence[str], translation: Text) -> Placement:
    """`place` for one paragraph of a Word or OpenDocument file: inline objects whose
    place the translation cannot keep (`objects`: "footnote mark", "field"...) are
    reported lost with the formatting."""
    placement = place(pieces, translation.text, translation.source_spans, translation.spans)
    if not objects:
        return placement
    return Placement(placement.texts, tuple(sorted(set(placement.lost) | set(objects))))


def check_same_paragraphs(found: Sequence[str], read: Sequence[str], path: str) -> None:
    """Refuse to write back when the file's paragraphs are not those read (it changed)."""
    if list(found) != list(read):
        raise ValueError(f"{path}: the document's paragraphs differ from those read; read it again")


def place(
    pieces: Sequence[Piece],
    translation: str,
    source_spans: Sequence[Span] = (),
    translation_spans: Sequence[Span] = (),
) -> Placement:
    """Spread `translation` over `pieces` by the rule in the module docstring.

    `source_spans` are the sentences of the source as offsets into the pieces' text
    stripped of leading whitespace (`Paragraph.sentences`); `translation_spans` those
    of the translation (`Paragraph.translation_sentences`).
    """
    significant = [i for i, piece in enumerate(pieces) if piece.text.strip()]
    if not significant:
        return Placement(tuple(translation if i == 0 else "" for i in range(len(pieces))))
    texts = [""] * len(pieces)
    whitespace = _lost_whitespace("".join(p.text for p in pieces), translation)
    if len({pieces[i].signature for i in significant}) == 1:
        texts[significant[0]] = translation
        return Placement(tuple(texts), whitespace)
    anchors = _sentence_anchors(pieces, source_spans)
    if anchors is not None and len(anchors) == len(translation_spans) > 1 and _covers(translation_spans, len(translation)):
        for anchor, (start, end) in zip(anchors, translation_spans):
            texts[anchor] += translation[start:end]
        return Placement(tuple(texts), whitespace)
    texts[significant[0]] = translation
    return Placement(tuple(texts), _differing(pieces, significant) + whitespace)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _NOT_XML.sub("", text)


def partial_formatting(pieces: Sequence[Piece]) -> tuple[str, ...]:
    """Names of the formatting that covers some of the paragraph's text but not all of it."""
    return _differing(pieces, [i for i, piece in enumerate(pieces) if piece.text.strip()])


def _covers(spans: Sequence[Span], length: int) -> bool:
    """Whether the spans follow one another from 0 to `length` (every character placed once)."""
    position = 0
    for start, end in spans:
        if start != position or end < start:
            return False
        position = end
    return position == length


def _sentence_anchors(pieces: Sequence[Piece], spans: Sequence[Span]) -> list[int] | None:
    """The first piece of each sentence, when every sentence has one formatting; else None."""
    if len(spans) < 2:
        return None
    raw = "".join(p.text for p in pieces)
    lead = len(raw) - len(raw.lstrip())
    bounds = []
    position = 0
    for piece in pieces:
        bounds.append((position, position + len(piece.text)))
        position += len(piece.text)
    anchors = []
    for start, end in spans:
        start, end = start + lead, end + lead
        touching = [
            i
            for i, (a, b) in enumerate(bounds)
            if a < end and b > start and raw[max(a, start) : min(b, end)].strip()
        ]
        if not touching or len({pieces[i].signature for i in touching}) != 1:
            return None
        anchors.append(touching[0])
    return anchors


def _differing(pieces: Sequence[Piece], significant: Sequence[int]) -> tuple[str, ...]:
    """Names of the formatting whose value is not the same on every significant piece."""
    values: dict[str, set[str | None]] = {}
    for i in significant:
        own = dict(pieces[i].signature)
        for name in own:
            values.setdefault(name, set())
    for name in values:
        values[name] = {dict(pieces[i].signature).get(name) for i in significant}
    return tuple(sorted(name for name, seen in values.items() if len(seen) > 1))


def _lost_whitespace(source: str, translation: str) -> tuple[str, ...]:
    lost = []
    if "\t" in source.strip() and "\t" not in translation:
        lost.append("tab")
    if "\n" in source.strip() and "\n" not in translation:
        lost.append("line break")
    return tuple(lost)
