"""The one text layer: paragraphs and sentences of French and English, split once.

Paragraphs: blank lines separate blocks (`blocks`); inside a block, `layout.py` tells
hard-wrapped lines from one-paragraph-per-line text (`split_paragraphs`, what the
reader uses). Lines of a paragraph (`lines`) are what the language check judges.

Sentences: pysbd (rule-based; French rules keep M., Mme, Dr, 3,5, 13h30, 5/07/2025 and
« quotes » whole, English rules Mr., U.S., 3.5). A text is split once and kept as
spans, [start, end) offsets, on the document model (`Paragraph.sentences` for the
French, `Paragraph.translation_sentences` for the English); segmenting, the audit,
the summarizer read the spans instead of splitting again (the audit reads a segment's
sentences from its paragraph's spans too, `segment_sentences`). The spans of a text cover
it exactly: whitespace between two sentences stays at the end of the first, so the
sentences concatenated give back the text (`sentences`), and `stripped` gives them
without that whitespace, as the audit and the summarizer compare them.

pysbd's time grows with the square of its input, so texts longer than a few thousand
characters go to it in windows cut at a sentence end (else a space): a 10,000-line
paste with no blank line is split in seconds. There is one pysbd segmenter per
language for the whole process.

Limits: pysbd can miss a boundary in unusual typography (a missed boundary only makes
a longer sentence); a window cut falls at a likely sentence end, which pysbd might not
have chosen. Should pysbd ever alter the text (it does not with `clean=False`), the
rest of that window is kept as one sentence rather than lose the verbatim promise.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import lru_cache

from translate_sum.document import Paragraph, Span
from translate_sum.layout import paragraphs_from_lines

__all__ = [
    "Span",
    "blocks",
    "lines",
    "sentence_spans",
    "sentences",
    "segment_sentences",
    "source_sentences",
    "split_paragraphs",
    "split_sentences",
    "stripped",
    "translation_sentences",
    "with_source_sentences",
    "with_translation_sentences",
]

# ---------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\n\s*\n|\n")


def _line_blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines (raw, indentation kept), line ends normalized."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found: list[list[str]] = []
    block: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            block.append(line)
        elif block:
            found.append(block)
            block = []
    if block:
        found.append(block)
    return found


def blocks(text: str) -> list[str]:
    """Blank-line separated blocks of `text`, stripped, line breaks inside kept."""
    return ["\n".join(block).strip() for block in _line_blocks(text)]


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank lines separate them, hard-wrapped lines are
    joined and pasted one-paragraph-per-line text keeps its paragraphs (`layout.py`)."""
    return [p for block in _line_blocks(text) for p in paragraphs_from_lines(block) if p.strip()]


def lines(paragraph: str) -> list[str]:
    """The non-blank lines of a paragraph (most paragraphs are one line)."""
    return [line for line in _LINE_BREAK.split(paragraph) if line.strip()]


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _segmenter(language: str):  # type: ignore[no-untyped-def]
    import pysbd

    # clean=False: pysbd must not rewrite the text, or sentences stop being verbatim.
    return pysbd.Segmenter(language=language, clean=False, char_span=False)


_WINDOW_CHARS = 4000
_SENTENCE_END = re.compile(r"[.!?…»\"”]\s+")
_SPACE = re.compile(r"\s+")


def sentence_spans(text: str, language: str = "fr") -> tuple[Span, ...]:
    """The sentences of `text` as spans that cover it exactly, in order.

    `language` is pysbd's code ("fr", "en"). Empty text has no sentence; text of
    whitespace only is one.
    """
    spans: list[Span] = []
    for start, end in _windows(text):
        spans.extend((start + a, start + b) for a, b in _split_window(text[start:end], language))
    return tuple(spans)


def split_sentences(text: str, language: str = "fr") -> list[str]:
    """Split `text` into sentences that concatenate back to exactly `text`."""
    return sentences(text, sentence_spans(text, language))


def sentences(text: str, spans: Sequence[Span]) -> list[str]:
    """The sentences of `text` at `spans`, verbatim, trailing whitespace included."""
    return [text[a:b] for a, b in spans]


