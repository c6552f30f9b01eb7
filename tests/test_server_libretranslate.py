"""LibreTranslate compatibility: request and answer shapes, errors, keys, a real client."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from serving import CallRecordingEngine, recording_service, running_server
from translate_sum.pipeline import Briefer, load_translator
from translate_sum.server.app import AppSettings, create_app
from translate_sum.server.service import Service

FRENCH = "Le gouvernement a présenté mardi un plan pour les transports."


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(recording_service())) as test_client:
        yield test_client


def test_translate_a_string_answers_a_string(client: TestClient) -> None:
    response = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
    assert response.status_code == 200
    assert response.json() == {"translatedText": f"EN({FRENCH})"}


def test_translate_a_list_answers_a_list_in_order(client: TestClient) -> None:
    texts = ["Premier texte.", "", "Troisième texte.\n\nAvec deux paragraphes."]
    response = client.post("/translate", json={"q": texts, "source": "fr", "target": "en"})
    assert response.json()["translatedText"] == [
        "EN(Premier texte.)",
        "",
        "EN(Troisième texte.)\n\nEN(Avec deux paragraphes.)",
    ]


def test_translate_takes_a_form_body(client: TestClient) -> None:
    response = client.post("/translate", data={"q": FRENCH, "source": "fr", "target": "en", "format": "text"})
    assert response.json()["translatedText"] == f"EN({FRENCH})"


def test_auto_source_reports_the_detected_language(client: TestClient) -> None:
    response = client.post("/translate", json={"q": [FRENCH, FRENCH], "source": "auto", "target": "en"})
    detected = response.json()["detectedLanguage"]
    assert [d["language"] for d in detected] == ["fr", "fr"]
    assert all(0 < d["confidence"] <= 100 for d in detected)


def test_html_format_translates_text_and_keeps_every_tag(client: TestClient) -> None:
    markup = '<p class="lead">Le maire <b>a parlé</b> hier.</p><script>var x = "ne pas traduire";</script>'
    response = client.post("/translate", json={"q": markup, "source": "fr", "target": "en", "format": "html"})
    assert response.json()["translatedText"] == (
        '<p class="lead">EN(Le maire) <b>EN(a parlé)</b> EN(hier.)</p><script>var x = "ne pas traduire";</script>'
    )


def test_alternatives_are_answered_empty(client: TestClient) -> None:
    response = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en", "alternatives": 3})
    assert response.json()["alternatives"] == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"source": "fr", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": FRENCH, "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": FRENCH, "source": "fr"}, "Invalid request: missing target parameter"),
        ({"q": FRENCH, "source": "de", "target": "en"}, "de is not supported"),
        ({"q": FRENCH, "source": "fr", "target": "es"}, "es is not supported"),
        ({"q": FRENCH, "source": "fr", "target": "fr"}, "French (fr) is not available as a target language from French (fr)"),
        ({"q": FRENCH, "source": "en", "target": "en"}, "English (en) is not available as a target language from English (en)"),
        ({"q": FRENCH, "source": "fr", "target": "en", "format": "pdf"}, "pdf format is not supported"),
        ({"q": FRENCH, "source": "fr", "target": "en", "alternatives": "many"}, "Invalid request: alternatives parameter is not a number"),
        ({"q": [FRENCH, 3], "source": "fr", "target": "en"}, "Invalid request: q must be a string or a list of strings"),
    ],
)
def test_bad_requests_get_libretranslate_errors(client: TestClient, body: dict, error: str) -> None:
    response = client.post("/translate", json=body)
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_auto_source_in_another_language_is_unsupported(client: TestClient) -> None:
    german = "Die Regierung hat am Dienstag einen neuen Plan für die Eisenbahn vorgestellt, den die Gewerkschaften kritisieren."
    response = client.post("/translate", json={"q": german, "source": "auto", "target": "en"})
    assert response.status_code == 400
    assert response.json() == {"error": "de is not supported"}


def test_keys_missing_is_400_and_wrong_is_403_as_libretranslate() -> None:
    with TestClient(create_app(recording_service(), AppSettings(api_keys=("k1",)))) as client:
        body = {"q": FRENCH, "source": "fr", "target": "en"}
        missing = client.post("/translate", json=body)
        assert missing.status_code == 400
        assert missing.json() == {"error": "Please contact the server operator to get an API key"}
        wrong = client.post("/translate", json={**body, "api_key": "k2"})
        assert (wrong.status_code, wrong.json()) == (403, {"error": "Invalid API key"})
        assert client.post("/translate", data={**body, "api_key": "k1"}).status_code == 200
        assert client.post("/detect", data={"q": FRENCH}).status_code == 400
        assert client.get("/languages").status_code == 200, "the language list stays open, as in LibreTranslate"


def test_languages_and_detect_shapes(client: TestClient) -> None:
    languages = client.get("/languages").json()
    assert {"code": "fr", "name": "French", "targets": ["en"]} in languages
    detected = client.post("/detect", data={"q": FRENCH}).json()
    assert detected[0]["language"] == "fr" and 50 < detected[0]["confidence"] <= 100
    assert client.post("/detect", json={}).json() == {"error": "Invalid request: missing q parameter"}


def test_full_queue_answers_503_with_retry_after() -> None:
    service = recording_service(CallRecordingEngine(), queue_size=1)
    with TestClient(create_app(service)) as client:
        service._admitted = 1  # the queue is full: one request already admitted
        response = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
        service._admitted = 0
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "busy" in response.json()["error"]


@pytest.fixture(scope="module")
def echo_service(tiny_marian_echo_dir: Path) -> Service:
    translator = load_translator(str(tiny_marian_echo_dir), engine="transformers", device="cpu")
    return Service(translator, Briefer(translator))


def test_libretranslate_client_library_talks_to_the_server(echo_service: Service) -> None:
    from libretranslatepy import LibreTranslateAPI

    with running_server(echo_service) as url:
        client = LibreTranslateAPI(url)
        english = client.translate(FRENCH, "fr", "en", timeout=60)
        assert isinstance(english, str) and english.strip()
        assert client.detect(FRENCH)[0]["language"] == "fr"
        assert [language["code"] for language in client.languages()] == ["fr", "en"]
        with pytest.raises(Exception) as refused:
            client.translate(FRENCH, "fr", "de", timeout=60)
        assert getattr(refused.value, "code", None) == 400


def test_libretranslate_client_library_with_an_api_key(echo_service: Service) -> None:
    from urllib.error import HTTPError

    from libretranslatepy import LibreTranslateAPI

    service = Service(echo_service.translator, echo_service.briefer)
    with running_server(service, AppSettings(api_keys=("team-key",))) as url:
        assert LibreTranslateAPI(url, api_key="team-key").translate(FRENCH, "fr", "en", timeout=60).strip()
        with pytest.raises(HTTPError) as refused:
            LibreTranslateAPI(url, api_key="guess").translate(FRENCH, "fr", "en", timeout=60)
        assert refused.value.code == 403
