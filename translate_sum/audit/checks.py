"""All checks of one paragraph pair, in a fixed order."""

from __future__ import annotations

from typing import Callable

from translate_sum.audit.fluency import check_length, check_repetition, check_untranslated
from translate_sum.audit.names import check_names
from translate_sum.audit.numbers import check_numbers
from translate_sum.document import Flag

Check = Callable[[str, str], list[Flag]]

CHECKS: dict[str, Check] = {
    "number": check_numbers,
    "name": check_names,
    "repetition": check_repetition,
    "length": check_length,
    "untranslated": check_untranslated,
}


def check_paragraph(source: str, translation: str) -> list[Flag]:
    """Every flag for one French paragraph and its English translation.

    An empty translation of a non-empty source is one flag (nothing else to check);
    an empty source yields no flags.
    """
    if not source.strip():
        return []
    if not translation.strip():
        return [Flag("length", "translation is empty", "error")]
    flags: list[Flag] = []
    for check in CHECKS.values():
        flags.extend(check(source, translation))
    return flags
