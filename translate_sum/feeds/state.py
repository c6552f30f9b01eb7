"""What a feed run remembers between runs, beside the batch state in the same SQLite file.

Two tables in `OUTPUT/.batch-state.sqlite` (see `batch.state`):

- `feed_sources`: per address, what it turned out to be (feed or page), its title,
  and the ETag and Last-Modified of its last answer, sent back on the next run so an
  unchanged feed answers 304;
- `feed_items`: per item (its feed and id, else link), its status (`pending` until
  translated, `done`, `failed`, `republished`), the feed's own metadata (enough to
  retry it when the feed later answers 304), the hashes that recognise it (title and
  summary as the feed gave them; the article's whole text; its body without the
  title), and what its English brief said (for `feed.xml`).

An item is written as `pending` in the same transaction that stores its feed's new
ETag, so a run that stops before translating it retries it next time even though
the feed then answers 304. Writes use SAVEPOINTs, so the state works on its own
connection (`FeedState.open`) or inside the batch ledger's open transaction
(`FeedState(ledger.db)`), committed with it.

Limits: one run at a time per output folder (SQLite's lock); items are never deleted
(a few hundred bytes each: years of a hundred feeds stay under a gigabyte).
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from translate_sum.errors import Hint, OutputError
from translate_sum.feeds.items import FeedItem

FEED_SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_sources (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    checked REAL,
    status TEXT,
    error TEXT
);
CREATE TABLE IF NOT EXISTS feed_items (
    key TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    feed_title TEXT,
    item_id TEXT,
    link TEXT,
    title TEXT,
    published TEXT,
    updated TEXT,
    author TEXT,
    summary TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '',
    feed_hash TEXT,
    text_hash TEXT,
    body_hash TEXT,
    status TEXT NOT NULL,
    marks TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    same_as TEXT,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    input TEXT,
    en_title TEXT,
    en_summary TEXT,
    flags TEXT NOT NULL DEFAULT '[]',
    outputs TEXT NOT NULL DEFAULT '[]',
    finished REAL
);
CREATE INDEX IF NOT EXISTS feed_items_by_link ON feed_items(link);
CREATE INDEX IF NOT EXISTS feed_items_by_feed_hash ON feed_items(feed_hash);
CREATE INDEX IF NOT EXISTS feed_items_by_body_hash ON feed_items(body_hash);
CREATE INDEX IF NOT EXISTS feed_items_by_feed ON feed_items(feed, status);
CREATE INDEX IF NOT EXISTS feed_items_by_finished ON feed_items(finished);
"""

_ITEM_COLUMNS = "key, feed, feed_title, item_id, link, title, published, updated, author, summary, content"
_ROW_COLUMNS = "key, status, feed_hash, text_hash, body_hash, updated, attempts, marks, link, input"


@dataclass(frozen=True)
class KnownSource:
    """What an address turned out to be, and the validators of its last answer."""

    url: str
    kind: str  # feed or page
    title: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class KnownItem:
    """What the state holds for one item: enough to decide skip, retry or redo."""

    key: str
    status: str  # pending, done, failed, republished
    feed_hash: str | None
    text_hash: str | None
    body_hash: str | None
    updated: datetime | None
    attempts: int
    marks: tuple[str, ...]
    link: str | None
    input: str | None


@dataclass(frozen=True)
class StoredBrief:
    """A translated item as `feed.xml` lists it: the feed's metadata and the English brief."""

    key: str
    feed: str
    feed_title: str
    link: str | None
    published: datetime | None
    updated: datetime | None
    title: str | None  # English
    summary: str | None  # English
    flags: list[dict[str, Any]]
    marks: tuple[str, ...]
    outputs: tuple[str, ...]
    finished: float


