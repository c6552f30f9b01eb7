"""The feed run's digest: its items newest first, by feed or by story, in Markdown, HTML and Atom.

`build_digest` arranges the run's translated items: a story told by several
outlets (`FeedRun.stories`) is one entry listing all its sources, in a first
section; the other items are grouped by feed; entries and sections go newest
first. `render_markdown` and `render_html` write that arrangement for `index.md`
and `index.html` (each entry: English title, source, date, original link, the
brief's summary, its checks and marks, links to the outputs); `render_atom` writes
`feed.xml`, an Atom 1.0 feed of the English briefs a feed reader can subscribe to.

Pure: takes the data, returns text. Every text is escaped for its format (an
article cannot inject markup); XML is written with ElementTree.

Limits: dates are shown in UTC; an undated item sorts after dated ones; the Atom
feed's links to outputs are relative to feed.xml (readers that ignore xml:base
resolve them against the feed's address, which is the same folder).
"""

from __future__ import annotations

import html
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import quote, urlsplit

from translate_sum.version import __version__

if TYPE_CHECKING:
    from translate_sum.feeds.collect import FeedArticle
    from translate_sum.feeds.state import StoredBrief

ATOM = "http://www.w3.org/2005/Atom"
STORY_HEADING = "Same story, several sources"
FEED_NAME = "feed.xml"


@dataclass(frozen=True)
class DigestItem:
    """One translated item as the digest shows it.

    `title` and `summary` are the English brief's; `source` names the feed (its
    title, or the site for a listed page); `outputs` are relative to the output
    folder, translation first; `flags` are the report's flag rows.
    """

    key: str
    title: str
    source: str
    link: str | None
    date: datetime | None
    summary: str = ""
    flags: tuple[dict[str, Any], ...] = ()
    marks: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    story: int | None = None
    finished: datetime | None = None

    @classmethod
    def from_article(cls, article: FeedArticle, *, title: str | None, summary: str | None,
                     flags: Sequence[dict[str, Any]] = (), outputs: Sequence[str] = ()) -> DigestItem:
        """The digest's view of a collected article once batch has translated and briefed it."""
        item = article.item
        return cls(item.key, title or item.title or article.input, _source_name(item.feed_title, item.link), item.link,
                   item.date, summary or "", tuple(flags), article.marks, tuple(outputs), article.story)

    @classmethod
    def from_stored(cls, brief: StoredBrief) -> DigestItem:
        """An item finished in this or an earlier run, as the state keeps it (for feed.xml)."""
        return cls(brief.key, brief.title or brief.link or brief.key, _source_name(brief.feed_title, brief.link),
                   brief.link, brief.published or brief.updated, brief.summary or "", tuple(brief.flags), brief.marks,
                   brief.outputs, None, datetime.fromtimestamp(brief.finished, tz=timezone.utc))


def _source_name(feed_title: str, link: str | None) -> str:
    return feed_title or (urlsplit(link).netloc if link else "") or "listed page"


@dataclass(frozen=True)
class DigestEntry:
    """One entry: an item, or a story's items (newest first, the first one leads)."""

    items: tuple[DigestItem, ...]

    @property
    def lead(self) -> DigestItem:
        return self.items[0]

    @property
    def is_story(self) -> bool:
        return len(self.items) > 1


@dataclass(frozen=True)
class DigestSection:
    """A heading (a feed, or the stories) and its entries, newest first."""

    heading: str
    entries: tuple[DigestEntry, ...]


def _newest_first(item: DigestItem) -> tuple[int, float]:
    return (0, -item.date.timestamp()) if item.date else (1, 0.0)


def build_digest(items: Sequence[DigestItem]) -> tuple[DigestSection, ...]:
    """Stories first (one entry each, all their sources), then one section per feed."""
    by_story: dict[int, list[DigestItem]] = {}
    by_feed: dict[str, list[DigestItem]] = {}
    for item in items:
        if item.story is not None:
            by_story.setdefault(item.story, []).append(item)
        else:
            by_feed.setdefault(item.source, []).append(item)
    for story, members in list(by_story.items()):
        if len(members) == 1:  # its partners failed: shown with its own feed
            by_feed.setdefault(members[0].source, []).append(members[0])
            del by_story[story]
    sections = []
    if by_story:
        stories = [DigestEntry(tuple(sorted(m, key=_newest_first))) for m in by_story.values()]
        sections.append(DigestSection(STORY_HEADING, tuple(sorted(stories, key=lambda e: _newest_first(e.lead)))))
    feeds = [
        DigestSection(name, tuple(DigestEntry((i,)) for i in sorted(members, key=_newest_first)))
        for name, members in by_feed.items()
    ]
    sections += sorted(feeds, key=lambda s: _newest_first(s.entries[0].lead))
    return tuple(sections)


def _date(moment: datetime | None) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if moment else "undated"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def checks_line(flags: Sequence[dict[str, Any]]) -> str:
    """'Check: name ¶2; number ¶3, ¶7': the flagged paragraphs by kind."""
    by_kind: dict[str, set[int]] = {}
    for flag in flags:
        by_kind.setdefault(str(flag.get("kind")), set()).add(int(flag.get("paragraph", 0)))
    return "Check: " + "; ".join(f"{kind} " + ", ".join(f"¶{n}" for n in sorted(by_kind[kind])) for kind in sorted(by_kind))


