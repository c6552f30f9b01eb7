"""Feed bytes → `FeedItem`s, with feedparser; and what a downloaded address is.

feedparser (the maintained reference for the formats' many dialects) reads RSS 0.9x,
1.0 (RDF) and 2.0 and Atom 0.3 and 1.0, tolerates the malformed XML many sites
serve, sanitizes embedded HTML and strips unsafe entity declarations. It is given
bytes only (as a stream), never an address: it must not fetch anything itself.
This module keeps each item's id, link, title, dates, author, summary and content,
as plain text.

`sniff_kind` tells a feed from an OPML list from a web page by the first element of
the document (content types are often wrong: feeds served as text/html or
text/plain), falling back to the declared type.

Limits: an item with neither a link, an id, a title nor any text is reported as
broken (`BrokenItem`), not kept; enclosures (podcasts, images) are ignored; a feed
whose XML is too broken for feedparser's lenient mode yields what it could read, and
nothing when it could read nothing (then `parse_feed` raises).
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Any, Literal

from translate_sum.errors import Hint, InputError
from translate_sum.feeds.items import FeedItem
from translate_sum.fetch import is_url

log = logging.getLogger(__name__)

Kind = Literal["feed", "opml", "page"]

FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/x-rss+xml", "application/feed+json",
})
_PROLOG = re.compile(rb"^(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S | re.I)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_ROOTS: dict[bytes, Kind] = {b"rss": "feed", b"rdf": "feed", b"feed": "feed", b"opml": "opml", b"html": "page"}


@dataclass(frozen=True)
class BrokenItem:
    """An item of a feed that cannot be used, and why."""

    feed: str
    position: int  # from 1, in the feed's order
    reason: str


@dataclass(frozen=True)
class ParsedFeed:
    """A feed as read: its title, format, usable items and broken ones."""

    url: str
    title: str
    version: str  # feedparser's name of the format: rss20, rss10, atom10...
    items: tuple[FeedItem, ...]
    broken: tuple[BrokenItem, ...] = ()


def sniff_kind(data: bytes, content_type: str = "") -> Kind:
    """Whether `data` is a feed, an OPML list or a page, by its first element, else its type."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    match = _FIRST_TAG.match(head, _PROLOG.match(head).end())  # type: ignore[union-attr]
    if match:
        name = match.group(1).rsplit(b":", 1)[-1].lower()
        if name in _ROOTS:
            return _ROOTS[name]
    return "feed" if content_type in FEED_TYPES else "page"


def parse_feed(data: bytes, url: str, content_type: str | None = None, *, max_items: int = 200) -> ParsedFeed:
    """Read an RSS or Atom feed's bytes; `url` is where it came from (for relative links).

    Raises InputError when the bytes hold no feed at all. Items keep the feed's
    order; at most `max_items` are read.
    """
    import feedparser  # imported on use: only feed runs need it

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    result = feedparser.parse(io.BytesIO(data), response_headers=headers, resolve_relative_uris=True, sanitize_html=True)
    if not result.get("version") and not result.entries:
        reason = result.get("bozo_exception")
        detail = f" ({' '.join(str(reason).split())[:120]})" if reason else ""
        raise InputError(f"{url}: not an RSS or Atom feed{detail}", Hint("give the feed's address (often ending in /rss or .xml)"))
    if result.get("bozo"):
        log.info("%s: malformed feed, read leniently (%s)", url, result.get("bozo_exception"))
    title = _text(result.feed.get("title")) or url
    items: list[FeedItem] = []
    broken: list[BrokenItem] = []
    for position, entry in enumerate(result.entries[:max_items], start=1):
        item = _item(entry, url, title)
        if isinstance(item, str):
            broken.append(BrokenItem(url, position, item))
        else:
            items.append(item)
    if len(result.entries) > max_items:
        log.info("%s: %d items, reading the first %d", url, len(result.entries), max_items)
    return ParsedFeed(url, title, result.get("version") or "unknown", tuple(items), tuple(broken))


def _item(entry: Any, feed: str, feed_title: str) -> FeedItem | str:
    """One entry as a FeedItem, or the reason it cannot be used."""
    link = (entry.get("link") or "").strip()
    link = link if is_url(link) else ""
    item_id = (entry.get("id") or "").strip() or None
    title = _text(entry.get("title"))
    summary = html_to_text(entry.get("summary") or "")
    contents = [c.get("value", "") for c in entry.get("content") or [] if isinstance(c, dict)]
    content = max((html_to_text(c) for c in contents), key=len, default="")
    if not link and not (title or summary or content):
        return "the item has no link, no title and no text"
    if not link and not (summary or content):
        return f"the item '{(title or item_id or '')[:60]}' has no link and no text"
    authors = [a.get("name") for a in entry.get("authors") or [] if isinstance(a, dict) and a.get("name")]
    return FeedItem(
        feed=feed,
        feed_title=feed_title,
        item_id=item_id,
        link=link or None,
        title=title,
        published=_when(entry.get("published_parsed")),
        updated=_when(dict.get(entry, "updated_parsed")),  # not entry.get: it falls back to the published date
        author=", ".join(authors) or _text(entry.get("author")),
        summary=summary,
        content=content if content != summary else "",
    )


def _when(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def _text(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(html_to_text(value).split())
    return text or None


class _TextCollector(HTMLParser):
    """Text of an HTML fragment, a blank line at each block element's edges."""

    BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
                        "table", "section", "article", "figure", "figcaption", "pre", "hr"})
    HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by one blank line, spaces collapsed."""
    if "<" not in fragment and "&" not in fragment:
        return "\n\n".join(" ".join(p.split()) for p in fragment.split("\n\n") if p.strip())
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    paragraphs = (" ".join(p.split()) for p in "".join(collector.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
