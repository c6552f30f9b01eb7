"""`translate-sum batch` following feeds, end to end, against a local site on 127.0.0.1.

The site serves RSS and Atom feeds, an OPML list, article pages, robots.txt, a 404
and ETags (304 when unchanged), each route on every one of several ports: each
article lives on a port of its own, so the per-host delay between two pages of one
site (1 s) does not slow the tests down. Runs go through the command line
(`CliRunner`) with the tiny echo model and the extractive summarizer; the articles
are the project's own invented text.
"""

from __future__ import annotations

import io
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from xml.sax.saxutils import escape, quoteattr

import feedparser
import pytest
from click.testing import CliRunner, Result

from translate_sum.cli import main

ARTICLES = {
    "tram": (
        "Le tramway de Villebrune circulera dès lundi",
        [
            "Après trois ans de travaux, la première ligne du tramway de Villebrune sera mise en service lundi matin, a annoncé la métropole.",
            "Les rames circuleront toutes les six minutes entre la gare et le campus, de cinq heures du matin à minuit et demi.",
            "Le chantier a coûté 412 millions d'euros, un peu plus que prévu, et les commerçants du centre réclament toujours des indemnités.",
        ],
    ),
    "piscine": (
        "La piscine municipale ferme pour l'été",
        [
            "La piscine municipale de Villebrune fermera ses portes du 15 juillet au 31 août pour des travaux d'isolation du toit.",
            "Les nageurs sont invités à se rendre au centre aquatique de la commune voisine, où la mairie prendra en charge la moitié du ticket.",
            "Le club de natation, qui compte trois cents licenciés, s'entraînera pendant ce temps dans le lac de Montclair.",
        ],
    ),
    "marche": (
        "Le marché couvert rouvre après l'incendie",
        [
            "Le marché couvert de Villebrune, ravagé par un incendie en février, rouvre samedi avec quarante commerçants sur les cinquante d'avant.",
            "La charpente a été refaite à l'identique grâce à une souscription qui a réuni près de neuf cents donateurs.",
            "Les dix commerçants absents ont pour la plupart pris leur retraite ou déménagé, selon l'association des marchés.",
        ],
    ),
    "ecole": (
        "Une nouvelle école ouvrira à la rentrée",
        [
            "Le groupe scolaire des Tilleuls accueillera ses premiers élèves en septembre, avec douze classes de la maternelle au CM2.",
            "Le bâtiment en bois, chauffé par géothermie, doit consommer quatre fois moins d'énergie que les écoles construites il y a vingt ans.",
            "Les parents d'élèves regrettent l'absence de cantine sur place pendant la première année, faute de cuisinier recruté à temps.",
        ],
    ),
}

NOW = datetime.now(timezone.utc).replace(microsecond=0)
PORTS = 5  # the site answers on this many ports


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><nav><a href='/'>Accueil</a></nav><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode("utf-8")


@dataclass
class Reply:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None


