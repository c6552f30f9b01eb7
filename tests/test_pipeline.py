"""The translation pipeline: order, coverage, budgets, batching, reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import RecordingEngine
from translate_sum.engines.base import DecodeOptions
from translate_sum.errors import InputError
from translate_sum.pipeline import TranslateOptions, Translator, load_translator, prepare
from translate_sum.reader import parse_article, read_article
from translate_sum.writers import render_translation, translation_to_dict

ARTICLE = """La ville de Rennes inaugure sa nouvelle ligne de métro

La ligne b, longue de 14 kilomètres, relie désormais le nord-est au sud-ouest de la ville. Elle compte 15 stations.

M. Martin, adjoint aux transports, a salué « un chantier hors norme ». Les travaux ont coûté 1,3 milliard d'euros.

La première rame partira demain à 5h30."""


@pytest.fixture(scope="module")
def tiny_translator(tiny_marian_dir: Path) -> Translator:
    """Loaded once: loading torch and a model is the slow part of these tests."""
    return load_translator(str(tiny_marian_dir), engine="transformers", device="cpu")


def test_every_paragraph_comes_out_in_order_with_its_index() -> None:
    result = Translator(RecordingEngine()).translate_text(ARTICLE)
    assert [p.index for p in result.paragraphs] == [1, 2, 3, 4]
    assert all(p.translation.startswith("EN(") for p in result.paragraphs)
    assert result.title == "EN(La ville de Rennes inaugure sa nouvelle ligne de métro)"


def test_segments_cover_each_paragraph_exactly() -> None:
    result = Translator(RecordingEngine(max_input_tokens=12)).translate_text(ARTICLE)
    for paragraph in result.paragraphs:
        assert "".join(s.source for s in paragraph.segments) == paragraph.source


def test_segments_of_several_articles_share_batches() -> None:
    engine = RecordingEngine()
    articles = [prepare(parse_article(f"Article {i}.\n\nUne phrase courte numéro {i}.")) for i in range(6)]
    results = Translator(engine).translate_many(articles)
    assert len(engine.batches) < len(articles)
    assert [r.paragraphs[1].translation for r in results] == [f"EN(Une phrase courte numéro {i}.)" for i in range(6)]


def test_progress_reports_every_segment_once() -> None:
    seen: list[tuple[int, int]] = []
    Translator(RecordingEngine()).translate_text(ARTICLE, progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] == 0
    assert seen[-1][0] == seen[-1][1] > 0


def test_segment_budget_is_the_smaller_of_option_and_model_limit() -> None:
    assert Translator(RecordingEngine(max_input_tokens=64), TranslateOptions(max_segment_tokens=128)).segment_budget == 64
    assert Translator(RecordingEngine(max_input_tokens=512), TranslateOptions(max_segment_tokens=40)).segment_budget == 40


def test_thousand_word_paragraph_translates_on_the_64_position_model(tiny_marian_short_dir: Path) -> None:
    sentence = "Le conseil régional a voté mardi une aide de 3,5 millions d'euros pour les agriculteurs"
    paragraph = " ".join(f"{sentence}, selon M. Durand ({i})." for i in range(60))
    assert len(paragraph.split()) >= 1000
    translator = load_translator(str(tiny_marian_short_dir), engine="transformers", device="cpu")
    result = translator.translate_text(paragraph)
    (only,) = result.paragraphs
    assert "".join(s.source for s in only.segments) == paragraph
    counts = translator.engine.count_tokens([s.source for s in only.segments])
    assert max(counts) <= 64
    assert all(s.translation for s in only.segments)


def test_translator_is_reused_across_calls(tiny_translator: Translator, tiny_marian_dir: Path) -> None:
    translator = tiny_translator
    first = translator.translate_text("Bonjour à tous.\n\nLa séance est ouverte.")
    second = translator.translate_text("Le match a lieu ce soir.")
    assert len(first.paragraphs) == 2 and len(second.paragraphs) == 1
    assert translator.models == {"translation": str(tiny_marian_dir)}


def test_json_has_the_documented_shape(tiny_translator: Translator, tiny_marian_dir: Path) -> None:
    data = json.loads(render_translation(tiny_translator.translate_text(ARTICLE), "json"))
    assert set(data) == {"source", "title", "paragraphs", "models", "decoding", "stats", "memory"}
    assert set(data["source"]) >= {"path", "title", "encoding"}
    assert set(data["paragraphs"][0]) >= {"index", "source", "translation", "segments"}
    assert set(data["paragraphs"][0]["segments"][0]) == {"source", "translation", "origin"}
    assert data["models"] == {"translation": str(tiny_marian_dir)}
    assert set(data["decoding"]) >= {"engine", "model", "compute_type", "device", "num_beams", "max_length_ratio"}
    assert set(data["stats"]) == {"paragraphs", "source_words", "skipped", "seconds"}
    assert data["stats"]["paragraphs"] == 4
    segments = sum(len(p["segments"]) for p in data["paragraphs"])
    assert data["memory"] == {"segments": segments, "from_memory": 0, "human": 0}  # no memory given


def test_bilingual_text_contains_every_french_paragraph() -> None:
    result = Translator(RecordingEngine()).translate_text(ARTICLE)
    text = render_translation(result, "md", bilingual=True)
    for paragraph in result.paragraphs:
        assert paragraph.source in text


def test_corpus_articles_translate_in_order_with_exact_coverage(corpus_dir: Path, tiny_marian_short_dir: Path) -> None:
    translator = load_translator(str(tiny_marian_short_dir), engine="transformers", device="cpu")
    files = sorted((corpus_dir / "articles" / "fr").glob("*.txt"))
    assert files
    for file, result in zip(files, translator.translate_many([prepare(read_article(f)) for f in files])):
        data = translation_to_dict(result)
        sources = [p.source for p in read_article(file).paragraphs]
        assert [p["source"] for p in data["paragraphs"]] == sources, file.name
        for paragraph in data["paragraphs"]:
            segments = [s["source"] for s in paragraph["segments"]]
            assert "".join(segments) == paragraph["source"]
            assert max(translator.engine.count_tokens(segments)) <= 64


PASTED = """Le Conseil d'État suspend l'arrêté sur les trottinettes

