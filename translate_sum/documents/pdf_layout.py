"""A PDF's lines of text → its paragraphs in reading order (pure Python, no PDF library).

`pdf.py` gives each page's lines (text, box, font size, bold/italic); this module:

1. Sets aside page furniture: page numbers, running headers and footers (the same
   text, digits aside, in the top or bottom band of two pages or more, or carrying the
   page's own number) and printer's slugs ("rapport.indd 3 04/03/13 10:12").
2. Rejoins drop caps (a letter two or more body sizes tall) to the word beside them.
3. Groups lines into blocks (lines close above one another, overlapping, same size).
4. Orders blocks: a gutter that runs down the page splits columns, read left to right;
   blocks that span the gutter (a title over two columns) cut the page into bands read
   top to bottom (`_order`, a recursive XY cut).
5. Splits blocks into paragraphs: an indented first line, a line further below the
   previous than the block's usual leading (spaced paragraphs), or a line that ended
   although the next line's first word would have fitted, starts a new one; bullets too.
6. Carries a paragraph on across a column or page break, and across a block that
   interrupts it (a pull quote, a caption), when it stopped mid-sentence and the next
   body text starts in lower case; the interrupting block stays a paragraph of its own.
7. Joins lines: a soft hyphen at a line end always goes, a hard one goes when the
   joined word is French and the hyphenated one is not ("dispo-sitions" → "dispositions",
   "porte-parole" stays); ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) become letters; "nº" becomes "n°".

Limits: tables are read cell block by cell block, column by column; text set along the
page edge, rotated or on a curve is read as it comes; a heading is told by its size or
weight (a heading in body type is a paragraph); a pull quote that does not interrupt a
sentence is a paragraph; a running header seen on one page only (and without the page's
number) is kept as text.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from translate_sum.documents.model import Element

FURNITURE_BAND = 0.1
"""Share of the page height, at the top and at the bottom, where furniture is looked for."""
HEADING_RATIO = 1.15
"""A block this much larger than body text (or bold and short) is a heading."""
DROP_CAP_RATIO = 2.0
COMMON_WORD = 1000
_HYPHEN_PREFIXES = frozenset({"mi", "ex", "demi", "semi", "non", "quasi", "vice"})  # written with a hyphen; "anti", "auto"... are not
"""A word seen this often in pyspellchecker's French counts is common (see `_drop_hyphen`)."""
GUTTER_EM = 0.8
"""The narrowest gap between columns, in body font sizes."""

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
SOFT_HYPHENS = "\u00ad"
# PDFium marks every hyphen it finds at a line end (U+FFFE, or U+0002 for some fonts),
# compound or not ("Lui-même"), so those are judged like a typed hyphen.
_HARD_HYPHENS = "-\u2010\ufffe\u0002"
_BULLETS = "•◦▪▫‣⁃●○■□–—*"
_TERMINAL = tuple(".!?…:;»\"”")
_PAGE_NUMBER = re.compile(r"[-–—\s]*(?:page|p\.)?\s*(\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:/|sur|of)\s*\d{1,4})?[-–—\s]*", re.IGNORECASE)
_SLUG = re.compile(r"\.(?:indd|qxd|qxp|pdf)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}[:h]\d{2}", re.IGNORECASE)
# Soft-hyphen marks left inside a line, control characters, non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\ufffe\uffff]")
_NUMBER_AT_EDGE = re.compile(r"^\s*(\d{1,4})\b|\b(\d{1,4})\s*$")


@dataclass(frozen=True)
class Line:
    """One line of text on a page, top-down coordinates in points."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int  # from 0
    bold: bool = False
    italic: bool = False
    first_word: float = 0.0  # width of the first word, for the "would it fit" test


@dataclass(frozen=True)
class PageLines:
    """A page's size and lines, in the order the PDF gives them."""

    width: float
    height: float
    lines: tuple[Line, ...]


@dataclass(eq=False)
class _Block:
    """Lines that read as one block; its bounds are read once it is complete."""

    lines: list[Line]
    kind: str = "paragraph"

    @functools.cached_property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @functools.cached_property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @functools.cached_property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @functools.cached_property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @functools.cached_property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


@dataclass
class _Para:
    """A paragraph being assembled: its lines, kind, and whether it may go on."""

    lines: list[Line]
    kind: str
    first_in_block: bool = True
    skip: str = ""
    body: bool = True
    level: int = 0
    extra: list["_Para"] = field(default_factory=list)
    right: float = 0.0  # the block's measure: where a full line ends
    indented: bool = False  # the first line starts right of the block's left edge


