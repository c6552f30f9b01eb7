"""One group of articles: read, translate together, brief, write, and say how it went.

The same code runs in the local batch and in a Ray worker, so both write the same
bytes. Nothing here decides what to skip or keeps a report: it takes the work items
the driver hands it and yields one `ArticleResult` per item, each as soon as that
article's outputs are written.

Limits: a group is translated in one engine call, so an article is done (and written)
when its whole group is; groups are small (`BatchOptions.group_size`, `group_bytes`)
for that reason.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from translate_sum import writers
from translate_sum.batch.options import BatchOptions, BriefMaker, Models
from translate_sum.batch.report import ArticleResult
from translate_sum.document import Article, TranslatedArticle
from translate_sum.errors import InputError, TranslateSumError, flag_namer
from translate_sum.fetch import is_url
from translate_sum.options import TranslateOptions
from translate_sum.pipeline import PreparedArticle, Translator, prepare
from translate_sum.reader import read_article

log = logging.getLogger(__name__)

ENGLISH_NOTE = "The text is in English: passed through untranslated."


@dataclass(frozen=True)
class WorkItem:
    """One input to do: where it is, what its bytes hash to, where its outputs go."""

    input: str  # relative to the input folder, "/"-separated
    sha256: str
    outputs: tuple[str, ...]  # relative to the output folder, translation first
    size: int = 0  # bytes, for grouping
    # Read already (a feed item's page, read while collecting the feed): used as it
    # is, instead of reading `input` again.
    article: Article | None = None


def plan_groups(items: Iterable[WorkItem], size: int, budget: int) -> Iterator[list[WorkItem]]:
    """Consecutive items in groups of at most `size` items and about `budget` bytes.

    A group closes when it holds `size` items or `budget` bytes (an item larger than
    the budget goes alone). The grouping depends only on the items, so every driver
    (local or Ray) translates the same groups and writes the same bytes.
    """
    group: list[WorkItem] = []
    used = 0
    for item in items:
        if group and (len(group) >= size or used + item.size > budget):
            yield group
            group, used = [], 0
        group.append(item)
        used += item.size
    if group:
        yield group


@dataclass(frozen=True)
class Workplace:
    """The folders and settings every work item of a run shares."""

    input_dir: Path
    output_dir: Path
    options: BatchOptions
    translate_options: TranslateOptions


@dataclass
class _Read:
    item: WorkItem
    article: PreparedArticle
    seconds: float


def process_group(
    place: Workplace,
    group: Iterable[WorkItem],
    models: Callable[[], Models],
    tell: Callable[[str], None] | None = None,
) -> Iterator[ArticleResult]:
    """Read, translate (one engine call), brief and write a group; one result per item.

    Unreadable inputs are yielded as failed before anything is translated; `models`
    is called only when some article of the group needs translating. A
    KeyboardInterrupt leaves no half-written article behind and propagates.
    """
    ready: list[_Read] = []
    for item in group:
        read = read_item(place, item)
        if isinstance(read, ArticleResult):
            yield read
        else:
            ready.append(read)
    if not ready:
        return
    translator, briefer = models()
    if not place.options.translate_only and briefer is None:
        raise ValueError("the model loader gave no briefer; set options.translate_only or return one")
    if tell:
        more = f" (+{len(ready) - 1} more)" if len(ready) > 1 else ""
        tell(f"translating {ready[0].item.input}{more}")
    for read, translated in zip(ready, translate_group(translator, ready)):
        yield finish(place, read, translated, briefer)


def read_item(place: Workplace, item: WorkItem) -> _Read | ArticleResult:
    """Read and prepare one input; a failed result when it cannot be used."""
    started = time.perf_counter()
    name = item.input
    path = name if is_url(name) else place.input_dir / name  # an address is fetched

    def failed(error: str) -> ArticleResult:
        return ArticleResult(name, "failed", error, [], time.perf_counter() - started, item.sha256)

    try:
        article = item.article or read_article(path, max_bytes=place.options.max_bytes, limits=place.options.document_limits())
        if article.source.sha256 and not is_url(name):
            # The hash recorded is that of the bytes translated: the file may have
            # changed since it was hashed to decide whether to skip it.
            item = dataclasses.replace(item, sha256=article.source.sha256)
        # Cleaning and the language check now, so a page in another language fails
        # alone here instead of failing its whole translation group later.
        article = prepare(article, place.translate_options)
    except InputError as exc:
        # The reader names the file by the path it was given; the report uses the relative one.
        return failed(describe(exc, place.options.flag_names).replace(str(path), name))
    except Exception as exc:  # a reader bug must not end the run, but must be seen
        log.exception("%s: unexpected error while reading", name)
        return failed(describe(exc, place.options.flag_names))
    # Outputs name the article by its place in the folder, not by this machine's path.
    article = dataclasses.replace(article, source=dataclasses.replace(article.source, path=name))
    return _Read(item, article, time.perf_counter() - started)


def translate_group(translator: Translator, group: list[_Read]) -> list[TranslatedArticle | BaseException]:
    """Translations of the group, in order; an article that fails carries its exception.

    The group goes to the engine in one call. If that call fails, each article is
    retried alone so that one bad article does not take the others down with it.
    """
    try:
        return list(translator.translate_many([read.article for read in group]))
    except Exception as exc:
        if len(group) == 1:
            log.exception("%s: translation failed", group[0].item.input)
            return [exc]
        log.warning("a group of %d articles failed (%s); translating them one by one", len(group), describe(exc))
    results: list[TranslatedArticle | BaseException] = []
    for read in group:
        try:
            results.append(translator.translate(read.article))
        except Exception as exc:
            log.exception("%s: translation failed", read.item.input)
            results.append(exc)
    return results


def finish(
    place: Workplace, read: _Read, translated: TranslatedArticle | BaseException, briefer: BriefMaker | None
) -> ArticleResult:
    """Brief and write one translated article; its result."""
    item = read.item
    name = item.input
    # Reading time, plus this article's share of its group's translation, plus its own work.
    started = time.perf_counter()
    base_seconds = read.seconds

    def failed(error: str) -> ArticleResult:
        return ArticleResult(name, "failed", error, [], base_seconds + time.perf_counter() - started, item.sha256)

    if isinstance(translated, BaseException):
        return failed(describe(translated, place.options.flag_names))
    base_seconds += translated.stats.seconds
    options = place.options
    written: list[Path] = []
    try:
        texts = [writers.render_translation(translated, options.fmt, show_skipped=options.show_skipped)]
        title, summary = translated.title, None
        if not options.translate_only:
            assert briefer is not None
            brief = briefer.brief(translated, length=options.length)
            texts.append(writers.render_brief(brief, options.fmt))
            title, summary = brief.title, brief.summary
        for relative, text in zip(item.outputs, texts):
            path = place.output_dir / relative
            writers.write_atomic(path, text)
            written.append(path)
    except KeyboardInterrupt:
        # An article is done when all its outputs are: take back the half that was written.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    except TranslateSumError as exc:  # an output that cannot be written (a full disk, a name too long)
        log.error("%s: %s", name, describe(exc, options.flag_names))  # one line: the cause is known
        for path in written:
            path.unlink(missing_ok=True)
        return failed(describe(exc, options.flag_names))
    except Exception as exc:  # a bug in briefing or rendering: fails one article, with its traceback
        log.exception("%s: failed after translation", name)
        for path in written:
            path.unlink(missing_ok=True)
        return failed(describe(exc, options.flag_names))
    return ArticleResult(
        name, "done", None, list(item.outputs),
        base_seconds + time.perf_counter() - started, item.sha256, title, summary,
        [{"paragraph": p.index, **flag.to_dict()} for p in translated.paragraphs for flag in p.flags],
        ENGLISH_NOTE if translated.source.language == "en" else None,
        writers.memory_to_dict(translated.stats),
    )


def describe(exc: BaseException, flag_names: dict[str, str] | None = None) -> str:
    """One line for the report: our own errors with their hint (settings spelled as
    `flag_names` says, see `BatchOptions.flag_names`), others with their type."""
    if isinstance(exc, TranslateSumError):
        return exc.describe(flag_namer(flag_names) if flag_names is not None else None)
    text = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {text}"
