"""Feeds in, the run's new articles out: fetch, keep only what is new, read the pages.

`collect_feed_items` is what `batch` calls for feed inputs. One run:

1. download every source at once (within the client's per-host limits): a feed with
   the ETag and Last-Modified of its last answer, so an unchanged feed costs one
   304; a listed address already done as an article page is not downloaded at all;
   an OPML list found by address is opened and its feeds downloaded next;
2. decide each item against the state (`FeedState`): left out when published
   before `since`; skipped when seen before (by id, by link in any feed, or, for a
   new id and link, by the feed's own title and summary: a republish); to do when
   new, pending or failed before; to check when its feed entry changed (another
   summary, a later update date). The items to do are stored as pending in the
   transaction that stores the feed's new validators;
3. download the pages to read (robots.txt respected) and extract their articles as
   a URL input is read (`reader.parse_article`); a page that cannot be had gives way
   to the feed's own text, marked "summary only", never dropped;
4. settle by text: a changed entry whose article is the same is done as before; a
   new item whose article body is one already done is a republish; the articles
   left are returned, those with the same text pointing to the first
   (`same_text_as`: translate once), near-duplicates grouped into stories.

A feed that fails is reported with its reason and the others go on; so is an item.

Limits: the pages of one run are held in memory together (a few hundred kilobytes
of text each); items are decided one feed at a time, in the order the sources were
given, so of two feeds listing the same new link the first one's item is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Sequence

from translate_sum.document import Article
from translate_sum.errors import InputError
from translate_sum.feeds.client import PoliteClient, Response
from translate_sum.feeds.dedupe import group_near_duplicates
from translate_sum.feeds.items import FeedItem, FeedOptions, text_sha256
from translate_sum.feeds.opml import parse_opml
from translate_sum.feeds.parse import parse_feed, sniff_kind
from translate_sum.feeds.sources import Source
from translate_sum.feeds.state import FeedState, KnownItem, KnownSource
from translate_sum.fetch import FetchedPage, is_url, url_input_path
from translate_sum.reader import parse_article

log = logging.getLogger(__name__)

SUMMARY_ONLY = "summary only"
UPDATED = "updated"


@dataclass(frozen=True)
class FeedArticle:
    """An item to translate: the feed's metadata, the article read, and how it is marked.

    `input` is the name batch gives it (the item's link; `feed#item-HASH` for an item
    without one); `text_hash` is the sha256 of its words, title included (the ledger's
    hash: a changed text is redone), `body_hash` the same without the title.
    `marks` hold "updated" and/or "summary only" (`note` then says why the page was
    not used). `same_text_as` names an earlier article of the run with the same text:
    translate that one and reuse its outputs. `story` numbers its group of
    near-duplicates in `FeedRun.stories`.
    """

    item: FeedItem
    article: Article
    input: str
    text_hash: str
    body_hash: str
    marks: tuple[str, ...] = ()
    note: str | None = None
    same_text_as: str | None = None
    story: int | None = None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def sha256(self) -> str:
        return self.text_hash

    @property
    def output_path(self) -> PurePosixPath:
        """Where batch puts its outputs (before `output_paths` adds `.en.md`...): the
        link's place on its site, as for a listed address (`fetch.url_input_path`); an
        item without a link goes beside its feed, named by its key's hash."""
        if self.item.link:
            return url_input_path(self.item.link)
        feed = self.item.feed
        base = url_input_path(feed) if is_url(feed) else PurePosixPath("saved-feeds", _safe_name(PurePosixPath(feed).name))
        return base.parent / f"{base.stem}-item-{_key_hash(self.item.key)}"


@dataclass(frozen=True)
class FeedReport:
    """One source of the run: what it gave, or why it failed."""

    source: str
    title: str | None
    status: str  # read, not modified, page, list, failed
    error: str | None = None
    items: int = 0  # items the feed listed
    new: int = 0
    updated: int = 0
    seen: int = 0
    too_old: int = 0  # left out by `since`; not marked seen, so a run without it takes them


@dataclass(frozen=True)
class ItemNote:
    """An item the run does not translate, and why: republished, broken, unchanged, failed."""

    source: str
    item: str
    status: str
    detail: str | None = None


@dataclass(frozen=True)
class FeedRun:
    """What a feed run collected: the articles to translate and the report's lines."""

    articles: tuple[FeedArticle, ...]
    feeds: tuple[FeedReport, ...]
    notes: tuple[ItemNote, ...]
    stories: tuple[tuple[str, ...], ...]  # inputs of near-duplicate articles, one tuple per story
    requests: int
    seconds: float

    @property
    def failures(self) -> int:
        """Feeds that failed and items that could not be read at all (exit status 1)."""
        return sum(1 for f in self.feeds if f.status == "failed") + sum(1 for n in self.notes if n.status == "failed")


