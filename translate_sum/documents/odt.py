"""OpenDocument text (.odt): every text-bearing paragraph in reading order, and back.

An .odt is a zip of XML parts with no cross-references to keep in step, so this module
reads content.xml and styles.xml with lxml itself and, on the way out, rewrites those
two entries and copies every other entry (pictures, settings, manifest, meta) byte for
byte. (odfdo, which builds the test documents, offers no more than this for text in
spans, and keeping the zip as it was is what keeps the file intact.)

One walk collects: the body's paragraphs and headings (text:p, text:h, in sections,
lists at any depth, every cell of every table, nested tables), text boxes in frames
(after the paragraph that anchors them), footnotes and endnotes (text:note-body, after
their paragraph), then the headers and footers of every master page in styles.xml
(default, left, first page). Paragraph text is read as LibreOffice shows it: runs of
white space collapse to one space, text:s, text:tab and text:line-break are a space
count, a tab and a line break. Spans (text:span) and links (text:a) are the pieces
that `placement.place` shares the translation among; their formatting is read from
the styles they name (automatic styles resolved; revision ids ignored).

Left as they are: tracked changes (deleted text lives in text:tracked-changes, never
read), comments (office:annotation), fields (page numbers, dates, references,
variables, tables of contents: their text is generated).

Limits: text in drawings other than text boxes, in charts and in forms is not read;
a note mark or field amid a paragraph ends up after the translated text (reported).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from translate_sum.documents.model import Element, SourceDocument
from translate_sum.documents.placement import (
    Piece,
    Placement,
    Signature,
    Text,
    check_same_paragraphs,
    partial_formatting,
    place_paragraph,
    xml_safe,
)
from translate_sum.errors import InputError

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
XLINK = "{http://www.w3.org/1999/xlink}"
DC = "{http://purl.org/dc/elements/1.1/}"

# Inline elements whose text is the paragraph's own.
_INLINE = {TEXT + "span", TEXT + "a", TEXT + "meta", TEXT + "ruby-base"}
# Inline elements that stand for white space.
_SPACES = {TEXT + "s", TEXT + "tab", TEXT + "line-break"}
# Inline elements without translatable text that hold a place in the paragraph.
_OBJECTS = {TEXT + "note": "footnote mark", DRAW + "frame": "image", DRAW + "a": "image"}
# Never read: comments, tracked deletions, hidden or generated text.
_SKIP = {OFFICE + "annotation", OFFICE + "annotation-end", TEXT + "tracked-changes", TEXT + "ruby-text", TEXT + "bookmark-ref"}
_FIELD = "field"
_BLOCK_CONTAINERS = {TEXT + "section", TEXT + "list", TEXT + "list-item", TEXT + "list-header", TEXT + "deletion"}
_TEXT_PROPERTIES = {
    FO + "font-weight": "bold",
    FO + "font-style": "italic",
    STYLE + "text-underline-style": "underline",
    STYLE + "text-line-through-style": "strikethrough",
    STYLE + "text-position": "superscript",
    FO + "color": "color",
    FO + "font-size": "size",
    FO + "background-color": "highlight",
    FO + "font-variant": "capitals",
    FO + "text-transform": "capitals",
}
_NONE_VALUES = {"normal", "none", "0% 100%", "transparent"}
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}


@dataclass
class _Paragraph:
    chunks: list[tuple[Any, str]]  # (element, "text" or "tail") holding each piece's text
    pieces: list[Piece]
    element: Element
    objects: tuple[str, ...] = ()


@dataclass
class _Parts:
    """The XML parts of an .odt that hold text, parsed."""

    content: Any
    styles: Any


def read_odt(data: bytes, path: str) -> SourceDocument:
    """The OpenDocument text's text-bearing elements in reading order."""
    parts = _parse(data, path)
    found = _Walk(parts).paragraphs()
    title, author = _meta(data)
    return SourceDocument(path=path, format="odt", elements=tuple(p.element for p in found), data=data, title=title, author=author)


