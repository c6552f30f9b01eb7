"""The feed digest: arrangement by story and feed, Markdown, HTML, and a valid Atom feed.xml."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser

from translate_sum.feeds import DigestItem, FeedItem, FeedState, build_digest, feed_id, render_atom, render_html, render_markdown
from translate_sum.feeds.digest import STORY_HEADING

T0 = datetime(2024, 5, 2, 12, 0, tzinfo=timezone.utc)


def item(key: str, source: str, hours_ago: float | None, story: int | None = None, **more: object) -> DigestItem:
    return DigestItem(
        key=key, title=f"Title {key}", source=source, link=f"https://{source.lower()}.example/{key}",
        date=T0 - timedelta(hours=hours_ago) if hours_ago is not None else None, summary=f"Summary of {key}.",
        story=story, outputs=(f"{key}.en.md", f"{key}.brief.md"), **more,  # type: ignore[arg-type]
    )


def test_stories_come_first_then_feeds_each_newest_first() -> None:
    items = [
        item("a", "Courrier", 5), item("b", "Courrier", 1), item("c", "Gazette", 3),
        item("w1", "Courrier", 4, story=0), item("w2", "Gazette", 2, story=0), item("u", "Gazette", None),
    ]
    sections = build_digest(items)
    assert [s.heading for s in sections] == [STORY_HEADING, "Courrier", "Gazette"]
    (story,) = sections[0].entries
    assert [i.key for i in story.items] == ["w2", "w1"] and story.is_story
    assert [e.lead.key for e in sections[1].entries] == ["b", "a"]
    assert [e.lead.key for e in sections[2].entries] == ["c", "u"]  # undated last


def test_a_story_left_with_one_item_is_shown_with_its_feed() -> None:
    sections = build_digest([item("w1", "Courrier", 4, story=3), item("a", "Courrier", 1)])
    assert [s.heading for s in sections] == ["Courrier"]
    assert [e.lead.key for e in sections[0].entries] == ["a", "w1"]


def test_the_markdown_digest_gives_title_link_source_date_marks_summary_checks_and_outputs() -> None:
    flagged = item("a", "Courrier", 1, marks=("updated", "summary only"),
                   flags=({"paragraph": 3, "kind": "number", "detail": "2,4 → 24", "severity": "warning"},))
    text = render_markdown(build_digest([flagged]))
    assert "#### [Title a](<https://courrier.example/a>)" in text
    assert "- Courrier · 2024-05-02 11:00 UTC · _updated_ · _summary only_ · [brief](a.brief.md) · [translation](a.en.md)" in text
    assert "Summary of a." in text and "Check: number ¶3" in text


def test_the_markdown_digest_lists_every_source_of_a_story() -> None:
    text = render_markdown(build_digest([item("w1", "Courrier", 4, story=0), item("w2", "Gazette", 2, story=0)]))
    assert "[Gazette](<https://gazette.example/w2>)" in text and "[Courrier](<https://courrier.example/w1>)" in text
    assert text.count("#### ") == 1


def test_markup_in_titles_and_summaries_cannot_get_into_either_digest() -> None:
    evil = DigestItem("k", "<script>x</script> *bold* [link](javascript:x)", "Src", "https://s.example/k", T0,
                      summary="<img src=x onerror=alert(1)>")
    markdown = render_markdown(build_digest([evil]))
    html = render_html(build_digest([evil]))
    assert "<script>" not in markdown and "\\*bold\\*" in markdown and "\\[link\\]" in markdown
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_feed_xml_is_atom_that_a_feed_reader_reads_back() -> None:
    items = [item("a", "Courrier", 1, marks=("updated",)), item("b", "Gazette", None)]
    text = render_atom(items, feed_id=feed_id("/srv/revue"), title="Press review", updated=T0)
    ET.fromstring(text.encode())  # well-formed XML
    parsed = feedparser.parse(io.BytesIO(text.encode()))
    assert not parsed.bozo and parsed.version == "atom10"
    assert parsed.feed.title == "Press review" and parsed.feed.id.startswith("urn:uuid:")
    assert [e.title for e in parsed.entries] == ["Title a", "Title b"]
    first = parsed.entries[0]
    assert first.link == "https://courrier.example/a" and first.summary == "Summary of a."
    assert first.author == "Courrier" and [t.term for t in first.tags] == ["updated"]
    assert {link.href for link in first.links if link.rel == "related"} == {"a.en.md", "a.brief.md"}
    assert len({e.id for e in parsed.entries}) == 2


def test_an_items_atom_id_is_the_same_in_every_run() -> None:
    once = feedparser.parse(io.BytesIO(render_atom([item("a", "C", 1)], feed_id="urn:x", title="t", updated=T0).encode()))
    later = feedparser.parse(io.BytesIO(render_atom([item("a", "C", 1)], feed_id="urn:x", title="t", updated=T0 + timedelta(days=1)).encode()))
    assert once.entries[0].id == later.entries[0].id


def test_finished_items_come_back_from_the_state_for_feed_xml_newest_first(tmp_path: Path) -> None:
    with FeedState.open(tmp_path) as state:
        for number in range(3):
            feed_item = FeedItem("https://c.example/rss", "Courrier", f"id{number}", f"https://c.example/{number}", f"Titre {number}",
                                 published=T0 - timedelta(hours=number))
            state.remember_pending(feed_item)
            state.record_done(feed_item.key, input=feed_item.link or "", text_hash="t", body_hash=f"b{number}",
                              title=f"Title {number}", summary=f"Summary {number}.", flags=[], marks=(), outputs=[f"{number}.en.md"])
        recent = [DigestItem.from_stored(b) for b in state.recent(limit=2)]
    assert len(recent) == 2 and all(r.source == "Courrier" and r.title.startswith("Title ") for r in recent)
    assert recent[0].finished is not None and recent[0].finished >= recent[1].finished  # type: ignore[operator]
    parsed = feedparser.parse(io.BytesIO(render_atom(recent, feed_id="urn:x", title="t", updated=T0).encode()))
    assert not parsed.bozo and len(parsed.entries) == 2
