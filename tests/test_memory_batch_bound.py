"""A segment's words do not depend on its batch: what makes a memory's answers exact.

The tiny random Marian never stops on its own, so every output runs to its bound: a
segment batched with a longer one would run to the longer one's bound and come out
longer than alone, unless every batch holds inputs of one bound.
"""

from __future__ import annotations

import pytest

from translate_sum.engines import load_engine
from translate_sum.engines.base import decoding_batches
from translate_sum.memory import TranslationMemory, with_memory
from translate_sum.models import ResolvedModel
from translate_sum.options import DecodeOptions

SHORT = "Le président a parlé hier devant les députés de la majorité."
LONGER = "Le gouvernement a annoncé mardi une série de mesures pour soutenir l'industrie automobile, durement touchée."
OTHERS = [
    "Les syndicats appellent à une nouvelle journée de grève jeudi.",
    "La ministre a reçu les représentants des agriculteurs à Paris.",
    "Le tribunal rendra sa décision le 12 mars prochain, selon l'avocat.",
]


@pytest.fixture(scope="module", params=["transformers", "ctranslate2"])
def engine(request, tiny_marian_dir):
    if request.param == "ctranslate2":
        from translate_sum.engines.ctranslate2_engine import CTranslate2Engine

        # One batch at a time, as on a one-core machine, so the two inputs could share one.
        return CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu", quantization="float32", parallel_batches=1)
    return load_engine(ResolvedModel("tiny-marian", tiny_marian_dir), engine="transformers", device="cpu")


def test_every_batch_holds_inputs_of_one_output_bound():
    options = DecodeOptions(num_beams=2)
    lengths = [26, 47, 26, 30, 31, 47, 12, 128]

    batches = decoding_batches(lengths, options, budget=10**6)

    for batch in batches:
        assert len({options.output_limit(lengths[i]) for i in batch}) == 1
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))


def test_a_segment_gets_the_same_words_alone_and_batched_with_a_longer_one(engine):
    options = engine.default_options()
    lengths = engine.count_tokens([SHORT, LONGER])
    assert lengths[0] < lengths[1]

    alone = engine.generate([SHORT], options)[0]
    batched = engine.generate([SHORT, LONGER], options)[0]

    assert batched == alone


def test_a_partly_warm_memory_gives_the_words_of_a_run_without_it(engine, tiny_marian_dir, tmp_path):
    texts = [SHORT, LONGER, *OTHERS]
    options = engine.default_options()
    without = engine.generate(texts, options)
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    wrapped = with_memory(engine, tiny_marian_dir, memory)
    wrapped.generate([LONGER, OTHERS[1]], options)  # an earlier run remembered two of them

    assert wrapped.generate(texts, options) == without
