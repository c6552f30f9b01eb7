"""The memory as a translator wrapper, over the tiny real models: same words, fewer decodes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Sequence

import pytest

from translate_sum.document import Article, Paragraph, SourceInfo
from translate_sum.engines import load_engine
from translate_sum.memory import (
    DECODED,
    HUMAN,
    REMEMBERED,
    Entry,
    MemoryEngine,
    NoMemory,
    TranslationMemory,
    generate,
    identify_engine,
    with_memory,
)
from translate_sum.memory import fingerprint
from translate_sum.models import ResolvedModel
from translate_sum.options import TranslateOptions
from translate_sum.pipeline import PreparedArticle, Translator, prepare

FIXTURE_FR = Path(__file__).parent / "fixtures" / "parallel.fr"


def _articles() -> list[PreparedArticle]:
    """Three prepared articles of fixture sentences; the third republishes paragraphs of the first two."""
    lines = [line for line in FIXTURE_FR.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs = [" ".join(lines[i : i + 2]) for i in range(0, 36, 2)]
    texts = [paragraphs[0:6], paragraphs[6:12], [paragraphs[1], paragraphs[12], paragraphs[7], paragraphs[3]]]
    return [
        prepare(Article(SourceInfo(f"wire-{n}.txt"), tuple(Paragraph(i + 1, text) for i, text in enumerate(body))), TranslateOptions())
        for n, body in enumerate(texts)
    ]


class Counting:
    """An engine proxy that records every text it is asked to decode."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.decoded: list[str] = []

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def generate(self, texts: Sequence[str], options, progress=None) -> list[str]:
        self.decoded.extend(texts)
        return self.engine.generate(texts, options, progress)


@pytest.fixture(scope="module")
def echo(tiny_marian_echo_dir):
    return load_engine(ResolvedModel("tiny-echo", tiny_marian_echo_dir), engine="transformers", device="cpu")


@pytest.fixture(scope="module")
def marian_ct2(tiny_marian_dir):
    from translate_sum.engines.ctranslate2_engine import CTranslate2Engine

    # float32, as test_ctranslate2_engine.py converts it: one conversion per session.
    return CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu", quantization="float32")


def _texts(results) -> list[str]:
    return [r.text for r in results]


def test_outputs_are_identical_with_the_memory_off_cold_and_warm_and_warm_decodes_nothing(echo, tiny_marian_echo_dir, tmp_path):
    articles = _articles()
    off = Translator(echo).translate_many(articles)
    counting = Counting(echo)
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = with_memory(counting, tiny_marian_echo_dir, memory)

    cold = Translator(engine).translate_many(articles)
    decoded_cold = len(counting.decoded)
    warm = Translator(engine).translate_many(articles)

    assert _texts(off) == _texts(cold) == _texts(warm)
    assert decoded_cold > 0 and len(counting.decoded) == decoded_cold


def test_a_looping_model_with_audit_retries_gives_the_same_words_off_cold_and_warm(marian_ct2, tiny_marian_dir, tmp_path):
    articles = _articles()[:2]
    off = Translator(marian_ct2).translate_many(articles)
    counting = Counting(marian_ct2)
    engine = with_memory(counting, tiny_marian_dir, TranslationMemory(tmp_path / "m.sqlite3"))

    cold = Translator(engine).translate_many(articles)
    decoded_cold = len(counting.decoded)
    warm = Translator(engine).translate_many(articles)

    assert _texts(off) == _texts(cold) == _texts(warm)
    assert decoded_cold > len(set(counting.decoded))  # the audit retried segments, with other settings
    assert len(counting.decoded) == decoded_cold  # and the retries were remembered too


def test_a_paragraph_republished_in_another_article_is_decoded_once(echo, tiny_marian_echo_dir, tmp_path):
    counting = Counting(echo)
    engine = with_memory(counting, tiny_marian_echo_dir, TranslationMemory(tmp_path / "m.sqlite3"))

    Translator(engine).translate_many(_articles())

    assert len(counting.decoded) == len(set(counting.decoded))
    assert len(counting.decoded) > 0


