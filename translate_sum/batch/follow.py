"""A folder run whose INPUT follows sources: feeds in, their new articles as the run's work.

`batch` follows feeds (`translate_sum.feeds`) when its INPUT is an http(s) address
(a feed, an OPML list, or a page), a saved RSS or Atom file, an OPML export, or a
list of addresses of which at least one is a feed. A folder, and a list of article
addresses only, run as they always have (`discover`). Whether a list holds a feed is
known from the output folder's state when a run has seen its addresses before;
otherwise each address the folder has not finished as an article is asked for its
first bytes (`feeds.find_feed`), once, until one is a feed.

`FeedWork` is a feed run's side of the driver (`run.Driver`, local or on Ray):

- it collects the new items (`feeds.collect_feed_items`) in the run's state database
  (`FeedState` on the ledger's connection, so both commit together);
- it hands the driver one `WorkItem` per article to translate, the article already
  read (the items' pages were downloaded while collecting), its outputs named after
  its link (`FeedArticle.output_path`); an article with the same text as an earlier
  one of the run (`same_text_as`) is not translated again: when the first one's
  result comes, the other gets the same outputs, title, summary and flags;
- it records each result in the feed state (done, with the English title and summary
  the digest and feed.xml show, or failed: retried by later runs up to
  `FeedOptions.max_attempts`), and puts the item's marks (updated, summary only) in
  the report's note;
- it writes the run's digest (index.md, index.html) and `feed.xml`, an Atom feed of
  the English briefs of the last `FEED_XML_ITEMS` items, for the user's feed reader.

Limits: an item's outputs are named after its link, so two items whose links map to
the same file in different runs share it (the later overwrites); changing the models
or the options does not redo items already done (a feed run translates what is new;
`--force` redoes what the feeds list); a list is probed only while none of its
addresses is known to be a feed, so a list of article addresses costs one short
request per address the first time each is seen.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from translate_sum import writers
from translate_sum.batch.digest import render_feed_index_html, render_feed_index_md
from translate_sum.batch.discover import INDEX_NAME, distinct_names, output_paths
from translate_sum.batch.options import BatchOptions
from translate_sum.batch.report import ArticleResult, BatchReport
from translate_sum.batch.state import Ledger
from translate_sum.batch.work import WorkItem
from translate_sum.errors import Hint, InputError
from translate_sum.feeds import (
    FEED_NAME,
    SUMMARY_ONLY,
    UPDATED,
    DigestItem,
    FeedArticle,
    FeedOptions,
    FeedRun,
    FeedState,
    Source,
    collect_feed_items,
    feed_id,
    find_feed,
    read_sources,
    render_atom,
)
from translate_sum.feeds.client import PoliteClient
from translate_sum.fetch import is_url

log = logging.getLogger(__name__)

FEED_XML_ITEMS = 100
"""Items feed.xml lists: the last finished, in this run or earlier ones."""
EARLIER_ITEMS = 20
"""Items of earlier runs the digest lists below the run's own, newest first."""
FEED_TITLE = "Press review"


def feed_options(options: BatchOptions) -> FeedOptions:
    """The feed settings of a run: `options.feeds` (or the defaults), with the run's size limit and `force`."""
    return dataclasses.replace(options.feeds or FeedOptions(), max_bytes=options.max_bytes, force=options.force)


def feed_sources(spec: str | Path, ledger: Ledger, state: FeedState, options: FeedOptions) -> list[Source] | None:
    """The sources INPUT follows, or None when it is a folder or a list of article addresses only.

    Raises InputError (nothing fetched yet) for a file that cannot be read, a list
    with a line that is not an address, a broken OPML file.
    """
    if isinstance(spec, str) and is_url(spec):
        return read_sources(spec, max_bytes=options.max_bytes)
    path = Path(spec)
    if path.is_dir():
        return None
    sources = read_sources(path, max_bytes=options.max_bytes)
    if any(source.kind == "feed" for source in sources):
        return sources  # a saved feed, or an OPML list's feeds
    urls = [source.location for source in sources]
    known = {url: state.source(url) for url in urls}
    if any(source is not None and source.kind == "feed" for source in known.values()):
        return sources
    unknown = [url for url in urls if known[url] is None and not _done_as_article(ledger, url)]
    if unknown and find_feed(unknown, PoliteClient(options)) is not None:
        return sources
    return None


def _done_as_article(ledger: Ledger, url: str) -> bool:
    previous = ledger.previous(url)
    return previous is not None and previous.status in ("done", "skipped")


