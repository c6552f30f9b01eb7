"""Tests on the real checkpoints: skipped unless they are in the user's Hugging Face cache.

Run them on a machine where `translate-sum models download` has been run; they load
the snapshot directory as a local model, so nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from translate_sum.pipeline import Briefer, load_translator, prepare
from translate_sum.reader import parse_article

OPUS = "Helsinki-NLP/opus-mt-fr-en"
DISTILBART = "sshleifer/distilbart-cnn-12-6"

ARTICLE = """Le gouvernement présente un budget de crise

Le ministre de l'Économie a présenté mercredi un budget prévoyant 3,5 milliards d'euros d'économies.

Selon lui, le déficit public devrait passer de 5,5 % à 4,4 % du produit intérieur brut en 2026.

« Nous ne pouvons plus attendre », a déclaré M. Martin devant les députés à 15h30."""


@pytest.mark.real_model(OPUS)
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_opus_mt_translates_a_known_sentence(real_model_dir: Callable[[str], Path], engine: str) -> None:
    translator = load_translator(str(real_model_dir(OPUS)), engine=engine, device="cpu")
    result = translator.translate_text("Le chat dort sur le canapé.")
    assert "cat" in result.paragraphs[0].translation.lower()


@pytest.mark.real_model(OPUS)
def test_opus_mt_keeps_the_numbers_and_the_paragraphs(real_model_dir: Callable[[str], Path]) -> None:
    translator = load_translator(str(real_model_dir(OPUS)), engine="transformers", device="cpu")
    result = translator.translate(prepare(parse_article(ARTICLE)))
    assert len(result.paragraphs) == 4
    english = result.text
    for number in ("3.5", "5.5", "4.4", "2026"):
        assert number in english
    assert not any(flag.kind == "number" for p in result.paragraphs for flag in p.flags)


@pytest.mark.real_model(OPUS, DISTILBART)
def test_real_brief_has_a_summary_and_cited_key_points(real_model_dir: Callable[[str], Path]) -> None:
    from translate_sum.engines.transformers_engine import TransformersEngine
    from translate_sum.summarize import AbstractiveSummarizer

    translator = load_translator(str(real_model_dir(OPUS)), engine="transformers", device="cpu")
    summarizer = AbstractiveSummarizer(TransformersEngine(real_model_dir(DISTILBART), device="cpu"))
    brief = Briefer(translator, summarizer).brief(translator.translate(prepare(parse_article(ARTICLE))))
    assert brief.summary
    assert brief.key_points and all(set(k.paragraphs) <= {2, 3, 4} for k in brief.key_points)
