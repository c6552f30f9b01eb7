"""Folder runs: find the articles, translate and brief them, keep a report, resume.

`run_batch` takes the loaded models as arguments (a `Translator`, and a briefer for
briefs), so it never loads a model itself and tests hand it tiny ones. One run:

1. discover the inputs (sorted, so the order is the same on every machine);
2. hash each input; skip it when the previous run's report says it was done with the
   same bytes and the same options and its outputs are still there;
3. read the others (a file that cannot be used is recorded as failed, with the
   reader's one-line reason, and the run goes on);
4. translate them a group at a time (one `translate_many` call per group, so the
   segments of several short articles fill the model's batches), brief each, and
   write its outputs as soon as its group is done;
5. rewrite `report.json` after every article and `index.md` at the end, both
   atomically, so a run stopped at any point leaves a report that matches the files.

Ctrl-C (KeyboardInterrupt) stops the run between two writes: finished outputs are
kept, the article being written loses its new outputs, the report and the digest are
written, and the returned report says `interrupted`; the CLI exits 130.

Limits: one process, one machine; two runs writing the same output folder at the same
time are not coordinated. Symbolic links to folders are not followed. Articles are
read whole before translation starts, so memory grows with the folder (news articles
are a few kilobytes each; the reader refuses files over its size limit).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Literal, Protocol, Sequence
from urllib.parse import quote

from translate_sum import writers
from translate_sum.document import Article, Brief, TranslatedArticle
from translate_sum.errors import InputError, TranslateSumError
from translate_sum.pipeline import TranslateOptions, Translator, prepare_article
from translate_sum.reader import DEFAULT_MAX_BYTES, read_article

log = logging.getLogger(__name__)

TEXT_PATTERNS = ("*.txt", "*.md")
HTML_PATTERNS = ("*.html", "*.htm")
DEFAULT_PATTERNS = TEXT_PATTERNS + HTML_PATTERNS
"""What a folder run reads by default; HTML pages go through the reader's HTML path."""

REPORT_NAME = "report.json"
INDEX_NAME = "index.md"
GROUP_SIZE = 8
"""Articles per `translate_many` call: enough segments to keep the engine's batches
full, few enough that finished outputs appear often and an interrupt loses little."""

# Our own output names: never read back as input, even from a folder we don't know.
_OUTPUT_SUFFIXES = (".en.md", ".brief.md", ".en.json", ".brief.json", ".tmp")

Status = Literal["done", "skipped", "failed"]
BatchProgress = Callable[[int, int, str], None]
"""Called with (articles finished, articles in all, the article being worked on)."""


class BriefMaker(Protocol):
    """What a folder run needs to brief an article (pipeline.Briefer is one)."""

    def brief(self, translated: TranslatedArticle, length: str = "medium") -> Brief:
        ...


Models = tuple[Translator, "BriefMaker | None"]
ModelLoader = Callable[[], Models]
"""Loads the translator and briefer; called only when some article needs them."""


@dataclass(frozen=True)
class BatchOptions:
    """Settings of a folder run, carried together."""

    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    recursive: bool = True
    translate_only: bool = False
    force: bool = False
    fmt: str = "md"  # md or json
    length: str = "medium"
    show_skipped: bool = False  # list skipped paragraphs (furniture, duplicates) in translations
    summarizer: str = "abstractive"  # recorded in the options fingerprint only
    group_size: int = GROUP_SIZE
    max_bytes: int = DEFAULT_MAX_BYTES
    # The models (as the user named them) and translation settings the outputs come
    # from. Needed when models load lazily (`run_batch(load=...)`); None takes them
    # from the loaded translator and briefer.
    models: dict[str, str] | None = None
    translate_options: TranslateOptions | None = None


