"""Hostile requests: every one is answered with a 4xx and one line, never a 500 or a traceback."""

from __future__ import annotations

import logging
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from serving import CallRecordingEngine, recording_service
from translate_sum.server.app import AppSettings, create_app

FRENCH = "Le maire a présenté mardi un plan pour les transports de la ville."
JSON = {"content-type": "application/json"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(recording_service(), AppSettings(api_keys=("k1",)))) as test_client:
        yield test_client


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


HOSTILE_JSON = [
    ("/v1/translate", b'{"text": ' + _nested(1000) + b', "api_key": "k1"}', "nested too deeply"),
    ("/translate", b'{"q": ' + _nested(1000) + b', "source": "fr", "target": "en", "api_key": "k1"}', "nested too deeply"),
    ("/translate", b'{"q": "x", "source": "fr", "target": "en", "extra": ' + _nested(100) + b', "api_key": "k1"}', "nested more than"),
    ("/v1/translate", b'{"text": "Bonjour.", "segment_tokens": ' + b"9" * 5000 + b', "api_key": "k1"}', "5,000 digits"),
    ("/translate", b'{"q": "Bonjour.", "source": "fr", "target": "en", "alternatives": ' + b"9" * 5000 + b', "api_key": "k1"}', "5,000 digits"),
    ("/translate", b'{"q": "Bonjour.", "source": "fr", "target": "en", "alternatives": 1e400, "api_key": "k1"}', "too large"),
    ("/translate", b'{"q": "Bonjour.", "source": "fr", "target": "en", "alternatives": Infinity, "api_key": "k1"}', "Infinity"),
    ("/v1/translate", b'{"text": "Bonjour.", "segment_tokens": NaN, "api_key": "k1"}', "NaN"),
    ("/translate", b'{"q": "Bonjour.", "source": "fr", "target": "en", "api_key": "\\ud800"}', "'api_key' holds a lone surrogate"),
    ("/v1/translate", b'{"text": "Bonjour.", "api_key": "\\udc00"}', "'api_key' holds a lone surrogate"),
    ("/translate", b'{"q": "Bonjour \\ud800.", "source": "fr", "target": "en", "api_key": "k1"}', "'q' holds a lone surrogate"),
    ("/translate", b'{"q": "Bonjour.", "source": "\\ud800", "target": "en", "api_key": "k1"}', "'source' holds a lone surrogate"),
    ("/v1/audit", b'{"source": "Il a 3 chats \\ud800.", "translation": "He has 3 cats.", "api_key": "k1"}', "'source' holds"),
    ("/translate", b'{"q": "Bonjour.", "source": ' + _nested(500) + b', "target": "en", "api_key": "k1"}', "nested"),
    ("/translate", b'{"q": "Bonjour.", "source": {"a": 1}, "target": "en", "api_key": "k1"}', "source must be a string"),
]


@pytest.mark.parametrize(("path", "body", "words"), HOSTILE_JSON, ids=[f"{p}-{w}" for p, _, w in HOSTILE_JSON])
def test_hostile_json_is_a_one_line_400_and_no_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str, body: bytes, words: str
) -> None:
    with caplog.at_level(logging.WARNING):
        response = client.post(path, content=body, headers=JSON)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert words in error and "\n" not in error
    assert not [record for record in caplog.records if record.exc_info], "a client's bad JSON logged a traceback"


@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x1f", "\ufffe"])
@pytest.mark.parametrize("source", ["fr", "auto"])
def test_control_characters_in_libretranslate_html_are_a_400_naming_the_character(
    client: TestClient, character: str, source: str
) -> None:
    markup = f"<p>{FRENCH}{character} Et la suite.</p>"
    response = client.post("/translate", json={"q": markup, "source": source, "target": "en", "format": "html", "api_key": "k1"})
    assert response.status_code == 400
    assert f"U+{ord(character):04X}" in response.json()["error"]


def test_control_characters_survive_our_own_html_answer(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"text": f"{FRENCH}\x01 {FRENCH}", "format": "html", "api_key": "k1"})
    assert response.status_code == 200
    assert "EN(Le maire" in response.text


