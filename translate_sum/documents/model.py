"""What a document is once read: its text-bearing elements in reading order.

A `SourceDocument` keeps the file's bytes and the elements found in them; it holds no
parsed tree, so it is an immutable value that pickles (worker processes, Ray) and can
be written out any number of times: writing parses the bytes again and walks the tree
in the same order, pairing each element with its place (`docx.py`, `odt.py`).

Field names of `ElementOutcome` are the JSON report's, which tools read.

Limits: a document must fit in memory twice (its bytes and one parsed tree).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from translate_sum.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MAX_PARAGRAPHS, DEFAULT_MAX_UNPACKED_BYTES

FORMATS = ("docx", "odt", "pdf")
"""Document formats read here, by their usual extension."""

# The limits' defaults are settings (`translate_sum.settings`), declared once there.

# Element kinds, as the JSON report names them.
KINDS = (
    "title",
    "heading",
    "paragraph",
    "list-item",
    "table-cell",
    "header",
    "footer",
    "footnote",
    "endnote",
    "textbox",
    "caption",
    "pull-quote",
)


@dataclass(frozen=True)
class DocumentLimits:
    """Bounds on what a document may hold, like `max_bytes` for a text file.

    Each field is the setting of the same name (`--max-pages`...), so a refusal's
    hint names the flag or request field that raises it.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES


@dataclass(frozen=True)
class Element:
    """One text-bearing element: a paragraph, heading, list item, cell paragraph...

    `text` is what is translated, whole. `kind` is one of `KINDS`; `where` says where
    it sits in words ("body", "table 2, row 1, cell 3", "header (first page)",
    "page 4"). `level` is a heading's level (1 for the top) or a list item's depth
    (1 for the top), 0 otherwise. `skip` is why it is not translated ("" when it is):
    PDF page furniture, for instance. `formatting` names inline formatting that covers
    only part of the text (bold, italic, link...), which the write-back may not be
    able to place again (see `placement.py`).
    """

    text: str
    kind: str = "paragraph"
    where: str = "body"
    level: int = 0
    skip: str = ""
    formatting: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceDocument:
    """A document as read: its format, bytes and text-bearing elements in reading order."""

    path: str
    format: str  # one of FORMATS
    elements: tuple[Element, ...]
    data: bytes = field(repr=False, default=b"")
    pages: int = 0  # PDF pages; 0 for Word and OpenDocument
    title: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class ElementOutcome:
    """What happened to one element on the way out, for the JSON report.

    `index` is the element's paragraph index in the article (from 1). `status` is
    "translated", "copied" (a duplicate given its twin's translation) or "kept" (left
    in French, `reason` says why). `formatting_lost` names the inline formatting that
    could not be placed on the translation (the whole translation then takes the first
    run's formatting).
    """

    index: int
    kind: str
    where: str
    status: str
    reason: str = ""
    formatting_lost: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"index": self.index, "kind": self.kind, "where": self.where, "status": self.status}
        if self.reason:
            data["reason"] = self.reason
        if self.formatting_lost:
            data["formatting_lost"] = list(self.formatting_lost)
        return data


@dataclass(frozen=True)
class TranslatedDocument:
    """A document written in English: its bytes and what happened to each element."""

    format: str
    data: bytes = field(repr=False)
    outcomes: tuple[ElementOutcome, ...]

    @property
    def formatting_lost(self) -> int:
        """How many elements lost some inline formatting."""
        return sum(1 for outcome in self.outcomes if outcome.formatting_lost)
