"""PDF text layers through pypdfium2 (PDFium: Apache-2.0/BSD): characters → lines → `pdf_layout`.

PDFium gives each character with its box, font size and weight, in content order,
with the spaces and line ends it infers marked as generated. This module turns them
into lines: a line ends at a generated line end, at a jump back or down, or at a gap
wider than 1.5 font sizes (two columns drawn on one baseline); small raised letters
are joined to their word ("1er", "XIXe", "Mme"), small raised digits after a word
are a note mark and become "[3]". `pdf_layout` does the rest.

Refused, one line each: a PDF that needs a password to open, a damaged one, one over
the page limit, and one with no text layer (a scan: OCR it first, e.g. with
`ocrmypdf scan.pdf text.pdf`). A PDF encrypted only against copying or printing
(no password to open) is read.

Limits: text in images, annotations and form fields is not read; a page without text
amid pages with text is skipped with a warning; vertical and right-to-left scripts are
not laid out.
"""

from __future__ import annotations

import logging
import statistics
from typing import Any, NamedTuple

from translate_sum.documents.model import SourceDocument
from translate_sum.documents.pdf_layout import Line, PageLines, layout_elements
from translate_sum.errors import Hint, InputError
from translate_sum.settings import DEFAULT_MAX_PAGES

log = logging.getLogger(__name__)

SCAN_CHARS_PER_PAGE = 20
"""Fewer characters than this per page on average: no text layer (a scan)."""
OCR_HINT = Hint("OCR it first (e.g. `ocrmypdf scan.pdf text.pdf`) and give the result")

_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_GAP_SIZES = 1.5
_LONE_GAP_SIZES = 4.0
_BOLD = ("Bold", "Black", "Heavy", "Semibold", "SemiBold", "Demi")
_ITALIC = ("Italic", "Oblique")


def read_pdf(data: bytes, path: str, *, max_pages: int = DEFAULT_MAX_PAGES) -> SourceDocument:
    """The PDF's paragraphs in reading order (see the module docstring for what is refused)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD_ERROR:
            raise InputError(f"{path}: the PDF is password-protected; remove the password (or print it to a new PDF) and give that") from exc
        raise InputError(f"{path}: the PDF is damaged and cannot be read ({exc}); save or print it to a new PDF") from exc
    try:
        count = len(pdf)
        if count > max_pages:
            raise InputError(f"{path}: {count:,} pages, over the {max_pages:,}-page limit", Hint("split the PDF or raise {option}", "max_pages"))
        if count == 0:
            raise InputError(f"{path}: the PDF has no pages; give a PDF with text")
        pages = []
        for number in range(count):
            try:
                pages.append(_page_lines(pdf, number))
            except pdfium.PdfiumError as exc:
                raise InputError(f"{path}: page {number + 1} of the PDF is damaged ({exc}); save or print it to a new PDF") from exc
        metadata = _metadata(pdf)
    finally:
        pdf.close()
    characters = sum(len(line.text.strip()) for page in pages for line in page.lines)
    if characters < SCAN_CHARS_PER_PAGE * count:
        raise InputError(f"{path}: the PDF has no text layer (a scanned document?)", OCR_HINT)
    empty = [str(number + 1) for number, page in enumerate(pages) if not page.lines]
    if empty:
        log.warning("%s: page(s) %s have no text layer (scanned?) and are not translated", path, ", ".join(empty))
    elements = tuple(layout_elements(pages))
    return SourceDocument(path=path, format="pdf", elements=elements, data=data, pages=count, **metadata)


def _metadata(pdf: Any) -> dict[str, str | None]:
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # metadata is a nicety; a broken Info dictionary loses nothing else
        return {"title": None, "author": None}
    return {"title": info.get("Title") or None, "author": info.get("Author") or None}


def _page_lines(pdf: Any, number: int) -> PageLines:
    import pypdfium2.raw as raw

    page = pdf[number]
    try:
        width, height = page.get_size()
        text_page = page.get_textpage()
        try:
            lines = _lines(text_page, raw, height, number)
        finally:
            text_page.close()
    finally:
        page.close()
    return PageLines(width=width, height=height, lines=tuple(lines))


class _Glyph(NamedTuple):
    char: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    weight: int
    index: int


def _lines(text_page: Any, raw: Any, height: float, number: int) -> list[Line]:
    """The page's characters grouped into lines (see the module docstring)."""
    handle = text_page.raw
    lines: list[Line] = []
    current: list[_Glyph] = []
    for index in range(text_page.count_chars()):
        code = raw.FPDFText_GetUnicode(handle, index)
        char = chr(code) if code else ""
        if raw.FPDFText_IsGenerated(handle, index) == 1:
            if char in "\r\n":
                _close(current, lines, handle, raw, number)
                current = []
            elif char == " " and current and current[-1].char != " ":
                current.append(current[-1]._replace(char=" "))
            continue
        if not char or char in "\r\n":
            continue
        x0, y0, x1, y1 = text_page.get_charbox(index, loose=True)
        size = raw.FPDFText_GetFontSize(handle, index) or (y1 - y0)
        glyph = _Glyph(char, x0, height - y1, x1, height - y0, size, raw.FPDFText_GetFontWeight(handle, index), index)
        if current and _breaks(current, glyph):
            _close(current, lines, handle, raw, number)
            current = []
        current.append(glyph)
    _close(current, lines, handle, raw, number)
    return lines


