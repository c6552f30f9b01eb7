"""Saved web pages: find the article in an HTML page and give back its paragraphs.

The extraction itself is trafilatura's (the maintained reference for article
extraction): it drops menus, share bars, related links, comments and footers and
keeps the body's paragraphs, headings, list items, quotes and table rows in page
order. This module only turns its result into plain paragraphs and metadata.

Limits:
- Pages whose article is built by JavaScript after loading hold no article text in
  the saved HTML; `extract_article` raises `InputError` for them.
- In-body furniture that a newsroom writes as ordinary paragraphs ("Lire aussi : ...",
  photo credits) is kept here; `translate_sum.clean` marks it.
- `date` is what the page declares (meta tags, JSON-LD, URL); it may be missing.
- Elements nested more than 256 deep are not read (the HTML parser's limit): a page
  whose text lies only there is refused saying so; otherwise a warning is logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .errors import InputError

logger = logging.getLogger(__name__)

# Markup that only an HTML document starts with. Plain text that merely mentions a
# tag ("la balise <p>") does not start like this.
_HTML_START = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|\?xml[^>]*>\s*<html)", re.I)
# Structural tags, counted anywhere in the first few kilobytes for fragments
# saved without <html> (a copied <article> or <div>).
_BLOCK_TAG = re.compile(r"</?(?:p|div|article|section|span|a|br|h[1-6]|li|ul|meta|script|link)\b[^<>]{0,500}>", re.I)
_SNIFF_CHARS = 4096
_MIN_TAGS_FOR_FRAGMENT = 4

_CELL_SEPARATOR = " | "

PARSER_MAX_DEPTH = 256
"""Deepest element nesting the HTML parser (libxml2, as trafilatura calls it) reads."""


@dataclass(frozen=True)
class ExtractedPage:
    """What a web page holds as an article: metadata and body paragraphs in order.

    `paragraphs` are whitespace-normalized, one string per block (paragraph, heading,
    list item, quote, table row); the title is not repeated among them.
    """

    title: str | None
    date: str | None
    author: str | None
    paragraphs: list[str] = field(default_factory=list)
    language: str | None = None


def looks_like_html(text: str) -> bool:
    """Tell whether `text` is an HTML document or fragment rather than plain text.

    Looks at the first few kilobytes only: a document that starts with a doctype,
    `<html>`, `<head>` or `<body>`, or a fragment that starts with a tag and holds
    several structural tags (`<p>`, `<div>`, `<article>`...).
    """
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    if _HTML_START.match(head):
        return True
    if not head.startswith("<"):
        return False
    return len(_BLOCK_TAG.findall(head)) >= _MIN_TAGS_FOR_FRAGMENT


def extract_article(html: str, url: str | None = None) -> ExtractedPage:
    """Extract the article of a web page: title, date, author, body paragraphs, language.

    `url`, when known, helps the extractor date the page and resolve its site. Raises
    `InputError` when the page holds no article text (empty, or built by JavaScript).
    """
    # trafilatura pulls in lxml, htmldate and courlan: import it only for HTML input.
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
    )
    body = getattr(document, "body", None)
    paragraphs = _body_paragraphs(body) if body is not None else []
    if _nests_too_deep(html):
        if not paragraphs:
            raise InputError(
                f"This HTML page nests its elements more than {PARSER_MAX_DEPTH} deep, past what the HTML "
                "parser reads, so no article text was found in it: paste the article's text instead."
            )
        logger.warning("this HTML page nests elements more than %d deep; text below that depth was not read", PARSER_MAX_DEPTH)
    if not paragraphs:
        raise InputError(
            "No article text found in this HTML page: save the article page itself "
            "(not a home page or a script-built page) or paste the article's text."
        )
    title = _clean_text(document.title)
    # The body sometimes opens with the headline the metadata already gives.
    if title and len(paragraphs) > 1 and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    page = ExtractedPage(
        title=title,
        date=_clean_text(document.date),
        author=_clean_text(document.author),
        paragraphs=paragraphs,
        language=_clean_text(document.language) or _declared_language(html),
    )
    logger.debug("extracted %d paragraphs from HTML (title %r)", len(page.paragraphs), page.title)
    return page


def _nests_too_deep(html: str) -> bool:
    """Whether parsing `html` stops at the parser's depth limit, as trafilatura's parse does.

    Past the limit libxml2 drops the deeper elements, text and all, without an error
    a caller sees; its error log says so.
    """
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8")  # trafilatura's limits (no huge_tree)
    try:
        lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except Exception:  # noqa: BLE001 - unparseable pages are trafilatura's to report
        return False
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _body_paragraphs(body) -> list[str]:  # body: lxml element in trafilatura's XML schema
    """Flatten trafilatura's body (p, head, list/item, quote, table/row/cell) into strings."""
    paragraphs: list[str] = []
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "list":
            blocks = [_clean_text(_text(item)) for item in element.iter("item")]
        elif tag == "table":
            blocks = [
                _CELL_SEPARATOR.join(c for c in (_clean_text(_text(cell)) for cell in row.iter("cell")) if c)
                for row in element.iter("row")
            ]
        else:
            blocks = [_clean_text(_text(element))]
        paragraphs.extend(block for block in blocks if block)
    return paragraphs


def _text(element) -> str:
    """The text of an element and its descendants, in order, with <lb/> as a space."""
    parts: list[str] = []
    _collect_text(element, parts)
    return "".join(parts)


def _collect_text(element, parts: list[str]) -> None:
    # <lb/> is a line break inside a block: without a space its neighbours would glue
    # into one word. Inline elements (<hi>, <ref>) are joined as they are.
    if element.tag == "lb":
        parts.append(" ")
    elif element.text:
        parts.append(element.text)
    for child in element:
        _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _clean_text(value: str | None) -> str | None:
    """Collapse all whitespace runs to one space; None or blank becomes None."""
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


_LANG_ATTRIBUTE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


def _declared_language(html: str) -> str | None:
    """The language the page declares on <html lang=...>, lower-case, or None."""
    match = _LANG_ATTRIBUTE.search(html[:_SNIFF_CHARS * 4])
    return match.group(1).lower() if match else None
