"""A folder run on this machine: find the work, skip what is done, do the rest, report.

`run_batch` takes the loaded models as arguments (a `Translator`, and a briefer for
briefs), or a loader it calls only when some article needs them, so it never loads a
model by itself and tests hand it tiny ones. One run:

1. discover the inputs (sorted, so the order is the same on every machine);
2. hash each input; skip it when the state database (`state.Ledger`) says it was
   done with the same bytes and the same options and its outputs are still there,
   not emptied; the hash recorded for an article is that of the bytes it was
   translated from (read once, in `work.read_item`), not of those hashed here;
3. take the others a group at a time: read them (a file that cannot be used is
   recorded as failed, with the reader's one-line reason, and the run goes on),
   translate the group in one `translate_many` call, brief each article, write its
   outputs as soon as its group is done, and record it in the state database;
4. write `report.json` and `index.md` from the state, atomically, at the end and
   every `REPORT_SECONDS` during a long run.

Ctrl-C (KeyboardInterrupt) stops the run between two writes: finished outputs are
kept, the article being written loses its new outputs, the report and the digest are
written, and the returned report says `interrupted`; the CLI exits 130.

`Driver` is the bookkeeping shared with the Ray driver (`cluster.run_on_ray`):
validation, discovery, skipping, recording, reports and progress. When INPUT follows
feeds (an address, a saved feed, an OPML list, a list with a feed: see `follow`),
the work is the feeds' new articles instead of discovered files, collected when the
driver opens; everything else is the same.

Limits: one process, one machine (see `cluster` for Ray); two runs writing the same
output folder at the same time are not coordinated beyond SQLite's lock. The names of
every input are held in memory (about 200 bytes each).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from translate_sum import writers
from translate_sum.batch.digest import render_index_html, render_index_md
from translate_sum.batch.discover import INDEX_NAME, REPORT_NAME, discover, listed_addresses, output_paths
from translate_sum.batch.follow import FeedWork
from translate_sum.batch.options import BatchOptions, BriefMaker, ModelLoader, Models
from translate_sum.batch.report import ArticleResult, BatchReport
from translate_sum.batch.state import Ledger, file_sha256, options_fingerprint, translate_options
from translate_sum.batch.work import WorkItem, Workplace, plan_groups, process_group
from translate_sum.errors import Hint, InputError, OutputError
from translate_sum.fetch import is_url
from translate_sum.options import TranslateOptions
from translate_sum.pipeline import Translator

log = logging.getLogger(__name__)

BatchProgress = Callable[[int, int, str], None]
"""Called with (articles finished, articles in all, the article being worked on)."""

REPORT_SECONDS = 60.0
"""During a long run, report.json and index.md are rewritten about this often..."""
REPORT_COST_FACTOR = 20.0
"""...or, when writing them takes long, this many times what writing them took: at
most 5% of the run goes to reports."""


def check_folders(input_dir: str | Path, output_dir: Path) -> None:
    """Raise InputError when the input is neither a folder nor a file nor an http(s)
    address, or is the output folder."""
    if isinstance(input_dir, str) and is_url(input_dir):
        return
    input_dir = Path(input_dir)
    if not input_dir.is_dir() and not input_dir.is_file():
        raise InputError(
            f"{input_dir}: no such folder", Hint("give the folder that holds the articles, a feed, an OPML list, or a file listing addresses")
        )
    if output_dir.resolve() == input_dir.resolve():
        raise InputError(f"{output_dir}: the output folder is the input folder", Hint("choose another {option}", "output_dir"))


def not_a_file(path: Path) -> str | None:
    """Why `path` is not read as an article (a named pipe, a device, a broken or
    looping link), in words for the report; None for a regular file.

    Opening a named pipe would wait for a writer forever, so nothing is opened here.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"a symbolic link to a missing file ({os.readlink(path)}); fix or remove the link"
        return "no such file (removed during the run?)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop; fix or remove the link"
        return None  # hashing the file reports it in its own words
    if stat.S_ISREG(mode):
        return None
    kind = (
        "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket" if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"{kind}, not a file; a folder run reads regular files only"


def _intact(output: Path) -> bool:
    """Whether an output of an earlier run is still there to keep: a file, not emptied
    (every output this tool writes has text)."""
    try:
        return output.is_file() and output.stat().st_size > 0
    except OSError:
        return False


class Driver:
    """One run's bookkeeping: what to do, what was done, the reports and the progress.

    Opening it checks the folders and opens the state database, so an output folder
    that cannot be written fails before any model loads.
    """

    def __init__(
        self,
        input_dir: str | Path,
        output_dir: Path,
        options: BatchOptions,
        fingerprint: dict[str, Any],
        translate_options: TranslateOptions,
        progress: BatchProgress | None = None,
    ) -> None:
        if options.fmt not in ("md", "json", "html"):
            raise ValueError(f"format must be md, json or html, not {options.fmt!r}")
        check_folders(input_dir, output_dir)
        address = isinstance(input_dir, str) and is_url(input_dir)
        # An address has no folder: a feed run's articles come read (WorkItem.article).
        folder = Path() if address else Path(input_dir)
        self.input: str | Path = input_dir if address else folder
        self.place = Workplace(folder, output_dir, options, translate_options)
        self.fingerprint = fingerprint
        self.progress = progress
        made_here = not output_dir.exists()
        self.ledger = Ledger(output_dir)
        self.started = time.perf_counter()
        try:
            self.feeds = FeedWork.open(self.input, self.ledger, options)
            if self.feeds is not None:
                self.outputs = {name: self.feeds.outputs[name] for name in self.feeds.names}
            elif folder.is_file():  # a list of http(s) addresses, one a line
                self.outputs = listed_addresses(folder, options)
            else:
                found = discover(folder, options.patterns, recursive=options.recursive, exclude=[output_dir])
                self.outputs = {path.as_posix(): paths for path, paths in output_paths(found, options).items()}
        except BaseException:
            self.ledger.close()
            if made_here:  # refused before any work: leave no folder behind
                shutil.rmtree(output_dir, ignore_errors=True)
            raise
        self.names = list(self.outputs)
        self.positions = {name: i for i, name in enumerate(self.names)}
        self.recorded = 0
        self.next_report = time.monotonic() + REPORT_SECONDS
        self.ledger.start(fingerprint, self.input)
        log.info("%d articles in %s; options %s", len(self.names), input_dir, fingerprint)

    @property
    def total(self) -> int:
        return len(self.names)

    def tell(self, current: str) -> None:
        """Show progress: articles recorded so far, of all, and what is being done."""
        if self.progress:
            self.progress(self.recorded, self.total, current)

    def work(self) -> Iterator[WorkItem]:
        """Hash every input; record the skipped and unreadable ones, yield the rest.

        An address is hashed as its text: one done before is not fetched again (a
        page's markup changes on every visit); `force` fetches it anew.
        """
        if self.feeds is not None:  # collected new, read already: nothing to hash or skip
            for item in self.feeds.work():
                self.tell(item.input)
                yield item
            return
        options = self.place.options
        output_dir = self.place.output_dir
        for name, paths in self.outputs.items():
            started = time.perf_counter()
            targets = tuple(o.as_posix() for o in paths)
            try:
                if is_url(name):
                    sha, size = hashlib.sha256(name.encode()).hexdigest(), 0
                else:
                    path = self.place.input_dir / name
                    problem = not_a_file(path)
                    if problem is not None:
                        self.record(ArticleResult(name, "failed", f"{name}: {problem}"))
                        continue
                    sha, size = file_sha256(path), path.stat().st_size
            except OSError as exc:
                self.record(ArticleResult(name, "failed", f"{name}: cannot read the file ({exc.strerror or exc}); check its permissions"))
                continue
            before = None if options.force else self.ledger.previous(name)
            if self.ledger.is_done(before, sha) and all(_intact(output_dir / o) for o in targets):
                assert before is not None
                self.record(
                    ArticleResult(
                        name, "skipped", None, list(targets), time.perf_counter() - started, sha,
                        before.title, before.summary, before.flags, before.note,
                    )
                )
            else:
                self.tell(name)
                yield WorkItem(name, sha, targets, size)

    def groups(self) -> Iterator[list[WorkItem]]:
        """The work to do, in the groups every driver translates together."""
        options = self.place.options
        return plan_groups(self.work(), max(1, options.group_size), options.group_bytes)

    def record(self, result: ArticleResult) -> None:
        """Keep one input's result (in a feed run, with those sharing its text); rewrite the reports when due."""
        for kept in self.feeds.record(result) if self.feeds is not None else [result]:
            self.ledger.record(kept, self.positions[kept.input])
            self.recorded += 1
        if time.monotonic() >= self.next_report:
            started = time.monotonic()
            self.save(interrupted=False)
            cost = time.monotonic() - started
            self.next_report = time.monotonic() + max(REPORT_SECONDS, REPORT_COST_FACTOR * cost)
        self.tell(result.input)

    def save(self, interrupted: bool, workers: list[dict[str, Any]] | None = None) -> BatchReport:
        """Commit the state and write report.json and index.md from it.

        A state that cannot be committed (a full disk) still has its reports written
        if they fit; its `OutputError` is raised after that.
        """
        unsaved: OutputError | None = None
        try:
            self.ledger.commit()
        except OutputError as exc:
            unsaved = exc
        place = self.place
        report = self.ledger.report(
            self.input, place.output_dir, self.fingerprint, self.names, time.perf_counter() - self.started, interrupted
        )
        report.workers = list(workers or [])
        if self.feeds is not None:
            self.feeds.annotate(report)
        writers.write_atomic(place.output_dir / REPORT_NAME, writers.to_json(report.to_dict()))
        if self.feeds is not None:
            self.feeds.write_digests(report, place.output_dir, place.options.fmt)
        else:
            writers.write_atomic(place.output_dir / INDEX_NAME, render_index_md(report))
            if place.options.fmt == "html":
                writers.write_atomic(place.output_dir / "index.html", render_index_html(report))
        if unsaved is not None:
            raise unsaved
        return report

    def close(self) -> None:
        self.ledger.close()


def run_batch(
    input_dir: str | Path,
    output_dir: str | Path,
    options: BatchOptions,
    translator: Translator | None = None,
    briefer: BriefMaker | None = None,
    progress: BatchProgress | None = None,
    *,
    load: ModelLoader | None = None,
) -> BatchReport:
    """Translate (and brief) every article under `input_dir` into `output_dir`.

    `input_dir` may also be a feed (its address, or a saved RSS or Atom file), an OPML
    list or a file listing addresses with a feed among them: then the run translates
    the feeds' new items (see `follow`), with `options.feeds` for `since` and politeness.

    Give the models loaded (`translator`, and `briefer` unless translate-only), or
    give `load` and `options.models`: then the models load only if some article is
    not already done, so a rerun with nothing to do takes no model-loading time.

    Returns the report also written to `output_dir/report.json`. Per-article problems
    (unreadable input, an exception while translating one article, an output that
    cannot be written) are recorded as failed and the run goes on; a KeyboardInterrupt
    ends the run cleanly with `report.interrupted` set. Raises InputError, before any
    work, when `input_dir` is neither a folder, a file nor an address, is the output
    folder, is a list with a line that is not an address or a broken OPML file, or
    follows no feed while `options.feeds.since` is set; and OutputError when the
    output folder cannot be written, or when the run's state stops being writable
    (a full disk): the run then stops, and report.json and index.md are written
    first if they fit.
    """
    if (translator is None) == (load is None):
        raise ValueError("give either a translator or a model loader")
    if translator is not None and not options.translate_only and briefer is None:
        raise ValueError("a briefer is needed unless options.translate_only is set")
    fingerprint = options_fingerprint(options, translator, briefer)
    driver = Driver(input_dir, Path(output_dir), options, fingerprint, translate_options(options, translator), progress)
    loaded: list[Models] = [] if translator is None else [(translator, briefer)]

    def models() -> Models:
        if not loaded:
            assert load is not None
            driver.tell("(loading models)")
            loaded.append(load())
        return loaded[0]

    interrupted = False
    stopped: OutputError | None = None
    try:
        try:
            driver.tell("")
            for group in driver.groups():
                for result in process_group(driver.place, group, models, driver.tell):
                    driver.record(result)
        except KeyboardInterrupt:
            interrupted = True
            log.info("interrupted: %d of %d articles recorded", driver.recorded, driver.total)
        except OutputError as exc:  # the state or a report cannot be written (a full disk): stop now
            interrupted, stopped = True, exc
        try:
            report = driver.save(interrupted)
        except OutputError:
            if stopped is None:
                raise  # the reports cannot be written: that is the error to tell
    finally:
        driver.close()
    if stopped is not None:
        raise stopped
    return report
