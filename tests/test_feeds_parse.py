"""Feed, OPML and list parsing, `--since`, and near-duplicate similarity: no network."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from translate_sum.errors import InputError
from translate_sum.feeds import parse_since, read_sources
from translate_sum.feeds.dedupe import group_near_duplicates, jaccard, shingles, similar_pairs
from translate_sum.feeds.items import FeedItem
from translate_sum.feeds.opml import parse_opml
from translate_sum.feeds.parse import html_to_text, parse_feed, sniff_kind

RSS1 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://ministere.example/rss"><title>Communiqués du ministère</title>
    <link>https://ministere.example/</link><description>Communiqués</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://ministere.example/c/12"/></rdf:Seq></items></channel>
  <item rdf:about="https://ministere.example/c/12"><title>Le ministre en visite à Lyon</title>
    <link>https://ministere.example/c/12</link>
    <description>&lt;p&gt;Le ministre visitera &lt;b&gt;trois&lt;/b&gt; écoles.&lt;/p&gt;&lt;p&gt;Il rencontrera les élus.&lt;/p&gt;</description>
    <dc:date>2024-05-02T09:30:00+02:00</dc:date><dc:creator>Service de presse</dc:creator></item>
</rdf:RDF>""".encode()


def test_an_rss_1_0_feed_gives_items_with_dublin_core_date_and_author() -> None:
    parsed = parse_feed(RSS1, "https://ministere.example/rss")
    assert parsed.version == "rss10" and parsed.title == "Communiqués du ministère"
    (item,) = parsed.items
    assert item.link == "https://ministere.example/c/12" and item.item_id == "https://ministere.example/c/12"
    assert item.date == datetime(2024, 5, 2, 7, 30, tzinfo=timezone.utc)  # dc:date: feedparser calls it updated
    assert item.author == "Service de presse"
    assert item.summary == "Le ministre visitera trois écoles.\n\nIl rencontrera les élus."


def test_full_content_in_a_feed_is_kept_as_the_items_content() -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Blog</title><item><title>Titre</title><link>https://blog.example/a</link><description>Court.</description>"
        "<content:encoded><![CDATA[<p>Premier paragraphe long.</p><p>Second paragraphe.</p>]]></content:encoded></item>"
        "</channel></rss>"
    ).encode()
    (item,) = parse_feed(feed, "https://blog.example/rss").items
    assert item.summary == "Court." and item.content == "Premier paragraphe long.\n\nSecond paragraphe."
    assert item.fallback_text == item.content


def test_bytes_that_are_no_feed_are_refused_with_the_address() -> None:
    with pytest.raises(InputError, match=r"https://x\.example/f: not an RSS or Atom feed"):
        parse_feed(b"just some words", "https://x.example/f")


