"""The digest of a folder run: `index.md` (and `index.html`) rendered from its report.

The digest is the page a reader opens first: every article's title, summary, what to
double-check and links to its outputs, failures last. It is rendered from the
`BatchReport` alone (what `report.json` holds), so a resumed run writes the same
digest as an uninterrupted one. The HTML digest hands entries to the view's
`html_view.index_page`, which knows nothing of runs.

A run that follows feeds has a digest of its own (`render_feed_index_md`,
`render_feed_index_html`): the run's new items arranged by story and feed
(`feeds.build_digest`), what each source gave, the items left out and why, the last
items of earlier runs (so a rerun with nothing new does not leave an empty page),
failures last. Its items come with the report, as `DigestItem`s.

Limits: one page for the whole run, however many articles (no paging); links are
relative to the output folder, so the digest moves with it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any, Sequence
from urllib.parse import quote

from translate_sum.batch.report import BatchReport, one_line
from translate_sum.feeds.digest import DigestItem, build_digest, render_html, render_markdown
from translate_sum.html_view import IndexEntry, index_page


def render_index_md(report: BatchReport) -> str:
    """index.md: one page with every article's title, summary and links, failures last."""
    succeeded = [a for a in report.articles if a.status != "failed"]
    failed = [a for a in report.articles if a.status == "failed"]
    lines = ["# Press review", "", _counts_line(report), ""]
    for number, article in enumerate(succeeded, start=1):
        title = article.title or PurePosixPath(article.input).stem
        lines.append(f"## {number}. {one_line(title)}")
        lines.append("")
        if article.summary:
            lines += [one_line(article.summary), ""]
        if article.note:
            lines += [f"_{article.note}_", ""]
        if article.flags:
            lines += [_checks_line(article.flags), ""]
        links = [f"[{_label(o)}]({_link(o)})" for o in reversed(article.outputs)]
        lines += [f"{' · '.join(links)} · source: {_name(article.input)}", ""]
    if failed:
        lines += [f"## Failed ({len(failed)})", ""]
        lines += [f"- {_name(a.input)}: {a.reason}" for a in failed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _counts_line(report: BatchReport, sources: str = "") -> str:
    """'3 of 4 articles translated, 1 failed. Models: ...': the digest's first line."""
    succeeded = sum(1 for a in report.articles if a.status != "failed")
    failed = report.count("failed")
    new = "new " if report.feeds is not None else ""
    counts = f"{succeeded} of {report.total} {new}articles translated{sources}"
    if failed:
        counts += f", {failed} failed"
    if report.interrupted:
        counts += f", {report.pending} not reached (the run was interrupted; run it again to finish)"
    models = report.options.get("models", {})
    used = ", ".join(f"{role}: {name}" for role, name in models.items())
    return f"{counts}. Models: {used}." if used else f"{counts}."


def render_index_html(report: BatchReport) -> str:
    """index.html for `batch --format html`: every article's page linked, as index.md lists them.

    Each article links its brief page (its translation page when there is no brief).
    """
    entries = []
    for article in report.articles:
        pages = [o for o in article.outputs if PurePosixPath(o).suffix == ".html"]
        href = _link(pages[-1]) if pages else ""
        entries.append(
            IndexEntry(
                name=article.input,
                href=href,
                title=article.title or PurePosixPath(article.input).stem,
                summary=article.summary or "",
                flagged=len({flag.get("paragraph") for flag in article.flags}),
                error=article.reason if article.status == "failed" else "",
                note=article.note or "",
            )
        )
    return index_page(entries, heading="Press review")


def _link(path: str) -> str:
    # Links break on spaces and parentheses in file names (Markdown's first); encode them.
    return quote(PurePosixPath(path).as_posix())


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


def _name(name: str) -> str:
    """A file name as a Markdown code span that stays on its line.

    A name may hold a newline or another control character (any byte but "/" is
    allowed): those are shown escaped (``\\n``), and the span is fenced with more
    backticks than any run inside the name, so a backtick cannot end it early.
    """
    shown = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in name)
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


EARLIER_HEADING = "Earlier"
NOTHING_NEW = "No new article"


