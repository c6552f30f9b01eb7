"""What a feed run costs when nothing is new: the daily cron job's usual case.

Serves N feeds (default 20) from N local HTTP servers on 127.0.0.1 (one host each, as
20 outlets are), each feed listing `--items` items whose article pages are served
too. A first run collects everything and records it as translated (no model: the
bookkeeping batch does after translating); then, timed with the default politeness
settings (`FeedOptions()`: 2 requests per host, 1 s between two starts on a host):

  304         every feed answers 304 Not Modified to the conditional request
  200 seen    every feed answers in full (no ETag, no Last-Modified), all items seen
  one host    the N feeds on a single host (200, all seen): bounded by the host delay

Each line gives the wall time of `collect_feed_items` (state opened and closed
included), the requests the server received, and how many were article pages
(target: none).

With `--batch MODEL_DIR` it times the whole command instead: an OPML file lists the
N feeds; a first run translates every item in-process (`run_batch`, MODEL_DIR as the
translation model, extractive briefs, no delay between pages); then
`translate-sum batch --quiet FEEDS.opml -o OUT` with the default politeness runs
`--repeat` times as a new process, each feed answering 304: the wall time includes
Python's start-up and the imports, the requests and article pages as above, and
the articles left to translate (none: no model is loaded).

Usage:
  python benchmarks/feeds_bench.py [--feeds 20] [--items 20] [--repeat 3] [--batch MODEL_DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from translate_sum.feeds import FeedOptions, FeedState, Source, collect_feed_items  # noqa: E402

PARAGRAPHS = [
    "Le conseil municipal a voté mardi soir le budget {n} après une séance de plus de cinq heures.",
    "Les travaux de la ligne {n} commenceront au printemps et dureront environ dix-huit mois, selon la mairie.",
    "L'opposition a dénoncé un projet trop coûteux et réclamé une consultation des riverains sur le dossier {n}.",
]


class Served:
    """One host: its feed (with or without an ETag) and its article pages; counts requests."""

    def __init__(self, number: int, items: int) -> None:
        self.number = number
        self.items = items
        self.etag = True
        self.requests: list[str] = []
        self.lock = threading.Lock()
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
                with served.lock:
                    served.requests.append(self.path)
                served.answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def feed(self, path: str = "/rss.xml") -> bytes:
        now = datetime.now(timezone.utc)
        items = "".join(
            f"<item><title>Titre {self.number}-{i}</title><link>{self.base}/a/{i}.html</link>"
            f"<guid>{self.base}/a/{i}</guid><pubDate>{format_datetime(now - timedelta(hours=i), usegmt=True)}</pubDate>"
            f"<description>Résumé de l'article {self.number}-{i}.</description></item>"
            for i in range(self.items)
        )
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fil {self.number}</title>'
                f"<link>{self.base}/</link><description>x</description>{items}</channel></rss>").encode()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path.endswith(".xml"):
            etag = f'"{self.number}"'
            if self.etag and handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.end_headers()
                return
            body, kind = self.feed(path), "application/rss+xml"
        elif path.startswith("/a/"):
            n = f"{self.number}-{path.rsplit('/', 1)[-1].split('.')[0]}"
            paragraphs = "".join(f"<p>{p.format(n=n)}</p>" for p in PARAGRAPHS)
            body, kind = f"<html lang='fr'><body><article><h1>Titre {n}</h1>{paragraphs}</article></body></html>".encode(), "text/html"
        else:
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        if self.etag and path.endswith(".xml"):
            handler.send_header("ETag", f'"{self.number}"')
        handler.end_headers()
        handler.wfile.write(body)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def collect(sources: list[Source], output: Path, options: FeedOptions, record: bool) -> tuple[float, int]:
    started = time.perf_counter()
    with FeedState.open(output) as state:
        run = collect_feed_items(sources, state, options)
        if record:
            for article in run.articles:
                state.record_done(article.key, input=article.input, text_hash=article.text_hash, body_hash=article.body_hash,
                                  title="EN", summary="EN summary.", flags=[], marks=article.marks, outputs=[])
    return time.perf_counter() - started, len(run.articles)


def measure(label: str, hosts: list[Served], sources: list[Source], repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        seconds, articles = collect(sources, output, FeedOptions(host_delay=0.0, per_host=8), record=True)
        print(f"{label:10s} first run (no delay, setup): {articles} articles in {seconds:.2f} s")
        times = []
        for _ in range(repeat):
            for host in hosts:
                host.requests.clear()
            seconds, articles = collect(sources, output, FeedOptions(), record=True)
            times.append(seconds)
        requests = [path for host in hosts for path in host.requests]
        pages = sum(1 for path in requests if path.startswith("/a/"))
        print(f"{label:10s} rerun, nothing new: best {min(times):.3f} s, worst {max(times):.3f} s over {repeat};"
              f" {len(requests)} requests, {pages} article pages, {articles} articles to translate")


def measure_batch(hosts: list[Served], model: str, repeat: int) -> None:
    """The whole `batch` command rerun as a new process, every feed answering 304."""
    from translate_sum.batch import BatchOptions, ModelSpec, run_batch

    with tempfile.TemporaryDirectory() as folder:
        opml = Path(folder) / "feeds.opml"
        outlines = "".join(f'<outline type="rss" text="Fil {h.number}" xmlUrl="{h.base}/rss.xml"/>' for h in hosts)
        opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
        output = Path(folder) / "out"
        spec = ModelSpec(translation_model=model, summarizer="extractive", engine="transformers")
        options = BatchOptions(models=spec.names(), translate_options=spec.options, summarizer="extractive",
                               feeds=FeedOptions(host_delay=0.0, per_host=8))
        started = time.perf_counter()
        first = run_batch(opml, output, options, load=spec.load)
        print(f"batch      first run (no delay, setup): {first.count('done')} articles translated"
              f" in {time.perf_counter() - started:.1f} s")
        command = [sys.executable, "-m", "translate_sum", "batch", "--quiet", str(opml), "-o", str(output),
                   "--translation-model", model, "--summarizer", "extractive"]
        times = []
        for _ in range(repeat):
            for host in hosts:
                host.requests.clear()
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - started)
        requests = [path for host in hosts for path in host.requests]
        pages = sum(1 for path in requests if path.startswith("/a/"))
        totals = json.loads((output / "report.json").read_text(encoding="utf-8"))["totals"]
        print(f"batch      rerun as a new process, nothing new: best {min(times):.2f} s, worst {max(times):.2f} s"
              f" over {repeat}; exit {done.returncode}; {len(requests)} requests, {pages} article pages;"
              f" {totals['articles']} articles to translate (models load only when there are some)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", metavar="MODEL_DIR", help="time the whole batch command, with this translation model")
    args = parser.parse_args()
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    hosts = [Served(n, args.items) for n in range(args.feeds)]
    try:
        if args.batch:
            measure_batch(hosts, args.batch, args.repeat)
            return
        sources = [Source(f"{h.base}/rss.xml") for h in hosts]
        measure("304", hosts, sources, args.repeat)
        for host in hosts:
            host.etag = False
        measure("200 seen", hosts, sources, args.repeat)
        one = hosts[0]
        one_host = [Source(f"{one.base}/feed{n}.xml") for n in range(args.feeds)]
        measure("one host", [one], one_host, 1)
    finally:
        for host in hosts:
            host.close()


if __name__ == "__main__":
    main()
