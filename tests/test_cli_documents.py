"""Word, OpenDocument and PDF files through the command line: translate, brief, audit, batch.

The model is a stand-in (`ShoutingEngine`: the French in capitals), handed to the
commands in place of a loaded one, so a text node of the output tells by itself
whether it was translated, and the tests take seconds. The documents are built by
`document_samples`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import document_samples as samples
from helpers import RecordingEngine
from translate_sum.cli import main
from translate_sum.documents import parse_document
from translate_sum.pipeline import Briefer, Translator


class ShoutingEngine(RecordingEngine):
    """English is the French in capitals, prefixed "EN:": French left shows in lower case."""

    def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
        super().generate(texts, options, progress)
        return ["EN: " + text.strip().upper() for text in texts]


@pytest.fixture(autouse=True)
def shouting_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands load the stand-in instead of a model (they call the pipeline's loaders)."""
    import translate_sum.pipeline as pipeline

    def translator(model: Any = None, *, options: Any = None, **_: Any) -> Translator:
        return Translator(ShoutingEngine(max_input_tokens=256), options)

    def briefer(translation_model: Any = None, summary_model: Any = None, *, summarizer: str = "extractive", options: Any = None, **_: Any) -> Briefer:
        assert summarizer == "extractive", "these tests brief without a summary model"
        return Briefer(translator(options=options))

    monkeypatch.setattr(pipeline, "load_translator", translator)
    monkeypatch.setattr(pipeline, "load_briefer", briefer)


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "conseil.docx"
    path.write_bytes(samples.french_docx().data)
    return path


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "bulletin.pdf"
    path.write_bytes(samples.french_pdf().data)
    return path


def french_left(texts: list[str]) -> list[str]:
    """Text nodes still in French (lower case), but fields, the comment and the endnote mark "i"."""
    untouched = {samples.FIELD_RESULT, samples.ODT_FOOTER_FIELD, samples.COMMENT_TEXT, "i"}
    return [text for text in texts if text.strip() and text != text.upper() and text not in untouched]


