"""Summarizers: extractive ranking and key points, abstractive map-reduce.

The abstractive tests run against a recording fake engine (one token per word plus
two special tokens) that fails the test if any input exceeds its limit; one test runs
the tiny 128-position BART when tests/tiny_models.py and the transformers engine exist.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import pytest

from prerequisites import missing
from translate_sum.document import KeyPoint, Paragraph, SourceInfo, Stats, TranslatedArticle
from translate_sum.engines.base import DecodeOptions
from translate_sum.summarize import (
    EMPTY_OUTPUT,
    TOO_SHORT,
    AbstractiveSummarizer,
    extractive_summary,
    extractive_summary_text,
    key_points,
    key_points_text,
    split_sentences,
    split_to_fit,
)

# Fixture text written for these tests: a made-up local news story.
TITLE = "Riverside council approves a new footbridge"
BODY = [
    "The Riverside city council approved on Tuesday the construction of a footbridge "
    "across the Mill River, ending a debate that had divided residents for three years. "
    "The vote was nine to four.",
    "The bridge will cost 4.2 million dollars, two thirds of it paid by the regional "
    "government. Work is due to start in March and to last fourteen months.",
    "Opponents argued that the money would be better spent on repairing the roads of "
    "the eastern district. They collected more than two thousand signatures last spring.",
    "Mayor Helen Park said the footbridge would link the two halves of the town for "
    "pedestrians and cyclists. She promised that road repairs would not be delayed.",
    "Schedule",
    "The council will publish the construction schedule next month. Residents can "
    "comment on the plans at the public library until the end of January.",
    "Shopkeepers on the western bank hope the footbridge will bring new customers from "
    "the eastern district. Several of them spoke in favour of the project at the meeting.",
]


def make_article(
    body: Sequence[str],
    title: str | None = TITLE,
    skipped: Sequence[int] = (),
) -> TranslatedArticle:
    """A TranslatedArticle whose paragraphs are `title` (¶1) then `body` (¶2...)."""
    paragraphs = []
    blocks = ([title] if title is not None else []) + list(body)
    for index, text in enumerate(blocks, start=1):
        is_title = title is not None and index == 1
        is_skipped = index in skipped
        paragraphs.append(
            Paragraph(
                index=index,
                source=f"(français {index})",
                is_title=is_title,
                translation="" if is_skipped else text,
                skipped=is_skipped,
                reason="duplicate" if is_skipped else "",
            )
        )
    return TranslatedArticle(
        source=SourceInfo(path="test.txt"),
        paragraphs=tuple(paragraphs),
        models={"translation": "fake"},
        stats=Stats(paragraphs=len(paragraphs), source_words=0, seconds=0.0),
    )


def translation_of(article: TranslatedArticle, index: int) -> str:
    return next(p.translation for p in article.paragraphs if p.index == index)


# ---------------------------------------------------------------------------
# Sentences and key points
# ---------------------------------------------------------------------------


def test_split_sentences_leaves_out_title_and_skipped_paragraphs():
    article = make_article(BODY, skipped=(3,))
    sentences = split_sentences(article)
    assert {s.paragraph for s in sentences} == {2, 4, 5, 6, 7, 8}
    assert all(s.text != TITLE for s in sentences)
    assert [s.position for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert s.text in translation_of(article, s.paragraph)


def test_key_points_are_verbatim_sentences_citing_their_paragraph():
    article = make_article(BODY)
    body_indexes = {p.index for p in article.paragraphs if not p.is_title}
    for point in key_points(article):
        assert point.paragraphs and set(point.paragraphs) <= body_indexes
        assert any(point.text in translation_of(article, i) for i in point.paragraphs)


def test_key_points_come_in_document_order():
    article = make_article(BODY)
    sentences = [s.text for s in split_sentences(article)]
    positions = [sentences.index(point.text) for point in key_points(article)]
    assert positions == sorted(positions)


def test_key_points_count_is_three_to_five_on_a_full_article():
    article = make_article(BODY)
    assert len(key_points(article)) == 5
    assert len(key_points(article, count=3)) == 3


def test_key_points_never_include_the_title():
    # The body repeats the headline word for word: it still may not be picked from ¶1.
    article = make_article([TITLE + "."] + BODY)
    assert all(1 not in point.paragraphs for point in key_points(article))
    assert all(point.text != TITLE for point in key_points(article))


def test_key_points_are_deterministic():
    first = key_points(make_article(BODY))
    second = key_points(make_article(list(BODY)))
    assert first == second


def test_key_points_do_not_depend_on_the_hash_seed():
    # Sets and dicts of words are used in ranking; string hashing changes per process.
    script = (
        "from tests.test_summarize import BODY, make_article;"
        "from translate_sum.summarize import key_points, extractive_summary;"
        "a = make_article(BODY * 2); print(key_points(a), extractive_summary(a, 'long'))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).resolve().parent)},
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "body, expected",
    [
        ([], 0),
        (["The bridge opens on Monday morning."], 1),
        (["The bridge opens on Monday morning.", "Cyclists may use it from the first day."], 2),
    ],
)
def test_article_with_fewer_than_three_sentences_gives_that_many_key_points(body, expected):
    assert len(key_points(make_article(body))) == expected


def test_article_of_fragments_still_gives_a_key_point():
    points = key_points(make_article(["Bridge approved."]))
    assert points == (KeyPoint("Bridge approved.", (2,)),)


def test_subheadings_are_not_key_points():
    points = key_points(make_article(BODY))
    assert all(p.text != "Schedule" for p in points)


def test_a_sentence_repeated_in_two_paragraphs_is_one_key_point_citing_both():
    repeated = "The council approved the footbridge by nine votes to four on Tuesday."
    body = [repeated + " " + BODY[1], BODY[2], BODY[3], repeated]
    points = key_points(make_article(body))
    texts = [p.text for p in points]
    assert texts.count(repeated) == 1
    assert next(p for p in points if p.text == repeated).paragraphs == (2, 5)


def test_a_near_duplicate_sentence_is_merged_into_the_key_point_it_repeats():
    said = "The council approved the footbridge by nine votes to four on Tuesday."
    resaid = "The council approved the footbridge by nine votes to four on Tuesday evening."
    body = [said + " " + BODY[1], BODY[2], BODY[3], resaid]
    points = key_points(make_article(body))
    assert [p.text for p in points].count(said) + [p.text for p in points].count(resaid) == 1
    merged = next(p for p in points if p.text in (said, resaid))
    assert merged.paragraphs == (2, 5)


def test_key_points_leave_out_the_sentences_of_the_summary():
    article = make_article(BODY)
    summary = extractive_summary(article, "medium")
    points = key_points(article, exclude=(summary,))
    assert 3 <= len(points) <= 5
    assert all(point.text not in summary for point in points)


def test_key_points_leave_out_near_duplicates_of_the_summary():
    said = "The council approved the footbridge by nine votes to four on Tuesday."
    resaid = "The council approved the footbridge by nine votes to four on Tuesday evening."
    points = key_points(make_article([resaid] + BODY[1:]), exclude=(said,))
    assert resaid not in [p.text for p in points]


def test_excluded_sentences_fill_up_to_three_points_when_nothing_else_is_left():
    body = BODY[:3]  # six sentences: the summary's three leave three others
    summary = " ".join(s.text for s in split_sentences(make_article(body))[:4])
    points = key_points(make_article(body), exclude=(summary,))
    assert len(points) == 3
    assert sum(point.text not in summary for point in points) == 2


def test_key_points_without_exclude_are_unchanged_by_an_empty_exclude():
    article = make_article(BODY)
    assert key_points(article, exclude=()) == key_points(article) == key_points(article, exclude=("",))


def test_key_points_text_numbers_plain_paragraphs_from_one():
    points = key_points_text(BODY)
    assert 3 <= len(points) <= 5
    for point in points:
        assert all(point.text in BODY[i - 1] for i in point.paragraphs[:1])


@pytest.mark.parametrize(
    "dangling",
    [
        "The same applies to the footbridge, which will cost Riverside four million dollars.",
        "Such a footbridge will cost Riverside four million dollars over the next two years.",
        "While one study put the cost of the Riverside footbridge at four million dollars, "
        "another put it at six.",
        "Another footbridge will cost Riverside four million dollars over the next two years.",
    ],
)
def test_a_sentence_that_refers_back_loses_the_first_pick_to_one_that_stands_alone(dangling):
    plain = "The regional government of Ontario will pay two thirds of the cost of the footbridge."
    points = key_points(make_article([dangling, plain], title=None), count=1)
    assert [p.text for p in points] == [plain]


def test_a_sentence_that_names_someone_outranks_the_same_sentence_without_a_name():
    unnamed = "The mayor opened the new bridge on the river this morning after a long debate."
    named = "Mayor Helen Park opened the new bridge on the river this morning after a long debate."
    points = key_points(make_article([unnamed, named], title=None), count=1)
    assert [p.text for p in points] == [named]


def test_key_points_reject_a_count_below_one():
    with pytest.raises(ValueError):
        key_points(make_article(BODY), count=0)


# ---------------------------------------------------------------------------
# Extractive summary
# ---------------------------------------------------------------------------


def test_extractive_summary_is_sentences_of_the_article_in_document_order():
    article = make_article(BODY)
    sentences = [s.text for s in split_sentences(article)]
    summary = extractive_summary(article)
    picked = [s for s in sentences if s in summary]
    assert " ".join(picked) == summary
    assert [sentences.index(s) for s in picked] == sorted(sentences.index(s) for s in picked)


def test_medium_extractive_summary_has_two_to_four_sentences_within_120_words():
    article = make_article(BODY)
    summary = extractive_summary(article, "medium")
    count = sum(1 for s in split_sentences(article) if s.text in summary)
    assert 2 <= count <= 4
    assert len(summary.split()) <= 120


def test_extractive_summary_grows_from_short_to_long():
    article = make_article(BODY * 2)
    short, medium, long = (extractive_summary(article, n) for n in ("short", "medium", "long"))
    assert len(short.split()) < len(medium.split()) < len(long.split())


def test_extractive_summary_of_an_article_without_body_is_empty():
    assert extractive_summary(make_article([])) == ""
    assert extractive_summary_text([]) == ""


def test_extractive_summary_rejects_an_unknown_length():
    with pytest.raises(ValueError, match="length"):
        extractive_summary(make_article(BODY), "huge")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Chunking
# ---------------------------------------------------------------------------

SPECIALS = 2


def count_words(texts: Sequence[str]) -> list[int]:
    """One token per word plus two special tokens, like <s> ... </s>."""
    return [len(t.split()) + SPECIALS for t in texts]


def test_split_to_fit_keeps_every_word_in_order_and_each_chunk_fits():
    paragraphs = BODY * 3
    chunks = split_to_fit(paragraphs, count_words, 30)
    assert all(n <= 30 for n in count_words(chunks))
    assert " ".join(chunks).split() == " ".join(paragraphs).split()


def test_split_to_fit_keeps_paragraphs_whole_when_they_fit():
    chunks = split_to_fit(BODY, count_words, 60)
    for paragraph in BODY:
        assert any(paragraph in chunk for chunk in chunks)


def test_split_to_fit_cuts_an_overlong_paragraph_at_sentence_boundaries():
    paragraph = " ".join(f"Sentence number {i} says a little more about the bridge." for i in range(8))
    chunks = split_to_fit([paragraph], count_words, 25)
    assert len(chunks) > 1
    assert all(chunk.endswith("bridge.") for chunk in chunks)


def test_split_to_fit_cuts_an_unpunctuated_run_at_words():
    paragraph = " ".join(f"word{i}" for i in range(100))
    chunks = split_to_fit([paragraph], count_words, 12)
    assert all(n <= 12 for n in count_words(chunks))
    assert " ".join(chunks).split() == paragraph.split()


def test_split_to_fit_halves_a_word_longer_than_the_limit():
    def count_chars(texts: Sequence[str]) -> list[int]:
        return [len(t) for t in texts]

    word = "x" * 50
    chunks = split_to_fit([word], count_chars, 8)
    assert "".join(chunks) == word
    assert all(len(chunk) <= 8 for chunk in chunks)


# ---------------------------------------------------------------------------
# Abstractive map-reduce with a recording fake engine
# ---------------------------------------------------------------------------


class FakeSummarizerEngine:
    """Implements Seq2SeqEngine; its "summary" keeps the upper-case MARKER words of the
    input, then its first words, up to max_new_tokens words. Records every call and
    fails the test on an input over the limit, as a real model would crash."""

    name = "fake"
    model_name = "fake-summarizer"

    def __init__(self, max_input_tokens: int = 40, summarize=None) -> None:
        self.max_input_tokens = max_input_tokens
        self.calls: list[tuple[list[str], DecodeOptions]] = []
        self._summarize = summarize or self._keep_markers

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return count_words(texts)

    def default_options(self) -> DecodeOptions:
        return DecodeOptions(num_beams=1, max_new_tokens=12, min_new_tokens=4, max_length_ratio=1.5)

    def generate(self, texts, options, progress=None):
        for n in self.count_tokens(texts):
            assert n <= self.max_input_tokens, f"input of {n} tokens over {self.max_input_tokens}"
        self.calls.append((list(texts), options))
        outputs = [self._summarize(t, options) for t in texts]
        if progress:
            progress(len(texts))
        return outputs

    @staticmethod
    def _keep_markers(text: str, options: DecodeOptions) -> str:
        words = text.split()
        markers = [w for w in words if re.fullmatch(r"[A-Z]{4,}\.?", w)]
        others = [w for w in words if w not in markers]
        return " ".join((markers + others)[: options.max_new_tokens])

    @property
    def inputs(self) -> list[str]:
        return [text for texts, _ in self.calls for text in texts]


def long_article(paragraph_count: int = 20) -> list[str]:
    """Paragraphs of about 20 words; the first holds START, the last holds FINISH."""
    paragraphs = [
        f"In part {i} the committee reviewed the budget of the harbour and heard two "
        f"witnesses about the ferry timetable."
        for i in range(paragraph_count)
    ]
    paragraphs[0] = "START. " + paragraphs[0]
    paragraphs[-1] = paragraphs[-1] + " FINISH."
    return paragraphs


def test_text_within_the_limit_is_summarized_in_one_call():
    engine = FakeSummarizerEngine(max_input_tokens=200)
    AbstractiveSummarizer(engine).summarize(BODY[:2])
    assert len(engine.calls) == 1 and len(engine.calls[0][0]) == 1


def test_every_model_input_of_a_long_article_fits_the_limit():
    engine = FakeSummarizerEngine(max_input_tokens=40)
    summary = AbstractiveSummarizer(engine).summarize(long_article()).text
    assert summary
    assert len(engine.calls) > 1
    assert max(engine.count_tokens(engine.inputs)) <= engine.max_input_tokens


def test_the_end_of_a_long_article_reaches_the_final_summary():
    engine = FakeSummarizerEngine(max_input_tokens=40)
    summary = AbstractiveSummarizer(engine).summarize(long_article()).text
    assert "FINISH." in summary and "START." in summary
    # The first round alone saw every word of the article.
    first_round = " ".join(engine.calls[0][0])
    assert first_round.split() == " ".join(long_article()).split()


def test_summary_options_come_from_the_model_without_a_length_ratio():
    engine = FakeSummarizerEngine(max_input_tokens=200)
    summarizer = AbstractiveSummarizer(engine)
    medium = summarizer.options_for("medium")
    assert (medium.min_new_tokens, medium.max_new_tokens) == (4, 12)
    assert medium.max_length_ratio is None
    short, long = summarizer.options_for("short"), summarizer.options_for("long")
    assert short.max_new_tokens < medium.max_new_tokens < long.max_new_tokens
    assert short.min_new_tokens < medium.min_new_tokens < long.min_new_tokens


def test_summary_length_never_exceeds_the_decoder_positions():
    engine = FakeSummarizerEngine(max_input_tokens=10)
    options = AbstractiveSummarizer(engine).options_for("long")
    assert options.max_new_tokens <= 10
    assert options.min_new_tokens < options.max_new_tokens


def test_chunk_summaries_leave_room_for_three_with_their_special_tokens():
    # So that chunk summaries re-tokenized (specials, joins) merge in every reduce round.
    engine = FakeSummarizerEngine(max_input_tokens=40)
    AbstractiveSummarizer(engine).summarize(long_article())
    map_calls = [options for texts, options in engine.calls[:-1]]
    assert map_calls
    assert all(3 * (o.max_new_tokens + SPECIALS) <= 40 for o in map_calls)


def test_summaries_that_re_tokenize_longer_are_regenerated_shorter(caplog):
    # Each generated token decodes to two words: the drift of a byte-level BPE that
    # decodes broken UTF-8, which the tiny BART shows. The cap must adapt, not fall back.
    def doubled(text: str, options: DecodeOptions) -> str:
        words = FakeSummarizerEngine._keep_markers(text, options).split()
        return " ".join(f"{w} {w}" for w in words)

    engine = FakeSummarizerEngine(max_input_tokens=40, summarize=doubled)
    summarizer = AbstractiveSummarizer(engine)
    with caplog.at_level(logging.INFO, logger="translate_sum.summarize"):
        result = summarizer.summarize(long_article(), "long")
    assert result.fallback_reason is None
    assert "FINISH." in result.text
    assert "re-tokenize" in caplog.text


def test_map_reduce_falls_back_to_extractive_when_summaries_do_not_shrink(caplog):
    echo = FakeSummarizerEngine(max_input_tokens=40, summarize=lambda text, options: text)
    paragraphs = long_article()
    summarizer = AbstractiveSummarizer(echo)
    with caplog.at_level(logging.WARNING, logger="translate_sum.summarize"):
        result = summarizer.summarize(paragraphs)
    assert result.text == extractive_summary_text(paragraphs)
    assert "did not shrink" in caplog.text
    assert "did not shrink" in result.fallback_reason
    assert len(echo.calls) <= 2  # the map round and one retry with a smaller cap


def test_map_reduce_stops_after_max_rounds(caplog):
    # Each round shrinks by a single word: progress, but too slowly to finish.
    def drop_one_word(text: str, options: DecodeOptions) -> str:
        return " ".join(text.split()[1:])

    engine = FakeSummarizerEngine(max_input_tokens=40, summarize=drop_one_word)
    summarizer = AbstractiveSummarizer(engine, max_rounds=3)
    with caplog.at_level(logging.INFO, logger="translate_sum.summarize"):
        result = summarizer.summarize(long_article())
    assert len(re.findall(r"summary round \d", caplog.text)) == 3
    assert result.text == extractive_summary_text(long_article())
    assert "after 3 summary rounds" in caplog.text
    assert "after 3 summary rounds" in result.fallback_reason


def test_empty_model_output_falls_back_to_the_extractive_summary():
    engine = FakeSummarizerEngine(max_input_tokens=200, summarize=lambda text, options: "")
    summarizer = AbstractiveSummarizer(engine)
    result = summarizer.summarize(BODY)
    assert result.text == extractive_summary_text(BODY)
    assert result.fallback_reason == EMPTY_OUTPUT


def test_an_abstractive_summary_after_a_fallback_carries_no_fallback():
    engine = FakeSummarizerEngine(max_input_tokens=200)
    summarizer = AbstractiveSummarizer(engine)
    assert summarizer.summarize(["Too short."]).fallback_reason == TOO_SHORT
    assert summarizer.summarize(BODY).fallback_reason is None


def test_a_body_shorter_than_twice_the_minimum_summary_is_summarized_extractively():
    # The fake's minimum summary is 4 tokens: a 7-token body would force invented words.
    engine = FakeSummarizerEngine(max_input_tokens=200)
    summarizer = AbstractiveSummarizer(engine)
    body = ["The bridge opens Monday."]  # 4 words + 2 specials = 6 tokens < 2 x 4
    result = summarizer.summarize(body)
    assert result.text == extractive_summary_text(body)
    assert result.fallback_reason == TOO_SHORT
    assert engine.calls == []


def test_a_short_last_chunk_is_not_forced_past_half_its_length():
    engine = FakeSummarizerEngine(max_input_tokens=40)
    paragraphs = long_article(7) + ["A brief closing note."]
    AbstractiveSummarizer(engine).summarize(paragraphs)
    for texts, options in engine.calls:
        assert options.min_new_tokens <= min(engine.count_tokens(texts)) // 2


def test_empty_input_gives_an_empty_summary_without_calling_the_model():
    engine = FakeSummarizerEngine()
    assert AbstractiveSummarizer(engine).summarize(["", "  "]).text == ""
    assert engine.calls == []


def test_progress_counts_every_model_input():
    engine = FakeSummarizerEngine(max_input_tokens=40)
    done: list[int] = []
    AbstractiveSummarizer(engine).summarize(long_article(), progress=done.append)
    assert sum(done) == len(engine.inputs)


# ---------------------------------------------------------------------------
# Real models and the shared corpus (tiny BART always; the others skip when absent)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("copies", [1, 3], ids=["one article", "three joined articles"])
def test_tiny_bart_map_reduces_a_long_summary_without_falling_back(tiny_bart_dir, caplog, copies):
    from translate_sum.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(tiny_bart_dir, device="cpu")
    assert engine.max_input_tokens == 128
    paragraphs = BODY * copies  # about 170 words an article
    assert engine.count_tokens(["\n\n".join(paragraphs)])[0] > 2 * engine.max_input_tokens
    # Greedy decoding keeps the test fast; chunking does not depend on the beam count.
    options = replace(engine.default_options(), num_beams=1)
    summarizer = AbstractiveSummarizer(engine, options)
    with caplog.at_level(logging.INFO, logger="translate_sum.summarize"):
        result = summarizer.summarize(paragraphs, "long")
    # Round 1 maps the chunks; the summary then comes from their joined summaries.
    # The tiny model's output re-tokenizes to about three times its length (broken
    # UTF-8): the rounds must still merge, well before max_rounds, without falling back.
    assert "summary round 1" in caplog.text
    assert result.fallback_reason is None
    assert len(re.findall(r"summary round \d", caplog.text)) <= summarizer.max_rounds // 2
    assert result.text.strip()


@pytest.mark.real_model("sshleifer/distilbart-cnn-12-6")
def test_distilbart_summarizes_an_article_over_its_1024_token_limit(real_model_dir):
    from translate_sum.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(real_model_dir("sshleifer/distilbart-cnn-12-6"), device="auto")
    paragraphs = BODY * 8
    assert engine.count_tokens(["\n\n".join(paragraphs)])[0] > engine.max_input_tokens
    summary = AbstractiveSummarizer(engine).summarize(paragraphs, "medium").text
    assert 20 <= len(summary.split()) <= 150


def corpus_translations(corpus_dir: Path) -> list[TranslatedArticle]:
    """The professional English translations, read as briefs will see them."""
    articles = []
    for path in sorted((corpus_dir / "articles" / "en").glob("*.txt")):
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        articles.append(make_article(blocks[1:], title=blocks[0]))
    if not articles:
        missing(f"no articles/en/*.txt under {corpus_dir}")
    return articles


def test_corpus_key_points_are_three_to_five_verbatim_sentences(corpus_dir):
    for article in corpus_translations(corpus_dir):
        points = key_points(article)
        assert 3 <= len(points) <= 5
        for point in points:
            assert all(1 < i <= len(article.paragraphs) for i in point.paragraphs)
            assert any(point.text in translation_of(article, i) for i in point.paragraphs)


def test_corpus_key_points_do_not_repeat_the_extractive_summary(corpus_dir):
    for article in corpus_translations(corpus_dir):
        summary = extractive_summary(article, "medium")
        points = key_points(article, exclude=(summary,))
        assert 3 <= len(points) <= 5
        assert all(point.text not in summary for point in points)


def test_corpus_medium_summaries_stay_within_two_to_four_sentences(corpus_dir):
    for article in corpus_translations(corpus_dir):
        summary = extractive_summary(article, "medium")
        count = sum(1 for s in split_sentences(article) if s.text in summary)
        assert 2 <= count <= 4 and len(summary.split()) <= 120


# ---------------------------------------------------------------------------
# Summaries are values; one ranking serves the summary and the key points
# ---------------------------------------------------------------------------


def test_an_abstractive_summary_says_how_it_was_made():
    summary = AbstractiveSummarizer(FakeSummarizerEngine(max_input_tokens=200)).summarize(BODY)
    assert summary.method == "abstractive" and summary.fallback_reason is None
    assert summary.text and summary.sentences


def test_a_fallback_summary_is_the_given_rankings_extractive_one():
    from translate_sum.summarize import rank_article

    article = make_article(BODY)
    engine = FakeSummarizerEngine(max_input_tokens=200, summarize=lambda text, options: "")
    summary = AbstractiveSummarizer(engine).summarize(BODY, ranking=rank_article(article))
    assert summary.method == "extractive" and summary.fallback_reason == EMPTY_OUTPUT
    assert summary.text == extractive_summary(article)


def test_one_ranking_gives_the_same_summary_and_points_as_the_shortcuts():
    from translate_sum.summarize import rank_article

    article = make_article(BODY)
    ranking = rank_article(article)
    summary = ranking.summary("medium")
    assert summary.text == extractive_summary(article, "medium")
    assert ranking.key_points(5, said=summary.sentences) == key_points(article, exclude=(summary.text,))


def test_a_brief_ranks_the_translation_once(monkeypatch):
    import translate_sum.summarize as summarize
    from helpers import RecordingEngine
    from translate_sum.pipeline import Briefer, Translator

    calls = []
    original = summarize.rank_article
    monkeypatch.setattr(summarize, "rank_article", lambda translated: calls.append(1) or original(translated))
    brief = Briefer(Translator(RecordingEngine())).brief(make_article(BODY))
    assert brief.summary and len(brief.key_points) >= 3
    assert len(calls) == 1


def test_a_long_summary_tokenizes_no_text_twice(tiny_bart_dir, monkeypatch):
    from translate_sum.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(tiny_bart_dir, device="cpu")
    tokenized: list[str] = []
    encode = engine.encode
    monkeypatch.setattr(engine, "encode", lambda texts: tokenized.extend(texts) or encode(texts))
    summarizer = AbstractiveSummarizer(engine, replace(engine.default_options(), num_beams=1))
    assert summarizer.summarize(BODY * 2, "short").text
    assert len(tokenized) == len(set(tokenized))
    # The paragraphs, counted alone and as they follow one another; the chunks are joined from them.
    assert not any(text == "\n\n".join(BODY[:2]) for text in tokenized)
