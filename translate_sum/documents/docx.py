"""Word (.docx) documents: every text-bearing paragraph in reading order, and back.

One walk collects the paragraphs: the body (paragraphs, headings, list items, every
cell of every table, nested tables and content controls included), text boxes (after
the paragraph that anchors them), footnotes, endnotes, then each header and footer
once (all sections; default, first-page and even-page). Each paragraph is an
`Element` whose text is the paragraph's whole text; its runs are `Piece`s.
Writing parses the same bytes again, walks the same way and hands each paragraph's
translation to `placement.place`, which says which run gets which text; styles,
numbering, images, page layout, section settings and everything else in the file
are left byte for byte as they were, since only run texts change.

Text that is not translated and left in place: tracked deletions (w:del, w:moveFrom),
field codes and field results (page numbers, dates, cross-references, a table of
contents; except the text of a HYPERLINK field, which is link text), equations,
comments (the comments part is never read). Hyperlinks keep their w:hyperlink
element and target; their text is translated with the paragraph. A text box written
twice (Word's mc:AlternateContent keeps a VML copy for old readers) is read once
and both copies are written.

Limits: charts, SmartArt and WordArt text are not read; a paragraph's soft hyphens are
dropped; inline objects (footnote marks, images, fields) inside a paragraph stay
where they were among the runs, so one in the middle of a paragraph ends up after
the translated text (reported as formatting lost: "footnote mark", "image", "field");
a drop cap stays a paragraph of its own.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from translate_sum.documents.model import Element, SourceDocument
from translate_sum.documents.placement import (
    Piece,
    Placement,
    Signature,
    Text,
    check_same_paragraphs,
    partial_formatting,
    place,
    place_paragraph,
    xml_safe,
)
from translate_sum.errors import InputError

log = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_HEADER, _FOOTER = _RT + "header", _RT + "footer"
_FOOTNOTES, _ENDNOTES = _RT + "footnotes", _RT + "endnotes"

# Inline containers whose runs are current text.
_TRANSPARENT = {W + name for name in ("ins", "moveTo", "smartTag", "customXml", "dir", "bdo", "sdt", "sdtContent", "hyperlink", "fldSimple")}
# Never text to translate: deletions, moved-away text, equations, properties.
_OPAQUE = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", MATH + "oMath", MATH + "oMathPara"}
# Run children that carry text, and how they read.
_TEXT_CHILDREN = {W + "t": None, W + "tab": "\t", W + "cr": "\n", W + "noBreakHyphen": "\u2011", W + "softHyphen": ""}
# Run children that are objects with a place in the text.
_INLINE_OBJECTS = {
    W + "footnoteReference": "footnote mark",
    W + "endnoteReference": "footnote mark",
    W + "drawing": "image",  # when inline with the text (wp:inline), not floating
}
WP_INLINE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"
# Direct run formatting that shows, as the report names it.
_FORMATTING = {
    "rStyle": "character style",
    "b": "bold",
    "i": "italic",
    "u": "underline",
    "strike": "strikethrough",
    "dstrike": "strikethrough",
    "vertAlign": "superscript",
    "highlight": "highlight",
    "color": "color",
    "sz": "size",
    "caps": "capitals",
    "smallCaps": "capitals",
}
_HEADING_NAME = re.compile(r"(?:heading|titre)\s*(\d)$", re.IGNORECASE)


@dataclass
class _Paragraph:
    """A paragraph found by the walk: its runs (lxml elements), pieces and element."""

    runs: list[Any]
    pieces: list[Piece]
    element: Element
    objects: tuple[str, ...] = ()  # inline objects amid the text, whose place the translation loses
    mirrors: list["_Paragraph"] = field(default_factory=list)  # the VML copy of a text box's paragraph


def read_docx(data: bytes, path: str) -> SourceDocument:
    """The Word document's text-bearing elements in reading order."""
    document = _open(data, path)
    found = _Walk(document).paragraphs()
    properties = document.core_properties
    return SourceDocument(
        path=path,
        format="docx",
        elements=tuple(p.element for p in found),
        data=data,
        title=properties.title or None,
        author=properties.author or None,
    )