def render_feed_index_md(report: BatchReport, items: Sequence[DigestItem], earlier: Sequence[DigestItem] = ()) -> str:
    """index.md of a feed run: the new items by story and feed, the sources, what was
    left out and why, earlier runs' last items, failures last."""
    sources = report.feeds or []
    lines = ["# Press review", "", _feed_counts_line(report), ""]
    if items:
        lines.append(render_markdown(build_digest(items)))
    lines += ["## Sources", ""]
    lines += [f"- {_source_md(feed)}" for feed in sources]
    lines.append("")
    left_out = [n for n in report.notes if n.get("status") != "failed"]
    if left_out:
        lines += [f"## Not translated ({len(left_out)})", ""]
        lines += [f"- {_name(n['item'])}: {n['status']}{_detail(n)}" for n in left_out]
        lines.append("")
    if earlier:
        lines += [f"## {EARLIER_HEADING}", ""]
        lines += [f"- {_earlier_md(item)}" for item in earlier]
        lines.append("")
    failures = report.failures()
    if failures:
        lines += [f"## Failed ({len(failures)})", ""]
        lines += [f"- {_name(name)}: {one_line(reason)}" for name, reason in failures]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_feed_index_html(report: BatchReport, items: Sequence[DigestItem], earlier: Sequence[DigestItem] = ()) -> str:
    """index.html of a feed run (`--format html`): the same parts as index.md."""
    parts = [f'<p class="meta">{html.escape(_feed_counts_line(report))}</p>']
    if items:
        parts.append(render_html(build_digest(items)))
    parts.append('<section><h2>Sources</h2><ul class="meta">')
    parts += [f"<li>{html.escape(_source_text(feed))}</li>" for feed in report.feeds or []]
    parts.append("</ul></section>")
    left_out = [n for n in report.notes if n.get("status") != "failed"]
    if left_out:
        rows = "".join(f"<li>{html.escape(n['item'])}: {html.escape(n['status'] + _detail(n))}</li>" for n in left_out)
        parts.append(f'<section><h2>Not translated ({len(left_out)})</h2><ul class="meta">{rows}</ul></section>')
    if earlier:
        rows = "".join(f"<li>{_earlier_html(item)}</li>" for item in earlier)
        parts.append(f'<section><h2>{EARLIER_HEADING}</h2><ul class="meta">{rows}</ul></section>')
    entries = [IndexEntry(a.input, title=a.title or a.input) for a in report.articles if a.status != "failed"]
    entries += [IndexEntry(name, error=one_line(reason)) for name, reason in report.failures()]
    return index_page(entries, heading="Press review", digest_html="".join(parts))


def _feed_counts_line(report: BatchReport) -> str:
    """'3 of 4 new articles translated from 2 sources...', or that nothing is new."""
    count = len(report.feeds or [])
    sources = f"{count} source{'s' if count != 1 else ''}"
    if report.total == 0 and not report.interrupted:
        failed = sum(1 for feed in report.feeds or [] if feed.get("status") == "failed")
        return f"{NOTHING_NEW} from {sources}{f' ({failed} failed)' if failed else ''}."
    return _counts_line(report, f" from {sources}")


def _detail(note: dict[str, Any]) -> str:
    return f" ({one_line(note['detail'])})" if note.get("detail") else ""


def _source_text(feed: dict[str, Any]) -> str:
    """'Le Courrier (https://...): read, 12 items: 3 new, 9 seen before'."""
    name = f"{feed['title']} ({feed['source']})" if feed.get("title") else feed["source"]
    counts = [f"{feed[key]} {label}" for key, label in
              (("new", "new"), ("updated", "updated"), ("seen", "seen before"), ("too_old", "older than --since"))
              if feed.get(key)]
    status = feed["status"] if feed["status"] != "failed" else "failed (see below)"
    listed = f", {feed['items']} item{'s' if feed['items'] != 1 else ''}" if feed.get("items") else ""
    return f"{one_line(name)}: {status}{listed}{': ' + ', '.join(counts) if counts else ''}"


def _source_md(feed: dict[str, Any]) -> str:
    return _md_text(_source_text(feed))


def _md_text(text: str) -> str:
    """Plain text safe in Markdown: its markup characters escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in one_line(text))


def _when(item: DigestItem) -> str:
    return item.date.strftime("%Y-%m-%d %H:%M UTC") if item.date else "undated"


def _earlier_md(item: DigestItem) -> str:
    title = f"[{_md_text(item.title)}](<{item.link.replace('<', '%3C').replace('>', '%3E')}>)" if item.link else _md_text(item.title)
    outputs = "".join(f" · [{_label(o)}]({_link(o)})" for o in reversed(item.outputs))
    return f"{title} · {_md_text(item.source)} · {_when(item)}{outputs}"


def _earlier_html(item: DigestItem) -> str:
    title = html.escape(item.title)
    if item.link:
        title = f'<a href="{html.escape(item.link, quote=True)}">{title}</a>'
    outputs = "".join(f' · <a href="{html.escape(_link(o), quote=True)}">{_label(o)}</a>' for o in reversed(item.outputs))
    return f"{title} · {html.escape(item.source)} · {_when(item)}{outputs}"
