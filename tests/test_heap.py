"""Freed memory is kept for reuse between decoding steps (engines/heap.py)."""

from __future__ import annotations

import platform
import sys

import pytest

from translate_sum.engines import heap


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's"
)
def test_keeping_freed_memory_takes_effect_with_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_applied", False)
    monkeypatch.delenv("TRANSLATE_SUM_KEEP_FREED_MEMORY", raising=False)
    assert heap.keep_freed_memory() is True


def test_keeping_freed_memory_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_applied", False)
    monkeypatch.setenv("TRANSLATE_SUM_KEEP_FREED_MEMORY", "0")
    assert heap.keep_freed_memory() is False
