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