@dataclass
class _Fetched:
    source: Source
    known: KnownSource | None
    response: Response | None = None
    error: str | None = None
    skipped: bool = False  # a listed page already done: not downloaded


@dataclass
class _Plan:
    item: FeedItem
    known: KnownItem | None
    marks: tuple[str, ...] = ()
    page: Response | None = None  # a listed page, downloaded already


@dataclass
class _Tally:
    new: int = 0
    updated: int = 0
    seen: int = 0
    too_old: int = 0
    notes: list[ItemNote] = field(default_factory=list)


def collect_feed_items(
    sources: Sequence[Source], state: FeedState, options: FeedOptions, client: PoliteClient | None = None
) -> FeedRun:
    """Fetch `sources`, keep the items new since the last run, read their articles.

    Returns the articles to translate and the report; never raises for a feed or an
    item that fails (each is reported). Record each article's outcome afterwards with
    `state.record_done` / `state.record_failed`.
    """
    started = time.perf_counter()
    client = client or PoliteClient(options)
    fetched = _fetch_all(sources, state, client, options)
    plans: list[_Plan] = []
    reports: list[FeedReport] = []
    notes: list[ItemNote] = []
    planned_links: set[str] = set()
    for result in fetched:
        report, feed_plans, feed_notes = _plan_source(result, state, options, planned_links)
        reports.append(report)
        plans += feed_plans
        notes += feed_notes
    pages = _download_pages(plans, client, options)
    articles: list[FeedArticle] = []
    with state.transaction():
        for plan, page in zip(plans, pages):
            read = _read(plan, page)
            if isinstance(read, ItemNote):  # nothing to read at all: retried up to max_attempts
                state.record_failed(plan.item.key, read.detail or read.status)
                notes.append(read)
            else:
                outcome = _settle(plan, read, state)
                (notes if isinstance(outcome, ItemNote) else articles).append(outcome)  # type: ignore[arg-type]
    articles, stories = _group(articles, options.duplicate_threshold)
    log.info("feeds: %d sources, %d articles to translate, %d requests", len(reports), len(articles), client.requests)
    return FeedRun(tuple(articles), tuple(reports), tuple(notes), stories, client.requests, time.perf_counter() - started)


def _fetch_all(sources: Sequence[Source], state: FeedState, client: PoliteClient, options: FeedOptions) -> list[_Fetched]:
    """Download every source at once; then the feeds of OPML lists found by address."""
    jobs = [_job(source, state, options) for source in _unique(sources)]
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        results = list(pool.map(lambda job: _fetch(job, client, options), jobs))
        expanded: list[_Fetched] = []
        more: list[Source] = []
        for result in results:
            expanded.append(result)
            response = result.response
            if response is not None and response.status == 200 and sniff_kind(response.data, response.content_type) == "opml":
                try:
                    more += [Source(f.url, "feed", f.title, f.folder) for f in parse_opml(response.data, result.source.location)]
                except InputError as exc:
                    result.error, result.response = exc.describe(), None
        if more:
            known = {r.source.location for r in results}
            jobs = [_job(s, state, options) for s in _unique(more) if s.location not in known]
            expanded += list(pool.map(lambda job: _fetch(job, client, options), jobs))
    return expanded


def _unique(sources: Sequence[Source]) -> list[Source]:
    """Each location once, the first source naming it kept, in order."""
    first: dict[str, Source] = {}
    for source in sources:
        first.setdefault(source.location, source)
    return list(first.values())


def _job(source: Source, state: FeedState, options: FeedOptions) -> _Fetched:
    """What to ask for a source; state is read here, in the caller's thread (SQLite's rule)."""
    known = None if options.force else state.source(source.location)
    if known is not None and known.kind == "page" and not source.is_file:
        seen = state.item(_page_item(source.location))
        if seen is not None and seen.status in ("done", "republished"):
            return _Fetched(source, known, skipped=True)
    return _Fetched(source, known)


def _fetch(job: _Fetched, client: PoliteClient, options: FeedOptions) -> _Fetched:
    """Download one source (or read a saved file): the answer, or the reason it failed."""
    if job.skipped:
        return job
    location = job.source.location
    try:
        if job.source.is_file:
            data = _read_file(Path(location), options.max_bytes)
            job.response = Response(location, 200, data, "application/xml")
        else:
            feed = job.known is not None and job.known.kind == "feed"
            job.response = client.get(location, job.known.etag if feed else None, job.known.last_modified if feed else None)
    except InputError as exc:
        job.error = exc.describe()
    except Exception as exc:  # a bug must not take the other feeds down, but must be seen
        log.exception("%s: unexpected error while downloading", location)
        job.error = f"{location}: {type(exc).__name__}: {exc}"
    return job


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(f"{path}: file is over the {max_bytes:,}-byte limit")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc


