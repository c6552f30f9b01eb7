"""The /v1 API, health, metrics, docs and the page's assets, through an HTTP client."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from serving import CallRecordingEngine, recording_service
from translate_sum.pipeline import Translator, prepare
from translate_sum.reader import parse_article
from translate_sum.server.app import AppSettings, create_app
from translate_sum.server.service import Service
from translate_sum.writers import translation_to_dict

FIXTURES = Path(__file__).parent / "fixtures"

ARTICLE = """Le festival de jazz de Marciac attend 250 000 visiteurs

La 48e édition s'ouvre vendredi avec un concert gratuit sur la place centrale.

Les organisateurs ont prévu 60 concerts en deux semaines, dont 12 sous le grand chapiteau.

Le maire a salué « une fierté pour toute la région » lors de la présentation du programme."""

ENGLISH = """The jazz festival expects a quarter of a million visitors this summer

The organisers have planned sixty concerts over two weeks, twelve of them under the big top.

The mayor said the programme was a source of pride for the whole region and its people."""


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(recording_service())) as test_client:
        yield test_client


def _client(service: Service, settings: AppSettings | None = None) -> TestClient:
    return TestClient(create_app(service, settings))


def test_translate_answers_the_same_json_as_the_cli(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"text": ARTICLE})
    assert response.status_code == 200
    expected = translation_to_dict(Translator(CallRecordingEngine()).translate(prepare(parse_article(ARTICLE, path="pasted text"))))
    got = response.json()
    got["stats"].pop("seconds"), expected["stats"].pop("seconds")
    assert got == expected


def test_translate_takes_a_file_upload_and_names_the_source_by_its_file_name(client: TestClient) -> None:
    response = client.post("/v1/translate", files={"file": ("../../festival.md", ARTICLE.encode("utf-8"))})
    assert response.status_code == 200
    data = response.json()
    assert data["source"]["path"] == "festival.md"
    assert len(data["paragraphs"]) == 4


def test_translate_takes_a_saved_web_page(client: TestClient) -> None:
    page = (FIXTURES / "html" / "article_fr.html").read_bytes()
    response = client.post("/v1/translate", files={"file": ("article.html", page)})
    assert response.status_code == 200
    assert response.json()["source"]["format"] == "html"


def test_translate_formats_markdown_text_and_html(client: TestClient) -> None:
    md = client.post("/v1/translate", data={"text": ARTICLE, "format": "md", "bilingual": "true"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert "> La 48e édition" in md.text
    txt = client.post("/v1/translate", data={"text": ARTICLE, "format": "txt"})
    assert txt.text.startswith("EN(Le festival")
    html = client.post("/v1/translate", json={"text": ARTICLE, "format": "html"})
    assert html.headers["content-type"].startswith("text/html")
    assert html.text.count('<tr id="p-') == 4


def test_brief_answers_summary_key_points_and_every_paragraph(client: TestClient) -> None:
    response = client.post("/v1/brief", json={"text": ARTICLE, "length": "short"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"source", "title", "summary", "key_points", "paragraphs", "models", "decoding", "stats", "memory"}
    assert data["summary"]
    assert all(point["paragraphs"] for point in data["key_points"])
    assert [p["index"] for p in data["paragraphs"]] == [1, 2, 3, 4]


def test_brief_stream_sends_progress_then_result_markdown_and_view(client: TestClient) -> None:
    response = client.post("/v1/brief", data={"text": ARTICLE, "stream": "true"})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    progress = [line["progress"] for line in lines[:-1]]
    assert progress and progress[-1]["done"] == progress[-1]["total"] > 0
    assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)
    final = lines[-1]
    assert final["result"]["summary"] and final["markdown"].startswith("# ")
    assert '<tr id="p-1"' in final["html"]


def test_stream_reports_bad_input_as_an_error_line(client: TestClient) -> None:
    german = "Guten Tag, wie geht es Ihnen heute? Das Wetter ist schön. " * 5
    response = client.post("/v1/brief", data={"text": german, "stream": "true"})
    final = json.loads(response.text.splitlines()[-1])
    assert final["status"] == 400 and "German" in final["error"]


def test_brief_asking_for_a_summary_model_the_server_did_not_load_is_a_400_naming_the_field(client: TestClient) -> None:
    response = client.post("/v1/brief", json={"text": ARTICLE, "summarizer": "abstractive"})
    assert response.status_code == 400
    assert '"summarizer": "extractive"' in response.json()["error"]


def test_audit_flags_a_changed_number_from_text_or_files(client: TestClient) -> None:
    by_text = client.post("/v1/audit", json={"source": "Il a 3 chats.", "translation": "He has 4 cats."})
    assert by_text.status_code == 200
    assert by_text.json()["totals"]["flagged"] == 1
    by_file = client.post(
        "/v1/audit",
        files={"source_file": ("fr.txt", b"Il a 3 chats."), "translation_file": ("en.txt", b"He has 4 cats.")},
        data={"format": "md"},
    )
    assert by_file.status_code == 200 and "## Check these" in by_file.text


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"json": {"text": ""}}, 400, "empty"),
        ({"json": {"text": "   \n\n  "}}, 400, "empty"),
        ({"content": b"\x00\x01\x02\x03binary", "headers": {"content-type": "text/plain"}}, 400, "binary"),
        ({"files": {"file": ("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}}, 400, "binary"),
        ({"files": {"file": ("photo.png", b"abc")}}, 400, "not an article file"),
        ({"json": {}}, 400, 'as "text"'),
        ({"data": {"text": ARTICLE}, "files": {"file": ("a.txt", b"Bonjour")}}, 400, "one article"),
        ({"json": {"text": ARTICLE, "colour": "blue"}}, 400, "unknown field 'colour'"),
        ({"json": {"text": ARTICLE, "segment_tokens": 3}}, 400, "segment_tokens"),
        ({"json": {"text": ARTICLE, "format": "pdf"}}, 400, "format"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "Invalid JSON"),
        ({"content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 400, "Invalid JSON"),
        ({"content": b"<a/>", "headers": {"content-type": "application/xml"}}, 415, "content type"),
        ({"json": {"text": "Guten Tag, wie geht es Ihnen heute? Das Wetter ist schön. " * 5}}, 400, "German"),
    ],
)
def test_bad_input_gets_one_line_error_and_a_4xx(client: TestClient, request_kwargs: dict, status: int, words: str) -> None:
    response = client.post("/v1/translate", **request_kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert words in error
    assert "\n" not in error and "Traceback" not in error


def test_wrong_encoding_is_read_not_refused(client: TestClient) -> None:
    response = client.post("/v1/translate", files={"file": ("latin.txt", ARTICLE.encode("cp1252"))})
    assert response.status_code == 200
    assert response.json()["source"]["encoding"] in {"cp1252", "windows-1252", "iso-8859-1", "latin-1", "iso8859-15"}


def test_english_with_strict_is_refused_naming_the_request_field(client: TestClient) -> None:
    english = "The government announced on Tuesday a new plan for the railways, which unions criticised. " * 3
    response = client.post("/v1/translate", json={"text": english, "strict": True})
    assert response.status_code == 400
    assert "English" in response.json()["error"]


def test_body_over_the_limit_is_a_413_before_any_work() -> None:
    engine = CallRecordingEngine()
    with _client(recording_service(engine, max_bytes=1000)) as client:
        response = client.post("/v1/translate", json={"text": "Le texte. " * 200})
        assert response.status_code == 413
        assert "1,000-byte limit" in response.json()["error"]
        chunked = client.post("/v1/translate", content=iter([b"x" * 600, b"y" * 600]), headers={"content-type": "text/plain"})
        assert chunked.status_code == 413
    assert engine.calls == []


def test_slow_request_past_the_time_limit_is_a_504() -> None:
    with _client(recording_service(CallRecordingEngine(delay=1.5), request_timeout=0.3)) as client:
        response = client.post("/v1/translate", json={"text": ARTICLE})
    assert response.status_code == 504
    assert "time limit" in response.json()["error"]


def test_api_keys_missing_is_401_with_www_authenticate_and_wrong_is_403() -> None:
    settings = AppSettings(api_keys=("s3cret", "other"))
    with _client(recording_service(), settings) as client:
        missing = client.post("/v1/translate", json={"text": ARTICLE})
        assert missing.status_code == 401 and "API key" in missing.json()["error"]
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = client.post("/v1/translate", json={"text": ARTICLE, "api_key": "nope"})
        assert wrong.status_code == 403 and wrong.json()["error"] == "Invalid API key"
        assert client.post("/v1/translate", json={"text": ARTICLE, "api_key": "s3cret"}).status_code == 200
        assert client.post("/v1/translate", json={"text": ARTICLE}, headers={"Authorization": "Bearer other"}).status_code == 200
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"X-API-Key": "s3cret"}).status_code == 200
        assert client.get("/v1/info", headers={"X-API-Key": "s3cret"}).json()["api_key_required"] is True


def test_a_metrics_key_opens_metrics_to_a_scraper_that_cannot_translate() -> None:
    settings = AppSettings(api_keys=("team-key",), metrics_keys=("scraper-key",))
    with _client(recording_service(), settings) as client:
        scraper = {"Authorization": "Bearer scraper-key"}
        assert client.get("/metrics", headers=scraper).status_code == 200
        assert client.get("/metrics", headers={"X-API-Key": "team-key"}).status_code == 403
        assert client.post("/v1/translate", json={"text": ARTICLE}, headers=scraper).status_code == 403
    with _client(recording_service(), AppSettings(api_keys=("team-key",), metrics_keys=())) as client:
        assert client.get("/metrics").status_code == 200, "an empty metrics key list leaves /metrics open"


def test_info_names_model_paths_only_to_holders_of_a_key() -> None:
    with _client(recording_service(), AppSettings(api_keys=("s3cret",))) as client:
        refused = client.get("/v1/info")
        assert refused.status_code == 401 and "models" not in refused.json()
        assert client.get("/v1/info", headers={"Authorization": "Bearer s3cret"}).json()["models"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/languages"), ("GET", "/v1/info"), ("GET", "/metrics"), ("GET", "/"), ("POST", "/translate"), ("POST", "/v1/translate")],
)
def test_a_key_in_the_address_is_refused_on_every_route(method: str, path: str) -> None:
    # Proxies and access logs keep addresses: the key must travel in a header or the body.
    with _client(recording_service(), AppSettings(api_keys=("s3cret",))) as client:
        response = client.request(method, f"{path}?api_key=s3cret", json={"text": ARTICLE} if method == "POST" else None)
    assert response.status_code == 400
    assert "X-API-Key header" in response.json()["error"]


def test_no_cors_headers_unless_an_origin_is_named() -> None:
    origin = {"Origin": "https://newsroom.example"}
    with _client(recording_service()) as client:
        assert "access-control-allow-origin" not in client.get("/languages", headers=origin).headers
    with _client(recording_service(), AppSettings(cors_origins=("https://newsroom.example",))) as client:
        allowed = client.get("/languages", headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = client.get("/languages", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_health_and_info_describe_the_server(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    info = client.get("/v1/info").json()
    assert info["models"]["translation"] == "fake-model"
    assert info["summarizers"] == ["extractive"]


def test_metrics_count_requests_errors_queue_and_segments(client: TestClient) -> None:
    client.post("/v1/translate", json={"text": ARTICLE})
    client.post("/v1/translate", json={"text": ""})
    page = client.get("/metrics").text
    assert 'translate_sum_requests_total{route="/v1/translate",status="200"} 1' in page
    assert 'translate_sum_requests_total{route="/v1/translate",status="400"} 1' in page
    assert "translate_sum_errors_total 1" in page
    assert "translate_sum_queue_requests 0" in page
    segments = re.search(r"^translate_sum_segments_total (\d+)$", page, re.M)
    assert segments and int(segments.group(1)) >= 4
    assert re.search(r"^translate_sum_segments_per_second [0-9.e-]+$", page, re.M)


def _local_assets(page: str) -> list[str]:
    return re.findall(r'(?:src|href)=["\']([^"\'#]+)["\']', page)


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_pages_load_every_asset_from_this_server(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assets = [a for a in _local_assets(page.text) if not a.startswith("data:")]
    assert assets, "the page has assets"
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served locally"
        assert client.get(asset).status_code == 200, asset
    assert "fonts.googleapis" not in page.text and "cdn." not in page.text


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/translate", "/v1/brief", "/v1/audit", "/translate", "/languages", "/detect", "/health", "/metrics"):
        assert path in paths
    body = paths["/v1/translate"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body and "application/json" in body


def test_abstractive_brief_runs_the_summary_model_through_the_scheduler(tiny_marian_dir: Path, tiny_bart_dir: Path) -> None:
    from translate_sum.pipeline import load_briefer

    briefer = load_briefer(str(tiny_marian_dir), str(tiny_bart_dir), engine="transformers", device="cpu")
    service = Service(briefer.translator, briefer)
    with _client(service) as client:
        assert client.get("/v1/info").json()["summarizers"] == ["abstractive", "extractive"]
        response = client.post("/v1/brief", json={"text": ARTICLE})
        extractive = client.post("/v1/brief", json={"text": ARTICLE, "summarizer": "extractive"})
    assert response.status_code == 200 and extractive.status_code == 200
    assert response.json()["models"]["summary"].startswith((str(tiny_bart_dir), "extractive (fallback"))
    assert extractive.json()["models"]["summary"] == "extractive"
    assert service.scheduler.calls >= 2, "translation and summary both went through the scheduler"


@pytest.mark.parametrize(
    ("host", "status"),
    [("localhost:8000", 200), ("127.0.0.1", 200), ("[::1]:8000", 200), ("LOCALHOST.", 200),
     ("rebind.example:8000", 421), ("127.0.0.1.rebind.example", 421), ("news.example.org", 200), ("a.b.example.org:80", 421)],
)
def test_host_header_must_name_an_allowed_host(host: str, status: int) -> None:
    from translate_sum.server.access import LOOPBACK_HOSTS

    settings = AppSettings(allowed_hosts=(*LOOPBACK_HOSTS, "news.example.org"))
    with _client(recording_service(), settings) as client:
        response = client.get("/health", headers={"Host": host})
    assert response.status_code == status


def test_allowed_hosts_follow_the_listening_address() -> None:
    from translate_sum.server.access import LOOPBACK_HOSTS, allowed_hosts_for

    assert allowed_hosts_for("127.0.0.1") == LOOPBACK_HOSTS == allowed_hosts_for("localhost")
    assert allowed_hosts_for("0.0.0.0") == (), "on the network without names: any Host"
    assert allowed_hosts_for("0.0.0.0", ("news.example.org",)) == (*LOOPBACK_HOSTS, "news.example.org")
    assert allowed_hosts_for("127.0.0.1", ("*",)) == ()
