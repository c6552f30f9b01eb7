"""OPML exports from feed readers → the feeds they list.

A feed reader exports its subscriptions as OPML: `<outline>` elements, nested in
folders, each feed with an `xmlUrl` attribute. The file is parsed with the standard
library's expat parser, held to what a subscription list needs, as defusedxml does:
any DOCTYPE or entity declaration is refused (no entity expansion, no external
entity, no network), and only outline attributes are read.

Limits: only `xmlUrl` addresses that are http(s) are kept (others are logged);
`include` outlines (OPML 2.0 links to other OPML files) are not followed; the
folder an outline sits in is kept as its `folder`, one level (the nearest).
"""

from __future__ import annotations

import logging
import xml.parsers.expat
from dataclasses import dataclass

from translate_sum.errors import Hint, InputError
from translate_sum.fetch import is_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription of an OPML list: the feed's address, its title and folder."""

    url: str
    title: str | None = None
    folder: str | None = None


class _Refused(Exception):
    """A construct an OPML list never needs: a DTD, an entity."""


def parse_opml(data: bytes, name: str) -> list[OpmlFeed]:
    """The feeds an OPML document lists, in document order, each address once.

    `name` is how messages name the document. Raises InputError for XML that is not
    well formed, that declares a DOCTYPE or entities, or that lists no feed.
    """
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    folders: list[str | None] = []

    def refuse(*_: object) -> None:
        raise _Refused("declares a DOCTYPE or entities, which a subscription list never needs")

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag != "outline":
            return
        url = (attrs.get("xmlUrl") or attrs.get("xmlurl") or "").strip()
        label = (attrs.get("title") or attrs.get("text") or "").strip() or None
        if url:
            if not is_url(url):
                log.info("%s: outline %r has xmlUrl %r, not an http(s) address; skipped", name, label, url[:80])
            elif url not in seen:
                seen.add(url)
                feeds.append(OpmlFeed(url, label, next((f for f in reversed(folders) if f), None)))
        folders.append(None if url else label)

    def end(tag: str) -> None:
        if tag == "outline" and folders:
            folders.pop()

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise InputError(f"{name}: {exc}", Hint("export the subscriptions again from the feed reader")) from None
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"{name}: not a valid OPML file ({exc})", Hint("export the subscriptions again from the feed reader")) from None
    if not feeds:
        raise InputError(f"{name}: lists no feed (no outline with an http(s) xmlUrl)", Hint("export the subscriptions again from the feed reader"))
    return feeds