def write_odt(source: SourceDocument, translations: Sequence[Text | None]) -> tuple[bytes, list[Placement | None]]:
    """The document with each element's text replaced (None leaves it); each element's placement."""
    from lxml import etree

    parts = _parse(source.data, source.path)
    found = _Walk(parts).paragraphs()
    check_same_paragraphs([p.element.text for p in found], [e.text for e in source.elements], source.path)
    placements: list[Placement | None] = []
    for paragraph, translation in zip(found, translations):
        if translation is None:
            placements.append(None)
            continue
        placement = place_paragraph(paragraph.pieces, paragraph.objects, translation)
        placements.append(placement)
        for chunk, piece, text in reversed(list(zip(paragraph.chunks, paragraph.pieces, placement.texts))):
            _write_piece(chunk, piece.text, text)
    _refresh_cell_values(parts.content)
    replaced = {
        "content.xml": etree.tostring(parts.content, xml_declaration=True, encoding="UTF-8"),
        "styles.xml": etree.tostring(parts.styles, xml_declaration=True, encoding="UTF-8"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source.data)) as original, zipfile.ZipFile(out, "w") as rewritten:
        for entry in original.infolist():
            data = replaced.get(entry.filename, None)
            rewritten.writestr(entry, data if data is not None else original.read(entry.filename), compress_type=entry.compress_type)
    return out.getvalue(), placements


def _refresh_cell_values(content: Any) -> None:
    """A table cell that repeats its text in office:string-value gets the new text there too."""
    for cell in content.iter(TABLE + "table-cell"):
        if cell.get(OFFICE + "value-type") == "string" and cell.get(OFFICE + "string-value") is not None:
            paragraphs = [child for child in cell if child.tag in (TEXT + "p", TEXT + "h")]
            cell.set(OFFICE + "string-value", "\n".join("".join(p.itertext()) for p in paragraphs))


def _parse(data: bytes, path: str) -> _Parts:
    from lxml import etree

    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = etree.fromstring(archive.read("content.xml"), parser)
            styles = etree.fromstring(archive.read("styles.xml"), parser) if "styles.xml" in archive.namelist() else etree.Element(OFFICE + "document-styles")
    except (KeyError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, OSError, EOFError, RuntimeError) as exc:
        raise InputError(f"{path}: the OpenDocument file cannot be read ({exc}); open it in LibreOffice and save it again") from exc
    return _Parts(content, styles)


def _meta(data: bytes) -> tuple[str | None, str | None]:
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("meta.xml"), etree.XMLParser(**_PARSER_OPTIONS))
    except Exception:  # meta.xml is optional and a nicety
        return None, None
    title = root.find(f".//{DC}title")
    author = root.find(f".//{DC}creator")
    return (title.text if title is not None and title.text else None, author.text if author is not None and author.text else None)


