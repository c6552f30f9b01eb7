"""Feed runs against feeds and pages served from a local HTTP server on 127.0.0.1.

Each test builds its own site (feeds, pages, robots.txt, misbehaving answers) and
runs `collect_feed_items` over it with an output folder's state, as batch will.
The French articles are the project's own invented text.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

import pytest

from translate_sum.feeds import (
    SUMMARY_ONLY,
    UPDATED,
    FeedOptions,
    FeedRun,
    FeedState,
    Source,
    collect_feed_items,
    read_sources,
)
from translate_sum.feeds.client import HostGate, PoliteClient
from translate_sum.fetch import USER_AGENT

FAST = FeedOptions(timeout=2.0, host_delay=0.0, feed_delay=0.0, per_host=4)

ARTICLES = {
    "piste": (
        "Une piste cyclable le long du canal",
        [
            "Le conseil municipal de Villebrune a voté mardi soir la création d'une piste cyclable de douze kilomètres le long du canal.",
            "Les travaux commenceront au printemps et dureront environ dix-huit mois, selon la mairie, qui estime leur coût à 4,2 millions d'euros.",
            "L'opposition a dénoncé un projet trop coûteux et réclamé une consultation des riverains avant le premier coup de pioche.",
            "La région financera un tiers de la dépense, a précisé l'adjoint chargé des mobilités, qui promet des bornes de réparation tous les deux kilomètres.",
        ],
    ),
    "port": (
        "Le port de Saint-Aubin agrandit ses quais",
        [
            "Le port de commerce de Saint-Aubin va allonger ses quais de trois cents mètres pour accueillir des navires plus grands, a annoncé jeudi la chambre de commerce.",
            "Le chantier, évalué à 58 millions d'euros, doit commencer en janvier et s'achever avant l'été 2027, malgré les réserves des associations de pêcheurs.",
            "Les dockers redoutent une automatisation des grues, que la direction dit ne pas envisager avant dix ans.",
        ],
    ),
    "musee": (
        "Le musée des Beaux-Arts rouvre ses portes",
        [
            "Fermé depuis quatre ans pour travaux, le musée des Beaux-Arts de Montclair rouvre samedi avec un parcours entièrement repensé autour de ses collections flamandes.",
            "La rénovation a coûté 31 millions d'euros, financés pour moitié par la ville, et a permis de doubler la surface d'exposition.",
            "L'entrée sera gratuite le premier week-end, et le musée espère attirer cent mille visiteurs d'ici la fin de l'année.",
        ],
    ),
    "greve": (
        "Grève des contrôleurs aériens ce week-end",
        [
            "Les contrôleurs aériens de la zone ouest observeront une grève de quarante-huit heures à partir de samedi matin, a confirmé le syndicat majoritaire.",
            "La direction générale de l'aviation civile a demandé aux compagnies de réduire d'un tiers leurs vols au départ de Nantes, Rennes et Brest.",
            "Les grévistes réclament des recrutements et dénoncent un manque de personnel qui, selon eux, pèse sur la sécurité des vols.",
            "Le ministre des transports a appelé à la reprise du dialogue et promis une réunion dès lundi.",
        ],
    ),
}


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><nav><a href='/'>Accueil</a></nav><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode("utf-8")


def rfc822(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


NOW = datetime.now(timezone.utc).replace(microsecond=0)


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    entries = []
    for item in items:
        parts = [f"<{tag}>{escape(value)}</{tag}>" for tag, value in item.items() if tag in ("title", "link", "description", "pubDate", "author")]
        if "guid" in item:
            parts.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        entries.append(f"<item>{''.join(parts)}</item>")
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>http://example.invalid/</link><description>Actualités</description>{''.join(entries)}</channel></rss>"
    ).encode("utf-8")


def item_for(base: str, name: str, *, age_hours: float = 1, link: str | None = None, guid: str | None = None,
             summary: str | None = None) -> dict[str, str]:
    title, paragraphs = ARTICLES[name]
    return {
        "title": title,
        "link": link or f"{base}/articles/{name}.html",
        "guid": guid or f"urn:test:{name}",
        "description": summary if summary is not None else paragraphs[0],
        "pubDate": rfc822(NOW - timedelta(hours=age_hours)),
        "author": "redaction@example.invalid (La Rédaction)",
    }


@dataclass
class Reply:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    delay: float = 0.0
    last_modified: str | None = None


@dataclass
class Site:
    base: str = ""
    routes: dict[str, Reply] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def add_article(self, name: str, path: str | None = None) -> None:
        title, paragraphs = ARTICLES[name]
        self.routes[path or f"/articles/{name}.html"] = Reply(page(title, paragraphs))

    def add_feed(self, path: str, body: bytes, content_type: str = "application/rss+xml; charset=utf-8",
                 etag: str | None = None) -> None:
        self.routes[path] = Reply(body, content_type, etag=etag)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
            with site.lock:
                site.requests.append((self.path, dict(self.headers)))
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            try:
                self.answer()
            finally:
                with site.lock:
                    site.in_flight -= 1

        def answer(self) -> None:
            reply = site.routes.get(self.path) or Reply(b"not here", "text/plain", 404)
            if reply.delay:
                time.sleep(reply.delay)
            unchanged = (reply.etag and self.headers.get("If-None-Match") == reply.etag) or (
                reply.last_modified and self.headers.get("If-Modified-Since") == reply.last_modified)
            if unchanged:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.etag:
                self.send_header("ETag", reply.etag)
            if reply.last_modified:
                self.send_header("Last-Modified", reply.last_modified)
            self.end_headers()
            try:
                self.wfile.write(reply.body)
            except OSError:
                pass  # a client that gave up (the slow-host test)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture(scope="module", autouse=True)
def no_proxy() -> Iterator[None]:
    # A user's proxy settings must not send requests for 127.0.0.1 elsewhere.
    saved = {name: os.environ.get(name) for name in ("no_proxy", "NO_PROXY")}
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _serve() -> Iterator[Site]:
    site = Site()
    httpd = QuietServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    yield from _serve()


@pytest.fixture
def other_site() -> Iterator[Site]:
    yield from _serve()


def run(sources: list[Source] | list[str], output: Path, options: FeedOptions = FAST, done: bool = True) -> FeedRun:
    """One feed run into `output`; with `done`, every article is recorded as translated (as batch would)."""
    given = [s if isinstance(s, Source) else Source(s) for s in sources]
    with FeedState.open(output) as state:
        result = collect_feed_items(given, state, options)
        if done:
            for article in result.articles:
                state.record_done(article.key, input=article.input, text_hash=article.text_hash, body_hash=article.body_hash,
                                  title=f"EN {article.item.title}", summary="An English summary.", flags=[],
                                  marks=article.marks, outputs=[f"{article.input.rsplit('/', 1)[-1]}.en.md"])
    return result


def test_an_rss_feed_gives_its_items_articles_with_the_feeds_metadata(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_article("port")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste", age_hours=1), item_for(site.base, "port", age_hours=2)]))
    result = run([f"{site.base}/rss.xml"], tmp_path)
    assert [a.item.title for a in result.articles] == [ARTICLES["piste"][0], ARTICLES["port"][0]]
    first = result.articles[0]
    assert first.input == f"{site.base}/articles/piste.html" and first.marks == ()
    assert first.output_path.as_posix() == f"{site.base.split('//')[1].replace(':', '_')}/articles/piste.html"
    assert first.item.feed_title == "Le Courrier" and first.item.author and first.item.published is not None
    assert [p.source for p in first.article.paragraphs[1:]] == ARTICLES["piste"][1]
    assert first.article.source.date == first.item.published.isoformat()  # the page has no date: the feed's
    assert result.feeds[0].status == "read" and result.feeds[0].new == 2 and result.failures == 0


def test_every_request_names_the_tool_in_its_user_agent(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))
    run([f"{site.base}/rss.xml"], tmp_path)
    assert len(site.requests) == 3  # feed, robots.txt, page
    assert all(headers["User-Agent"] == USER_AGENT for _, headers in site.requests)
    assert "translate-sum/" in USER_AGENT


def test_an_atom_feed_is_read_like_rss(site: Site, tmp_path: Path) -> None:
    site.add_article("musee")
    title, paragraphs = ARTICLES["musee"]
    site.add_feed("/atom.xml", (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Culture</title>'
        f"<id>urn:test:atom</id><updated>{NOW.isoformat()}</updated>"
        f"<entry><title>{escape(title)}</title><id>urn:test:musee</id><link href=\"/articles/musee.html\"/>"
        f"<updated>{NOW.isoformat()}</updated><summary>{escape(paragraphs[0])}</summary>"
        "<author><name>Claire Martin</name></author></entry></feed>"
    ).encode(), "application/atom+xml")
    result = run([f"{site.base}/atom.xml"], tmp_path)
    (article,) = result.articles
    assert article.item.link == f"{site.base}/articles/musee.html"  # relative link resolved against the feed
    assert article.item.author == "Claire Martin" and article.item.feed_title == "Culture"
    assert article.marks == ()


def test_a_broken_item_is_reported_and_the_other_items_go_on(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    feed = rss("Le Courrier", [item_for(site.base, "piste")]).replace(b"</channel>", b"<item><pubDate>hier</pubDate></item></channel>")
    site.add_feed("/rss.xml", feed)
    result = run([f"{site.base}/rss.xml"], tmp_path)
    assert [a.item.title for a in result.articles] == [ARTICLES["piste"][0]]
    (note,) = result.notes
    assert note.status == "broken" and "no link" in (note.detail or "") and note.item == "item 2"


def test_a_feed_that_fails_is_reported_with_its_reason_and_the_others_go_on(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))
    site.routes["/not-a-feed.xml"] = Reply(b"\x00\x01 binary", "application/octet-stream")
    result = run([f"{site.base}/gone.xml", f"{site.base}/rss.xml"], tmp_path)
    gone, good = result.feeds
    assert gone.status == "failed" and "404" in (gone.error or "")
    assert good.status == "read" and len(result.articles) == 1 and result.failures == 1


def test_a_slow_host_fails_within_the_time_limit_without_holding_up_the_others(
    site: Site, other_site: Site, tmp_path: Path
) -> None:
    other_site.routes["/slow.xml"] = Reply(rss("Lent", []), "application/rss+xml", delay=3.0)
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))
    started = time.monotonic()
    result = run([f"{other_site.base}/slow.xml", f"{site.base}/rss.xml"], tmp_path, FeedOptions(timeout=0.5, host_delay=0.0, feed_delay=0.0))
    assert time.monotonic() - started < 2.5
    slow, good = result.feeds
    assert slow.status == "failed" and "0.5 s" in (slow.error or "")
    assert good.status == "read" and len(result.articles) == 1


def test_an_unchanged_feed_costs_one_conditional_request_and_no_article(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]), etag='"v1"')
    first = run([f"{site.base}/rss.xml"], tmp_path)
    site.requests.clear()
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert len(first.articles) == 1 and second.articles == ()
    assert site.paths() == ["/rss.xml"]
    assert site.requests[0][1].get("If-None-Match") == '"v1"'
    assert second.feeds[0].status == "not modified" and second.requests == 1


def test_a_feed_with_only_a_last_modified_date_is_asked_with_if_modified_since(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    stamp = rfc822(NOW - timedelta(days=1))
    site.routes["/rss.xml"] = Reply(rss("Le Courrier", [item_for(site.base, "piste")]), "application/rss+xml", last_modified=stamp)
    run([f"{site.base}/rss.xml"], tmp_path)
    site.requests.clear()
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert site.requests[0][1].get("If-Modified-Since") == stamp and "If-None-Match" not in site.requests[0][1]
    assert second.feeds[0].status == "not modified" and second.articles == ()


def test_a_feed_over_the_size_limit_fails_alone(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/big.xml", rss("Gros", [item_for(site.base, "piste")] * 40))
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))
    limited = FeedOptions(timeout=2.0, host_delay=0.0, feed_delay=0.0, max_bytes=4000)
    result = run([f"{site.base}/big.xml", f"{site.base}/rss.xml"], tmp_path, limited)
    assert result.feeds[0].status == "failed" and "4,000-byte limit" in (result.feeds[0].error or "")
    assert result.feeds[1].status == "read" and len(result.articles) == 1


def test_an_item_that_keeps_failing_is_retried_up_to_max_attempts(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]), etag='"v1"')
    options = FeedOptions(timeout=2.0, host_delay=0.0, feed_delay=0.0, max_attempts=2)
    tries = 0
    for _ in range(4):
        with FeedState.open(tmp_path) as state:
            result = collect_feed_items([Source(f"{site.base}/rss.xml")], state, options)
            for article in result.articles:
                tries += 1
                state.record_failed(article.key, "RuntimeError: the engine broke")
    assert tries == 2


def test_a_changed_feed_with_nothing_new_fetches_no_article(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))  # no ETag: a full answer each time
    run([f"{site.base}/rss.xml"], tmp_path)
    site.requests.clear()
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert site.paths() == ["/rss.xml"] and second.articles == () and second.feeds[0].seen == 1


def test_an_item_not_translated_yet_is_retried_even_when_the_feed_then_answers_304(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]), etag='"v1"')
    run([f"{site.base}/rss.xml"], tmp_path, done=False)  # stopped before translating
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert second.feeds[0].status == "not modified"
    assert [a.item.title for a in second.articles] == [ARTICLES["piste"][0]]


def test_an_item_republished_under_a_new_link_is_recognised_by_its_title_and_summary(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_article("piste", "/2024/reprise-piste.html")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))
    run([f"{site.base}/rss.xml"], tmp_path)
    site.add_feed("/rss.xml", rss("Le Courrier", [
        item_for(site.base, "piste", link=f"{site.base}/2024/reprise-piste.html", guid="urn:test:other")]))
    site.requests.clear()
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert second.articles == ()
    (note,) = second.notes
    assert note.status == "republished" and "articles/piste.html" in (note.detail or "")
    assert "/2024/reprise-piste.html" not in site.paths()  # recognised without fetching it


def test_a_republished_article_with_a_short_summary_is_recognised_by_its_text(site: Site, tmp_path: Path) -> None:
    site.add_article("port")
    site.add_article("port", "/eco/quais.html")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "port", summary="Économie")]))
    run([f"{site.base}/rss.xml"], tmp_path)
    site.add_feed("/rss.xml", rss("Le Courrier", [
        item_for(site.base, "port", summary="Économie", link=f"{site.base}/eco/quais.html", guid="urn:test:quais")]))
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert second.articles == () and [n.status for n in second.notes] == ["republished"]
    # And it stays recognised: a third run neither fetches nor reports it again.
    site.requests.clear()
    third = run([f"{site.base}/rss.xml"], tmp_path)
    assert third.notes == () and site.paths() == ["/rss.xml"]


def test_an_updated_item_is_redone_and_marked_updated(site: Site, tmp_path: Path) -> None:
    site.add_article("greve", "/greve.html")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "greve", link=f"{site.base}/greve.html")]))
    first = run([f"{site.base}/rss.xml"], tmp_path)
    title, paragraphs = ARTICLES["greve"]
    site.routes["/greve.html"] = Reply(page(title, paragraphs + ["Mise à jour : le préavis a été levé dimanche soir."]))
    site.add_feed("/rss.xml", rss("Le Courrier", [
        item_for(site.base, "greve", link=f"{site.base}/greve.html", summary="Le préavis de grève a été levé.")]))
    second = run([f"{site.base}/rss.xml"], tmp_path)
    (article,) = second.articles
    assert article.marks == (UPDATED,) and article.key == first.articles[0].key
    assert article.text_hash != first.articles[0].text_hash and second.feeds[0].updated == 1


def test_a_changed_feed_entry_whose_article_did_not_change_is_not_redone(site: Site, tmp_path: Path) -> None:
    site.add_article("greve")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "greve")]))
    run([f"{site.base}/rss.xml"], tmp_path)
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "greve", summary="Un autre chapeau pour la même grève.")]))
    second = run([f"{site.base}/rss.xml"], tmp_path)
    assert second.articles == () and [n.status for n in second.notes] == ["unchanged"]
    site.requests.clear()
    run([f"{site.base}/rss.xml"], tmp_path)
    assert site.paths() == ["/rss.xml"]  # the new entry is remembered: no third look at the page


def test_a_page_robots_txt_disallows_is_not_fetched_and_the_summary_is_used(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.routes["/robots.txt"] = Reply(b"User-agent: translate-sum\nDisallow: /articles/\n", "text/plain")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]))
    result = run([f"{site.base}/rss.xml"], tmp_path)
    (article,) = result.articles
    assert "/articles/piste.html" not in site.paths()
    assert article.marks == (SUMMARY_ONLY,) and "robots.txt" in (article.note or "")
    assert [p.source for p in article.article.paragraphs] == [ARTICLES["piste"][0], ARTICLES["piste"][1][0]]
    assert result.failures == 0


def test_robots_txt_is_read_once_per_host(site: Site, tmp_path: Path) -> None:
    for name in ("piste", "port", "musee"):
        site.add_article(name)
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, n) for n in ("piste", "port", "musee")]))
    run([f"{site.base}/rss.xml"], tmp_path)
    assert site.paths().count("/robots.txt") == 1


def test_a_page_that_cannot_be_fetched_falls_back_to_the_summary_and_is_never_dropped(site: Site, tmp_path: Path) -> None:
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "port"), item_for(site.base, "musee", summary="")]))
    result = run([f"{site.base}/rss.xml"], tmp_path)
    (article,) = result.articles
    assert article.marks == (SUMMARY_ONLY,) and (article.note or "").startswith("the server answered 404")
    (note,) = result.notes
    assert note.status == "failed" and "no summary" in (note.detail or "") and result.failures == 1


def test_an_item_with_nothing_to_read_is_reported_failed_only_until_max_attempts(site: Site, tmp_path: Path) -> None:
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "musee", summary="")]), etag='"v1"')
    options = FeedOptions(timeout=2.0, host_delay=0.0, feed_delay=0.0, max_attempts=2)
    failures = [run([f"{site.base}/rss.xml"], tmp_path, options).failures for _ in range(3)]
    assert failures == [1, 1, 0]
    assert site.paths().count("/articles/musee.html") == 2


def test_an_item_without_a_link_is_read_from_the_feed_and_named_beside_it(site: Site, tmp_path: Path) -> None:
    feed = rss("Le Courrier", [{"title": "Brève sans lien", "guid": "b-1", "description": "Le maire a démissionné ce matin, a annoncé la préfecture."}])
    site.add_feed("/rss.xml", feed)
    (article,) = run([f"{site.base}/rss.xml"], tmp_path).articles
    assert article.marks == (SUMMARY_ONLY,) and article.note == "the item has no link"
    assert article.input.startswith(f"{site.base}/rss.xml#item-")
    assert article.output_path.name.startswith("rss-item-") and article.output_path.parent.name == site.base.split("//")[1].replace(":", "_")


def test_since_leaves_older_items_out_without_marking_them_seen(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_article("port")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste", age_hours=2), item_for(site.base, "port", age_hours=30)]))
    recent = run([f"{site.base}/rss.xml"], tmp_path, FeedOptions(timeout=2.0, host_delay=0.0, feed_delay=0.0, since=NOW - timedelta(hours=24)))
    assert [a.item.title for a in recent.articles] == [ARTICLES["piste"][0]] and recent.feeds[0].too_old == 1
    everything = run([f"{site.base}/rss.xml"], tmp_path)
    assert [a.item.title for a in everything.articles] == [ARTICLES["port"][0]]


def test_a_list_mixes_feeds_and_article_addresses_and_a_rerun_fetches_neither_again(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_article("musee")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "piste")]), content_type="text/xml", etag='"a"')
    listing = tmp_path / "follow.txt"
    listing.write_text(f"# what I follow\n{site.base}/rss.xml\n{site.base}/articles/musee.html\n", encoding="utf-8")
    sources = read_sources(listing, max_bytes=10_000)
    first = run(sources, tmp_path / "out")
    assert sorted(a.item.title or a.article.source.title for a in first.articles) == sorted([ARTICLES["piste"][0], ARTICLES["musee"][0]])
    assert [f.status for f in first.feeds] == ["read", "page"]
    assert site.paths().count("/articles/musee.html") == 1  # downloaded once: to tell its kind and to read it
    site.requests.clear()
    second = run(sources, tmp_path / "out")
    assert second.articles == () and site.paths() == ["/rss.xml"]


def test_an_opml_export_gives_its_feeds(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_article("port")
    site.add_feed("/a.xml", rss("Villes", [item_for(site.base, "piste")]))
    site.add_feed("/b.xml", rss("Mer", [item_for(site.base, "port")]))
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Mes abonnements</title></head><body>'
        f'<outline text="Actualité"><outline type="rss" text="Villes" xmlUrl="{site.base}/a.xml"/>'
        f'<outline type="rss" text="Mer" xmlUrl="{site.base}/b.xml"/></outline></body></opml>',
        encoding="utf-8",
    )
    result = run(read_sources(opml, max_bytes=10_000), tmp_path / "out")
    assert sorted(f.title or "" for f in result.feeds) == ["Mer", "Villes"]
    assert len(result.articles) == 2


def test_an_opml_list_given_by_address_is_opened_and_its_feeds_read(site: Site, tmp_path: Path) -> None:
    site.add_article("musee")
    site.add_feed("/culture.xml", rss("Culture", [item_for(site.base, "musee")]))
    site.routes["/abonnements.opml"] = Reply(
        f'<opml version="2.0"><body><outline text="Culture" xmlUrl="{site.base}/culture.xml"/></body></opml>'.encode(),
        "text/x-opml")
    result = run([f"{site.base}/abonnements.opml"], tmp_path)
    assert [(f.source.rsplit("/", 1)[-1], f.status) for f in result.feeds] == [("abonnements.opml", "list"), ("culture.xml", "read")]
    assert [a.item.title for a in result.articles] == [ARTICLES["musee"][0]]


def test_a_saved_feed_file_is_read_without_the_network_for_the_feed(site: Site, tmp_path: Path) -> None:
    site.add_article("port")
    saved = tmp_path / "courrier.xml"
    saved.write_bytes(rss("Le Courrier", [item_for(site.base, "port")]))
    result = run(read_sources(saved, max_bytes=100_000), tmp_path / "out")
    assert [a.item.title for a in result.articles] == [ARTICLES["port"][0]]
    assert "/articles/port.html" in site.paths()


def test_the_same_link_in_two_feeds_is_read_once(site: Site, tmp_path: Path) -> None:
    site.add_article("piste")
    site.add_feed("/une.xml", rss("À la une", [item_for(site.base, "piste", guid="une-1")]))
    site.add_feed("/villes.xml", rss("Villes", [item_for(site.base, "piste", guid="villes-7")]))
    result = run([f"{site.base}/une.xml", f"{site.base}/villes.xml"], tmp_path)
    assert len(result.articles) == 1 and site.paths().count("/articles/piste.html") == 1
    assert result.feeds[1].seen == 1


def test_the_same_text_under_two_links_in_one_run_is_translated_once(site: Site, tmp_path: Path) -> None:
    site.add_article("piste", "/politique/piste.html")
    site.add_article("piste", "/villes/piste.html")
    site.add_feed("/rss.xml", rss("Le Courrier", [
        item_for(site.base, "piste", link=f"{site.base}/politique/piste.html", guid="p", summary="Vote au conseil."),
        item_for(site.base, "piste", link=f"{site.base}/villes/piste.html", guid="v", summary="Vote au conseil municipal."),
    ]))
    result = run([f"{site.base}/rss.xml"], tmp_path)
    first, second = result.articles
    assert first.same_text_as is None and second.same_text_as == first.input
    assert result.stories == ((first.input, second.input),)


def test_a_wire_with_another_headline_at_another_outlet_is_grouped_as_one_story(
    site: Site, other_site: Site, tmp_path: Path
) -> None:
    title, paragraphs = ARTICLES["greve"]
    site.add_article("greve")
    edited = [paragraphs[0].replace("samedi matin", "samedi"), *paragraphs[1:3]]  # lead edited, last paragraph cut
    other_site.routes["/social/controleurs.html"] = Reply(page("Les aiguilleurs du ciel en grève", edited))
    other_site.add_article("musee")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "greve")]))
    other_site.add_feed("/rss.xml", rss("La Gazette", [
        item_for(other_site.base, "greve", link=f"{other_site.base}/social/controleurs.html", guid="g1",
                 summary="Les aiguilleurs du ciel en grève."),
        item_for(other_site.base, "musee"),
    ]))
    result = run([f"{site.base}/rss.xml", f"{other_site.base}/rss.xml"], tmp_path)
    assert len(result.articles) == 3
    (story,) = result.stories
    assert set(story) == {f"{site.base}/articles/greve.html", f"{other_site.base}/social/controleurs.html"}
    assert all(a.same_text_as is None for a in result.articles)  # another headline: each translated


def test_a_host_gets_at_most_its_share_of_feed_requests_at_once_spaced_by_the_feed_delay(site: Site) -> None:
    for number in range(4):
        site.routes[f"/f{number}.xml"] = Reply(rss("x", []), "application/rss+xml", delay=0.05)
    client = PoliteClient(FeedOptions(per_host=1, feed_delay=0.2, timeout=2.0))
    started = time.monotonic()
    threads = [threading.Thread(target=client.get, args=(f"{site.base}/f{n}.xml",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert site.most_in_flight == 1
    assert time.monotonic() - started >= 0.6  # three gaps of 0.2 s between four starts


def test_pages_of_one_host_start_the_host_delay_apart(site: Site, tmp_path: Path) -> None:
    for name in ("piste", "port", "musee"):
        site.add_article(name)
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, n) for n in ("piste", "port", "musee")]))
    started = time.monotonic()
    run([f"{site.base}/rss.xml"], tmp_path, FeedOptions(timeout=2.0, host_delay=0.3, feed_delay=0.0))
    assert time.monotonic() - started >= 0.9  # robots.txt and three pages: three gaps of 0.3 s


def test_the_gate_lets_different_hosts_go_at_once() -> None:
    gate = HostGate(per_host=1, delay=1.0)
    started = time.monotonic()
    for port in range(5):
        with gate.slot(f"http://127.0.0.1:{9000 + port}/feed"):
            pass
    assert time.monotonic() - started < 0.5


def test_the_state_shares_the_batch_ledgers_database_and_transaction(site: Site, tmp_path: Path) -> None:
    from translate_sum.batch.state import STATE_NAME, Ledger

    site.add_article("port")
    site.add_feed("/rss.xml", rss("Le Courrier", [item_for(site.base, "port")]))
    with Ledger(tmp_path) as ledger:
        state = FeedState(ledger.db)
        result = collect_feed_items([Source(f"{site.base}/rss.xml")], state, FAST)
        assert len(result.articles) == 1
    with sqlite3.connect(tmp_path / STATE_NAME) as db:
        assert db.execute("SELECT status FROM feed_items").fetchall() == [("pending",)]
        assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {"articles", "feed_items", "feed_sources"}