def test_a_feed_never_makes_feedparser_read_a_file_or_an_address(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>secret</title></channel></rss>')
    with pytest.raises(InputError):
        parse_feed(str(secret).encode(), "https://x.example/f")  # a path as the body is just text


@pytest.mark.parametrize(
    ("data", "content_type", "kind"),
    [
        (b'<?xml version="1.0"?>\n<!-- c --><?xml-stylesheet href="s.xsl"?><rss version="2.0">', "text/html", "feed"),
        (b"\xef\xbb\xbf<feed xmlns='http://www.w3.org/2005/Atom'>", "text/plain", "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "", "feed"),
        (b"<?xml version='1.0'?><opml version='2.0'>", "text/xml", "opml"),
        (b"<!DOCTYPE html><html lang='fr'><body><p>Article</p>", "application/rss+xml", "page"),
        (b"<p>fragment</p>", "application/rss+xml", "feed"),
        (b"<p>fragment</p>", "text/html", "page"),
    ],
)
def test_a_downloads_kind_is_told_by_its_first_element_before_its_declared_type(data: bytes, content_type: str, kind: str) -> None:
    assert sniff_kind(data, content_type) == kind


def test_html_in_a_summary_becomes_paragraphs_of_plain_text() -> None:
    fragment = "<p>Un &laquo;&nbsp;vote&nbsp;&raquo; <b>serré</b></p><script>alert(1)</script><div>Suite<br>ligne</div>"
    assert html_to_text(fragment) == "Un « vote » serré\n\nSuite\n\nligne"


def test_an_opml_export_lists_its_feeds_with_their_folder_each_once() -> None:
    opml = (
        '<?xml version="1.0"?><opml version="1.0"><body><outline text="Presse">'
        '<outline text="Le Quotidien" type="rss" xmlUrl="https://quotidien.example/rss"/>'
        '<outline text="Doublon" type="rss" xmlUrl="https://quotidien.example/rss"/></outline>'
        '<outline title="Agence" xmlUrl="https://agence.example/atom"/>'
        '<outline text="Local" xmlUrl="file:///etc/passwd"/></body></opml>'
    ).encode()
    feeds = parse_opml(opml, "abonnements.opml")
    assert [(f.url, f.title, f.folder) for f in feeds] == [
        ("https://quotidien.example/rss", "Le Quotidien", "Presse"),
        ("https://agence.example/atom", "Agence", None),
    ]


@pytest.mark.parametrize(
    "opml",
    [
        # The "billion laughs": entities that expand to gigabytes.
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<opml><body><outline text="&b;" xmlUrl="https://x.example/rss"/></body></opml>',
        # An external entity that would read a local file.
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<opml><body><outline text="&x;" xmlUrl="https://x.example/rss"/></body></opml>',
    ],
)
def test_an_opml_file_declaring_entities_is_refused(opml: bytes) -> None:
    with pytest.raises(InputError, match="DOCTYPE or entities"):
        parse_opml(opml, "evil.opml")


def test_a_broken_or_empty_opml_file_is_refused_with_its_name() -> None:
    with pytest.raises(InputError, match="a.opml: not a valid OPML file"):
        parse_opml(b"<opml><body><outline", "a.opml")
    with pytest.raises(InputError, match="b.opml: lists no feed"):
        parse_opml(b"<opml><body><outline text='Dossier'/></body></opml>", "b.opml")


def test_an_input_is_an_address_a_saved_feed_an_opml_export_or_a_list(tmp_path: Path) -> None:
    saved = tmp_path / "saved.xml"
    saved.write_bytes(RSS1)
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml><body><outline xmlUrl="https://a.example/rss"/></body></opml>')
    listing = tmp_path / "list.txt"
    listing.write_text("https://a.example/rss\n\n# comment\nhttps://b.example/article.html\n")
    assert [s.location for s in read_sources("https://a.example/rss", max_bytes=1000)] == ["https://a.example/rss"]
    assert [(s.location, s.kind) for s in read_sources(saved, max_bytes=10_000)] == [(str(saved), "feed")]
    assert [(s.location, s.kind) for s in read_sources(opml, max_bytes=10_000)] == [("https://a.example/rss", "feed")]
    assert [(s.location, s.kind) for s in read_sources(listing, max_bytes=10_000)] == [
        ("https://a.example/rss", None), ("https://b.example/article.html", None)]


def test_a_list_line_that_is_not_an_address_is_a_usage_error_naming_the_line(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("https://a.example/rss\nlemonde.fr/rss\n")
    with pytest.raises(InputError, match=r"list.txt:2: 'lemonde.fr/rss' is not an http\(s\) address"):
        read_sources(listing, max_bytes=10_000)
    with pytest.raises(InputError, match="no such file"):
        read_sources(tmp_path / "missing.opml", max_bytes=10_000)


NOW = datetime(2024, 5, 2, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("24h", NOW - timedelta(hours=24)),
        ("90m", NOW - timedelta(minutes=90)),
        ("7d", NOW - timedelta(days=7)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
        ("2024-05-01T08:00+02:00", datetime(2024, 5, 1, 6, 0, tzinfo=timezone.utc)),
    ],
)
def test_since_is_a_date_or_an_age(text: str, moment: datetime) -> None:
    assert parse_since(text, NOW) == moment


def test_since_that_is_neither_is_a_usage_error_naming_the_setting() -> None:
    with pytest.raises(InputError) as caught:
        parse_since("hier", NOW)
    assert caught.value.hint is not None and caught.value.hint.option == "since"


def test_a_short_title_without_summary_is_not_enough_to_recognise_an_article() -> None:
    daily = FeedItem("f", "F", "1", "https://r.example/1", "Le journal de 8h")
    long = FeedItem("f", "F", "2", "https://r.example/2", "Un titre", summary="Un résumé qui dit assez de mots pour reconnaître un article republié ailleurs.")
    assert daily.feed_hash is None and long.feed_hash is not None
    assert long.feed_hash == FeedItem("g", "G", "9", "https://s.example/9", "Un  titre", summary=long.summary.upper()).feed_hash


def test_shingle_jaccard_is_one_for_the_same_text_and_zero_for_unrelated_texts() -> None:
    text = "le conseil municipal a voté mardi soir la création d'une piste cyclable"
    assert jaccard(shingles(text), shingles(text.upper() + " !")) == 1.0
    assert jaccard(shingles(text), shingles("les dockers redoutent une automatisation des grues du port")) == 0.0


def test_near_duplicates_are_grouped_transitively_and_others_left_alone() -> None:
    base = " ".join(f"mot{n}" for n in range(60))
    variant = base.replace("mot30", "autre")  # one word edited
    again = variant.replace("mot50", "encore")
    unrelated = " ".join(f"terme{n}" for n in range(60))
    texts = [base, unrelated, variant, again]
    assert group_near_duplicates(texts, 0.5) == [[0, 2, 3]]
    assert all(i < j for i, j, _ in similar_pairs(texts, 0.5))
