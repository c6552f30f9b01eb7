"""A new Word document from a translation: what a PDF's translation is written as.

The title becomes the document's title (and its core property), headings keep their
level, list items take the "List Bullet" style, paragraphs the body style; skipped
paragraphs (page furniture, duplicates) are left out, as in the text output.

Limits: no tables, images, columns or page layout are rebuilt (the PDF is not
re-typeset); a list item's depth is not kept; footnotes become paragraphs at the end
in reading order.
"""

from __future__ import annotations

import io

from translate_sum.document import TranslatedArticle
from translate_sum.documents.model import Element, SourceDocument
from translate_sum.documents.placement import xml_safe


def translation_docx(translated: TranslatedArticle, document: SourceDocument | None = None) -> bytes:
    """The translation as a .docx file's bytes (see the module docstring)."""
    import docx

    out = docx.Document()
    elements: tuple[Element | None, ...] = document.elements if document is not None else (None,) * len(translated.paragraphs)
    if translated.title:
        out.core_properties.title = xml_safe(translated.title)
    for paragraph, element in zip(translated.paragraphs, elements):
        if paragraph.skipped or not paragraph.translation.strip():
            continue
        text = xml_safe(paragraph.translation)
        kind = element.kind if element is not None else paragraph.kind
        level = element.level if element is not None else 0
        if paragraph.is_title or kind == "title":
            out.add_heading(text, level=0)
        elif kind == "heading":
            out.add_heading(text, level=min(max(level, 1), 9))
        elif kind == "list-item":
            out.add_paragraph(text, style="List Bullet")
        elif kind == "pull-quote":
            out.add_paragraph(text, style="Intense Quote")
        else:
            out.add_paragraph(text)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
