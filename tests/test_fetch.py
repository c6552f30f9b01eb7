"""Articles given by address: fetched from a local HTTP server on 127.0.0.1.

The server serves our own fixture page (tests/fixtures/html/article_fr.html) and
answers that misbehave on purpose: a redirect, a loop, 404, a page too big, a slow
one, a trickle, an image. Every failure is one InputError line naming the address.
Documents (a PDF by its type, a Word file sent as untyped bytes) are read as documents.
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

import document_samples as samples
from translate_sum.cli import main
from translate_sum.errors import InputError
from translate_sum.fetch import fetch, is_url
from translate_sum.reader import read_article

PAGE = (Path(__file__).parent / "fixtures" / "html" / "article_fr.html").read_bytes()
PDF = samples.french_pdf(samples.PdfSpec(columns=1, pages=1, paragraphs=samples.PDF_PARAGRAPHS[:2])).data
DOCX = samples.french_docx().data
PLAIN = "Le tramway de Villebrune circulera dès lundi.\n\nLes travaux ont duré trois ans.\n".encode("iso-8859-1")
SLOW_SECONDS = 3.0  # far past TIMEOUT, so a timeout that did not work shows
TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        routes = {
            "/article.html": lambda: self.send(200, PAGE, "text/html; charset=utf-8"),
            "/plain.txt": lambda: self.send(200, PLAIN, "text/plain; charset=iso-8859-1"),
            "/moved": lambda: self.redirect("/article.html"),
            "/loop": lambda: self.redirect("/loop"),
            "/big": lambda: self.send(200, b"<p>" + b"a" * 5000 + b"</p>", "text/html"),
            "/big-undeclared": self.big_without_length,
            "/slow": self.slow,
            "/trickle": self.trickle,
            "/slow-headers": self.slow_headers,
            "/report.pdf": lambda: self.send(200, PDF, "application/pdf"),
            "/download?id=7": self.untyped_docx,
            "/photo.jpg": lambda: self.send(200, b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"),
            "/archive.bin": lambda: self.send(200, b"PK\x03\x04" + b"\0" * 64, "application/octet-stream"),
        }
        routes.get(self.path, lambda: self.send(404, b"not here", "text/plain"))()

    def send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def untyped_docx(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Disposition", 'attachment; filename="conseil.docx"')
        self.send_header("Content-Length", str(len(DOCX)))
        self.end_headers()
        self.wfile.write(DOCX)

    def redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def big_without_length(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()  # no Content-Length: the size shows only while reading
        self.wfile.write(b"<p>" + b"a" * 5000 + b"</p>")
        self.close_connection = True

    def slow(self) -> None:
        time.sleep(SLOW_SECONDS)
        self.send(200, PAGE, "text/html")

    def trickle(self) -> None:
        # Each byte comes within the socket timeout, the whole page never does.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(int(SLOW_SECONDS / 0.1)):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)
        self.close_connection = True

    def slow_headers(self) -> None:
        # Each header line comes within the socket timeout; the head as a whole never does.
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            for i in range(int(SLOW_SECONDS / 0.1) + 10):
                self.wfile.write(f"X-Slow-{i}: yes\r\n".encode())
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass  # a client that gave up (the timeout tests) is expected, not news


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    # A user's proxy settings must not send requests for 127.0.0.1 elsewhere.
    saved = {name: os.environ.get(name) for name in ("no_proxy", "NO_PROXY")}
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_only_http_and_https_addresses_are_urls() -> None:
    assert is_url("https://exemple.fr/a") and is_url("http://exemple.fr")
    assert not is_url("article.txt") and not is_url("file:///etc/passwd") and not is_url("-")


def test_a_page_is_read_like_a_saved_page(server: str) -> None:
    article = read_article(f"{server}/article.html")
    assert article.source.format == "html" and article.source.path == f"{server}/article.html"
    assert article.paragraphs[0].source == "Le tramway de Villebrune circulera jusqu'à minuit dès septembre"


def test_a_redirect_is_followed(server: str) -> None:
    article = read_article(f"{server}/moved")
    assert article.paragraphs[0].is_title and "Villebrune" in article.paragraphs[0].source


def test_plain_text_is_read_in_the_charset_the_server_declares(server: str) -> None:
    article = read_article(f"{server}/plain.txt")
    assert article.source.encoding == "iso8859-1"
    assert article.paragraphs[0].source == "Le tramway de Villebrune circulera dès lundi."


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "the server answered 404 Not Found"),
        ("/loop", "redirects in a loop"),
        ("/big", "5,007 bytes, over the 1,000-byte limit"),
        ("/big-undeclared", "over the 1,000-byte limit"),
        ("/slow", f"no answer within {TIMEOUT:g} s"),
        ("/trickle", f"did not arrive within {TIMEOUT:g} s"),
        ("/slow-headers", f"did not arrive within {TIMEOUT:g} s"),
        ("/photo.jpg", "gives image/jpeg, not a web page, text or a Word, OpenDocument or PDF file"),
        ("/archive.bin", "gives application/octet-stream, not a web page"),
    ],
    ids=["404", "loop", "too-big", "too-big-undeclared", "slow", "trickle", "slow-headers", "image", "untyped-binary"],
)
def test_a_failed_fetch_is_one_line_naming_the_address(server: str, path: str, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        fetch(server + path, max_bytes=1000, timeout=TIMEOUT)
    message = str(caught.value)
    assert message.startswith(server + path + ": ") and reason in message and "\n" not in message, message
    assert time.monotonic() - started < SLOW_SECONDS


def test_a_pdf_by_address_is_read_as_a_document_by_its_type(server: str) -> None:
    page = fetch(f"{server}/report.pdf", max_bytes=1_000_000)
    assert page.document_format == "pdf"
    article = read_article(f"{server}/report.pdf")
    assert article.source.format == "pdf" and article.source.path == f"{server}/report.pdf"
    texts = " ".join(p.source for p in article.paragraphs if not p.skipped)
    assert samples.PDF_PARAGRAPHS[0][:60] in texts


def test_untyped_bytes_named_docx_by_their_server_are_read_as_a_word_document(server: str) -> None:
    article = read_article(f"{server}/download?id=7")
    assert article.source.format == "docx"
    assert samples.TITLE in [p.source for p in article.paragraphs]


def test_the_request_says_documents_are_welcome() -> None:
    from translate_sum.fetch import ACCEPT

    assert "application/pdf" in ACCEPT and "application/vnd.oasis.opendocument.text" in ACCEPT


def test_an_unreachable_host_says_so(server: str) -> None:
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there
    with pytest.raises(InputError, match="connection was refused"):
        fetch(closed + "/a", max_bytes=1000, timeout=TIMEOUT)


def test_translate_takes_an_address(server: str, tiny_marian_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        main, ["translate", f"{server}/article.html", "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert f'"path": "{server}/article.html"' in out.read_text(encoding="utf-8")


def test_translate_of_a_missing_page_is_one_line_and_exit_1(server: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["translate", f"{server}/missing", "-o", str(tmp_path / "out.md")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {server}/missing: the server answered 404 Not Found; check the address"]
    assert not (tmp_path / "out.md").exists()


def test_a_url_list_keeps_order_skips_comments_and_repeats(tmp_path: Path) -> None:
    from translate_sum.fetch import read_url_list

    listing = tmp_path / "urls.txt"
    listing.write_text("# today\nhttps://a.fr/1\n\n  https://b.fr/2  \nhttps://a.fr/1\n", encoding="utf-8")
    assert read_url_list(listing) == ["https://a.fr/1", "https://b.fr/2"]


def test_a_url_list_with_a_typo_names_the_line(tmp_path: Path) -> None:
    from translate_sum.fetch import read_url_list

    listing = tmp_path / "urls.txt"
    listing.write_text("https://a.fr/1\nwww.b.fr/2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"urls.txt:2: 'www.b.fr/2' is not an http\(s\) address"):
        read_url_list(listing)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://www.exemple.fr/politique/le-vote_12.html?page=2", "www.exemple.fr/politique/le-vote_12_page-2.html"),
        ("http://127.0.0.1:8080/a/b/", "127.0.0.1_8080/a/b/index"),
        ("https://exemple.fr/../../etc/passwd", "exemple.fr/etc/passwd"),
        ("https://exemple.fr/%2e%2e/x%20y.html", "exemple.fr/x-y.html"),
    ],
    ids=["query", "port-and-slash", "dot-dot", "escaped-dot-dot"],
)
def test_an_address_maps_to_a_safe_relative_output_path(url: str, path: str) -> None:
    from translate_sum.fetch import url_input_path

    assert url_input_path(url).as_posix() == path


def test_batch_of_listed_addresses_records_a_network_failure_as_one_failed_entry(
    server: str, tiny_marian_dir: Path, tmp_path: Path
) -> None:
    import json

    listing = tmp_path / "urls.txt"
    listing.write_text(f"{server}/article.html\n{server}/missing\n{server}/plain.txt\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(listing), "-o", str(out), "--translation-model", str(tiny_marian_dir),
            "--engine", "transformers", "--translate-only", "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    status = {a["input"]: a["status"] for a in report["articles"]}
    assert status == {f"{server}/article.html": "done", f"{server}/missing": "failed", f"{server}/plain.txt": "done"}
    failure = next(a for a in report["articles"] if a["status"] == "failed")
    assert failure["error"].startswith(f"{server}/missing: the server answered 404")
    host = server.removeprefix("http://").replace(":", "_")
    assert (out / host / "article.en.md").is_file() and (out / host / "plain.en.md").is_file()


def test_batch_rerun_does_not_fetch_addresses_already_done(server: str, tiny_marian_dir: Path, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{server}/moved\n", encoding="utf-8")
    args = ["batch", str(listing), "-o", str(tmp_path / "out"), "--translation-model", str(tiny_marian_dir),
            "--engine", "transformers", "--translate-only", "-q"]
    first = CliRunner().invoke(main, args)
    fetched = Handler.hits.get("/moved", 0)
    second = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert fetched >= 1 and Handler.hits.get("/moved", 0) == fetched


def test_listed_addresses_that_would_share_outputs_get_distinct_names(tmp_path: Path) -> None:
    from translate_sum.batch import BatchOptions
    from translate_sum.batch.discover import listed_addresses

    listing = tmp_path / "urls.txt"
    listing.write_text("https://a.fr/x.html\nhttps://a.fr/x.htm\nhttps://a.fr/x.html#top\n", encoding="utf-8")
    outputs = listed_addresses(listing, BatchOptions(translate_only=True))
    names = [paths[0].as_posix() for paths in outputs.values()]
    assert names == ["a.fr/x.en.md", "a.fr/x-2.en.md", "a.fr/x-3.en.md"]
