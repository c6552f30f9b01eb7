"""The tiny models the suite stands on load like Hub checkpoints and fail like them.

These tests go straight through transformers (no project code), so a failure here
means the fixtures are wrong, not the tool.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from tiny_models import PARALLEL_EN, PARALLEL_FR, build_tiny_marian

FRENCH = "« Nous ne reculerons pas », a déclaré M. Durand mardi à 13h30 : le chômage recule à 3,5 %."
ENGLISH = "The city council approved a budget of 412 million dollars early on Wednesday."


def _load(model_dir: Path):
    return AutoTokenizer.from_pretrained(model_dir), AutoModelForSeq2SeqLM.from_pretrained(model_dir)


def test_parallel_fixture_sides_are_aligned_line_for_line():
    french = PARALLEL_FR.read_text(encoding="utf-8").splitlines()
    english = PARALLEL_EN.read_text(encoding="utf-8").splitlines()
    assert len(french) == len(english) >= 150
    assert all(fr.strip() and en.strip() for fr, en in zip(french, english))


def test_session_is_offline_with_a_private_hf_cache(real_hf_cache):
    from huggingface_hub import constants

    assert constants.HF_HUB_OFFLINE
    assert "translate-sum-tests-" in constants.HF_HUB_CACHE
    assert Path(constants.HF_HUB_CACHE) != real_hf_cache


def test_tiny_marian_loads_as_marian_and_translates_to_a_bounded_output(tiny_marian_dir):
    tokenizer, model = _load(tiny_marian_dir)
    assert type(tokenizer).__name__ == "MarianTokenizer"
    assert type(model).__name__ == "MarianMTModel"

    batch = tokenizer([FRENCH], return_tensors="pt")
    with torch.inference_mode():
        out = model.generate(**batch, max_new_tokens=8)
    assert 1 < out.shape[1] <= 1 + 8  # decoder start token + at most 8 new tokens
    assert isinstance(tokenizer.batch_decode(out, skip_special_tokens=True)[0], str)


def test_tiny_marian_knows_french_characters_without_unknown_tokens(tiny_marian_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_marian_dir)
    ids = tokenizer(FRENCH + " Où ? Œuvre (Noël) : 5 € – “oui” ; l’été…")["input_ids"]
    assert tokenizer.unk_token_id not in ids
    assert ids[-1] == tokenizer.eos_token_id


def test_tiny_marian_special_ids_match_opus_mt_layout(tiny_marian_dir):
    tokenizer, model = _load(tiny_marian_dir)
    generation = json.loads((tiny_marian_dir / "generation_config.json").read_text())
    pad = tokenizer.pad_token_id
    assert tokenizer.eos_token_id == model.config.eos_token_id == 0
    assert pad == model.config.pad_token_id == model.config.decoder_start_token_id == len(tokenizer) - 1
    assert generation["bad_words_ids"] == [[pad]]
    assert tokenizer.model_max_length == model.config.max_position_embeddings == 512


def test_tiny_bart_loads_and_summarizes_to_its_generation_length_limits(tiny_bart_dir):
    tokenizer, model = _load(tiny_bart_dir)
    assert type(model).__name__ == "BartForConditionalGeneration"
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id) == (0, 1, 2)
    assert tokenizer.model_max_length == model.config.max_position_embeddings == 128

    batch = tokenizer([ENGLISH], return_tensors="pt")
    assert tokenizer.unk_token_id not in batch["input_ids"][0].tolist()
    with torch.inference_mode():
        out = model.generate(**batch)  # min_length/max_length from generation_config.json
    assert model.generation_config.min_length <= out.shape[1] <= model.generation_config.max_length == 40


def test_short_marian_raises_on_input_longer_than_its_64_positions(tiny_marian_short_dir):
    tokenizer, model = _load(tiny_marian_short_dir)
    assert model.config.max_position_embeddings == 64
    long_text = " ".join([FRENCH] * 6)
    batch = tokenizer([long_text], return_tensors="pt")
    assert batch["input_ids"].shape[1] > 64
    with torch.inference_mode(), pytest.raises(IndexError):
        model.generate(**batch, max_new_tokens=2)


def test_short_marian_accepts_input_of_exactly_64_tokens(tiny_marian_short_dir):
    tokenizer, model = _load(tiny_marian_short_dir)
    ids = tokenizer(" ".join([FRENCH] * 6))["input_ids"][:63] + [tokenizer.eos_token_id]
    with torch.inference_mode():
        out = model.generate(input_ids=torch.tensor([ids]), max_new_tokens=2)
    assert out.shape[0] == 1


def test_builds_are_deterministic(tmp_path, tiny_marian_short_dir):
    again = build_tiny_marian(tmp_path / "again", max_position_embeddings=64)
    for name in ("source.spm", "vocab.json", "model.safetensors"):
        assert (again / name).read_bytes() == (tiny_marian_short_dir / name).read_bytes(), name


# Written for these tests: two short French news items, several sentences each.
ECHO_INPUTS = [
    "Le conseil municipal a voté le budget mardi soir. Les travaux du pont commenceront en mars.",
    "La grève des boulangers continue à Lyon. Selon le syndicat, 40 % des boutiques restent fermées !",
]


def _echo(model_dir: Path, texts: list[str], max_new_tokens: int = 200) -> tuple[torch.Tensor, list[str]]:
    tokenizer, model = _load(model_dir)
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**batch, max_new_tokens=max_new_tokens)
    return out, tokenizer.batch_decode(out, skip_special_tokens=True)


def test_echo_marian_has_the_same_files_and_layout_as_the_random_one(tiny_marian_echo_dir, tiny_marian_dir):
    assert sorted(p.name for p in tiny_marian_echo_dir.iterdir()) == sorted(p.name for p in tiny_marian_dir.iterdir())
    tokenizer, model = _load(tiny_marian_echo_dir)
    assert type(model).__name__ == "MarianMTModel"
    assert tokenizer.eos_token_id == model.config.eos_token_id == 0
    assert tokenizer.pad_token_id == model.config.decoder_start_token_id == len(tokenizer) - 1
    assert tokenizer.model_max_length == model.config.max_position_embeddings == 512


def test_echo_marian_outputs_differ_per_input_and_reuse_its_words(tiny_marian_echo_dir):
    _, outputs = _echo(tiny_marian_echo_dir, ECHO_INPUTS)
    assert outputs[0] != outputs[1]
    for source, output in zip(ECHO_INPUTS, outputs):
        source_words = set(source.lower().split())
        assert len(source_words & set(output.lower().split())) >= len(source_words) // 2, (source, output)


def test_echo_marian_stops_by_itself_keeping_the_sentence_punctuation(tiny_marian_echo_dir):
    out, outputs = _echo(tiny_marian_echo_dir, ECHO_INPUTS, max_new_tokens=200)
    assert out.shape[1] < 1 + 200  # every row emitted </s> well before the limit
    assert (out == 0).any(dim=1).all()
    for source, output in zip(ECHO_INPUTS, outputs):
        assert [c for c in output if c in ".!?"] == [c for c in source if c in ".!?"]


def test_echo_marian_copies_input_near_its_position_limit(tmp_path):
    model_dir = build_tiny_marian(tmp_path / "echo-64", max_position_embeddings=64, echo=True)
    tokenizer, model = _load(model_dir)
    ids = tokenizer(" ".join(ECHO_INPUTS * 3))["input_ids"][:40] + [tokenizer.eos_token_id]
    with torch.inference_mode():
        out = model.generate(input_ids=torch.tensor([ids]), max_new_tokens=60)
    assert out[0, 1:].tolist() == ids  # decoder start token, then the input token for token


def test_echo_marian_refuses_a_hidden_size_too_small_to_copy(tmp_path):
    with pytest.raises(ValueError, match="d_model"):
        build_tiny_marian(tmp_path / "echo-16", d_model=16, echo=True)
