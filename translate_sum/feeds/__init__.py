"""Follow sources: RSS, Atom and OPML in, the items new since the last run out, one digest.

The package, data flowing one way:

- `sources`: an input (an address, a saved feed, an OPML export, a list) → `Source`s;
- `client`: polite HTTP (User-Agent, conditional requests, per-host limits, robots.txt);
- `parse` / `opml`: feed and OPML bytes → `FeedItem`s and feed addresses;
- `state`: what earlier runs saw, in the output folder's SQLite state;
- `collect`: `collect_feed_items`, the run: new items only, their articles read;
- `dedupe`: near-duplicate articles grouped into stories;
- `digest`: index.md / index.html sections and feed.xml.

Limits: see each module's; the translation itself is `batch`'s.
"""

from translate_sum.feeds.collect import SUMMARY_ONLY, UPDATED, FeedArticle, FeedReport, FeedRun, ItemNote, collect_feed_items
from translate_sum.feeds.digest import (
    FEED_NAME,
    DigestEntry,
    DigestItem,
    DigestSection,
    build_digest,
    feed_id,
    render_atom,
    render_html,
    render_markdown,
)
from translate_sum.feeds.items import FeedItem, FeedOptions, parse_since
from translate_sum.feeds.sources import Source, find_feed, read_sources
from translate_sum.feeds.state import FeedState, StoredBrief

__all__ = [
    "SUMMARY_ONLY", "UPDATED", "FeedArticle", "FeedReport", "FeedRun", "ItemNote", "collect_feed_items",
    "FEED_NAME", "DigestEntry", "DigestItem", "DigestSection", "build_digest", "feed_id", "render_atom", "render_html",
    "render_markdown", "FeedItem", "FeedOptions", "parse_since", "Source", "find_feed", "read_sources", "FeedState", "StoredBrief",
]