def test_a_model_emitting_a_control_character_does_not_break_html_format() -> None:
    class Noisy(CallRecordingEngine):
        def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
            return [text + "\x07" for text in super().generate(texts, options, progress)]

    with TestClient(create_app(recording_service(Noisy()))) as client:
        response = client.post("/translate", json={"q": f"<p>{FRENCH}</p>", "source": "fr", "target": "en", "format": "html"})
    assert response.status_code == 200
    assert "\x07" not in response.json()["translatedText"] and "EN(Le maire" in response.json()["translatedText"]


def test_any_failure_while_reading_a_body_is_a_400_with_one_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever a parser raises on a client's bytes (here a stand-in for one we did not
    # foresee) is the client's error: 400, one log line, no traceback.
    from translate_sum.server import protocol

    def unforeseen(body: bytes) -> dict:
        raise KeyError("a parser bug met an odd body")

    monkeypatch.setattr(protocol, "parse_json_object", unforeseen)
    with caplog.at_level(logging.WARNING):
        response = client.post("/v1/translate", json={"text": FRENCH, "api_key": "k1"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("cannot read the request body")
    assert len(caplog.records) == 1 and not caplog.records[0].exc_info


ACCENTED = "Le maire a démissionné lundi."
FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_plain_form_keeps_accented_letters_sent_as_raw_utf8(client: TestClient) -> None:
    # What `curl -d 'q=Le maire a démissionné lundi.&source=fr&target=en'` sends.
    raw = f"q={ACCENTED}&source=fr&target=en&api_key=k1".encode("utf-8")
    response = client.post("/translate", content=raw, headers=FORM)
    assert response.json() == {"translatedText": f"EN({ACCENTED})"}
    brief = client.post("/v1/brief", content=f"text={ACCENTED}&api_key=k1".encode("utf-8"), headers=FORM)
    assert brief.json()["paragraphs"][0]["source"] == ACCENTED


def test_a_form_reads_percent_escapes_and_a_declared_charset(client: TestClient) -> None:
    escaped = client.post("/translate", content=b"q=d%C3%A9mission+lundi&source=fr&target=en&api_key=k1", headers=FORM)
    assert escaped.json()["translatedText"] == "EN(démission lundi)"
    latin = {"content-type": "application/x-www-form-urlencoded; charset=ISO-8859-1"}
    declared = client.post("/translate", content="q=démission&source=fr&target=en&api_key=k1".encode("latin-1"), headers=latin)
    assert declared.json()["translatedText"] == "EN(démission)"


def test_a_form_that_is_not_utf8_is_a_400_not_mojibake(client: TestClient) -> None:
    response = client.post("/translate", content="q=démission&source=fr&target=en&api_key=k1".encode("latin-1"), headers=FORM)
    assert response.status_code == 400 and "not valid utf-8" in response.json()["error"]
    odd = client.post("/translate", content=b"q=x", headers={"content-type": "application/x-www-form-urlencoded; charset=rot13"})
    assert odd.status_code == 400 and "charset" in odd.json()["error"]


@pytest.mark.parametrize("depth", [254, 255, 300, 2000])
def test_libretranslate_html_translates_text_nested_at_any_depth(client: TestClient, depth: int) -> None:
    markup = "<div>" * depth + FRENCH + "</div>" * depth
    response = client.post("/translate", json={"q": markup, "source": "fr", "target": "en", "format": "html", "api_key": "k1"})
    assert response.status_code == 200
    assert response.json()["translatedText"] == "<div>" * depth + f"EN({FRENCH})" + "</div>" * depth


@pytest.mark.parametrize("source", ["fr", "auto"])
def test_libretranslate_html_nested_past_the_parser_is_a_400_naming_the_limit(client: TestClient, source: str) -> None:
    markup = "<div>" * 3000 + FRENCH + "</div>" * 3000
    response = client.post("/translate", json={"q": markup, "source": source, "target": "en", "format": "html", "api_key": "k1"})
    assert response.status_code == 400
    assert "2,048 deep" in response.json()["error"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/translate", {"text": FRENCH, "api_key": "k1", "col\nour": 1}),
        ("/translate", {"q": FRENCH, "source": "de\nX-Injected: 1", "target": "en", "api_key": "k1"}),
        ("/translate", {"q": FRENCH, "source": "fr", "target": "en", "format": "pdf\r\nmore", "api_key": "k1"}),
    ],
)
def test_an_error_quoting_the_client_stays_one_line(client: TestClient, path: str, body: dict) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "\n" not in error and "\r" not in error
