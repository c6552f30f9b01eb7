"""The CTranslate2 engine on tiny real models: conversion, cache, parity, no torch.

Conversions are cached per test module (a fresh cache directory), so each tiny model
is converted once or twice here, never into the user's real cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prerequisites import require_module

require_module("ctranslate2")

from translate_sum.engines import convert  # noqa: E402
from translate_sum.engines.base import DecodeOptions  # noqa: E402
from translate_sum.engines.ctranslate2_engine import CTranslate2Engine  # noqa: E402
from translate_sum.engines.transformers_engine import TransformersEngine  # noqa: E402
from translate_sum.errors import EngineUnavailable, ModelError  # noqa: E402

FRENCH = [
    "Le conseil municipal a voté le budget mardi soir.",
    "Oui.",
    "Les travaux du pont commenceront en mars, a précisé la mairie, et dureront deux ans.",
    "La ministre a rencontré les syndicats.",
]

GREEDY = DecodeOptions(num_beams=1, max_new_tokens=12, max_length_ratio=None)


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory):
    """A private conversion cache for this module, so the user's cache is never touched."""
    root = tmp_path_factory.mktemp("ct2-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSLATE_SUM_CT2_CACHE", str(root))
        yield root


@pytest.fixture(scope="module")
def marian_fp32(ct2_cache: Path, tiny_marian_dir: Path) -> CTranslate2Engine:
    """The tiny Marian in float32, where CTranslate2 and PyTorch agree to the token."""
    return CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu", quantization="float32")


@pytest.fixture(scope="module")
def marian_torch(tiny_marian_dir: Path) -> TransformersEngine:
    return TransformersEngine(tiny_marian_dir, "tiny-marian", device="cpu")


def _fail_if_converting(*args, **kwargs):
    raise AssertionError("the converter ran although a conversion was cached")


def test_first_load_converts_into_the_cache_and_announces_it(ct2_cache, tiny_marian_dir, caplog):
    caplog.set_level("WARNING", logger="translate_sum.engines.convert")
    engine = CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu")
    assert engine.quantization == "int8"
    target = convert.converted_path(tiny_marian_dir, "tiny-marian", "cpu")
    assert target.parent == ct2_cache
    assert convert.is_converted(target)
    assert any("Converting tiny-marian for CTranslate2 (int8)" in r.getMessage() for r in caplog.records)


def test_second_load_reuses_the_cached_conversion(ct2_cache, tiny_marian_dir, monkeypatch):
    CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu")  # converts, or reuses the earlier test's
    ct2 = convert.import_ctranslate2()
    monkeypatch.setattr(ct2.converters, "TransformersConverter", _fail_if_converting)
    engine = CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu")
    assert engine.generate(["Bonjour."], GREEDY)[0]


def test_cache_key_changes_with_quantization_and_checkpoint_files(tiny_marian_dir, tmp_path):
    int8 = convert.converted_path(tiny_marian_dir, "m", "cpu")
    assert convert.converted_path(tiny_marian_dir, "m", "cuda") != int8
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in tiny_marian_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    before = convert.converted_path(copy, "m", "cpu")
    (copy / "config.json").write_text((copy / "config.json").read_text() + "\n")
    assert convert.converted_path(copy, "m", "cpu") != before


def test_a_failed_conversion_leaves_nothing_in_the_cache(ct2_cache, tiny_marian_dir, monkeypatch):
    class BrokenConverter:
        def __init__(self, *args, **kwargs):
            pass

        def convert(self, output_dir, **kwargs):
            Path(output_dir, "model.bin").write_bytes(b"half a model")
            raise RuntimeError("killed mid-way")

    ct2 = convert.import_ctranslate2()
    monkeypatch.setattr(ct2.converters, "TransformersConverter", BrokenConverter)
    before = set(ct2_cache.iterdir())
    with pytest.raises(ModelError, match="cannot convert tiny-marian"):
        convert.convert_model(tiny_marian_dir, "tiny-marian", "cpu", quantization="int8_float32")
    assert set(ct2_cache.iterdir()) == before


def test_greedy_outputs_equal_the_transformers_engine_in_order(marian_fp32, marian_torch):
    ours = marian_fp32.generate(FRENCH, GREEDY)
    reference = marian_torch.generate(FRENCH, GREEDY)
    assert len(ours) == len(FRENCH)
    assert ours == reference


