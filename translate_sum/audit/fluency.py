"""Checks on the shape of a translation: loops, implausible length, French left in.

These need no understanding of the content, only counts: repeated n-grams, the
length ratio of the two sides (bounds measured on professional translations, see
benchmarks/calibrate_audit.py), the number of sentences, and French function words.

Limits: a translation that paraphrases at the right length passes; a loop the source
itself contains ("non, non, non") is not reported; a French quotation the translator
chose to keep is reported. A paragraph left in French is caught by its French words
(one sentence at a time) or, whole, by being made of its source's own words; a line of
two or three words without a French function word or accent ("Client suivant!") is not.
"""

from __future__ import annotations

from collections import Counter

import re
from typing import Sequence

from translate_sum.audit.quote import quoted
from translate_sum.document import Flag
from translate_sum.text import sentence_spans, stripped

# English characters per French character on 4,157 professional pairs (newstest2013,
# FLORES, the articles): median 0.87, 1st-99th percentile 0.56-1.28; with the slack
# below, all but one pair lie inside these bounds (benchmarks/calibrate_audit.py).
LENGTH_RATIO_LOW = 0.55
LENGTH_RATIO_HIGH = 1.45
# Short texts vary more ("Oui." → "Yes, indeed."): characters allowed either side.
LENGTH_SLACK = 25

# Fewer sentences count as dropped content only below this length ratio.
SENTENCE_DROP_RATIO = 0.95

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# French words that are not English words; several in one sentence mean French.
_FRENCH = set(
    """le la les des du une et est sont dans pour avec sur qui que pas par aux au ce cette
    ces il elle ils elles nous vous leur leurs mais ou où été être avoir ont fait plus
    très son sa ses lui dont aussi comme tout tous entre sans sous après avant encore
    déjà selon chez depuis même donc alors c'est qu'il n'est d'un d'une l'on je j'ai
    peut doit faut ainsi quand bien moins notre nos votre vos cela ça cet de à en un se ne
    ni y mon ma mes ton ta tes ceux celle celles était étaient sera seront avait avaient
    dès vers quel quelle quels quelles lorsque puis parce tandis""".split()
)
# An elided article, pronoun or conjunction glued to its word ("l'Ukraine", "d'autres",
# "qu'il"): French, whatever the word (English writes "d'Artagnan" once in a while).
_ELIDED = re.compile(r"(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’][^\W\d_]")
# A translation is its source left in French when most of its words are the source's
# words and some of those are French function words: names and numbers alone do not
# make a copy ("Jumaane Williams" stays "Jumaane Williams").
COPIED_SHARE = 0.75
COPIED_MIN_FRENCH = 1
# A lower-case word with a French accent ("inespérées") is French evidence too.
_ACCENTED = re.compile(r"[éèêëàâçîïôûùœ]")
_ENGLISH = set(
    """the and of to in is are was were for with on that this it by from as at be have has
    had not but or which who what will would can could an they their there been its he
    she we you his her our than more also into about""".split()
)


def sentences(text: str, language: str) -> list[str]:
    """The sentences of `text`, stripped, with pysbd's rules for `language` ("fr"/"en").

    The checks take sentences already split (the pipeline's, kept on the paragraph);
    this splits them, through the text layer, when they are not given.
    """
    return stripped(text, sentence_spans(text, language))


Sentences = Sequence[str]
"""Stripped sentences of one side, as `sentences` gives them."""


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _longest_loop(words: list[str], max_n: int = 8) -> tuple[int, int, str]:
    """The most repeated back-to-back n-gram: (times, n, the n-gram)."""
    best = (1, 0, "")
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= len(words):
            times = 1
            while words[i + times * n : i + (times + 1) * n] == words[i : i + n]:
                times += 1
            if times > best[0] or (times == best[0] and times > 1 and n > best[1]):
                best = (times, n, " ".join(words[i : i + n]))
            i += max(1, (times - 1) * n) if times > 1 else 1
    return best