def _breaks(current: list[_Glyph], glyph: _Glyph) -> bool:
    """Whether `glyph` starts a new line: a jump back, or another baseline (gaps: `_pieces`)."""
    last = next((g for g in reversed(current) if g.char != " "), current[-1])
    size = max(last.size, glyph.size, 1.0)
    if glyph.x1 < last.x0 - 0.5 * size:
        return True
    similar = glyph.size >= 0.8 * last.size and last.size >= 0.8 * glyph.size
    return similar and abs(glyph.bottom - last.bottom) > 0.6 * size


def _pieces(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """The line cut at gaps far wider than its own word spaces: columns drawn on one baseline.

    Justified text stretches every space of a line alike, so a gap counts as a gutter
    when it is `_GAP_SIZES` font sizes wide and over three times the line's other word
    spaces (their median); the one gap of a two-word line must be `_LONE_GAP_SIZES` wide.
    """
    visible = [g for g in glyphs if g.char.strip()]
    gaps = [(b.x0 - a.x1, i) for i, (a, b) in enumerate(zip(visible, visible[1:]), start=1)]
    size = statistics.median(g.size for g in visible) if visible else 1.0
    spaces = [(gap, i) for gap, i in gaps if gap > 0.15 * size]
    ordered = sorted(gap for gap, _ in spaces)
    cuts = []
    for gap, i in spaces:
        if gap <= _GAP_SIZES * size:
            continue
        if len(ordered) >= 3:
            typical = ordered[len(ordered) // 2]
        else:  # the other gap, if any
            typical = ordered[0] if len(ordered) == 2 and ordered[1] == gap else ordered[-1] if len(ordered) == 2 else _LONE_GAP_SIZES * size / 3
        if gap > 3 * typical:
            cuts.append(i)
    if not cuts:
        return [glyphs]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(visible[start:cut])
        start = cut
    pieces.append(visible[start:])
    return [_with_spaces(piece) for piece in pieces]


def _with_spaces(glyphs: list[_Glyph]) -> list[_Glyph]:
    """Visible glyphs with a space wherever two are a word space apart."""
    out: list[_Glyph] = []
    for glyph in glyphs:
        if out and glyph.x0 - out[-1].x1 > 0.2 * glyph.size:
            out.append(out[-1]._replace(char=" "))
        out.append(glyph)
    return out


def _close(glyphs: list[_Glyph], lines: list[Line], handle: Any, raw: Any, number: int) -> None:
    """Make `Line`s of `glyphs` (cut at gutters; only what is visible) and append them to `lines`."""
    for piece in _pieces(glyphs):
        _close_one(piece, lines, handle, raw, number)


def _close_one(glyphs: list[_Glyph], lines: list[Line], handle: Any, raw: Any, number: int) -> None:
    real = [g for g in glyphs if g.char.strip()]
    if not real:
        return
    size = statistics.median(g.size for g in real)
    full = [g for g in real if g.size >= 0.8 * size]
    bottom = statistics.median(g.bottom for g in full)
    text = _text(glyphs, size, bottom)
    first = text.split(" ")[0]
    word = [g for g in real[: len(first)]]
    font = _font_name(handle, raw, full[0].index)
    weights = [g.weight for g in full if g.weight > 0]
    lines.append(
        Line(
            text=text,
            x0=min(g.x0 for g in real),
            x1=max(g.x1 for g in real),
            top=min(g.top for g in full),
            bottom=bottom,
            size=size,
            page=number,
            bold=any(mark in font for mark in _BOLD) or (bool(weights) and statistics.median(weights) >= 600),
            italic=any(mark in font for mark in _ITALIC),
            first_word=max(g.x1 for g in word) - min(g.x0 for g in word) if word else 0.0,
        )
    )


def _text(glyphs: list[_Glyph], size: float, bottom: float) -> str:
    """The line's text: raised letters joined to their word, raised digits after a word as "[3]"."""
    out: list[str] = []
    in_mark = False
    for glyph in glyphs:
        raised = glyph.size < 0.8 * size and glyph.bottom < bottom - 0.2 * size and glyph.char != " "
        if raised and out and out[-1] == " ":
            out.pop()
        if raised and glyph.char.isdigit() and (in_mark or (out and out[-1][-1:].isalpha())):
            if not in_mark:
                out.append("[")
                in_mark = True
            out.append(glyph.char)
            continue
        if in_mark:
            out.append("]")
            in_mark = False
        out.append(glyph.char)
    if in_mark:
        out.append("]")
    return "".join(out)


def _font_name(handle: Any, raw: Any, index: int) -> str:
    import ctypes

    flags = ctypes.c_int()
    length = raw.FPDFText_GetFontInfo(handle, index, None, 0, ctypes.byref(flags))
    if length <= 0:
        return ""
    buffer = ctypes.create_string_buffer(length)
    raw.FPDFText_GetFontInfo(handle, index, buffer, length, ctypes.byref(flags))
    return buffer.value.decode("utf-8", errors="replace")
