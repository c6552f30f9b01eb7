"""A folder run on this machine: find the work, skip what is done, do the rest, report.

`run_batch` takes the loaded models as arguments (a `Translator`, and a briefer for
briefs), or a loader it calls only when some article needs them, so it never loads a
model by itself and tests hand it tiny ones. One run:

1. discover the inputs (sorted, so the order is the same on every machine);
2. hash each input; skip it when the previous run says it was done with the same
   bytes and the same options and its outputs are still there;
3. take the others a group at a time: read them (a file that cannot be used is
   recorded as failed, with the reader's one-line reason, and the run goes on),
   translate the group in one `translate_many` call, brief each article, and write
   its outputs as soon as its group is done;
4. write `report.json` and `index.md` atomically, so a run stopped at any point
   leaves a report that matches the files.

Ctrl-C (KeyboardInterrupt) stops the run between two writes: finished outputs are
kept, the article being written loses its new outputs, the report and the digest are
written, and the returned report says `interrupted`; the CLI exits 130.

Limits: one process, one machine; two runs writing the same output folder at the same
time are not coordinated.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from translate_sum import writers
from translate_sum.batch.discover import INDEX_NAME, REPORT_NAME, discover, listed_addresses, output_paths
from translate_sum.batch.options import BatchOptions, BriefMaker, ModelLoader, Models
from translate_sum.batch.report import ArticleResult, BatchReport
from translate_sum.batch.state import file_sha256, load_previous, options_fingerprint, translate_options
from translate_sum.batch.work import WorkItem, Workplace, process_group
from translate_sum.errors import InputError
from translate_sum.fetch import is_url
from translate_sum.pipeline import Translator

log = logging.getLogger(__name__)

BatchProgress = Callable[[int, int, str], None]
"""Called with (articles finished, articles in all, the article being worked on)."""


class _Run:
    """The state of one run: results so far, and how to save them."""

    def __init__(self, input_dir: Path, output_dir: Path, fingerprint: dict[str, Any], inputs: list[str]) -> None:
        self.output_dir = output_dir
        self.order = {name: i for i, name in enumerate(inputs)}
        self.results: dict[str, ArticleResult] = {}
        self.report = BatchReport(str(input_dir), str(output_dir), fingerprint, [], len(inputs))
        self.started = time.perf_counter()

    def record(self, result: ArticleResult) -> None:
        self.results[result.input] = result
        self.save_report()

    def finish_report(self) -> BatchReport:
        self.report.articles = sorted(self.results.values(), key=lambda r: self.order[r.input])
        self.report.seconds = time.perf_counter() - self.started
        return self.report

    def save_report(self) -> None:
        writers.write_atomic(self.output_dir / REPORT_NAME, writers.to_json(self.finish_report().to_dict()))


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

    Give the models loaded (`translator`, and `briefer` unless translate-only), or
    give `load` and `options.models`: then the models load only if some article is
    not already done, so a rerun with nothing to do takes no model-loading time.

    Returns the report also written to `output_dir/report.json`. Per-article problems
    (unreadable input, an exception while translating one article) are recorded as
    failed and the run goes on; a KeyboardInterrupt ends the run cleanly with
    `report.interrupted` set. Raises InputError when `input_dir` is not a folder or is
    the output folder, and OutputError when the output folder cannot be written.
    """
    source = Path(input_dir)
    target = Path(output_dir)
    if not source.is_dir() and not source.is_file():
        raise InputError(f"{source}: no such folder; give the folder that holds the articles, or a file listing addresses")
    if target.resolve() == source.resolve():
        raise InputError(f"{target}: the output folder is the input folder; choose another -o")
    if (translator is None) == (load is None):
        raise ValueError("give either a translator or a model loader")
    if translator is not None and not options.translate_only and briefer is None:
        raise ValueError("a briefer is needed unless options.translate_only is set")
    if options.fmt not in ("md", "json", "html"):
        raise ValueError(f"format must be md, json or html, not {options.fmt!r}")

    if source.is_file():  # a list of http(s) addresses, one a line
        outputs = listed_addresses(source, options)
    else:
        found = discover(source, options.patterns, recursive=options.recursive, exclude=[target])
        outputs = {path.as_posix(): paths for path, paths in output_paths(found, options).items()}
    inputs = list(outputs)
    fingerprint = options_fingerprint(options, translator, briefer)
    place = Workplace(source, target, options, translate_options(options, translator))
    run = _Run(source, target, fingerprint, inputs)
    total = len(inputs)
    log.info("%d articles in %s; options %s", total, source, fingerprint)

    def tell(current: str) -> None:
        if progress:
            progress(len(run.results), total, current)

    loaded: list[Models] = [] if translator is None else [(translator, briefer)]

    def models() -> Models:
        if not loaded:
            assert load is not None
            tell("(loading models)")
            loaded.append(load())
        return loaded[0]

    try:
        tell("")
        pending = list(_scan(run, place, outputs, fingerprint, tell))
        size = max(1, options.group_size)
        for start in range(0, len(pending), size):
            for result in process_group(place, pending[start : start + size], models, tell):
                run.record(result)
                tell(result.input)
    except KeyboardInterrupt:
        run.report.interrupted = True
        log.info("interrupted: %d of %d articles recorded", len(run.results), total)
    report = run.finish_report()
    run.save_report()
    writers.write_atomic(target / INDEX_NAME, writers.render_index(report))
    if options.fmt == "html":
        from translate_sum.html_view import render_index_html

        writers.write_atomic(target / "index.html", render_index_html(report))
    return report


def _scan(
    run: _Run,
    place: Workplace,
    outputs: dict[str, list[Path]],
    fingerprint: dict[str, Any],
    tell: Callable[[str], None],
) -> Iterator[WorkItem]:
    """Hash every input; record the ones to skip (or that cannot be read), yield the rest.

    An address is hashed as its text: one done before is not fetched again (a page's
    markup changes on every visit); `force` fetches it anew.
    """
    options = place.options
    previous_options, previous = ({}, {}) if options.force else load_previous(place.output_dir)
    if previous_options != fingerprint:
        previous = {}
    for name, paths in outputs.items():
        started = time.perf_counter()
        targets = tuple(o.as_posix() for o in paths)
        try:
            sha = hashlib.sha256(name.encode()).hexdigest() if is_url(name) else file_sha256(place.input_dir / name)
        except OSError as exc:
            run.record(ArticleResult(name, "failed", f"{name}: cannot read the file ({exc.strerror or exc}); check its permissions"))
            tell(name)
            continue
        before = previous.get(name)
        if (
            before is not None
            and before.get("status") in ("done", "skipped")
            and before.get("sha256") == sha
            and all((place.output_dir / o).is_file() for o in targets)
        ):
            run.record(
                ArticleResult(
                    name, "skipped", None, list(targets), time.perf_counter() - started, sha,
                    before.get("title"), before.get("summary"), list(before.get("flags") or []),
                    before.get("note"),
                )
            )
        else:
            yield WorkItem(name, sha, targets)
        tell(name)
