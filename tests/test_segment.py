"""Sentence splitting and packing: French rules, exact coverage, budgets."""

from __future__ import annotations

from typing import Sequence

import pytest

from translate_sum.engines.base import TokenJoin
from translate_sum.segment import pack_sentences, segment_paragraph, split_sentences
from translate_sum.text import sentence_spans
from translate_sum.tokens import TokenBook


def words(texts: Sequence[str]) -> list[int]:
    """A stand-in tokenizer: one token per word, plus an end-of-sentence token."""
    return [len(text.split()) + 1 for text in texts]


@pytest.mark.parametrize(
    "sentence",
    [
        "M. Dupont et Mme Martin ont rencontré le Dr Bernard à St-Malo.",
        "Le taux est passé de 3,5 % à 4,2 % en un an.",
        "La séance reprendra à 13h30 précises.",
        "Le scrutin aura lieu le 5/07/2025 dans toute la région.",
        "« Nous ne céderons pas », a lancé la ministre.",
    ],
    ids=["abbreviations", "decimals", "time", "date", "quotes"],
)
def test_french_sentence_is_not_split_inside(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]


def test_sentences_split_and_concatenate_back_exactly() -> None:
    text = "Il est 13h30.  Le Dr Martin arrive. « Enfin ! » dit-elle.\u00a0La suite demain."
    sentences = split_sentences(text)
    assert len(sentences) >= 3
    assert "".join(sentences) == text


def test_short_sentences_are_packed_within_the_budget() -> None:
    text = "Un. Deux trois. Quatre cinq six. Sept."
    segments = segment_paragraph(text, words, max_tokens=6)
    assert "".join(segments) == text
    assert all(words([s])[0] <= 6 for s in segments)
    assert len(segments) < len(split_sentences(text))


def test_over_long_sentence_is_cut_at_a_clause_break() -> None:
    first = " ".join(["la"] * 12)
    text = f"{first}, puis " + " ".join(["le"] * 5) + "."
    segments = segment_paragraph(text, words, max_tokens=15)
    assert "".join(segments) == text
    assert segments[0] == f"{first}, "


def test_text_without_spaces_is_cut_between_characters_never_dropped() -> None:
    blob = "QmFzZTY0" * 40  # 320 characters, no break at all

    def chars(texts: Sequence[str]) -> list[int]:
        return [len(t) // 4 + 1 for t in texts]

    segments = segment_paragraph(blob, chars, max_tokens=20)
    assert "".join(segments) == blob
    assert all(chars([s])[0] <= 20 for s in segments)


def test_thousand_word_paragraph_is_covered_exactly_within_budget() -> None:
    sentence = "Le gouvernement a promis une réforme de grande ampleur, sans calendrier précis"
    text = " ".join(f"{sentence} {i}." for i in range(80)) + " " + " ".join(["encore"] * 100)
    segments = segment_paragraph(text, words, max_tokens=30)
    assert "".join(segments) == text
    assert max(words(segments)) <= 30


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=600), st.integers(min_value=2, max_value=40))
def test_arbitrary_unicode_is_covered_exactly_within_budget(text: str, budget: int) -> None:
    def chars(texts: Sequence[str]) -> list[int]:
        return [len(t) // 3 + 1 for t in texts]

    segments = segment_paragraph(text, chars, budget)
    assert "".join(segments) == text
    assert all(chars([s])[0] <= budget for s in segments)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_sentences_of_arbitrary_unicode_concatenate_back(text: str) -> None:
    assert "".join(split_sentences(text)) == text


def test_packed_segments_carry_their_own_token_counts() -> None:
    text = "Premier point. Deuxième point, plus long que le premier. Troisième. " * 5
    packed = pack_sentences(text, sentence_spans(text), words, max_tokens=12)
    assert "".join(piece for piece, _ in packed) == text
    assert [tokens for _, tokens in packed] == words([piece for piece, _ in packed])


def test_packing_counts_tokens_in_fewer_calls_than_sentences() -> None:
    calls: list[int] = []

    def counting(texts: Sequence[str]) -> list[int]:
        calls.append(len(texts))
        return words(texts)

    text = " ".join(f"La phrase numéro {i} est courte." for i in range(40))
    segments = segment_paragraph(text, counting, max_tokens=30)
    assert "".join(segments) == text
    # One call per sentence and one per packing step was the old way: 80 calls here.
    assert len(calls) <= len(segments) + 1 < 40


# A tokenizer whose ids of texts meeting at whitespace are their ids joined (one id a
# word, then an end token), as Marian's SentencePiece behaves.
WORD_JOIN = TokenJoin(prefix=0, suffix=1, trailing=frozenset(" "), leading=frozenset(" "))


def word_ids(texts: Sequence[str]) -> list[list[int]]:
    return [[sum(map(ord, word)) + 2 for word in text.split()] + [1] for text in texts]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["Un.", "Deux mots.", "Trois mots ici.", "«Quatre»", "cinq,", "6\u00a0%.", "x" * 40]), max_size=60),
    st.sampled_from([" ", "  ", ""]),
    st.integers(min_value=3, max_value=20),
)
def test_segments_counted_from_their_sentences_are_those_of_counting_each_candidate(
    words: list[str], space: str, budget: int
) -> None:
    text = space.join(words)
    spans = sentence_spans(text)
    whole = pack_sentences(text, spans, words_of_ids, budget)
    book = TokenBook(words_of_ids, word_ids, WORD_JOIN)
    assert pack_sentences(text, spans, book, budget) == whole
    for segment, tokens in whole:
        assert book.ids(segment) == word_ids([segment])[0] and len(book.ids(segment)) == tokens  # type: ignore[arg-type]


def words_of_ids(texts: Sequence[str]) -> list[int]:
    return [len(ids) for ids in word_ids(texts)]


def test_short_sentences_are_tokenized_once_each_and_their_segments_never() -> None:
    tokenized: list[str] = []

    def recording(texts: Sequence[str]) -> list[list[int]]:
        tokenized.extend(texts)
        return word_ids(texts)

    text = " ".join(f"La phrase numéro {i} est courte." for i in range(40))
    spans = sentence_spans(text)
    segments = pack_sentences(text, spans, TokenBook(words_of_ids, recording, WORD_JOIN), max_tokens=30)
    assert "".join(segment for segment, _ in segments) == text and len(segments) > 1
    assert sorted(tokenized) == sorted(text[a:b] for a, b in spans)


def test_sentences_that_meet_without_whitespace_are_counted_together() -> None:
    tokenized: list[str] = []

    def recording(texts: Sequence[str]) -> list[list[int]]:
        tokenized.extend(texts)
        return word_ids(texts)

    text = "Il a dit «oui».Puis il est parti."
    spans = ((0, 15), (15, len(text)))
    segments = pack_sentences(text, spans, TokenBook(words_of_ids, recording, WORD_JOIN), max_tokens=30)
    assert segments == [(text, words_of_ids([text])[0])]
    assert text in tokenized