@dataclass
class Site:
    """Routes answered on every port; `hits` records (port, path) of each request."""

    ports: list[int] = field(default_factory=list)
    routes: dict[str, Reply] = field(default_factory=dict)
    hits: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, port: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[port]}{path}"

    def article_url(self, name: str, path: str | None = None) -> str:
        """Each article on a port of its own (the feeds are on port 0)."""
        return self.url(path or f"/articles/{name}.html", 1 + list(ARTICLES).index(name) % (PORTS - 1))

    def add_article(self, name: str, path: str | None = None, paragraphs: list[str] | None = None) -> None:
        title, text = ARTICLES[name]
        self.routes[path or f"/articles/{name}.html"] = Reply(page(title, paragraphs or text))

    def article_hits(self) -> list[str]:
        return [path for _, path in self.hits if path.startswith("/articles/")]

    def output_folder(self, name: str) -> str:
        return self.article_url(name).split("//")[1].split("/")[0].replace(":", "_")


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
            with site.lock:
                site.hits.append((self.server.server_address[1], self.path))
            reply = site.routes.get(self.path) or Reply(b"not here", "text/plain", 404)
            if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.etag:
                self.send_header("ETag", reply.etag)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def site() -> Iterator[Site]:
    saved = {name: os.environ.get(name) for name in ("no_proxy", "NO_PROXY")}
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"  # a user's proxy must not see these
    served = Site()
    servers = [QuietServer(("127.0.0.1", 0), _handler(served)) for _ in range(PORTS)]
    served.ports = [server.server_address[1] for server in servers]
    for server in servers:
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    served.routes["/robots.txt"] = Reply(b"User-agent: *\nAllow: /\n", "text/plain")
    try:
        yield served
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def rss_item(site: Site, name: str, *, hours_ago: float = 1, link: str | None = None, guid: str | None = None,
             summary: str | None = None) -> dict[str, str]:
    title, paragraphs = ARTICLES[name]
    return {"title": title, "link": link or site.article_url(name), "guid": guid or f"urn:villebrune:{name}",
            "description": paragraphs[0] if summary is None else summary,
            "pubDate": format_datetime(NOW - timedelta(hours=hours_ago), usegmt=True)}


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    entries = "".join(
        "<item>" + "".join(f"<{tag}>{escape(value)}</{tag}>" for tag, value in item.items() if tag != "guid")
        + (f'<guid isPermaLink="false">{escape(item["guid"])}</guid>' if "guid" in item else "") + "</item>"
        for item in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://villebrune.invalid/</link><description>Actualités</description>{entries}</channel></rss>").encode()


def atom(title: str, site: Site, names: list[str], hours_ago: float = 3) -> bytes:
    stamp = (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = "".join(
        f"<entry><id>urn:villebrune:atom:{name}</id><title>{escape(ARTICLES[name][0])}</title>"
        f"<link href={quoteattr(site.article_url(name))}/><updated>{stamp}</updated>"
        f"<summary>{escape(ARTICLES[name][1][0])}</summary></entry>"
        for name in names
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}</title>'
            f"<id>urn:villebrune:atom</id><updated>{stamp}</updated>{entries}</feed>").encode()


def opml(*feeds: tuple[str, str]) -> bytes:
    outlines = "".join(f'<outline type="rss" text={quoteattr(title)} xmlUrl={quoteattr(url)}/>' for title, url in feeds)
    return f'<?xml version="1.0"?><opml version="2.0"><head><title>Abonnements</title></head><body>{outlines}</body></opml>'.encode()


@pytest.fixture
def batch(tiny_marian_echo_dir: Path, tmp_path: Path) -> Any:
    """Run `translate-sum batch INPUT -o tmp/out ...` with the echo model; returns the result."""

    def run(source: str | Path, *more: str, out: Path | None = None) -> Result:
        args = ["batch", str(source), "-o", str(out or tmp_path / "out"), "--translation-model", str(tiny_marian_echo_dir),
                "--engine", "transformers", "--summarizer", "extractive", *more]
        return CliRunner().invoke(main, args)

    return run


def report_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def two_feeds(site: Site) -> None:
    """An RSS feed (tram, piscine; an ETag), an Atom feed (marche) and an OPML list of both."""
    for name in ("tram", "piscine", "marche"):
        site.add_article(name)
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram", hours_ago=1), rss_item(site, "piscine", hours_ago=5)]),
                                    "application/rss+xml", etag='"gazette-1"')
    site.routes["/atom.xml"] = Reply(atom("Le Courrier", site, ["marche"], hours_ago=3), "application/atom+xml")
    site.routes["/abonnements.opml"] = Reply(opml(("La Gazette", site.url("/rss.xml")), ("Le Courrier", site.url("/atom.xml"))), "text/x-opml")


def test_an_opml_list_of_an_rss_and_an_atom_feed_gives_outputs_a_digest_and_feed_xml(site: Site, batch: Any, tmp_path: Path) -> None:
    two_feeds(site)
    result = batch(site.url("/abonnements.opml"))
    out = tmp_path / "out"
    assert result.exit_code == 0, result.output
    for name in ("tram", "piscine", "marche"):
        folder = out / site.output_folder(name) / "articles"
        assert (folder / f"{name}.en.md").is_file() and (folder / f"{name}.brief.md").is_file(), name
    report = report_of(out)
    assert {a["input"]: a["status"] for a in report["articles"]} == {site.article_url(n): "done" for n in ("tram", "piscine", "marche")}
    assert {f["title"]: f["new"] for f in report["feeds"] if f["status"] == "read"} == {"La Gazette": 2, "Le Courrier": 1}
    index = (out / "index.md").read_text(encoding="utf-8")
    # Newest first: the RSS feed (1 h) before the Atom feed (3 h); in it, tram (1 h) before piscine (5 h).
    assert index.index("### La Gazette") < index.index("### Le Courrier")
    assert index.index(ARTICLES["tram"][0]) < index.index(ARTICLES["piscine"][0].replace("'", "'"))
    assert f"#### [{ARTICLES['marche'][0]}](<{site.article_url('marche')}>)" in index
    assert f"[brief]({site.output_folder('tram')}/articles/tram.brief.md)" in index
    parsed = feedparser.parse(io.BytesIO((out / "feed.xml").read_bytes()))
    assert not parsed.bozo and parsed.version == "atom10"
    assert {e.link for e in parsed.entries} == {site.article_url(n) for n in ("tram", "piscine", "marche")}
    assert all(e.summary for e in parsed.entries)


