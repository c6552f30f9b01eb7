"""What each input of an output folder has become, kept in SQLite, so a rerun resumes.

The state of a folder run lives in `OUTPUT/.batch-state.sqlite` (an embedded
database, one file plus SQLite's journal beside it): one row per input with its
status, the sha256 of the bytes it was made from, the options it was made with (a
fingerprint, stored once in its own table), its outputs, and what the report and the
digest show (title, summary, flags, note, the translation memory's counts). A
finished article costs one row update, not a rewrite of a large JSON file, so a
500,000-article run resumes and reports at the same cost per article as a 100-article
one. `report.json` and `index.md` are written from this state (`Ledger.report`).

An input is skipped when its row says done (or skipped) with the same bytes and the
same options, and its outputs are still there.

Limits: rows are committed at most `COMMIT_SECONDS` apart (and at the end): a crash
(power cut, kill -9) forgets up to that much finished work, which the next run redoes
and writes again, byte for byte. One run at a time per output folder: a second
concurrent run waits for SQLite's lock and then fails with OutputError.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

from translate_sum.batch.discover import REPORT_NAME
from translate_sum.batch.options import BatchOptions, BriefMaker
from translate_sum.batch.report import ArticleResult, BatchReport
from translate_sum.errors import Hint, OutputError
from translate_sum.options import TranslateOptions
from translate_sum.pipeline import Translator

log = logging.getLogger(__name__)

STATE_NAME = ".batch-state.sqlite"
"""Hidden, so `discover` never reads it even when the output folder is under the input."""

COMMIT_SECONDS = 1.0
"""Most time between two commits: short enough that a crash loses little, long enough
that 100,000 skipped inputs are not 100,000 transactions."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS options (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    options_id INTEGER NOT NULL REFERENCES options(id),
    input_dir TEXT NOT NULL,
    started REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    input TEXT PRIMARY KEY,
    run INTEGER NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    outputs TEXT NOT NULL,
    seconds REAL NOT NULL,
    sha256 TEXT,
    options_id INTEGER,
    title TEXT,
    summary TEXT,
    flags TEXT NOT NULL,
    note TEXT,
    memory TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_run ON articles(run, position);
"""


def options_fingerprint(
    options: BatchOptions, translator: Translator | None = None, briefer: BriefMaker | None = None
) -> dict[str, Any]:
    """What, besides the input bytes, decides an article's outputs.

    Models are named as the user gave them (a Hub id or a folder). The engine and
    device are left out on purpose: they change speed, not what a rerun should redo.
    A change here makes a rerun redo every article.
    """
    if options.models is not None:
        models = dict(options.models)
    elif translator is not None:
        models = dict(translator.models)
        if briefer is not None and not options.translate_only:
            models.update(getattr(briefer, "models", None) or {})
    else:
        raise ValueError("options.models must name the models when they load lazily")
    data: dict[str, Any] = {
        "models": models,
        "translation": dataclasses.asdict(translate_options(options, translator)),
        "format": options.fmt,
        "translate_only": options.translate_only,
        "show_skipped": options.show_skipped,
    }
    if not options.translate_only:
        data["length"] = options.length
        data["summarizer"] = options.summarizer
    return data


def translate_options(options: BatchOptions, translator: Translator | None) -> TranslateOptions:
    """The translation settings of a run: given, else the loaded translator's."""
    if options.translate_options is not None:
        return options.translate_options
    return translator.options if translator is not None else TranslateOptions()


