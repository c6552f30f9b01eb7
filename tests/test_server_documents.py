"""Word, OpenDocument and PDF files on the server: /v1 uploads, the document back as a
download, LibreTranslate's /translate_file with its download route, bad files as 400s.

The engine is the recording stand-in ("EN(...)"), so an element of the output tells by
itself whether it was translated.
"""

from __future__ import annotations

import io
import json
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

import document_samples as samples
from serving import recording_service
from translate_sum.documents import parse_document
from translate_sum.server.access import MISSING_KEY
from translate_sum.server.app import AppSettings, create_app
from translate_sum.server.files import FileStore

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


@pytest.fixture(scope="module")
def docx() -> bytes:
    return samples.french_docx().data


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return samples.french_pdf().data


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(recording_service())) as test_client:
        yield test_client


def english_elements(data: bytes, name: str) -> list[str]:
    """The output's elements that are not translations ("EN(...)"), but fields and notes' marks."""
    untouched = {samples.FIELD_RESULT, samples.ODT_FOOTER_FIELD, "i"}
    return [e.text for e in parse_document(data, name).elements if not e.text.startswith("EN(") and e.text not in untouched]


def test_an_uploaded_word_file_answers_json_with_every_element_accounted_for(client: TestClient, docx: bytes) -> None:
    response = client.post("/v1/translate", files={"file": ("conseil.docx", docx)})
    assert response.status_code == 200, response.text
    paragraphs = response.json()["paragraphs"]
    assert len(paragraphs) == len(parse_document(docx, "conseil.docx").elements)
    assert all(p["element"]["status"] in ("translated", "copied") and p["element"]["where"] for p in paragraphs)


