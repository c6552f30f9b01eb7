"""Invariants of the document layer: no text lost in placement, any bytes give a document or an InputError."""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import document_samples as samples
from translate_sum.documents import document_article, parse_document, write_translated
from translate_sum.documents.pdf_layout import Line, _Block, _order
from translate_sum.documents.placement import Piece, place
from translate_sum.errors import InputError
from translate_sum.text import sentence_spans

signatures = st.sampled_from([(), (("bold", "1"),), (("italic", "1"),), (("link", "rId3"),)])
pieces = st.lists(st.builds(Piece, st.text(alphabet="abc .\t", max_size=12), signatures), min_size=1, max_size=6)


@given(pieces, st.text(alphabet="xyz .", max_size=40))
@settings(max_examples=200, deadline=None)
def test_the_pieces_of_a_placement_give_back_the_whole_translation(parts: list[Piece], translation: str) -> None:
    source = "".join(p.text for p in parts).strip()
    placement = place(parts, translation, sentence_spans(source, "fr") if source else (), sentence_spans(translation, "en") if translation.strip() else ())
    assert len(placement.texts) == len(parts)
    assert "".join(placement.texts) == translation


@given(st.lists(st.tuples(st.floats(0, 500), st.floats(5, 300), st.floats(0, 780), st.integers(1, 20)), min_size=1, max_size=25))
@settings(max_examples=100, deadline=None)
def test_reading_order_keeps_every_block_exactly_once(boxes: list[tuple[float, float, float, int]]) -> None:
    blocks = [
        _Block([Line(f"b{i} l{k}", x, x + w, top + 12 * k, top + 12 * k + 10, 10.0, 0) for k in range(lines)])
        for i, (x, w, top, lines) in enumerate(boxes)
    ]
    ordered = _order(list(blocks), 10.0)
    assert sorted(map(id, ordered)) == sorted(map(id, blocks))


def _corrupt(data: bytes, offset: int, value: int) -> bytes:
    position = offset % len(data)
    return data[:position] + bytes([value]) + data[position + 1 :]


@functools.lru_cache(maxsize=None)
def original(fmt: str) -> bytes:
    return {"docx": samples.french_docx, "odt": samples.french_odt, "pdf": samples.french_pdf}[fmt]().data


@given(st.sampled_from(["docx", "odt", "pdf"]), st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_a_damaged_document_is_read_or_refused_with_an_input_error(fmt: str, damage: list[tuple[int, int]]) -> None:
    data = original(fmt)
    for offset, value in damage:
        data = _corrupt(data, offset, value)
    try:
        document = parse_document(data, f"abîmé.{fmt}")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert document.elements
        if fmt != "pdf":  # what was read can be written back
            written = write_translated(document, shouted(document))
            assert len(written.outcomes) == len(document.elements)


def shouted(document):  # type: ignore[no-untyped-def]
    """A stand-in translation of the document: every paragraph in capitals."""
    import dataclasses

    from translate_sum.document import Stats, TranslatedArticle

    article = document_article(document)
    paragraphs = tuple(dataclasses.replace(p, translation=p.source.upper()) for p in article.paragraphs)
    return TranslatedArticle(article.source, paragraphs, {}, Stats(len(paragraphs), 0, 0.0))


@given(st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04", b""]), st.binary(max_size=400))
@settings(max_examples=60, deadline=None)
def test_arbitrary_bytes_named_as_documents_are_refused_with_an_input_error(head: bytes, tail: bytes) -> None:
    for name in ("x.pdf", "x.docx", "x.odt"):
        with pytest.raises(InputError):
            parse_document(head + tail, name)


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + b" " * 300_000_000)
    with pytest.raises(InputError, match="unpack"):
        parse_document(buffer.getvalue(), "bombe.docx")


def test_a_title_after_a_running_header_set_aside_is_still_the_documents_title() -> None:
    from translate_sum.document import SourceInfo, Stats, TranslatedArticle
    from translate_sum.documents import document_article
    from translate_sum.documents.model import Element, SourceDocument

    elements = (
        Element("Le Journal de Villebrune, édition du samedi", skip="running header"),
        Element("Le tramway circulera dès lundi", kind="title"),
        Element("Après trois ans de travaux, la ligne ouvre lundi."),
    )
    article = document_article(SourceDocument("une.pdf", "pdf", elements))
    assert article.title is not None and article.title.index == 2
    translated = TranslatedArticle(
        SourceInfo("une.pdf"),
        tuple(dataclasses.replace(p, translation=f"EN {p.source}") for p in article.paragraphs),
        {}, Stats(paragraphs=3, source_words=0, seconds=0.0),
    )
    assert translated.title == "EN Le tramway circulera dès lundi"