@dataclass
class ArticleResult:
    """One input's line in the report; paths are relative to the input/output folder."""

    input: str
    status: Status
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sha256: str | None = None
    title: str | None = None
    summary: str | None = None
    # The audit's flags, each with the paragraph it is about: what to double-check.
    flags: list[dict[str, Any]] = field(default_factory=list)
    # Something the reader should know about a finished article (English passed through).
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "status": self.status,
            "error": self.error,
            "outputs": list(self.outputs),
            "seconds": round(self.seconds, 3),
            "sha256": self.sha256,
            "title": self.title,
            "summary": self.summary,
            "flags": list(self.flags),
            "note": self.note,
        }


@dataclass
class BatchReport:
    """What a folder run did: one result per input reached, in input order."""

    input_dir: str
    output_dir: str
    options: dict[str, Any]
    articles: list[ArticleResult]
    total: int  # inputs discovered
    seconds: float = 0.0
    interrupted: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for a in self.articles if a.status == status)

    @property
    def pending(self) -> int:
        """Inputs this run did not reach (only after an interrupt)."""
        return self.total - len(self.articles)

    @property
    def totals(self) -> dict[str, Any]:
        return {
            "articles": self.total,
            "done": self.count("done"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "pending": self.pending,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": [a.to_dict() for a in self.articles],
            "totals": self.totals,
            "options": self.options,
        }

    def summary_line(self) -> str:
        """One line for the end of a run: counts and seconds."""
        parts = [f"{self.count('done')} done", f"{self.count('skipped')} skipped", f"{self.count('failed')} failed"]
        if self.interrupted:
            parts.append(f"{self.pending} not reached (interrupted)")
        return f"{self.total} articles: {', '.join(parts)} in {self.seconds:.1f} s; report in {self.output_dir}"


def exit_status(report: BatchReport) -> int:
    """The CLI's exit status: 0 all succeeded (or skipped), 1 any failed, 130 interrupted."""
    if report.interrupted:
        return 130
    return 1 if report.count("failed") else 0


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------


def discover(
    input_dir: Path,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    *,
    recursive: bool = True,
    exclude: Sequence[Path] = (),
) -> list[Path]:
    """Input files under `input_dir`, relative to it, in a stable sorted order.

    Skipped: hidden files and folders (names starting with "."; this covers our own
    temporary files), the folders in `exclude` (the output folder), any folder holding
    a previous run's report.json and index.md, and files named like our outputs.
    Patterns match the file name, case-insensitively (`*.txt` finds `A.TXT`); a
    pattern with a "/" matches the path relative to `input_dir`.
    """
    root = input_dir.resolve()
    excluded = {p.resolve() for p in exclude}
    lowered = [p.lower() for p in patterns]
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        kept = []
        for name in dirnames:
            sub = here / name
            if name.startswith(".") or sub.resolve() in excluded or _is_output_folder(sub):
                log.debug("not reading %s: hidden, or an output folder", sub)
                continue
            kept.append(name)
        dirnames[:] = sorted(kept) if recursive else []
        for name in filenames:
            if name.startswith(".") or name.lower().endswith(_OUTPUT_SUFFIXES):
                continue
            relative = (here / name).relative_to(root)
            if not (here / name).is_file():
                continue
            if _matches(relative, lowered):
                found.append(relative)
    return sorted(found, key=lambda p: p.parts)


def _matches(relative: Path, patterns: Sequence[str]) -> bool:
    name = relative.name.lower()
    posix = relative.as_posix().lower()
    return any(fnmatch.fnmatchcase(posix if "/" in p else name, p) for p in patterns)


def _is_output_folder(folder: Path) -> bool:
    return (folder / REPORT_NAME).is_file() and (folder / INDEX_NAME).is_file()


def output_paths(inputs: Sequence[Path], options: BatchOptions) -> dict[Path, list[Path]]:
    """Each input's outputs, relative to the output folder: translation first.

    `sub/name.txt` gives `sub/name.en.md` and `sub/name.brief.md`. When two inputs of
    a folder share a stem (`a.txt`, `a.md`) their whole names are used instead
    (`a.txt.en.md`, `a.md.en.md`) so neither overwrites the other.
    """
    stems: dict[tuple[Path, str], int] = {}
    for path in inputs:
        key = (path.parent, path.stem.lower())
        stems[key] = stems.get(key, 0) + 1
    extension = "json" if options.fmt == "json" else "md"
    outputs: dict[Path, list[Path]] = {}
    for path in inputs:
        base = path.stem if stems[(path.parent, path.stem.lower())] == 1 else path.name
        names = [f"{base}.en.{extension}"]
        if not options.translate_only:
            names.append(f"{base}.brief.{extension}")
        outputs[path] = [path.parent / n for n in names]
    return outputs


# ---------------------------------------------------------------------------
# Options fingerprint and the previous report
# ---------------------------------------------------------------------------


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
        "translation": dataclasses.asdict(_translate_options(options, translator)),
        "format": options.fmt,
        "translate_only": options.translate_only,
        "show_skipped": options.show_skipped,
    }
    if not options.translate_only:
        data["length"] = options.length
        data["summarizer"] = options.summarizer
    return data


