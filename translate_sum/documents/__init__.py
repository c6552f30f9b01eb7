"""Documents: Word (.docx), OpenDocument (.odt) and PDF in; the same document out in English.

A document is a tree walked once: every text-bearing element is collected in reading
order (`read_document` → `SourceDocument.elements`), the elements become the
paragraphs of one `Article` (`document_article`) that the pipeline translates like
any other, and the translations are written back in the same walk order
(`write_translated`), each paragraph whole (see `placement.py` for where the text of
a paragraph with mixed formatting goes). PDFs are read, not rewritten: their
translation goes out as text, Markdown, HTML, JSON or a new .docx
(`build_docx`) with the document's headings and paragraphs.

Typical use::

    document = read_document("rapport.docx")
    translated = translator.translate(prepare(document_article(document), translator.options))
    result = save_translated(document, translated, "report.docx")
    report = [outcome.to_dict() for outcome in result.outcomes]

What the command line and the server call: `translated_file(translated, fmt, document)`
(the document written back, or a new .docx from a PDF or a text; `check_output_format`
refuses the rest before any work) and `element_report(document, translated)` (every
element's outcome for the JSON, with the formatting a write-back loses).

Limits: see each format's module (`docx.py`, `odt.py`, `pdf.py`); a document is held
in memory whole; presentations, spreadsheets and old binary .doc files are refused.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from translate_sum.document import Article, Paragraph, SourceInfo, TranslatedArticle
from translate_sum.documents.container import MEDIA_TYPES, SUFFIXES, format_for_name, sniff
from translate_sum.documents.model import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_PARAGRAPHS,
    FORMATS,
    KINDS,
    DocumentLimits,
    Element,
    ElementOutcome,
    SourceDocument,
    TranslatedDocument,
)
from translate_sum.documents.placement import Text
from translate_sum.errors import Hint, InputError, OutputError

__all__ = [
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_PARAGRAPHS",
    "DOCUMENT_SUFFIXES",
    "FORMATS",
    "KINDS",
    "MEDIA_TYPES",
    "DocumentLimits",
    "Element",
    "ElementOutcome",
    "SourceDocument",
    "TranslatedDocument",
    "build_docx",
    "check_output_format",
    "document_article",
    "element_outcomes",
    "element_report",
    "is_document",
    "parse_document",
    "read_document",
    "save_translated",
    "translated_file",
    "write_translated",
]

DOCUMENT_SUFFIXES = frozenset(SUFFIXES)
"""Extensions read as documents (.docx, .docm (refused: macros), .odt, .pdf)."""

WRITABLE_FORMATS = ("docx", "odt")
"""Formats written back as the same document; a PDF's translation goes out as a new .docx."""

_PDF_MAGIC = b"%PDF-"


def is_document(name: str, data: bytes = b"") -> bool:
    """Whether a file is read as a document: by its extension, else by its first bytes."""
    if format_for_name(name) is not None:
        return True
    return data.startswith((_PDF_MAGIC, b"PK\x03\x04"))


def read_document(path: str | Path, *, limits: DocumentLimits | None = None) -> SourceDocument:
    """Read the document at `path`; `InputError` (one line, what to do) when it cannot be."""
    limits = limits or DocumentLimits()
    name = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > limits.max_bytes:
            raise InputError(
                f"{name}: file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit",
                Hint("split it or raise {option}", "max_bytes"),
            )
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory; give a file, or use `translate-sum batch` for a folder") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc}); check its permissions") from exc
    return parse_document(data, name, limits=limits)