def stripped(text: str, spans: Sequence[Span]) -> list[str]:
    """The sentences of `text` at `spans` without surrounding whitespace, empty ones left out."""
    return [s for s in (text[a:b].strip() for a, b in spans) if s]


def _windows(text: str) -> list[Span]:
    """`text` in consecutive pieces of at most `_WINDOW_CHARS`, cut where a sentence ends."""
    windows = []
    start = 0
    while len(text) - start > _WINDOW_CHARS:
        middle, limit = start + _WINDOW_CHARS // 2, start + _WINDOW_CHARS
        ends = [m.end() for m in _SENTENCE_END.finditer(text, middle, limit)]
        spaces = [m.end() for m in _SPACE.finditer(text, middle, limit)] if not ends else []
        cut = (ends or spaces or [limit])[-1]
        windows.append((start, cut))
        start = cut
    windows.append((start, len(text)))
    return [(a, b) for a, b in windows if a < b]


def _split_window(text: str, language: str) -> list[Span]:
    if not text.strip():
        return [(0, len(text))] if text else []
    starts: list[int] = []
    cursor = 0
    for piece in _segmenter(language).segment(text):
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
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]


# ---------------------------------------------------------------------------
# Sentences kept on the document
# ---------------------------------------------------------------------------


def with_source_sentences(paragraph: Paragraph, language: str = "fr") -> Paragraph:
    """`paragraph` with the spans of its source's sentences (split once: kept if there)."""
    if paragraph.sentences or not paragraph.source:
        return paragraph
    return dataclasses.replace(paragraph, sentences=sentence_spans(paragraph.source, language))


def with_translation_sentences(paragraph: Paragraph) -> Paragraph:
    """`paragraph` with the spans of its English translation's sentences."""
    spans = sentence_spans(paragraph.translation, "en") if paragraph.translation else ()
    return dataclasses.replace(paragraph, translation_sentences=spans)


def source_sentences(paragraph: Paragraph, language: str = "fr") -> list[str]:
    """The stripped sentences of the paragraph's source, from its kept spans."""
    return stripped(paragraph.source, paragraph.sentences or sentence_spans(paragraph.source, language))


def translation_sentences(paragraph: Paragraph) -> list[str]:
    """The stripped sentences of the paragraph's English translation, from its kept spans."""
    spans = paragraph.translation_sentences or sentence_spans(paragraph.translation, "en")
    return stripped(paragraph.translation, spans)


def clipped(text: str, spans: Sequence[Span], start: int, end: int) -> list[str]:
    """The stripped sentences of text[start:end], from the spans of the whole `text`:
    a sentence that crosses `start` or `end` is cut there."""
    pieces = (text[max(a, start) : min(b, end)].strip() for a, b in spans if a < end and b > start)
    return [piece for piece in pieces if piece]


def segment_sentences(paragraph: Paragraph) -> list[tuple[list[str], list[str]]]:
    """For each segment of a translated paragraph, the stripped sentences of its source
    and of its translation, read from the paragraph's kept spans instead of split again.

    The paragraph's translation is its segments' translations joined by a space (as
    the pipeline makes it); a segment whose translation is not found there at its
    place is split on its own.
    """
    source_spans = paragraph.sentences or sentence_spans(paragraph.source, "fr")
    translation_spans = paragraph.translation_sentences or sentence_spans(paragraph.translation, "en")
    found = []
    source_at = translation_at = 0
    for segment in paragraph.segments:
        source_end = source_at + len(segment.source)
        source = clipped(paragraph.source, source_spans, source_at, source_end)
        translation: list[str] = []
        if segment.translation:
            translation_end = translation_at + len(segment.translation)
            if paragraph.translation[translation_at:translation_end] == segment.translation:
                translation = clipped(paragraph.translation, translation_spans, translation_at, translation_end)
            else:
                translation = stripped(segment.translation, sentence_spans(segment.translation, "en"))
            translation_at = translation_end + 1  # the space that joins two segments
        found.append((source, translation))
        source_at = source_end
    return found
