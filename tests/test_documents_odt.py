"""OpenDocument texts in, the same document out in English: every element, structure kept."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest

import document_samples as samples
from test_documents_docx import translate
from translate_sum.documents import parse_document, write_translated
from translate_sum.errors import InputError

UNTOUCHED = {samples.FIELD_RESULT, samples.ODT_FOOTER_FIELD, "i"}


@pytest.fixture(scope="module")
def built() -> samples.Built:
    return samples.french_odt()


@pytest.fixture(scope="module")
def result(built):  # type: ignore[no-untyped-def]
    document = parse_document(built.data, "conseil.odt")
    translated = translate(document)
    return document, translated, write_translated(document, translated)


def test_no_french_is_left_in_any_text_node_of_the_output(result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    left = [text for text in samples.odt_texts(written.data) if text.strip() and text != text.upper() and text.strip() not in UNTOUCHED]
    assert left == []


def test_every_french_paragraph_is_found_translated_once_in_the_output(built, result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    texts = Counter(e.text for e in parse_document(written.data, "council.odt").elements)
    assert [fr for fr in built.french if texts["EN: " + fr.strip().upper()] != 1] == []


def test_structure_counts_are_equal_before_and_after(built, result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    again = parse_document(written.data, "council.odt")
    before = Counter(e.kind for e in document.elements)
    assert Counter(e.kind for e in again.elements) == before
    for kind, count in built.counts.items():
        assert before[kind] == count, kind
    assert _tag_counts(built.data) == _tag_counts(written.data)


def _tag_counts(data: bytes) -> Counter:
    from lxml import etree

    counts: Counter = Counter()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("content.xml", "styles.xml"):
            for node in etree.fromstring(archive.read(name)).iter():
                local = etree.QName(node).localname
                if local in ("p", "h", "list", "list-item", "table", "table-row", "table-cell", "note", "a", "frame", "text-box", "page-number", "header", "footer", "header-first", "annotation", "changed-region"):
                    counts[local] += 1
    return counts


def test_every_other_part_of_the_zip_is_copied_byte_for_byte(built, result) -> None:  # type: ignore[no-untyped-def]
    _, _, written = result
    with zipfile.ZipFile(io.BytesIO(built.data)) as before, zipfile.ZipFile(io.BytesIO(written.data)) as after:
        assert after.namelist() == before.namelist()
        assert after.infolist()[0].filename == "mimetype" and after.infolist()[0].compress_type == zipfile.ZIP_STORED
        for name in before.namelist():
            if name not in ("content.xml", "styles.xml"):
                assert after.read(name) == before.read(name), name


def test_links_keep_their_targets_and_a_whole_link_holds_its_translation(result) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    _, _, written = result
    with zipfile.ZipFile(io.BytesIO(written.data)) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    links = list(root.iter("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a"))
    assert [link.get("{http://www.w3.org/1999/xlink}href") for link in links] == [samples.LINK_URL, samples.LINK_URL]
    assert "".join(links[0].itertext()) == "EN: " + samples.LINK_TEXT.upper()


def test_formatting_over_part_of_a_sentence_is_reported_and_over_a_sentence_kept(result) -> None:  # type: ignore[no-untyped-def]
    document, _, written = result
    lost = {document.elements[o.index - 1].text[:12]: o.formatting_lost for o in written.outcomes}
    assert lost[samples.BOLD_WORD_BEFORE[:12]] == ("bold",)
    assert lost[samples.PARTIAL_LINK_BEFORE[:12]] == ("link",)
    assert lost[samples.BOLD_SENTENCE[:12]] == ()
    assert lost["Voir la page"] == ("field",)


def test_tracked_changes_and_comments_are_left_as_they_were(built, result) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    document, _, written = result
    assert all(samples.DELETED_TEXT not in e.text and samples.COMMENT_TEXT not in e.text for e in document.elements)
    assert samples.odt_deleted_texts(written.data) == samples.odt_deleted_texts(built.data)
    with zipfile.ZipFile(io.BytesIO(written.data)) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    notes = ["".join(a.itertext()) for a in root.iter("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation")]
    assert notes == ["Relecteur" + samples.COMMENT_TEXT]


def test_a_table_cell_value_follows_its_translated_text(result) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    _, _, written = result
    with zipfile.ZipFile(io.BytesIO(written.data)) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    values = [c.get("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}string-value") for c in root.iter("{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell")]
    assert [v for v in values if v and v != v.upper()] == []


def test_the_output_opens_in_odfdo(result) -> None:  # type: ignore[no-untyped-def]
    from odfdo import Document

    _, _, written = result
    document = Document(io.BytesIO(written.data))
    assert "EN: " + samples.HEADING.upper() in [h.text for h in document.body.headers]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, "spreadsheet"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "styles.xml": b"<x/>"}, "damaged"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>", "Basic/Standard/Module1.xml": b"<m/>"}, "macros"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<unclosed"}, "cannot be read"),
    ],
)
def test_a_bad_opendocument_file_is_refused_in_one_line(entries: dict[str, bytes], expected: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(InputError, match=expected):
        parse_document(buffer.getvalue(), "compte-rendu.odt")


def test_a_word_file_named_odt_is_refused_naming_both_formats() -> None:
    with pytest.raises(InputError, match=r"the name says an OpenDocument text \(\.odt\) but the file is a Word document"):
        parse_document(samples.french_docx().data, "compte-rendu.odt")


def test_a_bold_sentence_stays_bold_in_english(result) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    _, _, written = result
    with zipfile.ZipFile(io.BytesIO(written.data)) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    bold = ["".join(s.itertext()).strip() for s in root.iter("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}span")]
    assert "EN: " + samples.BOLD_SENTENCE.strip().upper() in bold