def test_translate_writes_the_word_document_back_in_english(docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "conseil.en.docx"
    result = run("translate", str(docx), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert french_left(samples.docx_texts(out.read_bytes())) == []
    again = parse_document(out.read_bytes(), str(out))
    before = parse_document(docx.read_bytes(), str(docx))
    assert [(e.kind, e.where) for e in again.elements] == [(e.kind, e.where) for e in before.elements]


def test_translate_writes_the_opendocument_text_back_in_english(tmp_path: Path) -> None:
    source = tmp_path / "conseil.odt"
    source.write_bytes(samples.french_odt().data)
    out = tmp_path / "conseil.en.odt"
    result = run("translate", str(source), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert french_left(samples.odt_texts(out.read_bytes())) == []


def test_a_pdf_translated_to_docx_holds_every_paragraph_but_the_furniture(pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.docx"
    result = run("translate", str(pdf), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    source = parse_document(pdf.read_bytes(), str(pdf))
    written = parse_document(out.read_bytes(), str(out))
    assert [e.text for e in written.elements] == ["EN: " + e.text.upper() for e in source.elements if not e.skip]


def test_a_text_translated_to_docx_is_a_new_document_of_its_paragraphs(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text(f"{samples.TITLE}\n\n{samples.INTRO}\n\n{samples.BUDGET}\n", encoding="utf-8")
    out = tmp_path / "note.docx"
    result = run("translate", str(source), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    written = parse_document(out.read_bytes(), str(out))
    assert [e.kind for e in written.elements] == ["title", "paragraph", "paragraph"]
    assert french_left([e.text for e in written.elements]) == []


def test_the_json_of_a_document_says_what_became_of_every_element(docx: Path) -> None:
    result = run("translate", str(docx), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    elements = [p["element"] for p in data["paragraphs"]]
    assert len(elements) == len(parse_document(docx.read_bytes(), str(docx)).elements)
    assert {e["status"] for e in elements} <= {"translated", "copied"}
    lost = [e for e in elements if e.get("formatting_lost")]
    assert lost and all(e["where"] for e in lost)  # the sample's partial bold and link are named


def test_the_json_of_a_pdf_gives_the_furniture_s_reason(pdf: Path) -> None:
    data = json.loads(run("translate", str(pdf), "--format", "json", "-q").stdout)
    kept = [p["element"] for p in data["paragraphs"] if p["element"]["status"] == "kept"]
    assert kept and all(e["reason"] for e in kept)


def test_a_document_is_not_written_to_standard_output(docx: Path) -> None:
    result = run("translate", str(docx), "--format", "docx")
    assert result.exit_code == 2 and "give -o NAME.docx" in result.output


def test_an_odt_is_not_made_from_a_pdf_and_nothing_is_written(pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.odt"
    result = run("translate", str(pdf), "-o", str(out))
    assert result.exit_code == 1 and "only from an .odt input" in result.output
    assert not out.exists()


def _fake_docx(tmp_path: Path) -> Path:
    path = tmp_path / "lettre.docx"
    path.write_text("Bonjour, ceci est une lettre et non un document Word.\n", encoding="utf-8")
    return path


def _corrupt_docx(tmp_path: Path) -> Path:
    path = tmp_path / "abime.docx"
    data = samples.french_docx().data
    path.write_bytes(data[: len(data) // 2])
    return path


def _encrypted_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "protege.pdf"
    path.write_bytes(samples.french_pdf(samples.PdfSpec(encrypt="secret")).data)
    return path


def _macros(tmp_path: Path) -> Path:
    path = tmp_path / "macros.docm"
    path.write_bytes(samples.french_docx().data)
    return path


def _scan(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    path.write_bytes(samples.scanned_pdf())
    return path


@pytest.mark.parametrize(
    ("make", "extra", "said"),
    [
        (_fake_docx, (), "neither Word (.docx), OpenDocument (.odt) nor PDF"),
        (_corrupt_docx, (), "the file is damaged"),
        (_encrypted_pdf, (), "password-protected"),
        (_macros, (), "macros"),
        (_scan, (), "OCR it first"),
        (lambda tmp: _pdf_of_pages(tmp, 3), ("--max-pages", "2"), "over the 2-page limit; split the PDF or raise --max-pages"),
        (lambda tmp: _pdf_of_pages(tmp, 1), ("--max-paragraphs", "3"), "raise --max-paragraphs"),
    ],
    ids=["fake-docx", "corrupt-zip", "encrypted-pdf", "macros", "scan", "too-many-pages", "too-many-paragraphs"],
)
def test_a_bad_document_is_one_line_exit_1_and_nothing_written(make: Any, extra: tuple[str, ...], said: str, tmp_path: Path) -> None:
    source = make(tmp_path)
    out = tmp_path / "out.docx"
    result = run("translate", str(source), "-o", str(out), *extra)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and said in lines[0], result.output
    assert not out.exists() and "Traceback" not in result.output


def _pdf_of_pages(tmp_path: Path, pages: int) -> Path:
    path = tmp_path / f"pages-{pages}.pdf"
    spec = samples.PdfSpec(columns=1, pages=pages, paragraphs=samples.PDF_PARAGRAPHS * pages)
    path.write_bytes(samples.french_pdf(spec).data)
    return path


def test_brief_of_a_pdf_cites_its_paragraphs_in_reading_order(pdf: Path) -> None:
    result = run("brief", str(pdf), "--summarizer", "extractive", "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    source = parse_document(pdf.read_bytes(), str(pdf))
    body = {i for i, e in enumerate(source.elements, start=1) if not e.skip}
    cited = [i for point in data["key_points"] for i in point["paragraphs"]]
    assert cited and set(cited) <= body
    for point in data["key_points"]:  # each point is a sentence of the paragraph it cites
        assert all(point["text"] in data["paragraphs"][i - 1]["translation"] for i in point["paragraphs"][:1])


def test_audit_takes_documents_on_either_side(docx: Path, tmp_path: Path) -> None:
    english = tmp_path / "council.docx"
    assert run("translate", str(docx), "-o", str(english), "-q").exit_code == 0
    result = run("audit", str(docx), str(english), "--format", "json")
    assert result.exit_code in (0, 1), result.output  # 2 would be an audit that could not run
    totals = json.loads(result.stdout)["totals"]
    count = len(parse_document(docx.read_bytes(), str(docx)).elements)
    assert totals["paragraphs"] == totals["translation_paragraphs"] == count


def test_batch_reads_a_mixed_folder_of_articles_and_documents(docx: Path, pdf: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "conseil.docx").write_bytes(docx.read_bytes())
    (folder / "bulletin.pdf").write_bytes(pdf.read_bytes())
    (folder / "note.txt").write_text(samples.INTRO + "\n\n" + samples.BUDGET + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", str(folder), "-o", str(out), "--translate-only", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.en.md")) == ["bulletin.en.md", "conseil.en.md", "note.en.md"]
    assert "EN: " + samples.TITLE.upper() in (out / "conseil.en.md").read_text(encoding="utf-8")
