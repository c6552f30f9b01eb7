"""The translation memory itself: one SQLite file of (context, source) → translation.

Each entry is found by a 64-bit hash of its context's digest and its exact source text
(a unique index: a lookup is two B-tree searches, microseconds at a million entries);
the stored context and source are compared too, so a hash collision is a miss, never a
wrong answer. Rows are stored in insertion order, so the least recently used ones
mostly share pages and evicting them frees whole pages. Imported human translations live under their own
context (`context.HUMAN_CONTEXT`), keyed by the source without surrounding
whitespace, and are looked up first: they take precedence over the machine's.

Several processes may share the file (a batch and a server on one machine): the
database runs in write-ahead-log mode, so readers never wait; writers take turns,
each waiting up to `busy_seconds`. Writes are short transactions (one per engine
call), which SQLite makes atomic: a crash or a kill loses at most the translations of
the call being stored, never the file. `synchronous=NORMAL` keeps it so across power
loss, losing at most the last transactions.

The size is bounded: after a write that takes the used pages over `max_bytes`, the
least recently used machine entries are deleted down to 90% of it (human ones go last);
freed pages are reused, so the file stops growing at about `max_bytes`.
Last-use times are written at most once per `touch_seconds` per entry, in one
statement per lookup call, so a warm run does not rewrite its whole memory.

A memory that cannot be used (not a database, damaged, read-only, disk full) logs one
warning and turns itself off: lookups miss and stores are dropped, and the run goes on.
`open_memory` returns `NoMemory` when the file cannot even be opened.

Limits: a file on a network filesystem (NFS, SMB) is not safe with several writers
(SQLite's locks need a local disk). Entries whose text is not valid UTF-8 (lone
surrogates) are not stored. Eviction deletes rows; the file keeps its size and reuses
the freed pages (the `memory clear` command gives the space back).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from translate_sum.memory.context import HUMAN_CONTEXT, MemoryContext
from translate_sum.memory.fingerprint import FileStamp
from translate_sum.memory.records import Entry, Memory, MemoryReport, MemoryUnusable, NoMemory, Recalled, RunRecord
from translate_sum.memory.settings import WAL_LIMIT_BYTES, MemoryOptions
from translate_sum.memory.stats import MemoryStats

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
TOUCH_SECONDS = 3600
"""A hit rewrites its entry's last-use time only when it is older than this."""
RUNS_KEPT = 100
"""Runs whose counts `stats` reports; older ones are deleted."""
_CHUNK = 500  # ids per IN (...) query, under SQLite's variable limit
_EVICT_TO = 0.9  # eviction goes down to this share of the bound

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contexts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a stale cached id only misses
    digest TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,      -- insertion order: old entries share pages, evicted together
    key INTEGER NOT NULL UNIQUE, -- entry_key(context digest, source)
    context INTEGER NOT NULL,    -- contexts.id
    source TEXT NOT NULL,
    translation TEXT NOT NULL,   -- what the engine returned (or the human translation)
    given TEXT,                  -- what the run finally gave, when the audit replaced it
    human INTEGER NOT NULL,      -- 1: an imported human translation
    used INTEGER NOT NULL        -- last used, Unix seconds
);
CREATE INDEX IF NOT EXISTS entries_lru ON entries (human, used);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    finished REAL NOT NULL,
    hits INTEGER NOT NULL,
    human INTEGER NOT NULL,
    decoded INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    stored INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS file_digests (
    path TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    digest TEXT NOT NULL
) WITHOUT ROWID;
"""

# Forked children must not use their parent's connection, nor close it (closing could
# checkpoint the parent's log): the abandoned ones are kept here, never garbage-collected.
_ABANDONED: list[sqlite3.Connection] = []


def entry_key(digest: str, source: str) -> int:
    """The key of `source` under the context `digest`: a signed 64-bit hash."""
    data = digest.encode("ascii") + b"\0" + source.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def human_source(source: str) -> str:
    """How a human translation's source is keyed: without surrounding whitespace."""
    return source.strip()