def parse_document(data: bytes, path: str = "-", *, limits: DocumentLimits | None = None) -> SourceDocument:
    """A document from its bytes; `path` names it in messages and gives the expected format."""
    limits = limits or DocumentLimits()
    if len(data) > limits.max_bytes:
        raise InputError(f"{path}: input is over the {limits.max_bytes:,}-byte limit", Hint("split it or raise {option}", "max_bytes"))
    fmt = sniff(data, path, max_unpacked_bytes=limits.max_unpacked_bytes)
    if fmt == "docx":
        from translate_sum.documents.docx import read_docx

        document = read_docx(data, path)
    elif fmt == "odt":
        from translate_sum.documents.odt import read_odt

        document = read_odt(data, path)
    else:
        from translate_sum.documents.pdf import read_pdf

        document = read_pdf(data, path, max_pages=limits.max_pages)
    count = len(document.elements)
    if count > limits.max_paragraphs:
        raise InputError(
            f"{path}: {count:,} paragraphs, over the {limits.max_paragraphs:,}-paragraph limit",
            Hint("split the document or raise {option}", "max_paragraphs"),
        )
    if not any(not e.skip for e in document.elements):
        raise InputError(f"{path}: the document has no text to translate; give a document with text")
    return document


def document_article(document: SourceDocument) -> Article:
    """The document as an `Article`: one paragraph per element, in reading order.

    Paragraph N is element N-1; its `kind` is the element's; elements the reader
    already set aside (PDF page furniture) come skipped, with their reason. The first
    paragraph read as text (after any set-aside furniture) is the title when it is a
    title or heading.
    """
    elements = document.elements
    # The title is the first element read as text: a running header set aside before it
    # (a PDF's first line) must not cost the document its title.
    first = next((i for i, element in enumerate(elements, start=1) if not element.skip), 0)
    paragraphs = tuple(
        Paragraph(
            index=i,
            source=element.text,
            is_title=(i == first and element.kind in ("title", "heading") and len(elements) > i),
            skipped=bool(element.skip),
            reason=element.skip,
            kind=element.kind,
        )
        for i, element in enumerate(elements, start=1)
    )
    titles = [e.text for e in elements if e.kind == "title"]
    title = titles[0] if titles else document.title
    source = SourceInfo(path=document.path, encoding="utf-8", format=document.format, title=title, author=document.author)
    return Article(source=source, paragraphs=paragraphs)


def element_outcomes(document: SourceDocument, translated: TranslatedArticle) -> tuple[ElementOutcome, ...]:
    """What becomes of each element with this translation (no placement: see `write_translated`)."""
    return tuple(outcome for outcome, _ in _decide(document, translated))


def element_report(document: SourceDocument, translated: TranslatedArticle) -> list[dict[str, object]]:
    """Every element's outcome as the JSON report gives it (`ElementOutcome.to_dict()`).

    A Word or OpenDocument file is written back in memory, so the report names the
    inline formatting the document in English loses (as `write_translated` would);
    a PDF's outcomes need no writing.
    """
    if document.format in WRITABLE_FORMATS:
        outcomes = write_translated(document, translated).outcomes
    else:
        outcomes = element_outcomes(document, translated)
    return [outcome.to_dict() for outcome in outcomes]


def write_translated(document: SourceDocument, translated: TranslatedArticle) -> TranslatedDocument:
    """The Word or OpenDocument file with its text in English, and each element's outcome.

    `translated` is the translation of `document_article(document)`. Skipped
    duplicates take the translation of their identical twin ("copied"); other skipped
    elements stay as they are ("kept", with the reason). A PDF cannot be written back:
    use `build_docx` (`ValueError` here).
    """
    if document.format not in WRITABLE_FORMATS:
        raise ValueError(f"{document.path}: a {document.format} is not written back; use build_docx")
    decided = _decide(document, translated)
    texts = [text for _, text in decided]
    if document.format == "docx":
        from translate_sum.documents.docx import write_docx

        data, placements = write_docx(document, texts)
    else:
        from translate_sum.documents.odt import write_odt

        data, placements = write_odt(document, texts)
    outcomes = tuple(
        dataclasses.replace(outcome, formatting_lost=placement.lost) if placement is not None else outcome
        for (outcome, _), placement in zip(decided, placements)
    )
    return TranslatedDocument(format=document.format, data=data, outcomes=outcomes)


def save_translated(document: SourceDocument, translated: TranslatedArticle, path: str | Path) -> TranslatedDocument:
    """`write_translated`, then the file written to `path` atomically (a temporary file renamed)."""
    result = write_translated(document, translated)
    write_bytes_atomic(path, result.data)
    return result