def _translate_options(options: BatchOptions, translator: Translator | None) -> TranslateOptions:
    if options.translate_options is not None:
        return options.translate_options
    return translator.options if translator is not None else TranslateOptions()


def load_previous(output_dir: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The previous run's options and its articles by input path; empty when unusable."""
    path = output_dir / REPORT_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = {a["input"]: a for a in data["articles"] if isinstance(a, dict) and "input" in a}
        return dict(data.get("options") or {}), articles
    except FileNotFoundError:
        return {}, {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s cannot be read (%s); every article will be redone", path, exc)
        return {}, {}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass
class _Pending:
    relative: Path
    sha256: str
    outputs: list[Path]
    article: Article
    read_seconds: float


class _Run:
    """The state of one run: results so far, and how to save them."""

    def __init__(
        self,
        input_dir: Path,
        output_dir: Path,
        options: BatchOptions,
        translate_options: TranslateOptions,
        fingerprint: dict[str, Any],
        inputs: list[Path],
    ) -> None:
        self.input_dir = input_dir
        self.output_dir = output_dir
        self.options = options
        self.translate_options = translate_options
        self.order = {p.as_posix(): i for i, p in enumerate(inputs)}
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
    if not source.is_dir():
        raise InputError(f"{source}: not a folder; give the folder that holds the articles")
    if target.resolve() == source.resolve():
        raise InputError(f"{target}: the output folder is the input folder; choose another -o")
    if (translator is None) == (load is None):
        raise ValueError("give either a translator or a model loader")
    if translator is not None and not options.translate_only and briefer is None:
        raise ValueError("a briefer is needed unless options.translate_only is set")
    if options.fmt not in ("md", "json"):
        raise ValueError(f"format must be md or json, not {options.fmt!r}")

    inputs = discover(source, options.patterns, recursive=options.recursive, exclude=[target])
    outputs = output_paths(inputs, options)
    fingerprint = options_fingerprint(options, translator, briefer)
    previous_options, previous = ({}, {}) if options.force else load_previous(target)
    same_options = previous_options == fingerprint
    run = _Run(source, target, options, _translate_options(options, translator), fingerprint, inputs)
    total = len(inputs)
    log.info("%d articles in %s; options %s", total, source, fingerprint)

    def tell(current: str) -> None:
        if progress:
            progress(len(run.results), total, current)

    try:
        tell("")
        pending: list[_Pending] = []
        for relative in inputs:
            item = _prepare(run, relative, outputs[relative], previous if same_options else {})
            if item is not None:
                pending.append(item)
            tell(relative.as_posix())
        if pending and translator is None:
            assert load is not None
            tell("(loading models)")
            translator, briefer = load()
            if not options.translate_only and briefer is None:
                raise ValueError("the model loader gave no briefer; set options.translate_only or return one")
        size = max(1, options.group_size)
        for start in range(0, len(pending), size):
            group = pending[start : start + size]
            more = f" (+{len(group) - 1} more)" if len(group) > 1 else ""
            tell(f"translating {group[0].relative.as_posix()}{more}")
            assert translator is not None
            for item, translated in zip(group, _translate_group(translator, group)):
                _finish(run, item, translated, briefer)
                tell(item.relative.as_posix())
    except KeyboardInterrupt:
        run.report.interrupted = True
        log.info("interrupted: %d of %d articles recorded", len(run.results), total)
    report = run.finish_report()
    run.save_report()
    writers.write_atomic(target / INDEX_NAME, render_index(report))
    return report


def _prepare(run: _Run, relative: Path, outputs: list[Path], previous: dict[str, dict[str, Any]]) -> _Pending | None:
    """Hash and read one input; None when it is skipped or failed (already recorded)."""
    started = time.perf_counter()
    name = relative.as_posix()
    path = run.input_dir / relative
    try:
        sha = file_sha256(path)
    except OSError as exc:
        run.record(ArticleResult(name, "failed", f"{name}: cannot read the file ({exc.strerror or exc}); check its permissions"))
        return None
    before = previous.get(name)
    if (
        not run.options.force
        and before is not None
        and before.get("status") in ("done", "skipped")
        and before.get("sha256") == sha
        and all((run.output_dir / o).is_file() for o in outputs)
    ):
        run.record(
            ArticleResult(
                name, "skipped", None, [o.as_posix() for o in outputs], time.perf_counter() - started, sha,
                before.get("title"), before.get("summary"), list(before.get("flags") or []),
                before.get("note"),
            )
        )
        return None
    try:
        article = read_article(path, max_bytes=run.options.max_bytes)
        # Cleaning and the language check now, so a page in another language fails
        # alone here instead of failing its whole translation group later.
        article = prepare_article(article, run.translate_options)
    except InputError as exc:
        # The reader names the file by the path it was given; the report uses the relative one.
        run.record(ArticleResult(name, "failed", str(exc).replace(str(path), name), [], time.perf_counter() - started, sha))
        return None
    except Exception as exc:  # a reader bug must not end the run, but must be seen
        log.exception("%s: unexpected error while reading", name)
        run.record(ArticleResult(name, "failed", _describe(exc), [], time.perf_counter() - started, sha))
        return None
    # Outputs name the article by its place in the folder, not by this machine's path.
    article = dataclasses.replace(article, source=dataclasses.replace(article.source, path=name))
    return _Pending(relative, sha, outputs, article, time.perf_counter() - started)


def _translate_group(translator: Translator, group: list[_Pending]) -> list[TranslatedArticle | BaseException]:
    """Translations of the group, in order; an article that fails carries its exception.

    The group goes to the engine in one call. If that call fails, each article is
    retried alone so that one bad article does not take the others down with it.
    """
    try:
        return list(translator.translate_many([item.article for item in group]))
    except Exception as exc:
        if len(group) == 1:
            log.exception("%s: translation failed", group[0].relative.as_posix())
            return [exc]
        log.warning("a group of %d articles failed (%s); translating them one by one", len(group), _describe(exc))
    results: list[TranslatedArticle | BaseException] = []
    for item in group:
        try:
            results.append(translator.translate(item.article))
        except Exception as exc:
            log.exception("%s: translation failed", item.relative.as_posix())
            results.append(exc)
    return results


def _finish(run: _Run, item: _Pending, translated: TranslatedArticle | BaseException, briefer: BriefMaker | None) -> None:
    """Brief and write one translated article, then record it."""
    name = item.relative.as_posix()
    # Reading time, plus this article's share of its group's translation, plus its own work.
    started = time.perf_counter()
    base_seconds = item.read_seconds

    def failed(error: str) -> ArticleResult:
        return ArticleResult(name, "failed", error, [], base_seconds + time.perf_counter() - started, item.sha256)

    if isinstance(translated, BaseException):
        run.record(failed(_describe(translated)))
        return
    base_seconds += translated.stats.seconds
    written: list[Path] = []
    try:
        fmt = run.options.fmt
        texts = [writers.render_translation(translated, fmt, show_skipped=run.options.show_skipped)]
        title, summary = translated.title, None
        if not run.options.translate_only:
            assert briefer is not None
            brief = briefer.brief(translated, length=run.options.length)
            texts.append(writers.render_brief(brief, fmt))
            title, summary = brief.title, brief.summary
        for relative, text in zip(item.outputs, texts):
            path = run.output_dir / relative
            writers.write_atomic(path, text)
            written.append(path)
    except KeyboardInterrupt:
        # An article is done when all its outputs are: take back the half that was written.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    except Exception as exc:  # OutputError included: a name too long fails one article
        log.exception("%s: failed after translation", name)
        for path in written:
            path.unlink(missing_ok=True)
        run.record(failed(_describe(exc)))
        return
    run.record(
        ArticleResult(
            name, "done", None, [o.as_posix() for o in item.outputs],
            base_seconds + time.perf_counter() - started, item.sha256, title, summary,
            [{"paragraph": p.index, **flag.to_dict()} for p in translated.paragraphs for flag in p.flags],
            ENGLISH_NOTE if translated.source.language == "en" else None,
        )
    )


ENGLISH_NOTE = "The text is in English: passed through untranslated."


def _describe(exc: BaseException) -> str:
    """One line for the report: our own errors as they are, others with their type."""
    if isinstance(exc, TranslateSumError):
        return str(exc)
    text = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {text}"


# ---------------------------------------------------------------------------
# The digest
# ---------------------------------------------------------------------------


def _link(path: str) -> str:
    # Markdown links break on spaces and parentheses in file names; encode them.
    return quote(PurePosixPath(path).as_posix())


def render_index(report: BatchReport) -> str:
    """index.md: one page with every article's title, summary and links, failures last."""
    succeeded = [a for a in report.articles if a.status != "failed"]
    failed = [a for a in report.articles if a.status == "failed"]
    lines = ["# Press review", ""]
    counts = f"{len(succeeded)} of {report.total} articles translated"
    if failed:
        counts += f", {len(failed)} failed"
    if report.interrupted:
        counts += f", {report.pending} not reached (the run was interrupted; run it again to finish)"
    models = report.options.get("models", {})
    used = ", ".join(f"{role}: {name}" for role, name in models.items())
    lines += [f"{counts}. Models: {used}." if used else f"{counts}.", ""]
    for number, article in enumerate(succeeded, start=1):
        title = article.title or PurePosixPath(article.input).stem
        lines.append(f"## {number}. {_one_line(title)}")
        lines.append("")
        if article.summary:
            lines += [_one_line(article.summary), ""]
        if article.note:
            lines += [f"_{article.note}_", ""]
        if article.flags:
            lines += [_checks_line(article.flags), ""]
        links = [f"[{_label(o)}]({_link(o)})" for o in reversed(article.outputs)]
        lines += [f"{' · '.join(links)} · source: `{article.input}`", ""]
    if failed:
        lines += [f"## Failed ({len(failed)})", ""]
        lines += [f"- `{a.input}`: {_reason(a)}" for a in failed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _checks_line(flags: list[dict[str, Any]]) -> str:
    """'Check: number ¶3, ¶7; untranslated ¶2–¶9': flagged paragraphs by kind, as ranges."""
    by_kind: dict[str, set[int]] = {}
    for flag in flags:
        by_kind.setdefault(flag["kind"], set()).add(flag["paragraph"])
    return "Check: " + "; ".join(f"{kind} {_ranges(sorted(by_kind[kind]))}" for kind in sorted(by_kind))


def _ranges(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"¶{r[0]}" if len(r) == 1 else f"¶{r[0]}–¶{r[-1]}" for r in runs)


def _label(output: str) -> str:
    return "brief" if ".brief." in PurePosixPath(output).name else "translation"


def _reason(article: ArticleResult) -> str:
    # Reader errors start with the file name, which the list item already shows.
    error = _one_line(article.error or "unknown error")
    prefix = f"{article.input}: "
    return error[len(prefix):] if error.startswith(prefix) else error


def _one_line(text: str) -> str:
    return " ".join(text.split())
