"""Word documents in, the same document out in English: every element, structure kept."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest

import document_samples as samples
from helpers import RecordingEngine
from translate_sum.documents import (
    build_docx,
    document_article,
    parse_document,
    read_document,
    save_translated,
    write_translated,
)
from translate_sum.errors import InputError
from translate_sum.options import TranslateOptions
from translate_sum.pipeline import prepare
from translate_sum.pipeline import Translator


class ShoutingEngine(RecordingEngine):
    """A fake translator whose English is the French in capitals, prefixed "EN:".

    Any French left in the output still has lower-case letters; every translation
    is upper case, so a text node tells by itself whether it was translated.
    """

    def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
        super().generate(texts, options, progress)
        return ["EN: " + text.strip().upper() for text in texts]


def translate(document):  # type: ignore[no-untyped-def]
    translator = Translator(ShoutingEngine(max_input_tokens=256), TranslateOptions(audit=False))
    return translator.translate(prepare(document_article(document), translator.options))


@pytest.fixture(scope="module")
def built() -> samples.Built:
    return samples.french_docx()


@pytest.fixture(scope="module")
def result(built):  # type: ignore[no-untyped-def]
    document = parse_document(built.data, "conseil.docx")
    translated = translate(document)
    return document, translated, write_translated(document, translated)


UNTOUCHED = {samples.FIELD_RESULT, "1", samples.COMMENT_TEXT}


def test_no_french_is_left_in_any_text_node_of_the_output(result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    left = [
        text for text in samples.docx_texts(written.data)
        if text.strip() and text != text.upper() and text not in UNTOUCHED
    ]
    assert left == []


def test_every_french_paragraph_is_found_translated_once_in_the_output(built, result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    again = parse_document(written.data, "council.docx")
    texts = Counter(e.text for e in again.elements)
    missing = [fr for fr in built.french if texts["EN: " + fr.strip().upper()] != 1]
    assert missing == []


def test_every_element_is_translated_or_reported_with_its_reason(result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    assert len(written.outcomes) == len(document.elements)
    assert {o.status for o in written.outcomes} <= {"translated", "copied"}


def test_structure_counts_are_equal_before_and_after(built, result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    again = parse_document(written.data, "council.docx")
    before = Counter(e.kind for e in document.elements)
    assert Counter(e.kind for e in again.elements) == before
    for kind, count in built.counts.items():
        assert before[kind] == count, kind
    assert _tag_counts(built.data) == _tag_counts(written.data)


def _tag_counts(data: bytes) -> Counter:
    from lxml import etree

    counts: Counter = Counter()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                for tag in ("p", "tbl", "tr", "tc", "numPr", "hyperlink", "footnote", "endnote", "hdr", "ftr", "txbxContent", "fldSimple", "del", "drawing"):
                    counts[tag] += sum(1 for _ in root.iter(samples.W + tag))
    return counts


def test_styles_numbering_settings_and_comments_are_left_byte_for_byte(built, result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    with zipfile.ZipFile(io.BytesIO(built.data)) as before, zipfile.ZipFile(io.BytesIO(written.data)) as after:
        for name in ("word/styles.xml", "word/numbering.xml", "word/settings.xml", "word/comments.xml"):
            assert after.read(name) == before.read(name), name


def test_hyperlinks_keep_their_targets_and_a_whole_link_holds_its_translation(result) -> None:  # type: ignore[no-untyped-def]
    import docx

    _, _, written = result
    out = docx.Document(io.BytesIO(written.data))
    links = list(out.element.body.iter(samples.W + "hyperlink"))
    assert len(links) == 2
    targets = [out.part.rels[link.get("{%s}id" % samples.R_NS)].target_ref for link in links]
    assert targets == [samples.LINK_URL, samples.LINK_URL]
    whole = "".join(t.text or "" for t in links[0].iter(samples.W + "t"))
    assert whole == "EN: " + samples.LINK_TEXT.upper()


def test_formatting_over_part_of_a_sentence_is_reported_not_dropped_silently(result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    lost = {document.elements[o.index - 1].text[:15]: o.formatting_lost for o in written.outcomes if o.formatting_lost}
    assert lost[samples.BOLD_WORD_BEFORE[:15]] == ("bold",)
    assert "link" in lost[samples.PARTIAL_LINK_BEFORE[:15]]


def test_a_field_amid_the_text_is_reported_as_out_of_place(result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    index = next(i for i, e in enumerate(document.elements) if e.text.startswith("Voir la page"))
    assert written.outcomes[index].formatting_lost == ("field",)


def test_formatting_over_a_whole_sentence_is_kept_on_that_sentence(result) -> None:  # type: ignore[no-untyped-def]
    import docx

    document, _, written = result
    out = docx.Document(io.BytesIO(written.data))
    paragraph = next(p for p in out.paragraphs if "STATIONNEMENT" in p.text)
    bold = "".join(run.text for run in paragraph.runs if run.bold)
    assert bold.strip() == "EN: " + samples.BOLD_SENTENCE.strip().upper()
    assert samples.PLAIN_SENTENCE.upper() in "".join(run.text for run in paragraph.runs if not run.bold)
    index = next(i for i, e in enumerate(document.elements) if e.text.startswith(samples.BOLD_SENTENCE.strip()))
    assert written.outcomes[index].formatting_lost == ()


def test_tracked_deletions_are_neither_translated_nor_touched(built, result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    assert all(samples.DELETED_TEXT not in e.text for e in document.elements)
    assert samples.docx_deleted_texts(written.data) == samples.docx_deleted_texts(built.data)


def test_field_results_stay_as_they_were(result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    texts = samples.docx_texts(written.data)
    assert samples.FIELD_RESULT in texts


def test_a_text_box_and_its_copy_for_old_readers_are_both_translated(result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    expected = "EN: " + samples.TEXTBOX_TEXT.upper()
    assert samples.docx_texts(written.data).count(expected) == 2


def test_a_repeated_header_takes_the_translation_of_its_twin() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(samples.INTRO)
    document.add_paragraph(samples.BUDGET)
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = samples.HEADER_TEXT
    section.first_page_header.paragraphs[0].text = samples.HEADER_TEXT
    buffer = io.BytesIO()
    document.save(buffer)
    source = parse_document(buffer.getvalue(), "entete.docx")
    written = write_translated(source, translate(source))
    statuses = [o.status for o in written.outcomes if o.kind == "header"]
    assert statuses == ["translated", "copied"]
    assert samples.docx_texts(written.data).count("EN: " + samples.HEADER_TEXT.upper()) == 2


def test_a_document_is_written_atomically_to_a_path(tmp_path, built) -> None:  # type: ignore[no-untyped-def]
    document = parse_document(built.data, "conseil.docx")
    target = tmp_path / "out" / "council.docx"
    save_translated(document, translate(document), target)
    assert read_document(target).format == "docx"
    assert [p.name for p in target.parent.iterdir()] == ["council.docx"]


def test_the_article_of_a_document_lists_its_elements_with_their_kinds(built) -> None:  # type: ignore[no-untyped-def]
    article = document_article(parse_document(built.data, "conseil.docx"))
    assert article.paragraphs[0].is_title and article.source.title == samples.TITLE
    assert article.source.format == "docx"
    assert [p.index for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
    assert {p.kind for p in article.paragraphs} >= {"title", "heading", "list-item", "table-cell", "header", "footer", "footnote", "endnote", "textbox"}


def test_a_new_docx_is_built_from_a_translation_with_headings_and_lists(built) -> None:  # type: ignore[no-untyped-def]
    import docx

    document = parse_document(built.data, "conseil.docx")
    out = docx.Document(io.BytesIO(build_docx(translate(document), document)))
    styles = Counter(p.style.name for p in out.paragraphs)
    assert styles["Title"] == 1 and styles["Heading 1"] == 1 and styles["List Bullet"] == built.counts["list-item"]
    assert all(p.text == p.text.upper() for p in out.paragraphs)


# --- Bad files: one clear line each ---------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("cassé.docx", b"PK\x03\x04" + b"\x00" * 200, "damaged"),
        ("page.docx", b"<!DOCTYPE html><html><body>Bonjour</body></html>", "a web page"),
        ("texte.docx", "Du texte tout simple, en français.".encode(), "not a document"),
        ("macros.docm", b"PK\x03\x04", "macros"),
        ("ancien.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old binary Office file"),
        ("secret.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "password-protected"),
        ("rapport.docx", b"%PDF-1.4\n%fake", "the file is a PDF"),
        ("classeur.docx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), "Excel"),
        ("vide.docx", b"", "empty"),
    ],
)
def test_a_bad_word_file_is_refused_in_one_line(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_document(data, name)
    line = str(caught.value)
    assert expected in line and "\n" not in line


def test_a_docx_holding_a_macro_project_is_refused(built) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(built.data)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["word/vbaProject.bin"] = b"\x00" * 64
    with pytest.raises(InputError, match="macros"):
        parse_document(_zip(entries), "conseil.docx")


def test_a_docx_whose_parts_unpack_past_the_limit_is_refused(built) -> None:  # type: ignore[no-untyped-def]
    from translate_sum.documents import DocumentLimits

    with pytest.raises(InputError, match="max_unpacked_bytes"):
        parse_document(built.data, "conseil.docx", limits=DocumentLimits(max_unpacked_bytes=10_000))


def test_a_document_over_the_paragraph_limit_is_refused(built) -> None:  # type: ignore[no-untyped-def]
    from translate_sum.documents import DocumentLimits

    with pytest.raises(InputError, match="max_paragraphs"):
        parse_document(built.data, "conseil.docx", limits=DocumentLimits(max_paragraphs=5))


def test_parse_article_reads_word_bytes_by_name_or_by_content(built) -> None:  # type: ignore[no-untyped-def]
    from translate_sum.reader import parse_article

    by_name = parse_article(built.data, path="conseil.docx")
    by_content = parse_article(built.data, path="-")
    assert by_name.source.format == by_content.source.format == "docx"
    assert [p.source for p in by_name.paragraphs] == [p.source for p in by_content.paragraphs]
    assert by_name.paragraphs[0].kind == "title"
