"""The document model: what flows from one stage of the pipeline to the next.

read → clean → segment → translate → summarize → audit → write

Every stage takes these dataclasses and returns new ones; none of them knows about
models, files or the command line. Field names match the JSON output, which later
tools read, so rename with care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

Severity = Literal["warning", "error"]

SegmentOrigin = Literal["machine", "human", "source"]
"""Who wrote a segment's translation: the model (now, or earlier and remembered by the
translation memory), a human (a translation imported into the memory), or nobody (English
passed through as it is)."""

Span = tuple[int, int]
"""A sentence as [start, end) character offsets into its text (see `text.py`)."""


@dataclass(frozen=True)
class Flag:
    """A reason to double-check a paragraph's translation."""

    kind: str  # number, name, repetition, length, untranslated, paragraphs
    detail: str
    severity: Severity = "warning"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail, "severity": self.severity}


@dataclass(frozen=True)
class Segment:
    """A piece of a paragraph sent to the model in one go.

    `source` is an exact slice of the paragraph, trailing whitespace included, so the
    segments of a paragraph concatenated give back the paragraph to the character.
    """

    source: str
    translation: str = ""
    # The model's tokens of `source` (special tokens included), counted while packing
    # so that the engine need not count them again; 0 when not counted.
    tokens: int = 0
    origin: SegmentOrigin = "machine"


@dataclass(frozen=True)
class Paragraph:
    """One block of the article, in source order; `index` counts from 1.

    `sentences` and `translation_sentences` are the spans of the French source and of
    the English translation, split once by `text.py` (at preparation and right after
    translation) and read by every later stage; empty until then.
    """

    index: int
    source: str
    is_title: bool = False
    segments: tuple[Segment, ...] = ()
    translation: str = ""
    flags: tuple[Flag, ...] = ()
    # Set by the cleaner for page furniture and duplicates: kept, never translated.
    skipped: bool = False
    reason: str = ""
    sentences: tuple[Span, ...] = ()
    translation_sentences: tuple[Span, ...] = ()
    # What the paragraph was in a Word, OpenDocument or PDF file (heading, list-item,
    # table-cell, header, footer, footnote, textbox... see `documents.model.KINDS`);
    # "" for a paragraph of a text or web article.
    kind: str = ""


@dataclass(frozen=True)
class SourceInfo:
    """Where the article came from and how it was read."""

    path: str  # "-" for standard input
    encoding: str = "utf-8"
    format: str = "text"  # text, markdown, html, docx, odt, pdf
    title: str | None = None
    date: str | None = None
    author: str | None = None
    language: str | None = None
    # The hex sha256 of the bytes the article was read from (None when given as text):
    # a folder run records the version it translated, not one hashed earlier.
    sha256: str | None = None


@dataclass(frozen=True)
class Article:
    """A French article as read: its paragraphs in order, the title first if any."""

    source: SourceInfo
    paragraphs: tuple[Paragraph, ...]

    @property
    def title(self) -> Paragraph | None:
        """The title paragraph: the first one not set aside, when it is a title."""
        first = _first_kept(self.paragraphs)
        return first if first is not None and first.is_title else None

    @property
    def word_count(self) -> int:
        return sum(len(p.source.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class Stats:
    """The one count of an article's translation, shown alike by the summary line, the
    footers, the JSON and the web page: the paragraphs translated (the title
    included) and their French words; the paragraphs skipped (page furniture,
    duplicates) apart; and the seconds the work took."""

    paragraphs: int
    source_words: int
    seconds: float
    skipped: int = 0
    # The segments sent for translation, and how many of them the translation memory
    # answered instead of the model (`human`: imported human translations among them).
    segments: int = 0
    from_memory: int = 0
    human: int = 0

    @classmethod
    def of(cls, paragraphs: Sequence[Paragraph], seconds: float, from_memory: int = 0) -> Stats:
        """The count of `paragraphs` (an article's, skipped ones among them);
        `from_memory` of their segments were answered by the translation memory."""
        kept = [p for p in paragraphs if not p.skipped]
        segments = [s for p in kept for s in p.segments if s.origin != "source"]
        human = sum(1 for s in segments if s.origin == "human")
        return cls(
            len(kept), sum(len(p.source.split()) for p in kept), seconds, len(paragraphs) - len(kept),
            len(segments), from_memory, human,
        )


@dataclass(frozen=True)
class TranslatedArticle:
    """An article with every paragraph translated (skipped ones carry no translation)."""

    source: SourceInfo
    paragraphs: tuple[Paragraph, ...]
    models: dict[str, str]
    stats: Stats
    # What produced the words: engine, model, weight type, device and decoding settings
    # (`pipeline.Translator.decoding`); empty when not known.
    decoding: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        """The English title, when the article has one (its first paragraph not set aside)."""
        first = _first_kept(self.paragraphs)
        return first.translation if first is not None and first.is_title else None

    @property
    def text(self) -> str:
        """The English body: translated paragraphs separated by blank lines."""
        return "\n\n".join(p.translation for p in self.paragraphs if not p.skipped)


@dataclass(frozen=True)
class KeyPoint:
    """A sentence of the translation and the paragraph indexes it came from."""

    text: str
    paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class Brief:
    """A short English brief of an article: summary plus traceable key points."""

    title: str | None
    summary: str
    key_points: tuple[KeyPoint, ...]
    translation: TranslatedArticle
    models: dict[str, str]
    stats: Stats


def _first_kept(paragraphs: tuple[Paragraph, ...]) -> Paragraph | None:
    """The first paragraph not set aside as furniture (a document's running header may
    come before its title); None when every one is."""
    return next((p for p in paragraphs if not p.skipped), None)