class _Walk:
    """One walk over the body, notes, text boxes, then headers and footers."""

    def __init__(self, parts: _Parts) -> None:
        self.parts = parts
        self.text_styles = _text_styles(parts)
        self.paragraph_styles = _paragraph_parents(parts)
        self.found: list[_Paragraph] = []
        self.tables = 0

    def paragraphs(self) -> list[_Paragraph]:
        body = self.parts.content.find(f"{OFFICE}body/{OFFICE}text")
        if body is not None:
            self._blocks(body, "body", "body", 0)
        for master in self.parts.styles.iter(STYLE + "master-page"):
            name = master.get(STYLE + "display-name") or master.get(STYLE + "name") or ""
            for region in master:
                local = region.tag[len(STYLE) :] if region.tag.startswith(STYLE) else ""
                if local.startswith(("header", "footer")):
                    kind = "header" if local.startswith("header") else "footer"
                    variant = {"-left": "left pages", "-first": "first page"}.get(local[len(kind) :], "")
                    self._blocks(region, kind, f"{kind} ({name}{', ' + variant if variant else ''})", 0)
        return self.found

    def _blocks(self, node: Any, kind: str, where: str, depth: int) -> None:
        for child in node:
            tag = child.tag
            if tag in (TEXT + "p", TEXT + "h"):
                self._paragraph(child, kind, where, depth)
            elif tag == TABLE + "table":
                self.tables += 1
                self._table(child, f"table {self.tables}" if where == "body" else f"{where} > table {self.tables}", kind)
            elif tag == TEXT + "list":
                self._blocks(child, kind, where, depth + 1)
            elif tag in _BLOCK_CONTAINERS or tag in (TABLE + "table-header-rows", TABLE + "table-rows", TABLE + "table-row-group"):
                self._blocks(child, kind, where, depth)

    def _table(self, table: Any, where: str, kind: str) -> None:
        rows = [row for row in table.iter(TABLE + "table-row") if _nearest(row, TABLE + "table") is table]
        for r, row in enumerate(rows, start=1):
            cells = [cell for cell in row if cell.tag == TABLE + "table-cell"]
            for c, cell in enumerate(cells, start=1):
                cell_kind = kind if kind in ("header", "footer", "footnote", "endnote", "textbox") else "table-cell"
                self._blocks(cell, cell_kind, f"{where}, row {r}, cell {c}", 0)

    def _paragraph(self, p: Any, kind: str, where: str, depth: int) -> None:
        chunks: list[tuple[Any, str]] = []
        pieces: list[Piece] = []
        objects: list[tuple[int, str]] = []
        later: list[tuple[Any, str, str]] = []  # notes and text boxes to walk after the paragraph
        self._inline(p, (), chunks, pieces, objects, later)
        raw = "".join(piece.text for piece in pieces)
        if raw.strip():
            level, own_kind = self._kind(p, kind, depth)
            lost = _objects_inside(objects, pieces)
            element = Element(text=raw.strip(), kind=own_kind, where=where, level=level, formatting=partial_formatting(pieces) + lost)
            self.found.append(_Paragraph(chunks, pieces, element, lost))
        for node, note_kind, note_where in later:
            self._blocks(node, note_kind, note_where, 0)

    def _inline(self, node: Any, signature: Signature, chunks: list, pieces: list, objects: list, later: list) -> None:
        """Collect the text chunks under `node` with their formatting, in order."""
        if node.text:
            chunks.append((node, "text"))
            pieces.append(Piece(_collapse(node.text), signature))
        for child in node:
            tag = child.tag
            if tag in _INLINE:
                self._inline(child, self._signature(child, signature), chunks, pieces, objects, later)
            elif tag in _SPACES:
                pieces.append(Piece(_space(child), signature))
                chunks.append((child, "element"))
            elif tag in _SKIP:
                pass
            elif tag in _OBJECTS:
                objects.append((len(pieces), _OBJECTS[tag]))
                self._anchored(child, later)
            elif tag.startswith(TEXT) and not tag.endswith(("bookmark", "bookmark-start", "bookmark-end", "reference-mark", "reference-mark-start", "reference-mark-end", "soft-page-break", "change", "change-start", "change-end", "alphabetical-index-mark", "toc-mark")):
                objects.append((len(pieces), _FIELD))  # a field: page number, date, reference...
            if child.tail:
                chunks.append((child, "tail"))
                pieces.append(Piece(_collapse(child.tail), signature))

    def _anchored(self, node: Any, later: list) -> None:
        if node.tag == TEXT + "note":
            body = node.find(TEXT + "note-body")
            if body is not None:
                kind = "endnote" if node.get(TEXT + "note-class") == "endnote" else "footnote"
                later.append((body, kind, f"{kind} {node.get(TEXT + 'id') or ''}".strip()))
            return
        for box in node.iter(DRAW + "text-box"):
            if _nearest(box, DRAW + "text-box") is None:
                later.append((box, "textbox", "text box"))

    def _signature(self, node: Any, inherited: Signature) -> Signature:
        pairs = dict(inherited)
        if node.tag == TEXT + "a":
            pairs["link"] = node.get(XLINK + "href") or ""
        style = node.get(TEXT + "style-name")
        if style:
            pairs.update(self.text_styles.get(style, {"character style": style}))
        return tuple(sorted(pairs.items()))

    def _kind(self, p: Any, kind: str, depth: int) -> tuple[int, str]:
        if kind != "body":
            return 0, kind
        if p.tag == TEXT + "h":
            level = p.get(TEXT + "outline-level") or "1"
            return (int(level) if level.isdigit() else 1), "heading"
        parents = self.paragraph_styles.get(p.get(TEXT + "style-name") or "", ())
        if "Title" in parents:
            return 1, "title"
        if depth:
            return depth, "list-item"
        if any(name in parents for name in ("Caption", "Illustration", "Table", "Figure")):
            return 0, "caption"
        return 0, "paragraph"