def write_docx(source: SourceDocument, translations: Sequence[Text | None]) -> tuple[bytes, list[Placement | None]]:
    """The document with each element's text replaced; `translations[i]` is for element i.

    A translation is a `placement.Text` (text and sentence spans) or None to leave the
    element as it is. Returns the new file and each element's placement.
    """
    document = _open(source.data, source.path)
    walk = _Walk(document)
    found = walk.paragraphs()
    check_same_paragraphs([p.element.text for p in found], [e.text for e in source.elements], source.path)
    placements: list[Placement | None] = []
    for paragraph, translation in zip(found, translations):
        if translation is None:
            placements.append(None)
            continue
        placement = place_paragraph(paragraph.pieces, paragraph.objects, translation)
        placements.append(placement)
        for run, text in zip(paragraph.runs, placement.texts):
            _set_run_text(run, text)
        for mirror in paragraph.mirrors:
            again = place(mirror.pieces, translation.text, translation.source_spans, translation.spans)
            for run, text in zip(mirror.runs, again.texts):
                _set_run_text(run, text)
    walk.store_loose_parts()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), placements


def _open(data: bytes, path: str) -> Any:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise InputError(f"{path}: the Word document cannot be read ({type(exc).__name__}: {exc}); open it in Word or LibreOffice and save it again") from exc


