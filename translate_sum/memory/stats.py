"""What the memory did: counts returned by each call and summed over a run.

Limits: counts only; which segments came from where is in `engine.Generation.origins`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Origin = Literal["decoded", "memory", "human"]
"""Where one output came from: the engine just now, a machine translation in the
memory, or an imported human translation."""

DECODED: Origin = "decoded"
REMEMBERED: Origin = "memory"
HUMAN: Origin = "human"


@dataclass(frozen=True)
class MemoryStats:
    """Segments looked up and where their translations came from; they add up.

    `hits` counts answers from the memory, human ones included (`human` says how many
    of them); `decoded` the distinct segments the engine translated; `repeats` the
    segments that repeated another of the same call (decoded once, given twice);
    `stored` the new entries written.
    """

    hits: int = 0
    human: int = 0
    decoded: int = 0
    repeats: int = 0
    stored: int = 0

    @property
    def segments(self) -> int:
        """Every segment asked for."""
        return self.hits + self.decoded + self.repeats

    @property
    def hit_rate(self) -> float:
        """Share of the segments the memory answered (0 when none was asked for)."""
        return self.hits / self.segments if self.segments else 0.0

    def __add__(self, other: "MemoryStats") -> "MemoryStats":
        return MemoryStats(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


__all__ = ["DECODED", "HUMAN", "REMEMBERED", "MemoryStats", "Origin"]
