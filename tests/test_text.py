"""The one text layer: paragraphs and sentences split once, as spans that cover the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from translate_sum.text import (
    blocks,
    lines,
    sentence_spans,
    sentences,
    split_paragraphs,
    stripped,
)


def test_sentence_spans_cover_the_text_in_order() -> None:
    text = "M. Dupont est arrivé à 13h30. Il a parlé vingt minutes.  La séance est levée."
    spans = sentence_spans(text, "fr")
    assert len(spans) == 3
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


def test_stripped_sentences_drop_the_whitespace_between_them() -> None:
    text = "The mayor spoke.  Then the council voted. "
    assert stripped(text, sentence_spans(text, "en")) == ["The mayor spoke.", "Then the council voted."]


def test_a_huge_paragraph_is_split_in_windows_without_losing_a_character() -> None:
    text = " ".join(f"Le conseil a voté la mesure numéro {i}." for i in range(3000))
    spans = sentence_spans(text, "fr")
    assert "".join(sentences(text, spans)) == text
    assert len(spans) == 3000


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["fr", "en"]))
def test_spans_of_arbitrary_unicode_cover_it_exactly(text: str, language: str) -> None:
    spans = sentence_spans(text, language)
    assert "".join(sentences(text, spans)) == text


def test_blocks_keep_line_breaks_inside_a_block() -> None:
    assert blocks("Titre\r\n\r\nUn.\nSuite.\n\t\nDeux.\n") == ["Titre", "Un.\nSuite.", "Deux."]


def test_split_paragraphs_joins_hard_wrapped_lines_and_keeps_pasted_ones() -> None:
    wrapped = (
        "Le conseil municipal a adopté mardi soir le budget de la ville pour\n"
        "l'année prochaine, après un long débat sur le financement des écoles et\n"
        "des transports publics de la commune."
    )
    pasted = "Première phrase collée.\nDeuxième phrase collée."
    assert split_paragraphs(wrapped) == [" ".join(wrapped.split("\n"))]
    assert split_paragraphs(pasted) == ["Première phrase collée.", "Deuxième phrase collée."]


def test_lines_of_a_paragraph_leave_blank_ones_out() -> None:
    assert lines("un\n\n  \ndeux\ntrois") == ["un", "deux", "trois"]


def test_a_segments_sentences_are_its_paragraphs_cut_at_its_ends() -> None:
    from translate_sum.document import Paragraph, Segment
    from translate_sum.text import segment_sentences, with_source_sentences, with_translation_sentences

    source = "Le maire a parlé. Il a promis un pont, une école et un parc au quartier nord. Fin."
    pieces = ["Le maire a parlé. Il a promis un pont, ", "une école et un parc au quartier nord. Fin."]
    translations = ["The mayor spoke. He promised a bridge,", "a school and a park to the north. End."]
    segments = tuple(Segment(s, t) for s, t in zip(pieces, translations))
    paragraph = with_translation_sentences(
        Paragraph(1, source, segments=segments, translation=" ".join(translations), sentences=with_source_sentences(Paragraph(1, source)).sentences)
    )
    assert segment_sentences(paragraph) == [
        (["Le maire a parlé.", "Il a promis un pont,"], ["The mayor spoke.", "He promised a bridge,"]),
        (["une école et un parc au quartier nord.", "Fin."], ["a school and a park to the north.", "End."]),
    ]