def _page_item(url: str) -> FeedItem:
    """A listed article address as an item of no feed."""
    return FeedItem(feed="", feed_title="", item_id=None, link=url, title=None)


def _plan_source(
    fetched: _Fetched, state: FeedState, options: FeedOptions, planned_links: set[str]
) -> tuple[FeedReport, list[_Plan], list[ItemNote]]:
    """One source's report, the items to read, and the notes on those left out."""
    source, response = fetched.source, fetched.response
    location = source.location
    if fetched.skipped:
        return FeedReport(location, None, "page", seen=1), [], []
    title, status, items, page, error = source.title, "read", [], None, fetched.error
    broken: list[ItemNote] = []
    if response is not None and response.not_modified:
        status = "not modified"
    elif response is not None:
        kind = "feed" if source.is_file else sniff_kind(response.data, response.content_type)
        if kind == "page":
            status, items, page = "page", [_page_item(location)], response
        elif kind == "opml":
            status = "list"
        else:
            try:
                parsed = parse_feed(response.data, location, response.content_type, max_items=options.max_items)
                title, items = title or parsed.title, list(parsed.items)
                broken = [ItemNote(location, f"item {b.position}", "broken", b.reason) for b in parsed.broken]
            except InputError as exc:
                error = exc.describe()
    if error:
        status = "failed"
    tally = _Tally(notes=broken if not error else [])
    plans = _decide(items, location, state, options, planned_links, tally)
    if page is not None and plans:
        plans[0].page = page
    with state.transaction():
        for plan in plans:
            state.remember_pending(plan.item, plan.marks)
        if status == "failed":
            state.remember_source(location, fetched.known.kind if fetched.known else "feed", title, None, None, "failed", error)
        elif status != "list":
            kind = "page" if status == "page" else "feed"
            state.remember_source(location, kind, title, response.etag if response else None,
                                  response.last_modified if response else None, status)
    report = FeedReport(location, title, status, error, len(items), tally.new, tally.updated, tally.seen, tally.too_old)
    return report, plans, tally.notes


def _decide(
    items: list[FeedItem], feed: str, state: FeedState, options: FeedOptions, planned_links: set[str], tally: _Tally
) -> list[_Plan]:
    """The items of one feed to read this run, with the feed's unfinished ones from earlier runs."""
    plans: list[_Plan] = []
    listed = {item.key for item in items}
    retries = [] if options.force else [(i, k) for i, k in state.unfinished(feed, options.max_attempts) if i.key not in listed]
    candidates = [(item, None if options.force else state.item(item)) for item in items] + retries
    for item, known in candidates:
        if item.link and item.link in planned_links:
            tally.seen += 1  # the same article in another feed of this run
            continue
        outcome = _classify(item, known, state, options)
        if isinstance(outcome, _Plan) and options.since and item.date is not None and item.date < options.since:
            tally.too_old += 1
        elif isinstance(outcome, ItemNote):
            tally.notes.append(outcome)
        elif outcome is None:
            tally.seen += 1
        else:
            plans.append(outcome)
            if item.link:
                planned_links.add(item.link)
            if UPDATED in outcome.marks:
                tally.updated += 1
            else:
                tally.new += 1
    return plans


def _classify(item: FeedItem, known: KnownItem | None, state: FeedState, options: FeedOptions) -> _Plan | ItemNote | None:
    """Read it (a plan), leave it out with a note, or skip it as seen (None)."""
    if known is None:
        feed_hash = item.feed_hash
        same = state.done_with_feed_hash(feed_hash) if feed_hash and not options.force else None
        if same is not None:
            state.record_republished(item, same.key)
            label = item.link or item.title or item.key
            return ItemNote(item.feed, label, "republished", f"same title and summary as {same.link or same.key}")
        return _Plan(item, None)
    if known.status == "pending" or (known.status == "failed" and known.attempts < options.max_attempts) or options.force:
        return _Plan(item, known, known.marks)
    if known.status != "done":
        return None  # republished, or failed too often (reported each time it failed)
    later = item.updated is not None and known.updated is not None and item.updated > known.updated
    if item.feed_hash != known.feed_hash or later:
        return _Plan(item, known, (UPDATED,))
    return None