def test_a_second_run_translates_nothing_fetches_no_article_and_gets_a_304(site: Site, batch: Any, tmp_path: Path) -> None:
    two_feeds(site)
    assert batch(site.url("/abonnements.opml")).exit_code == 0
    translation = tmp_path / "out" / site.output_folder("tram") / "articles" / "tram.en.md"
    written = translation.stat().st_mtime_ns
    site.hits.clear()
    result = batch(site.url("/abonnements.opml"))
    assert result.exit_code == 0, result.output
    assert site.article_hits() == [] and not any(path == "/robots.txt" for _, path in site.hits)
    report = report_of(tmp_path / "out")
    assert report["articles"] == [] and report["totals"]["requests"] == 3  # the OPML list and its two feeds
    assert {f["title"]: f["status"] for f in report["feeds"] if f["title"]} == {"La Gazette": "not modified", "Le Courrier": "read"}
    index = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert "No new article from 3 sources." in index and "## Earlier" in index and ARTICLES["tram"][0] in index
    assert translation.stat().st_mtime_ns == written
    assert len(feedparser.parse(io.BytesIO((tmp_path / "out" / "feed.xml").read_bytes())).entries) == 3


def test_a_saved_feed_file_works_like_its_address(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("ecole")
    saved = tmp_path / "gazette.xml"
    saved.write_bytes(rss("La Gazette", [rss_item(site, "ecole")]))
    result = batch(saved, "--format", "html")
    out = tmp_path / "out"
    assert result.exit_code == 0, result.output
    assert (out / site.output_folder("ecole") / "articles" / "ecole.brief.html").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert ARTICLES["ecole"][0].replace("'", "&#x27;") in index and "articles/ecole.brief.html" in index


def test_a_failed_feed_and_an_unreadable_item_exit_1_while_the_rest_is_translated(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("tram")
    broken = {"description": ""}  # no title, no link, no id, no text: a broken item
    lost = rss_item(site, "ecole", summary="")  # its page is missing and the feed gives no text
    fallback = rss_item(site, "piscine")  # its page is missing: the feed's summary is translated
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram"), broken, lost, fallback]), "application/rss+xml")
    listing = tmp_path / "suivis.txt"
    listing.write_text(f"# mes sources\n{site.url('/rss.xml')}\n{site.url('/gone.xml')}\n", encoding="utf-8")
    result = batch(listing, "-q")
    out = tmp_path / "out"
    assert result.exit_code == 1, result.output
    report = report_of(out)
    assert {a["input"]: a["status"] for a in report["articles"]} == {site.article_url("tram"): "done", site.article_url("piscine"): "done"}
    piscine = next(a for a in report["articles"] if a["input"] == site.article_url("piscine"))
    assert piscine["note"].startswith("Summary only") and "404" in piscine["note"]
    assert {n["status"] for n in report["notes"]} == {"broken", "failed"}
    assert [f["status"] for f in report["feeds"]] == ["read", "failed"] and report["totals"]["feed_failures"] == 2
    # Quiet: nothing on stderr but the failures, one a line under their count.
    lines = result.output.strip().splitlines()
    assert lines[0] == "Failed (2):" and len(lines) == 3 and all(line.startswith("  ") for line in lines[1:])
    assert any("/gone.xml" in line and "404" in line for line in lines)
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "_summary only_" in index and "## Failed (2)" in index and "## Not translated (1)" in index


def test_an_item_republished_under_a_new_link_is_not_translated_or_fetched_again(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("marche")
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "marche")]), "application/rss+xml")
    assert batch(site.url("/rss.xml")).exit_code == 0
    new_link = site.article_url("marche", "/2024/marche-couvert.html")
    site.add_article("marche", "/2024/marche-couvert.html")
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "marche", link=new_link, guid="urn:villebrune:republie")]),
                                    "application/rss+xml")
    site.hits.clear()
    result = batch(site.url("/rss.xml"))
    assert result.exit_code == 0, result.output
    report = report_of(tmp_path / "out")
    assert report["articles"] == [] and site.article_hits() == []
    assert [(n["item"], n["status"]) for n in report["notes"]] == [(new_link, "republished")]


