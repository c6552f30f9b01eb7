"""What both engines share: batch shaping, thread layout, device choice, limits."""

from __future__ import annotations

import pytest

from translate_sum.engines.base import DecodeOptions, decoding_batches
from translate_sum.engines.core import NO_LIMIT, resolve_device, thread_layout, token_limits
from translate_sum.errors import ModelError


def _forced(new_tokens: int, beams: int = 4) -> DecodeOptions:
    return DecodeOptions(num_beams=beams, max_new_tokens=new_tokens, min_new_tokens=new_tokens, max_length_ratio=None)


def test_every_input_is_in_exactly_one_batch() -> None:
    lengths = [30, 5, 60, 12, 30, 44, 8, 2]
    batches = decoding_batches(lengths, _forced(64), budget=2000, min_batches=2)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))


def test_longer_outputs_make_smaller_batches() -> None:
    lengths = [30] * 40
    short = decoding_batches(lengths, _forced(32), budget=4096)
    long = decoding_batches(lengths, _forced(128), budget=4096)
    assert max(map(len, long)) < max(map(len, short))


def test_more_beams_make_smaller_batches() -> None:
    lengths = [30] * 40
    assert len(decoding_batches(lengths, _forced(64, beams=4), 4096)) > len(decoding_batches(lengths, _forced(64, beams=1), 4096))


def test_a_batch_never_costs_more_than_the_budget_unless_one_input_does() -> None:
    options = _forced(64)
    lengths = [3, 70, 18, 40, 40, 9, 25]
    for batch in decoding_batches(lengths, options, budget=1200):
        cost = max(options.decoding_cost(lengths[i]) for i in batch) * len(batch)
        assert cost <= 1200 or len(batch) == 1


def test_parallel_workers_each_get_a_batch_when_there_are_inputs_enough() -> None:
    assert len(decoding_batches([20] * 6, _forced(32), budget=10**9, min_batches=2)) >= 2
    assert len(decoding_batches([20], _forced(32), budget=10**9, min_batches=2)) == 1


def test_thread_layout_gives_every_core_a_batch_up_to_four() -> None:
    assert thread_layout(1) == (1, 1)
    assert thread_layout(2) == (2, 1)
    assert thread_layout(4) == (4, 1)
    assert thread_layout(16) == (4, 4)


def test_cuda_without_a_gpu_offers_the_cpu_by_setting() -> None:
    assert resolve_device("auto", 0, "X") == "cpu"
    assert resolve_device("auto", 1, "X") == "cuda"
    with pytest.raises(ModelError) as raised:
        resolve_device("cuda", 0, "CTranslate2")
    assert (raised.value.hint.option, raised.value.hint.value) == ("device", "cpu")
    assert "CTranslate2 sees none" in str(raised.value)


def test_token_limits_take_the_smaller_input_limit_and_keep_a_start_position() -> None:
    assert token_limits(512, 512) == (512, 511)
    assert token_limits(1024, 128) == (128, 1023)
    assert token_limits(None, None) == (NO_LIMIT, NO_LIMIT - 1)