class FeedWork:
    """A feed run's articles, outputs, records and digests (see the module's docstring)."""

    def __init__(self, run: FeedRun, state: FeedState, options: BatchOptions, taken: Sequence[str] = ()) -> None:
        self.run = run
        self.state = state
        self.articles = {article.input: article for article in run.articles}
        self.copies: dict[str, list[FeedArticle]] = {}  # first article's input -> those with its text
        for article in run.articles:
            if article.same_text_as is not None:
                self.copies.setdefault(article.same_text_as, []).append(article)
        # Names already given to other inputs (earlier runs' items) are not reused: an
        # item whose link maps to one is renamed, so no earlier translation is overwritten.
        self.outputs = _outputs(run.articles, options, taken)

    @classmethod
    def open(cls, spec: str | Path, ledger: Ledger, options: BatchOptions) -> FeedWork | None:
        """Collect what INPUT's feeds have that is new; None when INPUT follows no feed.

        Raises InputError for an input that cannot be used, and for `since` given
        with an input that follows no feed (its articles have no date to filter by).
        """
        settings = feed_options(options)
        state = FeedState(ledger.db)
        sources = feed_sources(spec, ledger, state, settings)
        if sources is None:
            if settings.since is not None:
                raise InputError(
                    f"{spec}: a folder or a list of article addresses; only feed items have a date to filter by",
                    Hint("leave out {option}, or give a feed, an OPML list or a list with a feed", "since"),
                )
            return None
        run = collect_feed_items(sources, state, settings)
        log.info("%d feed articles to translate, %d requests in %.2f s", len(run.articles), run.requests, run.seconds)
        return cls(run, state, options, ledger.outputs_of_others(article.input for article in run.articles))

    @property
    def names(self) -> list[str]:
        """Every article of the run, in the order collected (those sharing a text included)."""
        return [article.input for article in self.run.articles]

    def work(self) -> Iterator[WorkItem]:
        """The articles to translate, read already; one per text."""
        for article in self.run.articles:
            if article.same_text_as is None:
                outputs = tuple(path.as_posix() for path in self.outputs[article.input])
                size = sum(len(p.source.encode()) for p in article.article.paragraphs)
                yield WorkItem(article.input, article.text_hash, outputs, size, article=article.article)

    def record(self, result: ArticleResult) -> list[ArticleResult]:
        """`result` with its item's marks in its note, then the results of the articles
        sharing its text (same outputs); each kept in the feed state."""
        article = self.articles.get(result.input)
        if article is None:  # not a feed article (cannot happen in a feed run): kept as it is
            return [result]
        kept = [self._keep(article, result)]
        for copy in self.copies.get(result.input, []):
            error = f"{copy.input}: the same text as {result.input}, which failed" if result.status == "failed" else None
            shared = ArticleResult(copy.input, result.status, error, list(result.outputs), 0.0, copy.text_hash,
                                   result.title, result.summary, list(result.flags), result.note)
            kept.append(self._keep(copy, shared))
        return kept

    def _keep(self, article: FeedArticle, result: ArticleResult) -> ArticleResult:
        result = dataclasses.replace(result, note=_note(article, result.note))
        if result.status == "done":
            self.state.record_done(
                article.key, input=article.input, text_hash=article.text_hash, body_hash=article.body_hash,
                title=result.title, summary=result.summary, flags=result.flags, marks=article.marks, outputs=result.outputs,
            )
        elif result.status == "failed":
            self.state.record_failed(article.key, result.error or "failed")
        return result

    def annotate(self, report: BatchReport) -> None:
        """Add what the feeds gave to the report: each source, the items left out, the requests."""
        report.feeds = [dataclasses.asdict(feed) for feed in self.run.feeds]
        report.notes = [dataclasses.asdict(note) for note in self.run.notes]
        report.requests = self.run.requests

    def write_digests(self, report: BatchReport, output_dir: Path, fmt: str) -> None:
        """index.md (and index.html for the html format) of the run, and feed.xml of the last items."""
        items = [
            DigestItem.from_article(self.articles[a.input], title=a.title, summary=a.summary, flags=a.flags, outputs=a.outputs)
            for a in report.articles if a.status == "done" and a.input in self.articles
        ]
        keys = {item.key for item in items}
        recent = [DigestItem.from_stored(brief) for brief in self.state.recent(max(FEED_XML_ITEMS, EARLIER_ITEMS + len(keys)))]
        earlier = [item for item in recent if item.key not in keys][:EARLIER_ITEMS]
        writers.write_atomic(output_dir / INDEX_NAME, render_feed_index_md(report, items, earlier))
        if fmt == "html":
            writers.write_atomic(output_dir / "index.html", render_feed_index_html(report, items, earlier))
        atom = render_atom(recent[:FEED_XML_ITEMS], feed_id=feed_id(str(output_dir.resolve())), title=FEED_TITLE,
                           updated=datetime.now(timezone.utc))
        writers.write_atomic(output_dir / FEED_NAME, atom)


def _outputs(articles: Sequence[FeedArticle], options: BatchOptions, taken: Sequence[str]) -> dict[str, list[Path]]:
    """Each article's outputs, named after its link (never after outputs in `taken`);
    those sharing a text share the first one's."""
    firsts = [article for article in articles if article.same_text_as is None]
    names = distinct_names([Path(a.output_path.as_posix()) for a in firsts], taken)
    paths = dict(zip((a.input for a in firsts), names))
    named = output_paths(list(paths.values()), options)
    outputs = {name: named[path] for name, path in paths.items()}
    for article in articles:
        if article.same_text_as is not None:
            outputs[article.input] = outputs[article.same_text_as]
    return outputs


def _note(article: FeedArticle, note: str | None) -> str | None:
    """The report's note on a feed article: its marks and why, then what batch said."""
    parts = []
    if UPDATED in article.marks:
        parts.append("Updated: the article changed since it was last translated.")
    if SUMMARY_ONLY in article.marks:
        parts.append(f"Summary only, the feed's own text translated: {article.note or 'the page could not be read'}.")
    if article.same_text_as is not None:
        parts.append(f"The same text as {article.same_text_as}: translated once, outputs shared.")
    if note and note not in parts:
        parts.append(note)
    return " ".join(parts) or None