def layout_elements(pages: Sequence[PageLines]) -> list[Element]:
    """The document's paragraphs in reading order, furniture included but marked skipped."""
    body = _body_size(pages)
    furniture = _furniture(pages)
    stream: list[_Para] = []
    for number, page in enumerate(pages):
        kept = [line for line in page.lines if id(line) not in furniture]
        kept = _join_drop_caps(kept, body)
        blocks = _order(_blocks(kept, body), body)
        margin = [line for line in page.lines if id(line) in furniture]
        stream.extend(_Para([line], "furniture", skip=furniture[id(line)], body=False) for line in margin if line.top < page.height / 2)
        for block in blocks:
            stream.extend(_paragraphs(block, body))
        stream.extend(_Para([line], "furniture", skip=furniture[id(line)], body=False) for line in margin if line.top >= page.height / 2)
    paragraphs = _carry_on(stream)
    _name_headings(paragraphs, body)
    return [_element(p) for p in paragraphs]


def _body_size(pages: Sequence[PageLines]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


# --- 1. Furniture ------------------------------------------------------------------


def _furniture(pages: Sequence[PageLines]) -> dict[int, str]:
    """id(line) → reason, for every line of page furniture."""
    banded = [
        (number, line)
        for number, page in enumerate(pages)
        for line in page.lines
        if line.bottom <= page.height * FURNITURE_BAND or line.top >= page.height * (1 - FURNITURE_BAND)
    ]
    shapes: dict[str, set[int]] = defaultdict(set)
    for number, line in banded:
        shapes[_shape(line.text)].add(number)
    offset = _page_number_offset(banded)
    body = _body_size(pages)
    reasons = {}
    for number, line in banded:
        text = line.text.strip()
        if _PAGE_NUMBER.fullmatch(text):
            reasons[id(line)] = "page number"
        elif _SLUG.search(text):
            reasons[id(line)] = "printer's slug"
        elif len(shapes[_shape(text)]) >= 2:
            reasons[id(line)] = f"running {'header' if line.top < pages[number].height / 2 else 'footer'} (on {len(shapes[_shape(text)])} pages)"
        elif offset is not None and _edge_number(text) == number + offset:
            reasons[id(line)] = f"running {'header' if line.top < pages[number].height / 2 else 'footer'} (with the page number)"
        elif _apart_at_top(line, pages[number], body):
            reasons[id(line)] = "running header (above the text, apart from it)"
    return reasons


def _apart_at_top(line: Line, page: PageLines, body: float) -> bool:
    """A short line in body type or smaller at the top of the page, two lines' height above any text.

    The top only: at the bottom, footnotes sit apart from the text in the same way.
    """
    if line.bottom > page.height * FURNITURE_BAND or line.size > 1.05 * body or len(line.text.split()) > 12:
        return False
    below = [other.top - line.bottom for other in page.lines if other.top > line.bottom and other is not line]
    return bool(below) and min(below) >= 2 * line.size


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _edge_number(text: str) -> int | None:
    match = _NUMBER_AT_EDGE.search(text)
    return int(match.group(1) or match.group(2)) if match else None


def _page_number_offset(banded: Iterable[tuple[int, Line]]) -> int | None:
    """The difference between printed page numbers and page indexes, when pages agree on one."""
    differences: Counter[int] = Counter()
    pages: set[int] = set()
    for number, line in banded:
        printed = _edge_number(line.text)
        if printed is not None:
            differences[printed - number] += 1
            pages.add(number)
    if not differences:
        return None
    offset, count = differences.most_common(1)[0]
    return offset if count >= 2 else None


# --- 2. Drop caps ------------------------------------------------------------------


def _join_drop_caps(lines: list[Line], body: float) -> list[Line]:
    caps = [line for line in lines if len(line.text.strip()) <= 2 and line.text.strip().isalpha() and line.size >= DROP_CAP_RATIO * body]
    if not caps:
        return lines
    capped = {id(cap) for cap in caps}
    kept = [line for line in lines if id(line) not in capped]
    for cap in caps:
        beside = [
            line
            for line in kept
            if line.x0 >= cap.x1 - body and line.x0 - cap.x1 < 3 * body and cap.top - body <= line.top <= cap.top + body
        ]
        if not beside:
            kept.append(replace(cap, size=body))  # a lone big letter: keep it as text
            continue
        first = min(beside, key=lambda line: line.top)
        position = next(i for i, line in enumerate(kept) if line is first)
        kept[position] = replace(first, text=cap.text.strip() + first.text.lstrip())
    return kept


# --- 3. Blocks ---------------------------------------------------------------------


def _blocks(lines: list[Line], body: float) -> list[_Block]:
    blocks: list[_Block] = []
    active: list[_Block] = []  # blocks whose last line may still take the next one
    for line in sorted(lines, key=lambda line: (line.top, line.x0)):
        best = None
        active = [b for b in active if line.top - b.lines[-1].bottom <= 0.8 * line.size + 1]
        for block in active:
            last = block.lines[-1]
            gap = line.top - last.bottom
            overlap = min(line.x1, last.x1) - max(line.x0, last.x0)
            same = abs(line.size - last.size) <= 0.1 * max(line.size, last.size) and line.bold == last.bold
            if same and -0.3 * line.size <= gap <= 0.8 * line.size and overlap > 0.3 * min(line.x1 - line.x0, last.x1 - last.x0):
                if best is None or gap < best[0]:
                    best = (gap, block)
        if best is None:
            blocks.append(_Block([line]))
            active.append(blocks[-1])
        else:
            best[1].lines.append(line)
    return blocks


# --- 4. Reading order --------------------------------------------------------------


def _order(blocks: list[_Block], body: float) -> list[_Block]:
    """Blocks in reading order: columns left to right, bands (cut by spanning blocks) top to bottom."""
    if len(blocks) <= 1:
        return blocks
    left, right = min(b.x0 for b in blocks), max(b.x1 for b in blocks)
    narrow = [b for b in blocks if b.x1 - b.x0 < 0.6 * (right - left)] or blocks
    gutter = _gutter(narrow, body)
    if gutter is None:
        return sorted(blocks, key=lambda b: (b.top, b.x0))
    # Spanning: across the gutter and a good way into both columns (a title), not
    # just overhanging it.
    spanning = [b for b in blocks if b.x0 < gutter[0] - 2 * body and b.x1 > gutter[1] + 2 * body]
    if not spanning:
        middle = (gutter[0] + gutter[1]) / 2
        west = [b for b in blocks if (b.x0 + b.x1) / 2 < middle]
        east = [b for b in blocks if (b.x0 + b.x1) / 2 >= middle]
        return _order(west, body) + _order(east, body)
    ordered: list[_Block] = []
    cuts = {id(b) for b in spanning}
    rest = [b for b in blocks if id(b) not in cuts]
    for cut in sorted(spanning, key=lambda b: b.top):
        above = [b for b in rest if b.bottom <= cut.top + 0.5 * body]
        rest = [b for b in rest if not b.bottom <= cut.top + 0.5 * body]
        ordered.extend(_order(above, body))
        ordered.append(cut)
    return ordered + _order(rest, body)


def _gutter(blocks: list[_Block], body: float) -> tuple[float, float] | None:
    """The widest vertical strip (x0, x1) that almost no line crosses, with text on both sides.

    Counted over lines, not blocks, so that a title overhanging a column does not hide
    the gutter: a strip counts when at most 3% of the lines (one at least) cross it
    and it is `GUTTER_EM` body sizes wide or more.
    """
    lines = [line for block in blocks for line in block.lines]
    left, right = int(min(line.x0 for line in lines)), int(max(line.x1 for line in lines)) + 1
    steps = [0] * (right - left + 2)
    for line in lines:
        steps[int(line.x0) - left] += 1
        steps[int(line.x1) - left + 1] -= 1
    allowed = max(1, len(lines) * 3 // 100)
    best = None
    covered = 0
    start = None
    for x in range(right - left + 1):
        covered += steps[x]
        if covered <= allowed and start is None:
            start = x
        elif covered > allowed and start is not None:
            if x - start >= GUTTER_EM * body and start > 0 and (best is None or x - start > best[1] - best[0]):
                best = (start + left, x + left)
            start = None
    if best is None:
        return None
    heights = [sum(b.bottom - b.top for b in blocks if side(b)) for side in (lambda b: b.x1 <= best[0] + body, lambda b: b.x0 >= best[1] - body)]
    return best if min(heights) >= 2 * body else None


# --- 5. Paragraphs in a block -------------------------------------------------------


def _paragraphs(block: _Block, body: float) -> list[_Para]:
    if not _is_body(block.lines, body):
        return [_Para(list(block.lines), "paragraph", body=False)]
    left, right = block.x0, _measure(block)
    steps = [b.top - a.top for a, b in zip(block.lines, block.lines[1:])]
    leading = statistics.median(steps) if steps else 0.0
    kind = "paragraph"
    paragraphs: list[_Para] = []
    current: list[Line] = []

    def close() -> None:
        indented = current[0].x0 - left > 0.8 * current[0].size
        paragraphs.append(_Para(current, kind, first_in_block=not paragraphs, body=True, right=right, indented=indented))

    for line in block.lines:
        bullet = line.text.lstrip()[:1] in _BULLETS and line.text.lstrip()[1:2] == " "
        if current:
            previous = current[-1]
            indented = line.x0 - left > 0.8 * line.size and kind != "list-item"
            starts = indented and (previous.x0 - left <= 0.8 * line.size or len(current) == 1)
            spaced = line.top - previous.top > leading + 0.25 * line.size
            if bullet or starts or spaced or _would_fit(previous, line, right):
                close()
                current = []
        kind = "list-item" if bullet else ("paragraph" if not current else kind)
        current.append(replace(line, text=line.text.lstrip()[2:]) if bullet else line)
    if current:
        close()
    return paragraphs


def _would_fit(previous: Line, line: Line, right: float) -> bool:
    """Whether `line`'s first word would have fitted at the end of `previous`: a line break by choice."""
    return previous.x1 + line.first_word + 0.3 * line.size < right - 0.5 * line.size


def _measure(block: _Block) -> float:
    """The block's right edge, ignoring a line that overflows it (a long address)."""
    ends = sorted(line.x1 for line in block.lines)
    median = ends[len(ends) // 2]
    return max(end for end in ends if end <= median + 3 * block.size)


def _is_body(lines: Sequence[Line], body: float) -> bool:
    size = statistics.median(line.size for line in lines)
    return abs(size - body) <= 0.1 * body and not all(line.bold for line in lines)


# --- 6. Paragraphs across breaks -----------------------------------------------------


def _carry_on(stream: list[_Para]) -> list[_Para]:
    """Join body paragraphs cut by a column, a page or an interrupting block.

    A paragraph may go on when it stopped mid-sentence or on a full line; the next
    body paragraph that starts a column or block continues it when it starts in lower
    case after a sentence left open, or, not indented, after a full line, in a
    document whose paragraphs start indented (or after a sentence left open).
    """
    starts = [p for p in stream if p.kind != "furniture" and p.body and not p.first_in_block]
    indents = bool(starts) and sum(p.indented for p in starts) > len(starts) / 2
    out: list[_Para] = []
    open_: _Para | None = None
    held: list[_Para] = []  # blocks met while a paragraph was open
    for para in stream:
        if para.kind == "furniture":
            (held if open_ is not None else out).append(para)
            continue
        if open_ is not None and para.body and para.first_in_block and _continues(open_, para, indents):
            open_.lines.extend(para.lines)
            for interrupting in held:
                if interrupting.kind != "furniture":
                    interrupting.kind = "pull-quote"
                    interrupting.body = True  # not a heading, whatever its size
            open_.extra.extend(held)
            held = []
            continue
        if open_ is not None and not para.body:
            held.append(para)
            continue
        if open_ is not None:
            out.extend([open_, *open_.extra, *held])
            open_, held = None, []
        if para.body and para.kind == "paragraph" and (not _ends(para) or _full(para.lines[-1], para.right)):
            open_ = para
        else:
            out.append(para)
    if open_ is not None:
        out.extend([open_, *open_.extra, *held])
    return out


def _ends(para: _Para) -> bool:
    text = para.lines[-1].text.rstrip()
    return text.endswith(_TERMINAL) and not text.endswith(tuple(_HARD_HYPHENS + SOFT_HYPHENS))


def _full(line: Line, right: float) -> bool:
    return line.x1 >= right - 2.5 * line.size


def _continues(open_: _Para, para: _Para, indents: bool) -> bool:
    last, first_line = open_.lines[-1], para.lines[0]
    first = first_line.text.lstrip()[:1]
    if not first or abs(first_line.size - last.size) > 0.1 * last.size or para.kind != "paragraph":
        return False
    sentence_open = not _ends(open_)
    if sentence_open and (first.islower() or first in ",;)"):
        return True
    full = not _would_fit(last, first_line, open_.right)
    return full and not para.indented and (indents or sentence_open)


# --- Kinds and text ------------------------------------------------------------------


def _name_headings(paragraphs: list[_Para], body: float) -> None:
    """Headings by size (level 1 the largest); the document's first paragraph, if a level-1 heading, is its title."""
    sizes = sorted({round(statistics.median(line.size for line in p.lines)) for p in paragraphs if _heading_like(p, body)}, reverse=True)
    first = True
    for para in paragraphs:
        if _heading_like(para, body):
            para.kind = "heading"
            para.level = sizes.index(round(statistics.median(line.size for line in para.lines))) + 1
            if first and para.level == 1:
                para.kind = "title"
        first = first and para.kind == "furniture"


def _heading_like(para: _Para, body: float) -> bool:
    if para.kind != "paragraph":
        return False
    size = statistics.median(line.size for line in para.lines)
    words = sum(len(line.text.split()) for line in para.lines)
    text = para.lines[-1].text.rstrip()
    larger = size >= HEADING_RATIO * body and words <= 30
    bold = all(line.bold for line in para.lines) and words <= 15 and not text.endswith(".")
    return larger or bold


def _element(para: _Para) -> Element:
    page = para.lines[0].page + 1
    kind = "paragraph" if para.kind == "furniture" else para.kind
    return Element(text=join_lines([line.text for line in para.lines]), kind=kind, where=f"page {page}", level=para.level, skip=para.skip)


def join_lines(lines: Sequence[str]) -> str:
    """Lines of one paragraph as one text: hyphenated words rejoined, ligatures undone."""
    text = ""
    for line in lines:
        line = normalize(line.strip())
        if not line:
            continue
        if not text:
            text = line
        elif text[-1] in SOFT_HYPHENS:
            text = text[:-1] + line
        elif text[-1] in _HARD_HYPHENS and len(text) > 1 and text[-2].isalpha() and line[:1].isalpha():
            text = text[:-1] + line if _drop_hyphen(text, line) else text[:-1] + "-" + line
        else:
            text = text + " " + line
    return " ".join(_CONTROL.sub("", text).split())


def normalize(text: str) -> str:
    """Ligatures to letters, "nº" to "n°", typographic oddities of PDF text layers undone."""
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    text = re.sub(r"\b([nN])\s?º", r"\1°", text)
    return unicodedata.normalize("NFC", text)


def _drop_hyphen(text: str, line: str) -> bool:
    """Whether a hyphen at a line end was hyphenation (drop it) or part of the word (keep it).

    Kept: a hyphenated word French has ("lui-même", "porte-parole"); then dropped: a
    joined word French has ("dispo-sitions"); kept: a compound going on with another
    hyphen ("constitue-t-il"), a capital after it ("États-Unis"), a prefix written with
    a hyphen ("mi-novembre", "ex-ingénieur"); dropped: a capitalized word cut before a
    lower-case part (a name: "Des-champs"); kept: a common French word
    of three letters or more and a French word ("eux-mêmes", "sud-est"); dropped
    otherwise ("pré-formation", "Du-mont": a word cut anywhere).
    """
    left = re.findall(r"[\w’']+$", text[:-1])
    right = re.findall(r"^[\w’']+", line)
    if not left or not right:
        return True
    words = _french_words()
    head, tail = left[0].lower(), right[0].lower()
    if text[:-1].endswith("-t") and tail in ("il", "ils", "elle", "elles", "on"):
        return False  # "termine-t-elle" cut after the euphonic t
    if f"{head}-{tail}" in words:
        return False
    if head + tail in words:
        return True
    if line[len(right[0]) : len(right[0]) + 1] == "-" or line[:1].isupper() or head in _HYPHEN_PREFIXES:
        return False  # "États-Unis", "constitue-t-il", "Rivière-des-Prairies", "mi-novembre"
    if left[0][:1].isupper():
        return True  # a name cut in two ("Des-champs"): compound names are capitalized on both sides
    return not (len(head) > 2 and words.get(head, 0) >= COMMON_WORD and len(tail) > 1 and tail in words)


@functools.lru_cache(maxsize=1)
def _french_words() -> dict[str, int]:
    """French words and their counts (pyspellchecker's list), to tell hyphenation from a hyphenated word."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="fr", distance=1).word_frequency.dictionary)