Publié le 3 juin 2025 à 9h12, mis à jour à 14h40

Le Conseil d'État a suspendu mercredi l'arrêté municipal qui interdisait les trottinettes électriques dans le centre de Villebrune.

#Trottinettes #Villebrune

Le Conseil d'État a suspendu mercredi l'arrêté municipal qui interdisait les trottinettes électriques dans le centre de Villebrune."""


def test_furniture_and_duplicates_are_kept_but_not_translated() -> None:
    engine = RecordingEngine()
    result = Translator(engine).translate_text(PASTED)
    skipped = {p.index: p.reason for p in result.paragraphs if p.skipped}
    assert set(skipped) == {2, 4, 5}
    assert "duplicate of paragraph 3" in skipped[5]
    assert all(p.translation == "" and p.segments == () for p in result.paragraphs if p.skipped)
    sent = [text for batch in engine.batches for text in batch]
    assert not any("#Trottinettes" in text or "Publié" in text for text in sent)


def test_keep_all_translates_every_paragraph() -> None:
    result = Translator(RecordingEngine(), TranslateOptions(keep_all=True)).translate_text(PASTED)
    assert not any(p.skipped for p in result.paragraphs)


ENGLISH = "The city council approved the budget on Tuesday.\n\nThe mayor said the new tram line would open in the spring of next year."


def test_english_input_passes_through_untranslated() -> None:
    engine = RecordingEngine()
    result = Translator(engine).translate_text(ENGLISH)
    assert [p.translation for p in result.paragraphs] == [p.source for p in result.paragraphs]
    assert engine.batches == []
    assert result.source.language == "en"


def test_english_input_is_an_error_when_strict() -> None:
    with pytest.raises(InputError, match="in English"):
        prepare(parse_article(ENGLISH), TranslateOptions(strict_language=True))


def test_another_language_is_an_error_naming_it() -> None:
    german = "Der Stadtrat hat am Dienstag den Haushalt beschlossen.\n\nDie neue Straßenbahnlinie soll im Frühjahr nächsten Jahres eröffnet werden."
    with pytest.raises(InputError, match="German"):
        prepare(parse_article(german))


def test_french_article_quoting_english_is_translated() -> None:
    text = "Le Premier ministre britannique a répondu aux journalistes devant le 10 Downing Street : « We will not back down, whatever the cost », a-t-il lancé, avant de regagner son bureau."
    engine = RecordingEngine()
    Translator(engine).translate_text(text)
    assert engine.batches


class LoopingEngine(RecordingEngine):
    """Loops like a confused model, unless decoding forbids repeated n-grams."""

    def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
        self.batches.append(list(texts))
        if options.no_repeat_ngram_size:
            return ["The mayor presented a budget of 3.5 million euros on Tuesday."] * len(texts)
        return ["The mayor the mayor the mayor the mayor the mayor the mayor the mayor the mayor."] * len(texts)


def test_looping_paragraph_is_retried_with_stricter_decoding_and_the_better_kept() -> None:
    engine = LoopingEngine()
    result = Translator(engine).translate_text("Le maire a présenté mardi un budget de 3,5 millions d'euros.")
    (paragraph,) = result.paragraphs
    assert len(engine.batches) == 2
    assert paragraph.translation == "The mayor presented a budget of 3.5 million euros on Tuesday."
    assert not any(flag.kind == "repetition" for flag in paragraph.flags)


def test_flags_show_in_json_and_in_a_check_these_section() -> None:
    engine = LoopingEngine()
    options = TranslateOptions(decode=DecodeOptions(num_beams=1, no_repeat_ngram_size=0), audit=True)

    class AlwaysLoops(LoopingEngine):
        def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
            return ["It it it it it it it it it it it it it it it it."] * len(texts)

    result = Translator(AlwaysLoops(), options).translate_text("Le maire a présenté mardi un budget de 3,5 millions d'euros.")
    data = translation_to_dict(result)
    kinds = {flag["kind"] for flag in data["paragraphs"][0]["flags"]}
    assert {"repetition", "number"} <= kinds
    markdown = render_translation(result, "md")
    assert "## Check these" in markdown and "- ¶1: number (" in markdown and "repetition (" in markdown
    text = render_translation(result, "txt")  # the default output lists them too (issue 19)
    assert "\n\nCheck these:\n\n- ¶1: number (" in text and "##" not in text
    del engine


def test_audit_can_be_turned_off() -> None:
    result = Translator(LoopingEngine(), TranslateOptions(audit=False)).translate_text("Le maire a parlé.")
    assert result.paragraphs[0].flags == ()


def test_an_article_prepared_with_other_settings_is_refused_not_ignored() -> None:
    prepared = prepare(parse_article(ARTICLE), TranslateOptions(keep_all=True))
    with pytest.raises(ValueError, match="keep_all=True"):
        Translator(RecordingEngine(), TranslateOptions(keep_all=False)).translate(prepared)


def test_an_article_prepared_with_the_same_settings_is_taken_as_it_is() -> None:
    prepared = prepare(parse_article(ARTICLE))
    assert Translator(RecordingEngine()).translate(prepared).paragraphs[1].translation.startswith("EN(")


def test_an_article_is_prepared_once_and_translated_only_once_prepared() -> None:
    prepared = prepare(parse_article(ARTICLE))
    with pytest.raises(TypeError, match="prepared already"):
        prepare(prepared)
    with pytest.raises(TypeError, match="prepare the article first"):
        Translator(RecordingEngine()).translate(parse_article(ARTICLE))


def test_a_brief_goes_through_the_briefers_own_interface() -> None:
    from translate_sum.pipeline import Briefer

    engine = RecordingEngine()
    seen: list[tuple[int, int]] = []
    brief = Briefer(Translator(engine)).brief_article(prepare(parse_article(ARTICLE)), "short", lambda d, t: seen.append((d, t)))
    assert brief.translation.paragraphs[1].translation.startswith("EN(")
    assert brief.summary and seen[-1][0] == seen[-1][1] > 0


def test_translated_paragraphs_keep_the_sentences_of_both_sides() -> None:
    result = Translator(RecordingEngine(max_input_tokens=12)).translate_text(ARTICLE)
    for paragraph in result.paragraphs:
        assert "".join(paragraph.source[a:b] for a, b in paragraph.sentences) == paragraph.source
        spans = paragraph.translation_sentences
        assert "".join(paragraph.translation[a:b] for a, b in spans) == paragraph.translation
    assert len(result.paragraphs[2].sentences) == 2


def test_segments_carry_the_token_counts_made_while_packing() -> None:
    engine = RecordingEngine(max_input_tokens=12)
    result = Translator(engine).translate_text(ARTICLE)
    segments = [s for p in result.paragraphs for s in p.segments]
    assert [s.tokens for s in segments] == engine.count_tokens([s.source for s in segments])


def test_a_brief_splits_each_text_into_sentences_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import pysbd

    from translate_sum.pipeline import Briefer

    texts: list[str] = []
    original = pysbd.Segmenter.segment
    monkeypatch.setattr(pysbd.Segmenter, "segment", lambda self, text: texts.append(text) or original(self, text))
    brief = Briefer(Translator(RecordingEngine())).brief(Translator(RecordingEngine()).translate_text(ARTICLE))
    assert brief.summary and brief.key_points
    # Each French paragraph once, each English translation once; the audit, the
    # ranking, the summary and the key points read those splits.
    paragraphs = brief.translation.paragraphs
    assert sorted(texts) == sorted([p.source for p in paragraphs] + [p.translation for p in paragraphs])


def test_a_paragraph_over_the_whole_audit_size_is_audited_by_segment_with_few_flags_per_kind() -> None:
    from translate_sum.pipeline import AUDIT_WHOLE_CHARS

    # The recording engine's "translation" keeps the French: every segment is untranslated.
    paragraph = " ".join(f"Le conseil municipal a voté la mesure numéro {i} pour la ville." for i in range(120))
    assert len(paragraph) > AUDIT_WHOLE_CHARS
    (result,) = Translator(RecordingEngine()).translate_text(paragraph).paragraphs
    untranslated = [flag for flag in result.flags if flag.kind == "untranslated"]
    assert len(untranslated) == 3 and "more like this" in untranslated[-1].detail


def test_a_translation_tokenizes_each_sentence_once_and_no_segment_again(
    tiny_translator: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = tiny_translator.engine
    tokenized: list[str] = []
    encode = engine.encode
    monkeypatch.setattr(engine, "encode", lambda texts: tokenized.extend(texts) or encode(texts))
    result = tiny_translator.translate_text(ARTICLE)
    sentences = [p.source[a:b] for p in result.paragraphs for a, b in p.sentences]
    assert any(len(p.segments) < len(p.sentences) for p in result.paragraphs)  # segments of several sentences
    assert sorted(tokenized) == sorted(sentences)