def test_each_output_says_where_it_came_from_and_the_counts_add_up(echo, tiny_marian_echo_dir, tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = with_memory(echo, tiny_marian_echo_dir, memory)
    options = echo.default_options()
    generate(engine, ["Premier texte.", "Deuxième texte."], options)
    memory.import_entries([Entry("Troisième texte.", "Third text, by a person.", True, "", {}, 0)])
    seen: list[int] = []

    result = generate(engine, ["Premier texte.", "Troisième texte.", "Nouveau texte.", "Nouveau texte."], options, seen.append)

    assert result.origins == (REMEMBERED, HUMAN, DECODED, DECODED)
    assert result.outputs[1] == "Third text, by a person."
    assert result.outputs[2] == result.outputs[3]
    stats = result.stats
    assert (stats.hits, stats.human, stats.decoded, stats.repeats) == (2, 1, 1, 1)
    assert sum(seen) == 4
    assert memory.totals().hits == 2


def test_a_human_translation_replaces_the_machine_one_in_an_article(echo, tiny_marian_echo_dir, tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    article = Article(SourceInfo("one.txt"), (Paragraph(1, "Le chat dort sur le canapé."),))
    memory.import_entries([Entry("Le chat dort sur le canapé.", "The cat sleeps on the sofa.", True, "", {}, 0)])

    translator = Translator(with_memory(echo, tiny_marian_echo_dir, memory))
    result = translator.translate(prepare(article, translator.options))

    assert result.paragraphs[0].translation == "The cat sleeps on the sofa."


def test_an_engine_without_memory_reports_every_output_decoded(echo):
    result = generate(echo, ["Un texte.", "Un texte."], echo.default_options())

    assert result.origins == (DECODED, DECODED) and result.stats.decoded == 2


def test_no_memory_leaves_the_engine_as_it_is(echo, tiny_marian_echo_dir):
    assert with_memory(echo, tiny_marian_echo_dir, NoMemory()) is echo


def test_the_wrapper_has_the_engines_interface(echo, tiny_marian_echo_dir, tmp_path):
    engine = with_memory(echo, tiny_marian_echo_dir, TranslationMemory(tmp_path / "m.sqlite3"))

    assert isinstance(engine, MemoryEngine)
    assert (engine.name, engine.model_name, engine.max_input_tokens) == (echo.name, echo.model_name, echo.max_input_tokens)
    assert engine.count_tokens(["Un texte."]) == echo.count_tokens(["Un texte."])
    assert engine.device == echo.device


def _fake_engine() -> SimpleNamespace:
    return SimpleNamespace(name="transformers", device="cpu", model=SimpleNamespace(dtype="torch.float32"), model_name="x")


def test_a_model_file_changed_in_place_changes_the_key(tiny_marian_echo_dir, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    for path in tiny_marian_echo_dir.iterdir():
        (model / path.name).write_bytes(path.read_bytes())
    before = identify_engine(_fake_engine(), model)
    weights = model / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # same size, one bit of one weight
    weights.write_bytes(bytes(data))

    after = identify_engine(_fake_engine(), model)

    assert before.model != after.model
    assert dataclasses.replace(after, model=before.model) == before


def test_unchanged_model_files_are_not_hashed_again(tiny_marian_echo_dir, tmp_path, monkeypatch):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    first = identify_engine(_fake_engine(), tiny_marian_echo_dir, memory)
    monkeypatch.setattr(fingerprint, "file_digest", lambda path: pytest.fail(f"{path} hashed again"))

    again = identify_engine(_fake_engine(), tiny_marian_echo_dir, TranslationMemory(tmp_path / "m.sqlite3"))

    assert again == first


def test_the_ctranslate2_key_names_its_conversion_and_weight_type(marian_ct2, tiny_marian_dir):
    identity = identify_engine(marian_ct2, tiny_marian_dir)
    unconverted = SimpleNamespace(name="other", device="cpu", quantization="float32", model_name="tiny-marian")
    source_only = identify_engine(unconverted, tiny_marian_dir)

    assert (identity.engine, identity.compute_type, identity.device) == ("ctranslate2", "float32", "cpu")
    assert identity.runtime.startswith("ctranslate2 ")
    assert identity.model != source_only.model  # the converted files are hashed too


def test_around_puts_the_same_memory_outside_another_wrapper(echo, tiny_marian_echo_dir, tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = with_memory(echo, tiny_marian_echo_dir, memory)
    generate(engine, ["Un texte."], echo.default_options())
    inner = Counting(echo)

    again = generate(engine.around(inner), ["Un texte."], echo.default_options())

    assert again.origins == (REMEMBERED,) and inner.decoded == []