def check_repetition(
    source: str,
    translation: str,
    *,
    source_sentences: Sentences | None = None,
    translation_sentences: Sentences | None = None,
) -> list[Flag]:
    """A flag when the translation loops: an n-gram repeated back to back, or a
    sentence written twice, more than in the source.

    The sentences of both sides are split here unless given."""
    tgt = _words(translation)
    times, n, gram = _longest_loop(tgt)
    # One word three times can be style ("very, very, very"); four is a loop.
    needed = 4 if n == 1 else 3
    if times >= needed and times > _longest_loop(_words(source))[0]:
        return [Flag("repetition", f"{quoted(gram)} repeated {times} times in a row", "error")]
    if translation_sentences is None:
        translation_sentences = sentences(translation, "en")
    tgt_sentences = [s.lower() for s in translation_sentences if len(s.split()) >= 4]
    counts = Counter(tgt_sentences)
    # In text order, not a set's: a set's order changes from process to process, and
    # the flag's detail must not (reruns, Ray workers and the local batch agree).
    repeated = [s for s in counts if counts[s] > 1]
    if source_sentences is None:
        source_sentences = sentences(source, "fr")
    src_sentences = [s.lower() for s in source_sentences]
    if repeated and len(set(src_sentences)) == len(src_sentences):
        sample = repeated[0]
        return [Flag("repetition", f"sentence {quoted(sample)} written twice", "error")]
    return []


def check_length(
    source: str,
    translation: str,
    *,
    source_sentences: Sentences | None = None,
    translation_sentences: Sentences | None = None,
) -> list[Flag]:
    """A flag when the translation is much shorter or longer than its source, or has
    fewer sentences (a dropped sentence). The sentences are split here unless given."""
    src, tgt = len(source.strip()), len(translation.strip())
    if not src:
        return []
    if tgt < LENGTH_RATIO_LOW * src - LENGTH_SLACK:
        return [Flag("length", f"translation is short: {tgt} characters for {src} in the source", "warning")]
    if tgt > LENGTH_RATIO_HIGH * src + LENGTH_SLACK:
        return [Flag("length", f"translation is long: {tgt} characters for {src} in the source", "warning")]
    if source_sentences is None:
        source_sentences = sentences(source, "fr")
    if translation_sentences is None:
        translation_sentences = sentences(translation, "en")
    src_n, tgt_n = len(source_sentences), len(translation_sentences)
    # Translators merge sentences, keeping the length; a dropped sentence also leaves
    # the translation shorter than usual (median ratio ~0.87).
    if tgt_n < src_n and tgt < SENTENCE_DROP_RATIO * src:
        return [Flag("length", f"translation has {tgt_n} sentences for {src_n} in the source", "warning")]
    return []


def _is_french_word(word: str) -> bool:
    return word in _FRENCH or _ELIDED.match(word) is not None


def _copied_source(source: str, translation: str) -> bool:
    """Whether the translation is mostly the source's own French words (left untranslated)."""
    words = _words(translation)
    if not words:
        return False
    source_words = set(_words(source))
    shared = [w for w in words if w in source_words]
    # French evidence: function words, and accented words written in lower case
    # ("inespérées"; a capitalized "Côté" may be a name).
    french = sum(_is_french_word(w) for w in shared)
    french += sum(
        1
        for w in _WORD.findall(translation)
        if w.islower() and w in source_words and _ACCENTED.search(w) and not _is_french_word(w)
    )
    # English words the source lacks: "an" and "on" are French words too.
    english = sum(w in _ENGLISH and w not in source_words for w in words)
    return len(shared) >= COPIED_SHARE * len(words) and french >= COPIED_MIN_FRENCH and french > english


def check_untranslated(
    source: str,
    translation: str,
    *,
    source_sentences: Sentences | None = None,
    translation_sentences: Sentences | None = None,
) -> list[Flag]:
    """One flag when sentences of the translation are still French (the first quoted,
    the others counted, so that a paragraph left in French reads as one line), or one
    for the whole translation when it is its French source."""
    flags: list[Flag] = []
    if translation_sentences is None:
        translation_sentences = sentences(translation, "en")
    still_french = []
    for sentence in translation_sentences:
        words = _words(sentence)
        if len(words) < 4:
            continue
        french = sum(_is_french_word(w) for w in words)
        english = sum(w in _ENGLISH for w in words)
        if french >= 2 and french >= 0.2 * len(words) and french > 2 * english:
            still_french.append(sentence)
    if still_french:
        # The count before the quote: digests cut details at their end.
        count = f", {len(still_french)} sentences" if len(still_french) > 1 else ""
        flags.append(Flag("untranslated", f"French left in translation{count}: {quoted(still_french[0])}", "error"))
    if not flags and _copied_source(source, translation):
        count = len(_words(translation))
        flags.append(Flag("untranslated", f"translation is the French source, left untranslated ({count} words)", "error"))
    return flags