def build_docx(translated: TranslatedArticle, document: SourceDocument | None = None) -> bytes:
    """A new Word document holding the translation: the title, headings and paragraphs.

    Made for PDFs, which are not rewritten. With `document`, element kinds and levels
    give headings and list items their styles. Skipped paragraphs (furniture) are left out.
    """
    from translate_sum.documents.build import translation_docx

    return translation_docx(translated, document)


def check_output_format(fmt: str, document: SourceDocument | None) -> None:
    """Refuse, before any translation, a document output that cannot be made from this input.

    A .docx comes from a Word document (written back) or from anything that is not
    an OpenDocument text (a PDF, a text, a web page: a new document, `build_docx`);
    an .odt only from an .odt. Crossing Word and OpenDocument would drop what the
    other format cannot hold, so it is refused rather than done badly.
    """
    source = document.format if document is not None else None
    if fmt == "odt" and source != "odt":
        raise OutputError(
            "an .odt is written only from an .odt input (the same document in English)",
            Hint("name the output .docx, .md, .json or .html, or pass another {option}", "format"),
        )
    if fmt == "docx" and source == "odt":
        raise OutputError(
            "an OpenDocument text is written back as .odt, not .docx",
            Hint("name the output .odt (or .md, .json, .html), or pass another {option}", "format"),
        )
    if fmt not in WRITABLE_FORMATS:
        raise ValueError(f"not a document format: {fmt}")


def translated_file(translated: TranslatedArticle, fmt: str, document: SourceDocument | None = None) -> TranslatedDocument:
    """The translation as a Word ("docx") or OpenDocument ("odt") file, with each element's outcome.

    A Word or OpenDocument input of that format is written back (`write_translated`);
    anything else becomes a new .docx (`build_docx`), whose outcomes are those of the
    document's elements (none for a text). See `check_output_format` for what is refused.
    """
    check_output_format(fmt, document)
    if document is not None and document.format == fmt:
        return write_translated(document, translated)
    outcomes = element_outcomes(document, translated) if document is not None else ()
    return TranslatedDocument(format="docx", data=build_docx(translated, document), outcomes=outcomes)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename (`writers.write_atomic`:
    a device or a named pipe is written into, never replaced)."""
    from translate_sum.writers import write_atomic

    write_atomic(path, data)


def _decide(document: SourceDocument, translated: TranslatedArticle) -> list[tuple[ElementOutcome, Text | None]]:
    """Each element's outcome and the text to write (None: leave it)."""
    paragraphs = translated.paragraphs
    if [p.source for p in paragraphs] != [e.text for e in document.elements]:
        raise ValueError(f"{document.path}: the translation is not of this document's paragraphs")
    english = translated.source.language == "en"
    done: dict[str, Paragraph] = {}
    decided: list[tuple[ElementOutcome, Text | None]] = []
    for paragraph, element in zip(paragraphs, document.elements):
        base = ElementOutcome(index=paragraph.index, kind=element.kind, where=element.where, status="kept")
        if english:
            decided.append((dataclasses.replace(base, reason="in English already"), None))
        elif not paragraph.skipped and paragraph.translation:
            done.setdefault(paragraph.source, paragraph)
            decided.append((dataclasses.replace(base, status="translated"), _text(paragraph)))
        elif paragraph.skipped and paragraph.source in done:
            twin = done[paragraph.source]
            outcome = dataclasses.replace(base, status="copied", reason=f"{paragraph.reason}; translation of ¶{twin.index}")
            decided.append((outcome, _text(twin)))
        else:
            decided.append((dataclasses.replace(base, reason=paragraph.reason or "no translation"), None))
    return decided


def _text(paragraph: Paragraph) -> Text:
    from translate_sum.text import sentence_spans

    source_spans = paragraph.sentences or sentence_spans(paragraph.source, "fr")
    spans = paragraph.translation_sentences or sentence_spans(paragraph.translation, "en")
    return Text(paragraph.translation, tuple(source_spans), tuple(spans))
