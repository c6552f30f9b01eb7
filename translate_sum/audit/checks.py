"""All checks of one paragraph pair, in a fixed order."""

from __future__ import annotations

from typing import Callable, Sequence

from translate_sum.audit.fluency import check_length, check_repetition, check_untranslated, sentences
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

# Checks that read sentences: they are given the sentences split once (keywords
# `source_sentences`, `translation_sentences`) instead of splitting each its own.
SENTENCE_CHECKS = frozenset({"repetition", "length", "untranslated"})


def check_paragraph(
    source: str,
    translation: str,
    *,
    source_sentences: Sequence[str] | None = None,
    translation_sentences: Sequence[str] | None = None,
) -> list[Flag]:
    """Every flag for one French paragraph and its English translation.

    An empty translation of a non-empty source is one flag (nothing else to check);
    an empty source yields no flags. The sentences of each side (stripped, as
    `audit.fluency.sentences` gives them) are split once here unless given.
    """
    if not source.strip():
        return []
    if not translation.strip():
        return [Flag("length", "translation is empty", "error")]
    split = {
        "source_sentences": sentences(source, "fr") if source_sentences is None else source_sentences,
        "translation_sentences": sentences(translation, "en") if translation_sentences is None else translation_sentences,
    }
    flags: list[Flag] = []
    for kind, check in CHECKS.items():
        flags.extend(check(source, translation, **split) if kind in SENTENCE_CHECKS else check(source, translation))  # type: ignore[call-arg]
    return flags