def test_translate_with_format_docx_answers_the_document_in_english_as_a_download(client: TestClient, docx: bytes) -> None:
    response = client.post("/v1/translate", files={"file": ("conseil.docx", docx)}, data={"format": "docx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_TYPE
    assert 'filename="conseil.en.docx"' in response.headers["content-disposition"]
    assert english_elements(response.content, "conseil.en.docx") == []


def test_an_opendocument_upload_comes_back_as_odt(client: TestClient) -> None:
    response = client.post("/v1/translate", files={"file": ("conseil.odt", samples.french_odt().data)}, data={"format": "odt"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ODT_TYPE
    assert english_elements(response.content, "conseil.en.odt") == []


def test_a_pdf_sent_as_the_body_comes_back_as_a_new_docx(client: TestClient, pdf: bytes) -> None:
    response = client.post("/v1/translate?format=docx", content=pdf, headers={"content-type": "application/pdf"})
    assert response.status_code == 200, response.text
    texts = [e.text for e in parse_document(response.content, "x.docx").elements]
    body = [e for e in parse_document(pdf, "bulletin.pdf").elements if not e.skip]
    assert len(texts) == len(body) and all(text.startswith("EN(") for text in texts)


def test_a_word_file_is_not_asked_for_from_an_opendocument_upload(client: TestClient) -> None:
    response = client.post("/v1/translate", files={"file": ("conseil.odt", samples.french_odt().data)}, data={"format": "docx"})
    assert response.status_code == 400
    assert "written back as .odt" in response.json()["error"] and '"format"' in response.json()["error"]


def test_a_document_is_not_streamed(client: TestClient, docx: bytes) -> None:
    response = client.post("/v1/translate", files={"file": ("conseil.docx", docx)}, data={"format": "docx", "stream": "true"})
    assert response.status_code == 400 and "stream" in response.json()["error"]


def test_a_brief_of_an_uploaded_pdf_cites_its_paragraphs(client: TestClient, pdf: bytes) -> None:
    response = client.post("/v1/brief", files={"file": ("bulletin.pdf", pdf)})
    assert response.status_code == 200, response.text
    data = response.json()
    body = {i for i, e in enumerate(parse_document(pdf, "b.pdf").elements, start=1) if not e.skip}
    cited = {i for point in data["key_points"] for i in point["paragraphs"]}
    assert cited and cited <= body
    assert all("element" in p for p in data["paragraphs"])


def test_a_brief_is_not_a_word_file(client: TestClient, docx: bytes) -> None:
    response = client.post("/v1/brief", files={"file": ("conseil.docx", docx)}, data={"format": "docx"})
    assert response.status_code == 400 and "format" in response.json()["error"]


def test_the_audit_takes_a_document_on_either_side(client: TestClient, docx: bytes) -> None:
    english = client.post("/v1/translate", files={"file": ("conseil.docx", docx)}, data={"format": "docx"}).content
    response = client.post("/v1/audit", files={"source_file": ("fr.docx", docx), "translation_file": ("en.docx", english)})
    assert response.status_code == 200, response.text
    totals = response.json()["totals"]
    assert totals["paragraphs"] == totals["translation_paragraphs"] == len(parse_document(docx, "fr.docx").elements)


def _damaged(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("abime.docx", lambda: _damaged(samples.french_docx().data), "damaged"),
        ("lettre.docx", lambda: b"Bonjour, ceci n'est pas un document Word.", "neither Word"),
        ("protege.pdf", lambda: samples.french_pdf(samples.PdfSpec(encrypt="secret")).data, "password-protected"),
        ("scan.pdf", samples.scanned_pdf, "OCR it first"),
        ("macros.docm", lambda: samples.french_docx().data, "macros"),
        ("rapport.pdf", lambda: samples.french_pdf(samples.PdfSpec(columns=1, pages=3, paragraphs=samples.PDF_PARAGRAPHS * 3)).data, "the server option --max-pages"),
    ],
    ids=["corrupt-zip", "fake-docx", "encrypted-pdf", "scan", "macros", "too-many-pages"],
)
def test_a_bad_document_is_a_400_with_one_line(name: str, make, said: str) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(recording_service(max_pages=2))) as client:
        for route in ("/v1/translate", "/v1/brief", "/translate_file"):
            fields = {"source": "fr", "target": "en"} if route == "/translate_file" else {}
            response = client.post(route, files={"file": (name, make())}, data=fields)
            assert response.status_code == 400, (route, response.text)
            error = response.json()["error"]
            assert said in error and "\n" not in error, (route, error)


# --- LibreTranslate's file translation -------------------------------------------------


def translate_file(client: TestClient, name: str, data: bytes, **fields: str) -> tuple[str, bytes, str]:
    """Upload as LibreTranslate clients do, follow translatedFileUrl: (url, bytes, content-disposition)."""
    response = client.post("/translate_file", files={"file": (name, data)}, data={"source": "fr", "target": "en", **fields})
    assert response.status_code == 200, response.text
    url = response.json()["translatedFileUrl"]
    download = client.get(url)
    assert download.status_code == 200, download.text
    return url, download.content, download.headers["content-disposition"]


def test_translate_file_gives_an_address_that_downloads_the_word_file_in_english(client: TestClient, docx: bytes) -> None:
    url, data, disposition = translate_file(client, "conseil.docx", docx)
    assert url.startswith("http://testserver/download_file/") and url.endswith(".conseil.en.docx")
    assert 'filename="conseil.en.docx"' in disposition
    assert english_elements(data, "conseil.en.docx") == []


def test_translate_file_of_a_pdf_downloads_a_docx_named_so(client: TestClient, pdf: bytes) -> None:
    _, data, disposition = translate_file(client, "bulletin.pdf", pdf)
    assert 'filename="bulletin.en.docx"' in disposition
    assert english_elements(data, "bulletin.en.docx") == []


def test_translate_file_of_text_and_html_keeps_paragraphs_and_tags(client: TestClient) -> None:
    _, text, _ = translate_file(client, "note.txt", "Premier paragraphe.\n\nDeuxième paragraphe.\n".encode())
    assert text.decode() == "EN(Premier paragraphe.)\n\nEN(Deuxième paragraphe.)\n"
    _, page, _ = translate_file(client, "page.html", "<p>Le maire <b>a parlé</b> hier.</p>".encode())
    assert page.decode() == "<p>EN(Le maire) <b>EN(a parlé)</b> EN(hier.)</p>"


@pytest.mark.parametrize(
    ("files", "data", "said"),
    [
        ({}, {"source": "fr", "target": "en"}, "missing file parameter"),
        ({"file": ("photo.png", b"\x89PNG")}, {"source": "fr", "target": "en"}, ".png format is not supported"),
        ({"file": ("a.txt", b"Bonjour.")}, {"target": "en"}, "missing source parameter"),
        ({"file": ("a.txt", b"Bonjour.")}, {"source": "fr", "target": "de"}, "de is not supported"),
    ],
    ids=["no-file", "png", "no-source", "german-target"],
)
def test_translate_file_refuses_as_libretranslate_does(client: TestClient, files: dict, data: dict, said: str) -> None:
    response = client.post("/translate_file", files=files or {"other": ("x", b"")}, data=data)
    assert response.status_code == 400 and said in response.json()["error"], response.text


def test_translate_file_takes_the_key_and_the_download_needs_none(docx: bytes) -> None:
    with TestClient(create_app(recording_service(), AppSettings(api_keys=("sesame",)))) as client:
        refused = client.post("/translate_file", files={"file": ("a.docx", docx)}, data={"source": "fr", "target": "en"})
        assert refused.status_code == 400 and refused.json()["error"] == MISSING_KEY
        translate_file(client, "a.docx", docx, api_key="sesame")  # downloads with no key


def test_an_unknown_or_expired_download_is_a_404_that_says_what_to_do(client: TestClient) -> None:
    response = client.get("/download_file/not-an-id.rapport.docx")
    assert response.status_code == 404 and "translate it again" in response.json()["error"]


def test_the_store_forgets_files_past_their_lifetime() -> None:
    now = [0.0]
    store = FileStore(lifetime=60, clock=lambda: now[0])
    identifier = store.put("a.en.docx", DOCX_TYPE, b"data")
    assert store.get(identifier) is not None
    now[0] = 61
    assert store.get(identifier) is None


def test_the_store_drops_the_oldest_files_to_stay_within_its_bounds() -> None:
    store = FileStore(max_files=2, max_bytes=10)
    first, second = store.put("1", "t", b"aaaa"), store.put("2", "t", b"bbbb")
    third = store.put("3", "t", b"cccc")  # 12 bytes would be over 10: the oldest goes
    assert store.get(first) is None and store.get(second) is not None and store.get(third) is not None
    assert len({first, second, third}) == 3 and all(len(i) >= 22 for i in (first, second, third))  # 128 random bits


def test_frontend_settings_list_the_file_formats(client: TestClient) -> None:
    settings = client.get("/frontend/settings").json()
    assert settings["filesTranslation"] is True
    assert {".docx", ".odt", ".pdf", ".txt"} <= set(settings["supportedFilesFormat"])


def test_the_web_page_takes_documents_in_its_file_chooser(client: TestClient) -> None:
    page = client.get("/").text
    chooser = next(line for line in page.splitlines() if 'id="file"' in line and "accept=" in line)
    assert all(ext in chooser for ext in (".docx", ".odt", ".pdf"))


def test_openapi_describes_the_file_routes(client: TestClient) -> None:
    paths = json.loads(client.get("/openapi.json").text)["paths"]
    assert "/translate_file" in paths and "/download_file/{filename}" in paths


def test_a_translated_docx_opens_with_python_docx(client: TestClient, docx: bytes) -> None:
    import docx as python_docx

    data = client.post("/v1/translate", files={"file": ("conseil.docx", docx)}, data={"format": "docx"}).content
    document = python_docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text.startswith("EN(")