def _add_memory_column(db: sqlite3.Connection) -> None:
    """Give a state database from before the translation memory its `memory` column."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    if "memory" not in columns:
        db.execute("ALTER TABLE articles ADD COLUMN memory TEXT")


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Previous:
    """What an earlier run left for one input: enough to decide a skip and report it."""

    status: str
    sha256: str | None
    options_id: int | None
    outputs: tuple[str, ...]
    title: str | None
    summary: str | None
    flags: list[dict[str, Any]]
    note: str | None


class Ledger:
    """The state database of one output folder, opened for one run.

    `start` registers the run and its options; `previous` answers for one input;
    `record` writes one input's result for this run; `report` reads them back in
    input order. Close it (or use it as a context manager) to commit.
    """

    def __init__(self, output_dir: Path) -> None:
        self.path = output_dir / STATE_NAME
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            self.db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            # WAL: readers (a report in progress) never block the writer; NORMAL sync
            # is crash-safe in WAL mode and skips an fsync per commit.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            _add_memory_column(self.db)
            self.db.execute("BEGIN")
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise OutputError(
                f"{output_dir}: cannot keep the run's state there ({reason})",
                Hint("choose a writable folder for {option}", "output_dir"),
            ) from exc
        self.run_id = 0
        self.options_id = 0
        self.last_commit = time.monotonic()
        if fresh:
            self._import_report(output_dir / REPORT_NAME)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, fingerprint: dict[str, Any], input_dir: str | Path) -> None:
        """Register this run and its options fingerprint."""
        self.options_id = self._options_id(fingerprint)
        cursor = self.db.execute(
            "INSERT INTO runs (options_id, input_dir, started) VALUES (?, ?, ?)", (self.options_id, str(input_dir), time.time())
        )
        self.run_id = int(cursor.lastrowid or 0)
        self.commit()

    def _options_id(self, fingerprint: dict[str, Any]) -> int:
        text = json.dumps(fingerprint, sort_keys=True, ensure_ascii=False)
        self.db.execute("INSERT OR IGNORE INTO options (fingerprint) VALUES (?)", (text,))
        return int(self.db.execute("SELECT id FROM options WHERE fingerprint = ?", (text,)).fetchone()[0])

    def previous(self, name: str) -> Previous | None:
        """The row an earlier run left for input `name`, if any."""
        row = self.db.execute(
            "SELECT status, sha256, options_id, outputs, title, summary, flags, note FROM articles WHERE input = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        status, sha, options_id, outputs, title, summary, flags, note = row
        return Previous(status, sha, options_id, tuple(json.loads(outputs)), title, summary, json.loads(flags), note)

    def outputs_of_others(self, names: Iterable[str]) -> list[str]:
        """The outputs recorded for inputs other than `names` (what a new name must not reuse)."""
        mine = set(names)
        rows = self.db.execute("SELECT input, outputs FROM articles WHERE outputs != '[]'")
        return [output for name, outputs in rows if name not in mine for output in json.loads(outputs)]

    def is_done(self, previous: Previous | None, sha256: str) -> bool:
        """Whether an input with these bytes was finished with this run's options."""
        return (
            previous is not None
            and previous.status in ("done", "skipped")
            and previous.sha256 == sha256
            and previous.options_id == self.options_id
        )

    def record(self, result: ArticleResult, position: int) -> None:
        """Write one input's result for this run (committed within COMMIT_SECONDS).

        Raises `OutputError` when the database cannot be written (a full disk).
        """
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO articles (input, run, position, status, error, outputs, seconds, sha256, options_id,"
                " title, summary, flags, note, memory) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result.input, self.run_id, position, result.status, result.error, json.dumps(result.outputs),
                    result.seconds, result.sha256, self.options_id if result.status != "failed" else None,
                    result.title, result.summary, json.dumps(result.flags, ensure_ascii=False), result.note,
                    json.dumps(result.memory) if result.memory is not None else None,
                ),
            )
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from exc
        if time.monotonic() - self.last_commit >= COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Make every recorded result durable now; `OutputError` when it cannot be (a full disk).

        After a failure the ledger stays usable: SQLite may have rolled the open
        transaction back (its results are then forgotten, and redone by the next run),
        and the next commit starts from whatever state it left.
        """
        try:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
            self.db.execute("BEGIN")
        except sqlite3.Error as exc:
            raise self._unwritable(exc) from exc
        self.last_commit = time.monotonic()

    def _unwritable(self, exc: sqlite3.Error) -> OutputError:
        return OutputError(
            f"{self.path.parent}: cannot record the run's progress ({exc}); the run stopped, finished articles are kept",
            Hint("free space for {option} and run the same command again to do the rest", "output_dir"),
        )

    def results(self) -> Iterator[ArticleResult]:
        """This run's results in input order."""
        rows = self.db.execute(
            "SELECT input, status, error, outputs, seconds, sha256, title, summary, flags, note, memory"
            " FROM articles WHERE run = ? ORDER BY position",
            (self.run_id,),
        )
        for name, status, error, outputs, seconds, sha, title, summary, flags, note, memory in rows:
            yield ArticleResult(
                name, status, error, json.loads(outputs), seconds, sha, title, summary, json.loads(flags), note,
                json.loads(memory) if memory is not None else None,
            )

    def report(self, input_dir: str | Path, output_dir: Path, fingerprint: dict[str, Any], names: Iterable[str], seconds: float,
               interrupted: bool) -> BatchReport:
        """This run's report: every input reached, in order; the rest as pending."""
        articles = list(self.results())
        reached = {a.input for a in articles}
        pending = [name for name in names if name not in reached]
        report = BatchReport(str(input_dir), str(output_dir), fingerprint, articles, len(articles) + len(pending), seconds,
                             interrupted)
        report.pending_inputs = pending
        return report

    def close(self) -> None:
        """Commit and close; safe to call twice."""
        if getattr(self, "db", None) is None:
            return
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error:
            pass
        self.db.close()
        self.db = None  # type: ignore[assignment]

    def _import_report(self, path: Path) -> None:
        """Carry over a report.json written before the state moved to SQLite."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            options_id = self._options_id(dict(data["options"]))
            articles = [a for a in data["articles"] if isinstance(a, dict) and a.get("status") in ("done", "skipped")]
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s cannot be read (%s); every article will be redone", path, exc)
            return
        for position, a in enumerate(articles):
            self.db.execute(
                "INSERT OR REPLACE INTO articles (input, run, position, status, error, outputs, seconds, sha256, options_id,"
                " title, summary, flags, note) VALUES (?, 0, ?, 'done', NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a["input"], position, json.dumps(a.get("outputs") or []), a.get("seconds") or 0.0, a.get("sha256"),
                    options_id, a.get("title"), a.get("summary"), json.dumps(a.get("flags") or [], ensure_ascii=False),
                    a.get("note"),
                ),
            )
        log.info("carried %d finished articles over from %s", len(articles), path)