class FeedState:
    """The feed tables of one output folder's state database."""

    def __init__(self, db: sqlite3.Connection, *, owns: bool = False) -> None:
        self.db = db
        self.owns = owns
        _create(db)

    @classmethod
    def open(cls, output_dir: Path) -> FeedState:
        """Open (creating) the state of `output_dir` on a connection of its own."""
        from translate_sum.batch.state import STATE_NAME

        try:
            output_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(output_dir / STATE_NAME, timeout=5.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise OutputError(f"{output_dir}: cannot keep the feeds' state there ({reason})",
                              Hint("choose a writable folder for {option}", "output_dir")) from exc
        return cls(db, owns=True)

    def __enter__(self) -> FeedState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection if this state opened it; safe to call twice."""
        if self.owns and self.db is not None:
            self.db.close()
            self.db = None  # type: ignore[assignment]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all (a SAVEPOINT: nests in a ledger's BEGIN)."""
        self.db.execute("SAVEPOINT feeds")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO feeds")
            self.db.execute("RELEASE feeds")
            raise
        self.db.execute("RELEASE feeds")

    # Sources

    def source(self, url: str) -> KnownSource | None:
        """What an earlier run learnt about `url`, if anything."""
        row = self.db.execute("SELECT url, kind, title, etag, last_modified FROM feed_sources WHERE url = ?", (url,)).fetchone()
        return KnownSource(*row) if row else None

    def remember_source(self, url: str, kind: str, title: str | None, etag: str | None, last_modified: str | None,
                        status: str, error: str | None = None) -> None:
        """Keep what `url` is and its validators; a failed fetch keeps the old validators."""
        self.db.execute(
            "INSERT INTO feed_sources (url, kind, title, etag, last_modified, checked, status, error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET kind = excluded.kind,"
            " title = COALESCE(excluded.title, title), etag = CASE WHEN excluded.status = 'failed' THEN etag ELSE excluded.etag END,"
            " last_modified = CASE WHEN excluded.status = 'failed' THEN last_modified ELSE excluded.last_modified END,"
            " checked = excluded.checked, status = excluded.status, error = excluded.error",
            (url, kind, title, etag, last_modified, time.time(), status, error),
        )

    # Items: questions

    def item(self, item: FeedItem) -> KnownItem | None:
        """The row of this item: by its key (feed and id), else by its link in any feed."""
        row = self.db.execute(f"SELECT {_ROW_COLUMNS} FROM feed_items WHERE key = ?", (item.key,)).fetchone()
        if row is None and item.link:
            row = self.db.execute(
                f"SELECT {_ROW_COLUMNS} FROM feed_items WHERE link = ? AND status != 'republished' ORDER BY first_seen LIMIT 1",
                (item.link,),
            ).fetchone()
        return _known(row) if row else None

    def done_with_feed_hash(self, feed_hash: str) -> KnownItem | None:
        """A finished item whose feed title and summary were these (a republish)."""
        row = self.db.execute(
            f"SELECT {_ROW_COLUMNS} FROM feed_items WHERE feed_hash = ? AND status = 'done' ORDER BY first_seen LIMIT 1",
            (feed_hash,),
        ).fetchone()
        return _known(row) if row else None

    def done_with_body(self, body_hash: str, other_than: str) -> KnownItem | None:
        """A finished item, other than `other_than`, whose article body was this text."""
        row = self.db.execute(
            f"SELECT {_ROW_COLUMNS} FROM feed_items WHERE body_hash = ? AND status = 'done' AND key != ?"
            " ORDER BY first_seen LIMIT 1",
            (body_hash, other_than),
        ).fetchone()
        return _known(row) if row else None

    def unfinished(self, feed: str, max_attempts: int) -> list[tuple[FeedItem, KnownItem]]:
        """The feed's items still to do: pending, or failed fewer than `max_attempts` times."""
        rows = self.db.execute(
            f"SELECT {_ITEM_COLUMNS}, {_ROW_COLUMNS} FROM feed_items WHERE feed = ?"
            " AND (status = 'pending' OR (status = 'failed' AND attempts < ?)) ORDER BY first_seen",
            (feed, max_attempts),
        ).fetchall()
        return [(_feed_item(row[:11]), _known(row[11:])) for row in rows]

    # Items: writes

    def remember_pending(self, item: FeedItem, marks: tuple[str, ...] = ()) -> None:
        """Keep `item` as to do (new, a retry or an update), with the feed's latest metadata."""
        now = time.time()
        self.db.execute(
            f"INSERT INTO feed_items ({_ITEM_COLUMNS}, feed_hash, status, marks, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
            " feed_title = excluded.feed_title, item_id = excluded.item_id, link = excluded.link, title = excluded.title,"
            " published = excluded.published, updated = excluded.updated, author = excluded.author,"
            " summary = excluded.summary, content = excluded.content, feed_hash = excluded.feed_hash,"
            " status = 'pending', marks = excluded.marks, last_seen = excluded.last_seen",
            (*_item_values(item), item.feed_hash, json.dumps(list(marks)), now, now),
        )

    def record_unchanged(self, item: FeedItem) -> None:
        """The item's feed entry changed but its article did not: done as before, new feed metadata kept."""
        self.db.execute(
            "UPDATE feed_items SET status = 'done', marks = '[]', feed_hash = ?, updated = ?, last_seen = ? WHERE key = ?",
            (item.feed_hash, _iso(item.updated), time.time(), item.key),
        )

    def record_republished(self, item: FeedItem, same_as: str) -> None:
        """`item` is an earlier item (`same_as`) published again, under another link or id."""
        now = time.time()
        self.db.execute(
            f"INSERT INTO feed_items ({_ITEM_COLUMNS}, feed_hash, status, same_as, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'republished', ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
            " status = 'republished', same_as = excluded.same_as, last_seen = excluded.last_seen",
            (*_item_values(item), item.feed_hash, same_as, now, now),
        )

    def record_done(self, key: str, *, input: str, text_hash: str, body_hash: str, title: str | None,
                    summary: str | None, flags: list[dict[str, Any]], marks: tuple[str, ...],
                    outputs: list[str] | tuple[str, ...]) -> None:
        """An item translated (and briefed): what the digest and feed.xml show of it."""
        self.db.execute(
            "UPDATE feed_items SET status = 'done', input = ?, text_hash = ?, body_hash = ?, en_title = ?, en_summary = ?,"
            " flags = ?, marks = ?, outputs = ?, error = NULL, finished = ? WHERE key = ?",
            (input, text_hash, body_hash, title, summary, json.dumps(flags, ensure_ascii=False), json.dumps(list(marks)),
             json.dumps(list(outputs)), time.time(), key),
        )

    def record_failed(self, key: str, error: str) -> None:
        """An item that could not be done this time; retried until `max_attempts`."""
        self.db.execute(
            "UPDATE feed_items SET status = 'failed', attempts = attempts + 1, error = ?, last_seen = ? WHERE key = ?",
            (error, time.time(), key),
        )

    def recent(self, limit: int = 100) -> list[StoredBrief]:
        """The last `limit` items finished, newest first: what feed.xml lists."""
        rows = self.db.execute(
            "SELECT key, feed, feed_title, link, published, updated, en_title, en_summary, flags, marks, outputs, finished"
            " FROM feed_items WHERE status = 'done' AND finished IS NOT NULL ORDER BY finished DESC, key LIMIT ?",
            (limit,),
        )
        return [
            StoredBrief(key, feed, feed_title or feed, link, _date(published), _date(updated), title, summary,
                        json.loads(flags), tuple(json.loads(marks)), tuple(json.loads(outputs)), finished)
            for key, feed, feed_title, link, published, updated, title, summary, flags, marks, outputs, finished in rows
        ]


def _create(db: sqlite3.Connection) -> None:
    # executescript would COMMIT a ledger's open transaction; plain statements join it.
    for statement in FEED_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _date(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _item_values(item: FeedItem) -> tuple[Any, ...]:
    return (item.key, item.feed, item.feed_title, item.item_id, item.link, item.title, _iso(item.published),
            _iso(item.updated), item.author, item.summary, item.content)


def _feed_item(row: tuple[Any, ...]) -> FeedItem:
    _, feed, feed_title, item_id, link, title, published, updated, author, summary, content = row
    return FeedItem(feed, feed_title or feed, item_id, link, title, _date(published), _date(updated), author, summary, content)


def _known(row: tuple[Any, ...]) -> KnownItem:
    key, status, feed_hash, text_hash, body_hash, updated, attempts, marks, link, input_name = row
    return KnownItem(key, status, feed_hash, text_hash, body_hash, _date(updated), attempts, tuple(json.loads(marks)),
                     link, input_name)