def _output_label(path: str) -> str:
    return "brief" if ".brief." in PurePosixPath(path).name else "translation"


def _md(text: str) -> str:
    """Text safe inside Markdown: brackets and markup characters escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in _one_line(text))


def _md_url(url: str) -> str:
    """An address inside Markdown's <...> link form, whose only forbidden characters are < and >."""
    return url.replace("<", "%3C").replace(">", "%3E")


def render_markdown(sections: Sequence[DigestSection], heading: str = "New from your feeds") -> str:
    """The digest as Markdown, for index.md: one `###` entry per item or story."""
    count = sum(len(e.items) for s in sections for e in s.entries)
    lines = [f"## {heading}", "", f"{count} new item{'s' if count != 1 else ''}, newest first.", ""]
    for section in sections:
        lines += [f"### {_md(section.heading)}", ""]
        for entry in section.entries:
            lead = entry.lead
            title = f"[{_md(lead.title)}](<{_md_url(lead.link)}>)" if lead.link else _md(lead.title)
            lines += [f"#### {title}", ""]
            for item in entry.items:
                where = f"[{_md(item.source)}](<{_md_url(item.link)}>)" if item.link and entry.is_story else _md(item.source)
                marks = "".join(f" · _{m}_" for m in item.marks)
                outputs = "".join(f" · [{_output_label(o)}]({quote(o)})" for o in reversed(item.outputs))
                lines.append(f"- {where} · {_date(item.date)}{marks}{outputs}")
            lines.append("")
            if lead.summary:
                lines += [_md(lead.summary), ""]
            flags = [f for item in entry.items for f in item.flags]
            if flags:
                lines += [checks_line(flags), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def render_html(sections: Sequence[DigestSection], heading: str = "New from your feeds") -> str:
    """The digest as an HTML fragment for index.html (the view's style sheet's classes)."""
    parts = [f'<section class="feeds" aria-labelledby="feeds-h"><h2 id="feeds-h">{_e(heading)}</h2>']
    for section in sections:
        parts.append(f"<h3>{_e(section.heading)}</h3><ol class=\"index\">")
        for entry in section.entries:
            lead = entry.lead
            title = f'<a href="{_e(lead.link)}">{_e(lead.title)}</a>' if lead.link else _e(lead.title)
            flags = [f for item in entry.items for f in item.flags]
            badge = f' <span class="badge">{len({f.get("paragraph") for f in flags})} to check</span>' if flags else ""
            sources = []
            for item in entry.items:
                where = f'<a href="{_e(item.link)}">{_e(item.source)}</a>' if item.link and entry.is_story else _e(item.source)
                marks = "".join(f' <span class="badge">{_e(m)}</span>' for m in item.marks)
                outputs = "".join(f' · <a href="{_e(quote(o))}">{_output_label(o)}</a>' for o in reversed(item.outputs))
                sources.append(f'<li>{where} · <time>{_e(_date(item.date))}</time>{marks}{outputs}</li>')
            summary = f'<p class="summary">{_e(_one_line(lead.summary))}</p>' if lead.summary else ""
            check = f'<p class="meta">{_e(checks_line(flags))}</p>' if flags else ""
            parts.append(f'<li><h4>{title}{badge}</h4><ul class="meta">{"".join(sources)}</ul>{summary}{check}</li>')
        parts.append("</ol>")
    parts.append("</section>")
    return "".join(parts)


def feed_id(output_dir: str) -> str:
    """A stable Atom id for an output folder (its absolute path as a name-based UUID)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'file://' + output_dir)}"


def _atom_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_atom(items: Sequence[DigestItem], *, feed_id: str, title: str, updated: datetime,
                self_link: str | None = None) -> str:
    """feed.xml: an Atom 1.0 feed with one entry per item (English title and summary, original link).

    Each entry's id is derived from the item's key, so a reader sees an item once
    however many runs list it; `updated` is when the item was finished (or published).
    """
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "id", feed_id)
    add(feed, "title", title)
    add(feed, "updated", _atom_time(updated))
    add(add(feed, "author"), "name", "translate-sum")
    add(feed, "generator", "translate-sum", uri="https://pypi.org/project/translate-sum/", version=__version__)
    if self_link:
        add(feed, "link", href=self_link, rel="self", type="application/atom+xml")
    for item in items:
        entry = add(feed, "entry")
        add(entry, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, item.key)}")
        add(entry, "title", item.title)
        add(entry, "updated", _atom_time(item.finished or item.date or updated))
        if item.date:
            add(entry, "published", _atom_time(item.date))
        add(add(entry, "author"), "name", item.source)
        if item.link:
            add(entry, "link", href=item.link, rel="alternate", type="text/html")
        for output in reversed(item.outputs):
            add(entry, "link", href=quote(output), rel="related", title=_output_label(output))
        for mark in item.marks:
            add(entry, "category", term=mark)
        lines = [item.summary] if item.summary else []
        if item.flags:
            lines.append(checks_line(item.flags))
        add(entry, "summary", "\n\n".join(lines) or item.title, type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