def test_batched_outputs_equal_one_at_a_time_outputs(marian_fp32):
    # batch_tokens=1 puts every input in its own batch with its own length limit, so
    # this catches outputs put back in the wrong order.
    options = DecodeOptions(num_beams=2, max_length_ratio=1.0, max_length_offset=1, batch_tokens=1)
    batched = marian_fp32.generate(FRENCH, options)
    alone = [marian_fp32.generate([text], options)[0] for text in FRENCH]
    assert batched == alone


@pytest.mark.parametrize("name", ["marian_fp32", "marian_torch"])
def test_generate_given_the_ids_counted_before_tokenizes_nothing_and_decodes_the_same(
    name: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = request.getfixturevalue(name)
    ids = engine.encode(FRENCH)
    expected = engine.generate(FRENCH, GREEDY)
    tokenized: list[str] = []
    encode = engine.encode
    monkeypatch.setattr(engine, "encode", lambda texts: tokenized.extend(texts) or encode(texts))
    assert engine.generate(FRENCH, GREEDY, ids=ids) == expected
    assert tokenized == []
    assert engine.count_tokens(FRENCH) == [len(found) for found in ids]


def test_batches_decoded_in_parallel_give_the_outputs_of_one_at_a_time(ct2_cache, tiny_marian_dir, marian_fp32):
    parallel = CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu", quantization="float32", parallel_batches=2)
    assert parallel.parallel == min(2, parallel.threads)
    options = DecodeOptions(num_beams=2, max_length_ratio=1.0, max_length_offset=1, batch_tokens=1)
    texts = FRENCH * 3
    assert parallel.generate(texts, options) == [marian_fp32.generate([text], options)[0] for text in texts]


def test_only_one_batch_more_than_the_workers_is_queued_so_ctrl_c_is_quick(marian_fp32, monkeypatch):
    real = marian_fp32.translator
    in_flight, most = 0, 0

    class Collected:
        def __init__(self, pending, last):
            self.pending, self.last = pending, last

        def result(self):
            nonlocal in_flight
            if self.last:
                in_flight -= 1
            return self.pending.result()

    class Counting:
        def translate_batch(self, *args, **kwargs):
            nonlocal in_flight, most
            results = real.translate_batch(*args, **kwargs)
            in_flight += 1
            most = max(most, in_flight)
            return [Collected(r, i == len(results) - 1) for i, r in enumerate(results)]

    monkeypatch.setattr(marian_fp32, "translator", Counting())
    options = DecodeOptions(num_beams=1, max_new_tokens=4, batch_tokens=1)
    assert len(marian_fp32.generate(FRENCH * 3, options)) == 12
    assert most == marian_fp32.parallel + 1


def test_progress_reports_every_input_once(marian_fp32):
    seen: list[int] = []
    marian_fp32.generate(FRENCH, DecodeOptions(num_beams=1, max_new_tokens=4, batch_tokens=40), seen.append)
    assert sum(seen) == len(FRENCH)
    assert len(seen) > 1


def test_token_counts_equal_the_transformers_engine(marian_fp32, marian_torch):
    assert marian_fp32.count_tokens(FRENCH) == marian_torch.count_tokens(FRENCH)
    assert marian_fp32.max_input_tokens == marian_torch.max_input_tokens


def test_input_over_the_model_limit_raises_instead_of_truncating(ct2_cache, tiny_marian_short_dir):
    engine = CTranslate2Engine(tiny_marian_short_dir, "tiny-marian-short", device="cpu")
    long_text = " ".join(FRENCH * 40)
    assert engine.count_tokens([long_text])[0] > engine.max_input_tokens
    with pytest.raises(ValueError, match="exceeds"):
        engine.generate([long_text], GREEDY)


def test_bart_reads_its_generation_config_like_the_transformers_engine(ct2_cache, tiny_bart_dir):
    ours = CTranslate2Engine(tiny_bart_dir, "tiny-bart", device="cpu", quantization="float32")
    reference = TransformersEngine(tiny_bart_dir, "tiny-bart", device="cpu")
    assert ours.default_options() == reference.default_options()
    generation = json.loads((tiny_bart_dir / "generation_config.json").read_text())
    assert ours.default_options().length_penalty == generation["length_penalty"]
    english = ["The council voted the budget on Tuesday.", "Work on the bridge starts in March."]
    options = DecodeOptions(num_beams=1, max_new_tokens=10, max_length_ratio=None)
    assert ours.generate(english, options) == reference.generate(english, options)


def test_missing_ctranslate2_raises_engine_unavailable_with_the_install_command(tiny_marian_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # makes `import ctranslate2` fail
    with pytest.raises(EngineUnavailable, match=r"not installed: pip install ctranslate2"):
        CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu")


def _run_python(script: str, ct2_cache: Path) -> subprocess.CompletedProcess:
    """`script` in a fresh interpreter, from the checkout, with this module's conversion cache."""
    env = {**os.environ, "TRANSLATE_SUM_CT2_CACHE": str(ct2_cache)}
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, timeout=120)


def test_a_converted_model_runs_without_importing_torch(ct2_cache, tiny_marian_dir):
    CTranslate2Engine(tiny_marian_dir, "tiny-marian", device="cpu")  # make sure it is converted
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from translate_sum.engines.base import DecodeOptions\n"
        "from translate_sum.engines.ctranslate2_engine import CTranslate2Engine\n"
        f"engine = CTranslate2Engine(Path({str(tiny_marian_dir)!r}), 'tiny-marian', device='cpu')\n"
        "assert engine.generate(['Bonjour.'], DecodeOptions(num_beams=2, max_new_tokens=4))[0]\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n"
    )
    done = _run_python(script, ct2_cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_converted_model_translates_an_article_without_importing_transformers(ct2_cache, tiny_marian_dir, tmp_path):
    CTranslate2Engine(tiny_marian_dir, str(tiny_marian_dir), device="cpu")  # converted under the CLI's name
    article = tmp_path / "article.txt"
    article.write_text("Le conseil a voté.\n\nLes travaux commenceront en mars, a précisé la mairie.\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from translate_sum.cli import main\n"
        f"sys.argv = ['translate-sum', 'translate', {str(article)!r}, '--translation-model', {str(tiny_marian_dir)!r},"
        " '--engine', 'ctranslate2', '--device', 'cpu', '-q']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = ('torch', 'transformers', 'sacremoses')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    done = _run_python(script, ct2_cache)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()  # the translation
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_auto_engine_falls_back_to_transformers_when_conversion_fails(
    tiny_marian_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate_sum.engines import ctranslate2_engine, load_engine
    from translate_sum.models import ResolvedModel

    def refuse(*args: object, **kwargs: object) -> Path:
        raise ModelError("cannot convert tiny for CTranslate2 (unsupported)")

    monkeypatch.setattr(ctranslate2_engine, "convert_model", refuse)
    model = ResolvedModel("tiny", tiny_marian_dir)
    assert load_engine(model, engine="auto", device="cpu").name == "transformers"
    with pytest.raises(ModelError, match="cannot convert"):
        load_engine(model, engine="ctranslate2", device="cpu")


def test_auto_fallback_warns_with_the_reason_only(
    tiny_marian_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from translate_sum.engines import ctranslate2_engine, load_engine
    from translate_sum.engines.core import USE_TRANSFORMERS
    from translate_sum.models import ResolvedModel

    def refuse(*args: object, **kwargs: object) -> Path:
        raise ModelError("cannot convert tiny for CTranslate2 (unsupported)", USE_TRANSFORMERS)

    monkeypatch.setattr(ctranslate2_engine, "convert_model", refuse)
    caplog.set_level("WARNING", logger="translate_sum.engines")
    load_engine(ResolvedModel("tiny", tiny_marian_dir), engine="auto", device="cpu")
    warnings = [r.getMessage() for r in caplog.records if r.name == "translate_sum.engines"]
    assert warnings == ["cannot convert tiny for CTranslate2 (unsupported); using the transformers engine instead"]


def test_missing_ctranslate2_offers_the_transformers_engine_by_setting(tiny_marian_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with pytest.raises(EngineUnavailable) as raised:
        convert.import_ctranslate2()
    assert (raised.value.hint.option, raised.value.hint.value) == ("engine", "transformers")


def test_conversion_cache_is_the_same_however_the_path_is_spelled(
    tiny_marian_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tiny_marian_dir.parent)
    relative = Path(tiny_marian_dir.name)
    assert convert.converted_path(relative, str(relative)) == convert.converted_path(
        tiny_marian_dir, str(tiny_marian_dir) + "/"
    )


def test_interrupted_conversion_leaves_no_temporary_directory(
    tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSLATE_SUM_CT2_CACHE", str(tmp_path / "ct2"))

    class Interrupting:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def convert(self, output_dir: str, **kwargs: object) -> None:
            Path(output_dir, "model.bin").write_bytes(b"half")
            raise KeyboardInterrupt

    monkeypatch.setattr(convert, "_converter_class", lambda ct2: Interrupting)
    with pytest.raises(KeyboardInterrupt):
        convert.convert_model(tiny_marian_dir, "tiny")
    assert list((tmp_path / "ct2").iterdir()) == []
