"""PDFs in: paragraphs in reading order, furniture set aside, bad PDFs refused in one line."""

from __future__ import annotations

import io

import pytest

import document_samples as samples
from translate_sum.documents import DocumentLimits, build_docx, document_article, parse_document
from translate_sum.documents.pdf_layout import join_lines, normalize
from translate_sum.errors import InputError


def body_texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.text for e in document.elements if not e.skip and e.kind not in ("title", "heading", "pull-quote")]


def expected(built: samples.Built) -> list[str]:
    return [" ".join(p.split()) for p in built.french]


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_columns_are_read_in_order_each_paragraph_once_across_column_and_page_breaks(columns: int) -> None:
    built = samples.french_pdf(samples.PdfSpec(columns=columns, pages=2))
    document = parse_document(built.data, "bulletin.pdf")
    assert body_texts(document) == expected(built)


def test_words_hyphenated_at_line_ends_are_rejoined() -> None:
    built = samples.french_pdf(samples.PdfSpec(columns=2))
    assert built.counts["hyphenated"] >= 3
    text = " ".join(body_texts(parse_document(built.data, "bulletin.pdf")))
    assert text == " ".join(expected(built))


def test_running_headers_page_numbers_and_slugs_are_furniture_not_text() -> None:
    built = samples.french_pdf(samples.PdfSpec(pages=2))
    document = parse_document(built.data, "bulletin.pdf")
    skipped = {e.text: e.skip for e in document.elements if e.skip}
    assert skipped[samples.PDF_HEADER].startswith("running header")
    assert skipped["1"] == skipped["2"] == "page number"
    assert skipped["bulletin-mars.indd 1 04/03/25 10:12"] == "printer's slug"
    kept = " ".join(e.text for e in document.elements if not e.skip)
    assert samples.PDF_HEADER not in kept and "indd" not in kept


def test_the_title_is_told_by_its_size() -> None:
    document = parse_document(samples.french_pdf().data, "bulletin.pdf")
    titles = [e.text for e in document.elements if e.kind == "title"]
    assert titles == [samples.PDF_TITLE]
    assert document_article(document).source.title == samples.PDF_TITLE


def test_ligatures_drop_caps_and_raised_ordinals_are_normalized() -> None:
    spec = samples.PdfSpec(ligatures=True, drop_cap=True, superscript=True)
    built = samples.french_pdf(spec)  # "fi" and "fl" drawn as the ligature glyphs ﬁ and ﬂ
    document = parse_document(built.data, "bulletin.pdf")
    assert body_texts(document) == expected(built)
    assert "le 1er avril" in " ".join(body_texts(document))


def test_a_pull_quote_is_kept_apart_from_the_paragraph_it_interrupts() -> None:
    built = samples.french_pdf(samples.PdfSpec(pull_quote=True))
    document = parse_document(built.data, "bulletin.pdf")
    assert body_texts(document) == expected(built)
    quotes = [e.text for e in document.elements if e.kind == "pull-quote"]
    assert quotes == [samples.PDF_PULL_QUOTE]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["les nouvelles dispo-", "sitions du plan"], "les nouvelles dispositions du plan"),
        (["le porte-", "parole du maire"], "le porte-parole du maire"),
        (["aux États-", "Unis depuis"], "aux États-Unis depuis"),
        (["la Constitution constitue-", "t-il un progrès"], "la Constitution constitue-t-il un progrès"),
        (["à la mi-", "novembre"], "à la mi-novembre"),
        (["termine-t-", "elle"], "termine-t-elle"),
        (["ils sont venus eux-", "mêmes"], "ils sont venus eux-mêmes"),
        (["le centre de pré-", "formation"], "le centre de préformation"),
        (["Didier Des-", "champs"], "Didier Deschamps"),
        (["une réorgani\u00ad", "sation"], "une réorganisation"),
        (["une réorgani\ufffe", "sation"], "une réorganisation"),
        (["des ﬁnances, un ﬂeuve, ", "un eﬀet, ﬃrmer, ﬄuer"], "des finances, un fleuve, un effet, ffirmer, ffluer"),
        (["la délibération nº 12"], "la délibération n° 12"),
    ],
)
def test_lines_are_joined_into_french_words(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


def test_normalize_leaves_plain_french_as_it_is() -> None:
    text = "Le 1er janvier, l'État a versé 3,5 millions d'euros."
    assert normalize(text) == text


def test_a_translated_pdf_becomes_a_word_document_with_its_title_and_paragraphs() -> None:
    import docx

    from translate_sum.document import Stats, TranslatedArticle
    import dataclasses

    document = parse_document(samples.french_pdf().data, "bulletin.pdf")
    article = document_article(document)
    paragraphs = tuple(dataclasses.replace(p, translation="" if p.skipped else "EN " + p.source) for p in article.paragraphs)
    translated = TranslatedArticle(article.source, paragraphs, {}, Stats(len(paragraphs), 0, 0.0))
    out = docx.Document(io.BytesIO(build_docx(translated, document)))
    assert [p.style.name for p in out.paragraphs][:1] == ["Title"]
    assert [p.text for p in out.paragraphs if p.style.name == "Normal"] == ["EN " + t for t in body_texts(document)]


# --- Refused PDFs --------------------------------------------------------------------


def test_a_scanned_pdf_without_text_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError) as caught:
        parse_document(samples.scanned_pdf(), "scan.pdf")
    assert "no text layer" in str(caught.value) and "OCR" in str(caught.value)


def test_a_password_protected_pdf_is_refused() -> None:
    built = samples.french_pdf(samples.PdfSpec(encrypt="secret"))
    with pytest.raises(InputError, match="password-protected"):
        parse_document(built.data, "secret.pdf")


def test_a_pdf_restricted_only_against_copying_is_read() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    spec = samples.PdfSpec(encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))  # type: ignore[arg-type]
    document = parse_document(samples.french_pdf(spec).data, "restricted.pdf")
    assert body_texts(document) == expected(samples.french_pdf())


def test_a_damaged_pdf_is_refused() -> None:
    with pytest.raises(InputError, match="damaged"):
        parse_document(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer garbage", "broken.pdf")


def test_a_pdf_over_the_page_limit_is_refused_naming_the_setting() -> None:
    built = samples.french_pdf(samples.PdfSpec(pages=2))
    with pytest.raises(InputError) as caught:
        parse_document(built.data, "long.pdf", limits=DocumentLimits(max_pages=1))
    assert "max_pages" in str(caught.value) and "2 pages" in str(caught.value)


def test_read_article_reads_a_pdf_as_its_paragraphs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from translate_sum.reader import read_article

    built = samples.french_pdf()
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(built.data)
    article = read_article(path)
    assert article.source.format == "pdf"
    assert [p.source for p in article.paragraphs if not p.skipped and p.kind == "paragraph"] == expected(built)
    assert all(p.reason for p in article.paragraphs if p.skipped)