def test_an_updated_item_is_translated_again_and_marked_updated(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("tram")
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram")]), "application/rss+xml")
    assert batch(site.url("/rss.xml")).exit_code == 0
    translation = tmp_path / "out" / site.output_folder("tram") / "articles" / "tram.en.md"
    before = translation.read_text(encoding="utf-8")
    added = "Mise à jour : la mise en service est repoussée de deux semaines à cause d'un défaut de signalisation."
    site.add_article("tram", paragraphs=[*ARTICLES["tram"][1], added])
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram", summary=added)]), "application/rss+xml")
    result = batch(site.url("/rss.xml"))
    assert result.exit_code == 0, result.output
    report = report_of(tmp_path / "out")
    [redone] = report["articles"]
    assert redone["status"] == "done" and redone["note"].startswith("Updated")
    assert report["feeds"][0]["updated"] == 1
    after = translation.read_text(encoding="utf-8")
    assert after != before and "signalisation" in after
    assert "_updated_" in (tmp_path / "out" / "index.md").read_text(encoding="utf-8")


def test_since_leaves_out_older_items_and_a_later_run_without_it_takes_them(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("tram")
    site.add_article("ecole")
    items = [rss_item(site, "tram", hours_ago=2), rss_item(site, "ecole", hours_ago=72)]
    site.routes["/rss.xml"] = Reply(rss("La Gazette", items), "application/rss+xml")
    recent = batch(site.url("/rss.xml"), "--since", "24h")
    assert recent.exit_code == 0, recent.output
    report = report_of(tmp_path / "out")
    assert [a["input"] for a in report["articles"]] == [site.article_url("tram")]
    assert report["feeds"][0]["too_old"] == 1 and "/articles/ecole.html" not in site.article_hits()
    later = batch(site.url("/rss.xml"))
    assert later.exit_code == 0, later.output
    assert [a["input"] for a in report_of(tmp_path / "out")["articles"]] == [site.article_url("ecole")]


def test_the_same_article_under_two_links_is_translated_once_and_shown_as_one_story(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("piscine")
    site.add_article("piscine", "/sport/piscine.html")
    other = site.article_url("piscine", "/sport/piscine.html")
    site.routes["/une.xml"] = Reply(rss("La Gazette", [rss_item(site, "piscine")]), "application/rss+xml")
    site.routes["/sport.xml"] = Reply(rss("La Gazette Sport", [rss_item(site, "piscine", link=other, guid="urn:sport:piscine",
                                                                       summary="Les nageurs devront changer de bassin cet été.")]),
                                      "application/rss+xml")
    listing = tmp_path / "suivis.txt"
    listing.write_text(f"{site.url('/une.xml')}\n{site.url('/sport.xml')}\n", encoding="utf-8")
    result = batch(listing)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    articles = {a["input"]: a for a in report_of(out)["articles"]}
    first, second = articles[site.article_url("piscine")], articles[other]
    assert first["status"] == second["status"] == "done" and first["outputs"] == second["outputs"]
    assert second["note"].startswith(f"The same text as {site.article_url('piscine')}")
    assert not (out / site.output_folder("piscine") / "sport").exists()  # no second translation
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "### Same story, several sources" in index and index.count(f"#### [{ARTICLES['piscine'][0]}]") == 1


def test_a_list_of_article_addresses_only_runs_as_a_plain_list(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("tram")
    site.add_article("ecole")
    listing = tmp_path / "pages.txt"
    listing.write_text(f"{site.article_url('tram')}\n{site.article_url('ecole')}\n", encoding="utf-8")
    result = batch(listing)
    assert result.exit_code == 0, result.output
    report = report_of(tmp_path / "out")
    assert "feeds" not in report and [a["status"] for a in report["articles"]] == ["done", "done"]
    assert "## 1. " in (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert not (tmp_path / "out" / "feed.xml").exists()
    site.hits.clear()
    assert batch(listing).exit_code == 0 and site.hits == []  # known as articles: neither probed nor fetched


def test_a_list_mixing_a_feed_and_an_article_address_follows_the_feed(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("tram")
    site.add_article("ecole")
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram")]), "application/rss+xml")
    listing = tmp_path / "suivis.txt"
    listing.write_text(f"{site.article_url('ecole')}\n{site.url('/rss.xml')}\n", encoding="utf-8")
    result = batch(listing)
    assert result.exit_code == 0, result.output
    report = report_of(tmp_path / "out")
    assert [f["status"] for f in report["feeds"]] == ["page", "read"]
    assert {a["input"] for a in report["articles"]} == {site.article_url("ecole"), site.article_url("tram")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "hier"], "'hier' is neither a date nor an age"),
        (["--since", "24h"], "only feed items have a date to filter by"),
    ],
    ids=["bad-since", "since-on-a-folder"],
)
def test_usage_errors_exit_2_in_one_line(batch: Any, tmp_path: Path, args: list[str], message: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Le conseil municipal a voté le budget mardi soir.\n", encoding="utf-8")
    result = batch(folder, *args)
    assert result.exit_code == 2 and message in result.output and "--since" in result.output, result.output


def test_a_list_with_a_line_that_is_not_an_address_is_a_usage_error(batch: Any, tmp_path: Path) -> None:
    listing = tmp_path / "suivis.txt"
    listing.write_text("https://villebrune.invalid/rss.xml\nvillebrune.invalid/une\n", encoding="utf-8")
    result = batch(listing)
    assert result.exit_code == 2 and "suivis.txt:2: 'villebrune.invalid/une' is not an http(s) address" in result.output
    assert not (tmp_path / "out" / "report.json").exists()


def test_an_interrupted_feed_run_exits_130_and_the_next_run_does_its_items_despite_the_304(site: Site, tmp_path: Path,
                                                                                         tiny_marian_echo_dir: Path) -> None:
    from translate_sum.batch import BatchOptions, ModelSpec, exit_status, run_batch
    from translate_sum.feeds import FeedOptions

    site.add_article("tram")
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram")]), "application/rss+xml", etag='"v1"')
    spec = ModelSpec(translation_model=str(tiny_marian_echo_dir), summarizer="extractive", engine="transformers")
    options = BatchOptions(models=spec.names(), translate_options=spec.options, summarizer="extractive",
                           feeds=FeedOptions(host_delay=0.0, feed_delay=0.0))

    def interrupted() -> Any:
        raise KeyboardInterrupt

    first = run_batch(site.url("/rss.xml"), tmp_path / "out", options, load=interrupted)
    assert exit_status(first) == 130 and first.pending_inputs == [site.article_url("tram")]
    second = run_batch(site.url("/rss.xml"), tmp_path / "out", options, load=spec.load)
    assert second.feeds is not None and second.feeds[0]["status"] == "not modified"
    assert [(a.input, a.status) for a in second.articles] == [(site.article_url("tram"), "done")]


def test_a_later_item_whose_link_maps_to_an_earlier_items_file_name_gets_its_own(site: Site, batch: Any, tmp_path: Path) -> None:
    site.add_article("tram")
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram")]), "application/rss+xml")
    assert batch(site.url("/rss.xml")).exit_code == 0
    folder = tmp_path / "out" / site.output_folder("tram") / "articles"
    first = (folder / "tram.en.md").read_text(encoding="utf-8")
    # Another story at /articles/tram.htm: a new link, the same file name as the first item's.
    site.add_article("piscine", "/articles/tram.htm")
    later = rss_item(site, "piscine", link=site.article_url("tram", "/articles/tram.htm"))
    site.routes["/rss.xml"] = Reply(rss("La Gazette", [rss_item(site, "tram"), later]), "application/rss+xml")
    result = batch(site.url("/rss.xml"))
    assert result.exit_code == 0, result.output
    assert (folder / "tram.en.md").read_text(encoding="utf-8") == first
    assert ARTICLES["piscine"][0] in (folder / "tram-2.en.md").read_text(encoding="utf-8")


def test_a_run_refused_before_any_work_leaves_no_output_folder(batch: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Le conseil municipal a voté le budget mardi soir.\n", encoding="utf-8")
    result = batch(folder, "--since", "24h")
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out").exists()
