"""What both engines share: batch shaping, thread layout, device choice, limits."""

from __future__ import annotations

import pytest

from translate_sum.engines.base import DecodeOptions, decoding_batches
from translate_sum.engines.core import NO_LIMIT, default_batch_cost, resolve_device, step_overhead, thread_layout, token_limits
from translate_sum.errors import ModelError


def _forced(new_tokens: int, beams: int = 4) -> DecodeOptions:
    return DecodeOptions(num_beams=beams, max_new_tokens=new_tokens, min_new_tokens=new_tokens, max_length_ratio=None)


def test_every_input_is_in_exactly_one_batch() -> None:
    lengths = [30, 5, 60, 12, 30, 44, 8, 2]
    batches = decoding_batches(lengths, _forced(64), budget=2000, workers=2)
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
    assert len(decoding_batches([20] * 6, _forced(32), budget=10**9, workers=2)) >= 2
    assert len(decoding_batches([20], _forced(32), budget=10**9, workers=2)) == 1


def test_inputs_whose_output_bounds_differ_widely_decode_in_separate_batches() -> None:
    # Batched together, the four short inputs would decode for the long ones' 190 steps.
    lengths = [120, 8, 118, 10, 119, 9, 121, 7]
    batches = decoding_batches(lengths, DecodeOptions(num_beams=4), budget=16384)
    assert sorted(sorted(batch) for batch in batches) == [[0, 2, 4, 6], [1, 3, 5, 7]]


def test_inputs_of_like_length_share_a_batch_rather_than_decode_alone() -> None:
    lengths = [60, 62, 61, 59, 60, 63]
    assert len(decoding_batches(lengths, DecodeOptions(num_beams=4), budget=16384)) == 1


def test_two_workers_get_batches_of_equal_size() -> None:
    batches = decoding_batches([40] * 20, _forced(64), budget=16384, workers=2)
    assert [len(batch) for batch in batches] == [10, 10]


def test_a_large_step_overhead_fills_each_bounds_batch_up_to_the_budget() -> None:
    # One batch per output bound (a batch decodes to one bound), each as full as it can be.
    lengths = [120, 8, 118, 10, 119, 9, 121, 7]
    options = DecodeOptions(num_beams=4)
    batches = decoding_batches(lengths, options, budget=65536, overhead=step_overhead("cuda"))
    assert sorted(sorted(batch) for batch in batches) == [[0, 2, 4, 6], [1, 3, 5, 7]]


def test_a_cpu_batch_holds_a_layer_cache_of_at_most_32_mib() -> None:
    assert default_batch_cost("cpu", 512) == 16384  # 16,384 tokens x 512 floats x 4 bytes = 32 MiB
    assert default_batch_cost("cpu", 1024) == 8192
    assert default_batch_cost("cuda", 512) == 65536


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