def _text_styles(parts: _Parts) -> dict[str, dict[str, str]]:
    """Text style name → the formatting it shows (revision ids and languages left out)."""
    styles: dict[str, dict[str, str]] = {}
    for root in (parts.styles, parts.content):
        for style in root.iter(STYLE + "style"):
            if style.get(STYLE + "family") != "text":
                continue
            name = style.get(STYLE + "name") or ""
            shown = dict(styles.get(style.get(STYLE + "parent-style-name") or "", {}))
            if style.getparent() is not None and style.getparent().tag == OFFICE + "styles":
                shown["character style"] = name
            properties = style.find(STYLE + "text-properties")
            if properties is not None:
                for attribute, label in _TEXT_PROPERTIES.items():
                    value = properties.get(attribute)
                    if value is not None and value not in _NONE_VALUES:
                        shown[label] = value
            styles[name] = shown
    return styles


def _paragraph_parents(parts: _Parts) -> dict[str, tuple[str, ...]]:
    """Paragraph style name → its own name and its parents' names."""
    parent: dict[str, str] = {}
    for root in (parts.styles, parts.content):
        for style in root.iter(STYLE + "style"):
            if style.get(STYLE + "family") == "paragraph":
                parent[style.get(STYLE + "name") or ""] = style.get(STYLE + "parent-style-name") or ""
    chains = {}
    for name in parent:
        chain, current = [], name
        while current and current not in chain:
            chain.append(current)
            current = parent.get(current, "")
        chains[name] = tuple(chain)
    return chains


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\n\r]+", " ", text)


def _space(node: Any) -> str:
    if node.tag == TEXT + "tab":
        return "\t"
    if node.tag == TEXT + "line-break":
        return "\n"
    count = node.get(TEXT + "c") or "1"
    return " " * (int(count) if count.isdigit() else 1)


def _objects_inside(objects: list[tuple[int, str]], pieces: list[Piece]) -> tuple[str, ...]:
    filled = [i for i, piece in enumerate(pieces) if piece.text.strip()]
    if not filled:
        return ()
    return tuple(sorted({name for before, name in objects if filled[0] < before <= filled[-1]}))


def _nearest(node: Any, tag: str) -> Any:
    parent = node.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _write_piece(chunk: tuple[Any, str], old: str, text: str) -> None:
    """Write `text` where the piece was; tabs, line breaks and runs of spaces as ODF elements.

    A white-space element (text:s, text:tab, text:line-break) that the placement empties
    is removed, its tail kept. Pieces are written last to first, so that handles to
    tails stay valid while elements come and go.
    """
    node, where = chunk
    if where == "element":
        if text != old:
            _remove_keeping_tail(node)
        return
    first, *rest = re.split(r"(\t|\n| {2,})", xml_safe(text))
    if where == "text":
        node.text = first
        parent, position = node, 0
    else:
        node.tail = first
        parent = node.getparent()
        position = parent.index(node) + 1
    for separator, after in zip(rest[0::2], rest[1::2]):
        element = _space_element(separator)
        element.tail = after
        parent.insert(position, element)
        position += 1


def _space_element(separator: str) -> Any:
    from lxml import etree

    if separator == "\t":
        return etree.Element(TEXT + "tab")
    if separator == "\n":
        return etree.Element(TEXT + "line-break")
    element = etree.Element(TEXT + "s")
    element.set(TEXT + "c", str(len(separator)))
    return element


def _remove_keeping_tail(node: Any) -> None:
    parent = node.getparent()
    previous = node.getprevious()
    tail = node.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)