class _Walk:
    """One walk over a document's stories, in reading order."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.styles = _styles(document)
        self.found: list[_Paragraph] = []
        self.loose: list[tuple[Any, Any]] = []  # (part, root) of parts python-docx does not parse
        self.tables = 0

    def paragraphs(self) -> list[_Paragraph]:
        body = self.document.element.body
        self._story(body, "body", "body")
        part = self.document.part
        for reltype, kind in ((_FOOTNOTES, "footnote"), (_ENDNOTES, "endnote")):
            for rel in part.rels.values():
                if rel.reltype == reltype and not rel.is_external:
                    self._notes(rel.target_part, kind)
        for part_, kind, where in self._headers_and_footers(body):
            self._story(part_.element, kind, where)
        return self.found

    def store_loose_parts(self) -> None:
        """Put the edited footnotes and endnotes back into their parts."""
        from docx.opc.oxml import serialize_part_xml

        for part, root in self.loose:
            part._blob = serialize_part_xml(root)  # a plain Part keeps only its bytes

    def _notes(self, part: Any, kind: str) -> None:
        from docx.oxml.parser import parse_xml

        root = parse_xml(part.blob)
        self.loose.append((part, root))
        for note in root:
            if note.tag in (W + "footnote", W + "endnote") and note.get(W + "type") in (None, "normal"):
                self._story(note, kind, f"{kind} {note.get(W + 'id')}")

    def _headers_and_footers(self, body: Any) -> Iterator[tuple[Any, str, str]]:
        seen: set[int] = set()
        related = self.document.part.related_parts
        sections = [p for p in body.iter(W + "sectPr")]
        for number, section in enumerate(sections, start=1):
            for reference in section:
                if reference.tag not in (W + "headerReference", W + "footerReference"):
                    continue
                part = related.get(reference.get(R_ID))
                if part is None or id(part) in seen or not hasattr(part, "element"):
                    continue
                seen.add(id(part))
                kind = "header" if reference.tag == W + "headerReference" else "footer"
                page = {"first": "first page", "even": "even pages"}.get(reference.get(W + "type") or "", "")
                yield part, kind, f"{kind} (section {number}{', ' + page if page else ''})"

    def _story(self, root: Any, kind: str, where: str) -> None:
        """Every paragraph under `root` (a body, cell, note, text box) in order."""
        fields: list[list[str]] = []  # open complex fields: [instruction, phase]
        for child in root:
            self._block(child, kind, where, fields)

    def _block(self, child: Any, kind: str, where: str, fields: list[list[str]]) -> None:
        if child.tag == W + "p":
            self._paragraph(child, kind, where, fields)
        elif child.tag == W + "tbl":
            self.tables += 1
            self._table(child, f"table {self.tables}" if where in ("body",) else f"{where} > table {self.tables}", kind)
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
            for grandchild in child:
                self._block(grandchild, kind, where, fields)

    def _table(self, table: Any, where: str, kind: str) -> None:
        for r, row in enumerate(_children(table, W + "tr"), start=1):
            for c, cell in enumerate(_children(row, W + "tc"), start=1):
                cell_kind = kind if kind in ("header", "footer", "footnote", "endnote", "textbox") else "table-cell"
                self._story(cell, cell_kind, f"{where}, row {r}, cell {c}")

    def _paragraph(self, p: Any, kind: str, where: str, fields: list[list[str]]) -> None:
        runs, pieces, objects = [], [], []
        for run, text, signature in _runs(p, fields, objects):
            runs.append(run)
            pieces.append(Piece(text, signature))
        raw = "".join(piece.text for piece in pieces)
        if raw.strip():
            level, own_kind = self._style_kind(p, kind)
            lost_places = _objects_inside(objects, pieces)
            element = Element(
                text=raw.strip(),
                kind=own_kind,
                where=where,
                level=level,
                formatting=partial_formatting(pieces) + lost_places,
            )
            self.found.append(_Paragraph(runs, pieces, element, lost_places))
        self._text_boxes(p, where)

    def _style_kind(self, p: Any, kind: str) -> tuple[int, str]:
        properties = p.find(W + "pPr")
        style_id = ""
        outline = numbered = None
        if properties is not None:
            style = properties.find(W + "pStyle")
            style_id = style.get(W + "val") if style is not None else ""
            level = properties.find(W + "outlineLvl")
            outline = int(level.get(W + "val")) if level is not None and (level.get(W + "val") or "").isdigit() else None
            number = properties.find(W + "numPr")
            if number is not None:
                depth = number.find(W + "ilvl")
                numbered = int(depth.get(W + "val")) if depth is not None and (depth.get(W + "val") or "").isdigit() else 0
        name, style_outline, style_numbered = self.styles.get(style_id, ("", None, False))
        if kind != "body":
            return 0, kind
        if name.lower() == "title":
            return 1, "title"
        heading = _HEADING_NAME.match(name)
        outline = outline if outline is not None else style_outline
        if heading or (outline is not None and outline < 9):
            return (int(heading.group(1)) if heading else outline + 1), "heading"
        if numbered is not None or style_numbered:
            return (numbered or 0) + 1, "list-item"
        if name.lower() == "caption":
            return 0, "caption"
        return 0, "paragraph"

    def _text_boxes(self, p: Any, where: str) -> None:
        """Text boxes anchored in paragraph `p`, read after it; a VML copy is paired, not read twice."""
        for box_root in _own_descendants(p, {W + "txbxContent", MC + "AlternateContent"}):
            if box_root.tag == W + "txbxContent":
                self._story(box_root, "textbox", f"text box in {where}")
                continue
            choice = [b for c in box_root.findall(MC + "Choice") for b in c.iter(W + "txbxContent")]
            fallback = [b for c in box_root.findall(MC + "Fallback") for b in c.iter(W + "txbxContent")]
            start = len(self.found)
            for box in choice:
                self._story(box, "textbox", f"text box in {where}")
            read = self.found[start:]
            del self.found[start:]
            copies_start = len(self.found)
            for box in fallback:
                self._story(box, "textbox", f"text box in {where}")
            copies = self.found[copies_start:]
            del self.found[copies_start:]
            if not choice or [c.element.text for c in copies] == [r.element.text for r in read]:
                for original, copy in zip(read, copies):
                    original.mirrors.append(copy)
                self.found.extend(read or copies)
            else:
                self.found.extend(read + copies)


def _styles(document: Any) -> dict[str, tuple[str, int | None, bool]]:
    """Paragraph style id → (name, outline level, numbered), following `basedOn`."""
    try:
        root = document.styles.element
    except Exception:  # a document without a styles part
        return {}
    raw: dict[str, tuple[str, int | None, bool | None, str]] = {}
    for style in root.iter(W + "style"):
        sid = style.get(W + "styleId") or ""
        name = style.find(W + "name")
        based = style.find(W + "basedOn")
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        numbered = style.find(f"{W}pPr/{W}numPr")
        level = outline.get(W + "val") if outline is not None else None
        raw[sid] = (
            name.get(W + "val") if name is not None else sid,
            int(level) if level is not None and level.isdigit() else None,
            True if numbered is not None else None,
            based.get(W + "val") if based is not None else "",
        )
    resolved = {}
    for sid, (name, outline, numbered, based) in raw.items():
        seen = {sid}
        while based and based not in seen and based in raw and (outline is None or numbered is None):
            seen.add(based)
            _, parent_outline, parent_numbered, based = raw[based]
            outline = outline if outline is not None else parent_outline
            numbered = numbered if numbered is not None else parent_numbered
        resolved[sid] = (name, outline, bool(numbered))
    return resolved


def _runs(p: Any, fields: list[list[str]], objects: list[tuple[int, str]]) -> Iterator[tuple[Any, str, Signature]]:
    """The paragraph's runs that carry translatable text, with their text and formatting.

    `fields` is the stack of open complex fields (it spans paragraphs); `objects`
    collects (number of pieces before it, name) for inline objects met on the way.
    """
    count = 0

    def visit(node: Any, link: str) -> Iterator[tuple[Any, str, Signature]]:
        nonlocal count
        for child in node:
            tag = child.tag
            if tag == W + "r":
                text, kept = _run_text(child, fields, objects, count)
                if kept and text:
                    count += 1
                    yield child, text, _signature(child, link or _field_link(fields))
            elif tag == W + "hyperlink":
                yield from visit(child, child.get(R_ID) or "#" + (child.get(W + "anchor") or ""))
            elif tag == W + "fldSimple":
                instruction = (child.get(W + "instr") or "").strip()
                if instruction.upper().startswith("HYPERLINK"):
                    yield from visit(child, instruction)
                else:
                    objects.append((count, "field"))
            elif tag in _TRANSPARENT:
                yield from visit(child, link)
            elif tag in _OPAQUE:
                if tag.startswith(MATH):
                    objects.append((count, "equation"))

    yield from visit(p, "")


def _run_text(run: Any, fields: list[list[str]], objects: list[tuple[int, str]], count: int) -> tuple[str, bool]:
    """A run's text, and whether it is translatable (not inside a field's code or result)."""
    parts = []
    for child in run:
        tag = child.tag
        if tag == W + "fldChar":
            kind = child.get(W + "fldCharType")
            if kind == "begin":
                fields.append(["", "code"])
                objects.append((count, "field"))
            elif kind == "separate" and fields:
                fields[-1][1] = "result"
            elif kind == "end" and fields:
                fields.pop()
        elif tag == W + "instrText" and fields:
            fields[-1][0] += child.text or ""
        elif tag in _TEXT_CHILDREN:
            parts.append(child.text or "" if _TEXT_CHILDREN[tag] is None else _TEXT_CHILDREN[tag])
        elif tag == W + "br":
            parts.append("\n" if child.get(W + "type") in (None, "textWrapping") else "")
        elif tag in _INLINE_OBJECTS and (tag != W + "drawing" or child.find(WP_INLINE) is not None):
            objects.append((count, _INLINE_OBJECTS[tag]))
    translatable = all(phase == "result" and code.strip().upper().startswith("HYPERLINK") for code, phase in fields)
    return "".join(parts), translatable


def _field_link(fields: list[list[str]]) -> str:
    return fields[-1][0].strip() if fields else ""


def _signature(run: Any, link: str) -> Signature:
    """The run's direct formatting that shows, plus the link it belongs to."""
    pairs = [("link", link)] if link else []
    properties = run.find(W + "rPr")
    if properties is not None:
        for child in properties:
            name = child.tag[len(W) :] if child.tag.startswith(W) else ""
            if name in _FORMATTING:
                value = child.get(W + "val") or "1"
                if name in ("b", "i", "strike", "dstrike", "caps", "smallCaps") and value in ("0", "false", "off"):
                    continue
                if name == "u" and value == "none":
                    continue
                pairs.append((_FORMATTING[name], value))
    return tuple(sorted(set(pairs)))


