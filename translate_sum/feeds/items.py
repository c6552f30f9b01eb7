"""What the feed layer passes around: a feed's items, the run's settings, `--since`.

A `FeedItem` is one entry of an RSS or Atom feed with the metadata the feed gave
(id, link, title, dates, author, summary): plain data, no network, no state. The
hashes that decide "seen before?" and "changed?" are computed here, once, from the
item's own text, so every module asks the same question the same way.

Limits: dates are kept in UTC; a feed date without a time zone is read as UTC (what
feedparser does). `parse_since` knows ISO dates and ages in minutes, hours, days and
weeks, not natural language ("yesterday").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from translate_sum.errors import Hint, InputError
from translate_sum.fetch import DEFAULT_TIMEOUT
from translate_sum.options import DEFAULT_MAX_BYTES

FEED_HASH_MIN_WORDS = 12
"""A feed's title and summary identify an article only when they say enough: a
recurring "Le journal de 8h" with no summary is a new item every day, not a republish."""


@dataclass(frozen=True)
class FeedOptions:
    """How a feed run fetches, filters and groups; the defaults suit a daily cron job."""

    timeout: float = DEFAULT_TIMEOUT  # seconds for each request, the whole download
    max_bytes: int = DEFAULT_MAX_BYTES  # largest feed, page or robots.txt read
    since: datetime | None = None  # items published before this are left out (not marked seen)
    per_host: int = 2  # requests in flight to one host (scheme, host and port) at once
    host_delay: float = 1.0  # seconds between the starts of two page requests to one host
    # Seconds between two feed requests to one host: a conditional request costs the
    # server a few hundred bytes (a 304) and feeds are published to be polled, so 20
    # feeds of one newspaper take 2 s, not 20; `per_host` still bounds the load.
    feed_delay: float = 0.1
    workers: int = 8  # requests in flight in all
    respect_robots: bool = True  # article pages only; feeds are published to be fetched
    max_items: int = 200  # items read from one feed, newest first as the feed lists them
    max_attempts: int = 3  # runs that retry an item whose translation failed
    # 5-word-shingle Jaccard from which two articles are one story: the middle of the
    # best plateau (0.20-0.35) on near-duplicates of real news (benchmarks/feeds_dedupe_tune.py).
    duplicate_threshold: float = 0.3
    force: bool = False  # ignore ETags and what was seen: fetch and redo everything


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, as the feed gave it; `summary` and `content` are plain text.

    `feed` is the feed's address (or saved file); for an article address listed on
    its own, `feed` is "" and `link` is that address. `content` is the full text some
    feeds carry (`content:encoded`, Atom `content`), "" when they do not.
    """

    feed: str
    feed_title: str
    item_id: str | None
    link: str | None
    title: str | None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    summary: str = ""
    content: str = ""

    @property
    def key(self) -> str:
        """Who this item is in its feed: its id, else its link (unique within the feed)."""
        return f"{self.feed}\n{self.item_id or self.link or ''}"

    @property
    def date(self) -> datetime | None:
        """When it was published, else last updated."""
        return self.published or self.updated

    @property
    def feed_hash(self) -> str | None:
        """sha256 of the title and summary, words only; None when they are too short to
        recognise the article by (`FEED_HASH_MIN_WORDS`)."""
        words = normalized_words(f"{self.title or ''} {self.summary}")
        if len(words) < FEED_HASH_MIN_WORDS:
            return None
        return hashlib.sha256(" ".join(words).encode()).hexdigest()

    @property
    def fallback_text(self) -> str:
        """The feed's own text of the article: its content when longer, else its summary."""
        return self.content if len(self.content) > len(self.summary) else self.summary


_WORD = re.compile(r"\w+", re.UNICODE)


def normalized_words(text: str) -> list[str]:
    """The words of `text`, lower-cased, punctuation and spacing dropped (accents kept)."""
    return _WORD.findall(text.casefold())


def text_sha256(text: str) -> str:
    """sha256 of a text's words (see `normalized_words`): spacing and quotes don't count."""
    return hashlib.sha256(" ".join(normalized_words(text)).encode()).hexdigest()


_AGE = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.I)
_AGE_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SINCE_HINT = Hint("give {option} as a date (2024-05-01 or 2024-05-01T08:00) or an age (90m, 24h, 7d, 2w)", "since")


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """The moment `--since` names, in UTC: an ISO date or date-time, or an age before `now`.

    A date without a time zone is read in UTC; "24h" is 24 hours before `now`
    (default: the current time). Raises InputError with a hint naming `since`.
    """
    now = now or datetime.now(timezone.utc)
    age = _AGE.match(text)
    if age:
        amount, unit = int(age.group(1)), _AGE_UNITS[age.group(2).lower()]
        return now - timedelta(**{unit: amount})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"'{text[:40]}' is neither a date nor an age", SINCE_HINT) from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