def open_memory(options: MemoryOptions | None = None, *, clock: Callable[[], float] = time.time) -> Memory:
    """The memory `options` ask for; `NoMemory` when off or when the file cannot be used.

    Never raises for a bad file: it logs one warning naming the file and the reason,
    and the caller goes on without a memory.
    """
    options = options or MemoryOptions()
    if not options.enabled:
        return NoMemory()
    path = options.resolved_path()
    try:
        return TranslationMemory(path, max_bytes=options.max_bytes, busy_seconds=options.busy_seconds, clock=clock)
    except MemoryUnusable as exc:
        log.warning("%s", exc)
        return NoMemory(str(exc))


class TranslationMemory:
    """A translation memory in one SQLite file; see the module docstring.

    Safe to share between threads (one connection behind a lock) and between
    processes (SQLite's locks); a forked child opens its own connection.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_bytes: int = MemoryOptions().max_bytes,
        busy_seconds: float = MemoryOptions().busy_seconds,
        clock: Callable[[], float] = time.time,
        touch_seconds: int = TOUCH_SECONDS,
    ) -> None:
        """Open (creating it and its folder when absent) the memory at `path`.

        Raises `MemoryUnusable` when the file is not a memory or cannot be opened;
        after that, problems turn the memory off (`problem`) instead of raising.
        """
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.busy_seconds = busy_seconds
        self.clock = clock
        self.touch_seconds = touch_seconds
        self.problem: str | None = None
        self._lock = threading.RLock()
        self._totals = MemoryStats()
        self._contexts: dict[str, int] = {}
        self._busy_warned = False
        self._pid = os.getpid()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._connect()
        except (sqlite3.Error, OSError) as exc:
            raise MemoryUnusable(self.path, _reason(exc)) from exc

    # -- connection -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_seconds, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_seconds * 1000)}")
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise sqlite3.OperationalError("the file system does not allow a write-ahead log")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
            with _transaction(conn):
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                version = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()[0]
            if version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"it was written by another version (schema {version})")
        except BaseException:
            conn.close()
            raise
        return conn

    def _db(self) -> sqlite3.Connection:
        """This process's connection (a forked child opens its own)."""
        if os.getpid() != self._pid:
            _ABANDONED.append(self._conn)
            self._conn = self._connect()
            self._pid = os.getpid()
            self._contexts = {}
        return self._conn

    @contextlib.contextmanager
    def _guarded(self, action: str) -> Iterator[bool]:
        """Run a block against the database; yields False when the memory is off.

        A busy database (another writer past `busy_seconds`) skips the block with one
        warning; any other database or file error turns the memory off with one.
        """
        with self._lock:
            if self.problem is not None:
                yield False
                return
            try:
                yield True
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    if not self._busy_warned:
                        log.warning("the translation memory %s is busy; %s skipped", self.path, action)
                        self._busy_warned = True
                    return
                self._turn_off(exc)
            except (sqlite3.Error, OSError) as exc:
                self._turn_off(exc)

    def _turn_off(self, exc: BaseException) -> None:
        self.problem = str(MemoryUnusable(self.path, _reason(exc)))
        log.warning("%s", self.problem)

    def close(self) -> None:
        """Record this run's counts (when it looked anything up) and close the file."""
        totals = self.totals()
        if totals.segments:
            self.record_run(totals)
        with self._lock:
            if os.getpid() == self._pid:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
            self.problem = self.problem or "closed"

    # -- lookups and stores ---------------------------------------------------------------

    def recall(self, context: MemoryContext, sources: Sequence[str]) -> list[Recalled | None]:
        """The remembered translation of each source under `context`, None where there is none.

        A human translation of the same source wins over the machine's. Hits whose
        last-use time is stale are touched in one statement.
        """
        found: list[Recalled | None] = [None] * len(sources)
        if not sources:
            return found
        with self._guarded("a lookup") as usable:
            if not usable:
                return found
            db = self._db()
            machine = self._context_id(db, context.digest)
            human = self._context_id(db, HUMAN_CONTEXT)
            wanted: dict[int, list[tuple[int, int, str]]] = {}
            for i, source in enumerate(sources):
                if machine is not None:
                    wanted.setdefault(entry_key(context.digest, source), []).append((i, machine, source))
                if human is not None:
                    text = human_source(source)
                    wanted.setdefault(entry_key(HUMAN_CONTEXT, text), []).append((i, human, text))
            stale = int(self.clock()) - self.touch_seconds
            touch = []
            for row_id, row_context, row_source, translation, is_human, used in self._rows(db, list(wanted)):
                for i, want_context, want_source in wanted[row_id]:
                    if row_context == want_context and row_source == want_source:
                        if found[i] is None or is_human:
                            found[i] = Recalled(translation, bool(is_human))
                        if used < stale:
                            touch.append(row_id)
            if touch:
                with _transaction(db):
                    _in_chunks(db, "UPDATE entries SET used = ? WHERE key IN ({})", touch, int(self.clock()))
        return found

    def _rows(self, db: sqlite3.Connection, ids: list[int]) -> Iterator[tuple]:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from db.execute(
                f"SELECT key, context, source, translation, human, used FROM entries WHERE key IN ({marks})", chunk
            )

    def _context_id(self, db: sqlite3.Connection, digest: str) -> int | None:
        """The id of the context `digest` in this file, None when it has no entries yet."""
        if digest not in self._contexts:
            row = db.execute("SELECT id FROM contexts WHERE digest = ?", (digest,)).fetchone()
            if row is None:
                return None
            self._contexts[digest] = row[0]
        return self._contexts[digest]

    def _ensure_context(self, db: sqlite3.Connection, digest: str, description: dict[str, Any]) -> int:
        db.execute(
            "INSERT OR IGNORE INTO contexts (digest, description) VALUES (?, ?)",
            (digest, json.dumps(description, sort_keys=True)),
        )
        self._contexts.pop(digest, None)
        found = self._context_id(db, digest)
        assert found is not None
        return found

    def store(self, context: MemoryContext, source: str, translation: str) -> int:
        """Remember one translation of `source` under `context` (1 when stored)."""
        return self.store_many(context, [(source, translation)])

    def store_many(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> int:
        """Remember each (source, translation) under `context`; how many were stored."""
        rows = {(s, t) for s, t in pairs if _storable(s) and _storable(t)}
        if not rows:
            return 0
        with self._guarded(f"storing {len(rows)} translation(s)") as usable:
            if not usable:
                return 0
            db = self._db()
            now = int(self.clock())
            with _transaction(db):
                context_id = self._ensure_context(db, context.digest, context.description())
                db.executemany(
                    "INSERT INTO entries (key, context, source, translation, given, human, used) "
                    "VALUES (?, ?, ?, ?, NULL, 0, ?) ON CONFLICT (key) DO UPDATE SET context = excluded.context, "
                    "source = excluded.source, translation = excluded.translation, given = NULL, human = 0, "
                    "used = excluded.used",
                    [(entry_key(context.digest, s), context_id, s, t, now) for s, t in rows],
                )
            self._evict_if_over(db)
            return len(rows)
        return 0

    def record_given(self, context: MemoryContext, pairs: Iterable[tuple[str, str]]) -> None:
        """Note what the run finally gave for sources decoded under `context`.

        After the audit: where its retry replaced an entry's translation, the entry
        keeps both (the engine's answer still answers the same call, byte for byte)
        and an export gives the final one. Sources not in the memory are ignored.
        """
        rows = [(entry_key(context.digest, s), s, t) for s, t in pairs if _storable(s) and _storable(t)]
        if not rows:
            return
        with self._guarded("noting the audited translations") as usable:
            if not usable:
                return
            db = self._db()
            with _transaction(db):
                db.executemany(
                    "UPDATE entries SET given = NULLIF(?3, translation) "
                    "WHERE key = ?1 AND source = ?2 AND human = 0 AND given IS NOT NULLIF(?3, translation)",
                    rows,
                )

    def import_entries(self, entries: Iterable[Entry], batch: int = 1000) -> int:
        """Add or replace `entries` (a TMX import), `batch` per transaction; how many were kept.

        Human entries are keyed under the human context whatever their `context`.
        """
        kept = 0
        chunk: list[Entry] = []
        for entry in entries:
            if _storable(entry.source) and _storable(entry.translation) and _storable(entry.given or ""):
                chunk.append(entry)
            if len(chunk) >= batch:
                kept += self._import_chunk(chunk)
                chunk = []
        if chunk:
            kept += self._import_chunk(chunk)
        return kept

    def _import_chunk(self, chunk: list[Entry]) -> int:
        with self._guarded("an import") as usable:
            if not usable:
                raise MemoryUnusable(self.path, self.problem or "turned off")
            db = self._db()
            rows = []
            with _transaction(db):
                for entry in chunk:
                    digest = HUMAN_CONTEXT if entry.human else entry.context
                    source = human_source(entry.source) if entry.human else entry.source
                    description = {"origin": "human"} if entry.human else entry.description
                    context_id = self._ensure_context(db, digest, description)
                    key = entry_key(digest, source)
                    rows.append((key, context_id, source, entry.translation, entry.given, int(entry.human), entry.used))
                db.executemany(
                    "INSERT OR REPLACE INTO entries (key, context, source, translation, given, human, used) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            self._evict_if_over(db)
            return len(rows)
        if self.problem:
            raise MemoryUnusable(self.path, self.problem)
        return 0

    # -- size -------------------------------------------------------------------------------

    def used_bytes(self, db: sqlite3.Connection | None = None) -> int:
        """Bytes of the pages that hold data (free pages left by deletions not counted)."""
        db = db or self._db()
        pages = db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]
        return pages * db.execute("PRAGMA page_size").fetchone()[0]

    def _evict_if_over(self, db: sqlite3.Connection) -> None:
        """Delete least recently used entries (machine ones first) down to 90% of the bound."""
        for _ in range(4):  # deleting a share of rows frees about that share of pages
            used = self.used_bytes(db)
            if used <= self.max_bytes:
                return
            count = db.execute("SELECT count(*) FROM entries").fetchone()[0]
            if count == 0:
                return
            doomed = max(1, math.ceil(count * (used - self.max_bytes * _EVICT_TO) / used))
            with _transaction(db):
                db.execute(
                    "DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY human, used LIMIT ?)", (doomed,)
                )
            log.info("translation memory over %d MB: %d least recently used entries evicted", self.max_bytes >> 20, doomed)

    # -- runs and counts ------------------------------------------------------------------

    def count(self, stats: MemoryStats) -> None:
        """Add one call's counts to this process's totals (`totals`, the runs table at close)."""
        with self._lock:
            self._totals += stats

    def totals(self) -> MemoryStats:
        """This process's counts so far (the server's /metrics reads these)."""
        with self._lock:
            return self._totals

    def record_run(self, stats: MemoryStats) -> None:
        """Keep a finished run's counts for `stats`; only the last `RUNS_KEPT` are kept."""
        with self._guarded("recording the run") as usable:
            if not usable:
                return
            db = self._db()
            with _transaction(db):
                db.execute(
                    "INSERT INTO runs (finished, hits, human, decoded, repeats, stored) VALUES (?, ?, ?, ?, ?, ?)",
                    (self.clock(), stats.hits, stats.human, stats.decoded, stats.repeats, stats.stored),
                )
                db.execute("DELETE FROM runs WHERE id <= (SELECT max(id) FROM runs) - ?", (RUNS_KEPT,))

    # -- file digests (a `fingerprint.DigestCache`) -----------------------------------------

    def cached_digest(self, path: str, stamp: FileStamp) -> str | None:
        with self._guarded("reading a model file's digest") as usable:
            if usable:
                row = self._db().execute("SELECT stamp, digest FROM file_digests WHERE path = ?", (path,)).fetchone()
                if row is not None and row[0] == repr(stamp):
                    return row[1]
        return None

    def save_digest(self, path: str, stamp: FileStamp, digest: str) -> None:
        with self._guarded("saving a model file's digest") as usable:
            if usable:
                with _transaction(self._db()) as db:
                    db.execute("INSERT OR REPLACE INTO file_digests VALUES (?, ?, ?)", (path, repr(stamp), digest))

    # -- the memory as a whole (the `memory` commands) ------------------------------------

    def report(self, runs: int = 10) -> MemoryReport:
        """Entries, sizes and the last `runs` runs' counts."""
        with self._guarded("reading the statistics") as usable:
            if not usable:
                raise MemoryUnusable(self.path, self.problem or "turned off")
            db = self._db()
            entries, human = db.execute("SELECT count(*), coalesce(sum(human), 0) FROM entries").fetchone()
            contexts = db.execute("SELECT count(*) FROM contexts").fetchone()[0]
            recent = db.execute(
                "SELECT finished, hits, human, decoded, repeats, stored FROM runs ORDER BY id DESC LIMIT ?", (runs,)
            ).fetchall()
            used = self.used_bytes(db)
        if self.problem:
            raise MemoryUnusable(self.path, self.problem)
        files = [self.path, self.path.with_name(self.path.name + "-wal")]
        return MemoryReport(
            path=self.path,
            entries=entries,
            human_entries=human,
            contexts=contexts,
            file_bytes=sum(p.stat().st_size for p in files if p.exists()),
            used_bytes=used,
            max_bytes=self.max_bytes,
            runs=tuple(RunRecord(row[0], MemoryStats(*row[1:])) for row in recent),
        )

    def entries(self, page: int = 1000) -> Iterator[Entry]:
        """Every entry, in key order, read a page at a time (no long read transaction)."""
        last = 0
        descriptions: dict[int, tuple[str, dict[str, Any]]] = {}
        while True:
            with self._guarded("reading entries") as usable:
                if not usable:
                    raise MemoryUnusable(self.path, self.problem or "turned off")
                db = self._db()
                rows = db.execute(
                    "SELECT id, context, source, translation, given, human, used FROM entries "
                    "WHERE id > ? ORDER BY id LIMIT ?",
                    (last, page),
                ).fetchall()
                for digest_id, digest, description in db.execute("SELECT id, digest, description FROM contexts"):
                    descriptions.setdefault(digest_id, (digest, json.loads(description)))
            if self.problem:
                raise MemoryUnusable(self.path, self.problem)
            if not rows:
                return
            for row_id, context_id, source, translation, given, human, used in rows:
                if context_id in descriptions:  # else written under a context cleared meanwhile
                    digest, description = descriptions[context_id]
                    yield Entry(source, translation, bool(human), digest, description, used, given)
            last = rows[-1][0]

    def clear(self) -> int:
        """Delete every entry, context and run, and give the space back; how many entries went."""
        with self._guarded("clearing") as usable:
            if not usable:
                raise MemoryUnusable(self.path, self.problem or "turned off")
            db = self._db()
            with _transaction(db):
                gone = db.execute("SELECT count(*) FROM entries").fetchone()[0]
                for table in ("entries", "contexts", "runs", "file_digests"):
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            self._contexts = {}
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return gone
        raise MemoryUnusable(self.path, self.problem or "turned off")


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction taken at once (BEGIN IMMEDIATE: no deadlock on upgrade)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _in_chunks(db: sqlite3.Connection, statement: str, ids: list[int], *first: Any) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        db.execute(statement.format(",".join("?" * len(chunk))), (*first, *chunk))


def _storable(text: str) -> bool:
    """Text SQLite can store as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reason(exc: BaseException) -> str:
    """A short reason for a database or file error."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


__all__ = [
    "TranslationMemory",
    "entry_key",
    "human_source",
    "open_memory",
]