def _objects_inside(objects: list[tuple[int, str]], pieces: list[Piece]) -> tuple[str, ...]:
    """Names of inline objects with text on both sides: the translation cannot flow around them."""
    filled = [i for i, piece in enumerate(pieces) if piece.text.strip()]
    if not filled:
        return ()
    first, last = filled[0], filled[-1]
    return tuple(sorted({name for before, name in objects if first < before <= last}))


def _set_run_text(run: Any, text: str) -> None:
    """Replace the run's text children by `text` (tabs and line breaks as their elements)."""
    children = [child for child in run if child.tag in _TEXT_CHILDREN or (child.tag == W + "br" and child.get(W + "type") in (None, "textWrapping"))]
    position = run.index(children[0]) if children else len(run)
    for child in children:
        run.remove(child)
    for offset, node in enumerate(_text_nodes(run, text)):
        run.insert(position + offset, node)


def _text_nodes(run: Any, text: str) -> list[Any]:
    from lxml import etree

    nodes = []
    for part in re.split(r"(\t|\n)", xml_safe(text)):
        if part == "\t":
            nodes.append(etree.Element(W + "tab"))
        elif part == "\n":
            nodes.append(etree.Element(W + "br"))
        elif part:
            node = etree.Element(W + "t")
            node.text = part
            if part != part.strip():
                node.set(XML_SPACE, "preserve")
            nodes.append(node)
    return nodes


def _children(node: Any, tag: str) -> Iterator[Any]:
    """Children with `tag`, looking through content controls and custom XML wrappers."""
    for child in node:
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _children(child, tag)


def _own_descendants(p: Any, tags: set[str]) -> Iterator[Any]:
    """Descendants of paragraph `p` with one of `tags`, not inside another such one or a nested paragraph."""
    for child in p:
        if child.tag in tags:
            yield child
        elif child.tag != W + "p":
            yield from _own_descendants(child, tags)
