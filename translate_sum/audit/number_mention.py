"""A number as the audit reads it: the text written and every value it may stand for.

A value is a key such as ``("n", 3.5)`` (a quantity), ``("t", 13, 30)`` (a time of
day), ``("d", 2025, 7, 5)`` (a date) or ``("s", "44130")`` (a race time compared as
written). Two mentions may stand for the same number when they share a key.

Limits: a quantity key is rounded to six decimals, so values closer than that are
one; keys carry no unit ("5 km" and "5 miles" share ``("n", 5)``).
"""

from __future__ import annotations

from dataclasses import dataclass

Key = tuple


@dataclass(frozen=True)
class Mention:
    """A number as written (`text`) and every value it may stand for."""

    text: str
    keys: frozenset[Key]
    digits: bool  # written with digits: a strong signal, checked in both directions
    # False for approximate quantities ("une vingtaine") and for "premier" (often
    # "leading", "prime"): they explain an English number but are not missed when the
    # translation drops them.
    required: bool = True
    ordinal: bool = False  # "3e", "troisième", "third", "3rd": checked against ordinals
    # True for English writings that explain a source number but, unpaired, are no
    # evidence of a change ("World War II", "Elizabeth II").
    weak: bool = False


def quantity_key(value: float) -> Key:
    """The key of a plain quantity, rounded so that 0.1 * 3 and 0.3 are one value."""
    return ("n", round(value, 6))