def _download_pages(plans: list[_Plan], client: PoliteClient, options: FeedOptions) -> list[FetchedPage | InputError | None]:
    """Each plan's page (or the reason it could not be had), downloaded at once within the host limits."""

    def download(plan: _Plan) -> FetchedPage | InputError | None:
        if plan.page is not None:
            page = plan.page
            return FetchedPage(page.url, page.data, page.content_type, page.charset)
        if not plan.item.link:
            return None
        try:
            return client.page(plan.item.link)
        except InputError as exc:
            return exc
        except Exception as exc:  # a bug must not end the run, but must be seen
            log.exception("%s: unexpected error while downloading", plan.item.link)
            return InputError(f"{plan.item.link}: {type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        return list(pool.map(download, plans))


def _read(plan: _Plan, page: FetchedPage | InputError | None) -> tuple[Article, tuple[str, ...], str | None] | ItemNote:
    """The item's article: from its page, else from the feed's own text ("summary only")."""
    item = plan.item
    name = item.link or f"{item.feed}#item-{_key_hash(item.key)}"
    reason = "the item has no link" if page is None else None
    if isinstance(page, FetchedPage):
        try:
            text = page.data.decode(page.charset) if page.charset else page.data
        except (LookupError, UnicodeDecodeError):
            text = page.data
        try:
            article = parse_article(text, path=name, markdown=page.is_markdown, html=page.is_html,
                                    encoding=page.charset if isinstance(text, str) else None)
            return _with_feed_metadata(article, item), plan.marks, None
        except InputError as exc:
            reason = _without_address(exc.message, name)
    elif isinstance(page, InputError):
        reason = _without_address(page.message, name)
    if not item.fallback_text:
        return ItemNote(item.feed, name, "failed", f"{reason}; and the feed gives no summary to use instead")
    text = f"{item.title}\n\n{item.fallback_text}" if item.title else item.fallback_text
    try:
        article = parse_article(text, path=name)
    except InputError as exc:
        return ItemNote(item.feed, name, "failed", f"{reason}; and the feed's summary cannot be used ({exc.message})")
    marks = tuple(dict.fromkeys((*plan.marks, SUMMARY_ONLY)))
    log.info("%s: summary only (%s)", name, reason)
    return _with_feed_metadata(article, item), marks, reason


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "feed"


def _without_address(message: str, url: str) -> str:
    """A reader's or fetcher's message without the address it starts with (the report shows it)."""
    return message[len(url) + 2 :] if message.startswith(f"{url}: ") else message


def _with_feed_metadata(article: Article, item: FeedItem) -> Article:
    """The article with the feed's title, date and author where the page gave none."""
    source = article.source
    return dataclasses.replace(article, source=dataclasses.replace(
        source,
        title=source.title or item.title,
        date=source.date or (item.date.isoformat() if item.date else None),
        author=source.author or item.author,
    ))


def _settle(plan: _Plan, read: tuple[Article, tuple[str, ...], str | None], state: FeedState) -> FeedArticle | ItemNote:
    """Same text as before: done, not redone. A new item with a finished article's body: a republish."""
    article, marks, note = read
    item, known = plan.item, plan.known
    text_hash = text_sha256(" ".join(p.source for p in article.paragraphs))
    body_hash = text_sha256(" ".join(p.source for p in article.paragraphs if not p.is_title))
    label = item.link or item.title or item.key
    if known is not None and known.text_hash == text_hash:
        state.record_unchanged(item)
        return ItemNote(item.feed, label, "unchanged", "the feed's entry changed, the article did not")
    if known is None or known.text_hash is None:
        same = state.done_with_body(body_hash, item.key)
        if same is not None:
            state.record_republished(item, same.key)
            return ItemNote(item.feed, label, "republished", f"same article as {same.link or same.key}")
    return FeedArticle(item, article, article.source.path, text_hash, body_hash, marks, note)


def _group(articles: list[FeedArticle], threshold: float) -> tuple[list[FeedArticle], tuple[tuple[str, ...], ...]]:
    """Point same-text articles at the first; number the stories of near-duplicates."""
    first_with: dict[str, str] = {}
    grouped: list[FeedArticle] = []
    for article in articles:
        first = first_with.setdefault(article.text_hash, article.input)
        grouped.append(dataclasses.replace(article, same_text_as=first) if first != article.input else article)
    bodies = [" ".join(p.source for p in a.article.paragraphs if not p.is_title) for a in grouped]
    stories = group_near_duplicates(bodies, threshold)
    for number, members in enumerate(stories):
        for index in members:
            grouped[index] = dataclasses.replace(grouped[index], story=number)
    return grouped, tuple(tuple(grouped[i].input for i in members) for members in stories)
