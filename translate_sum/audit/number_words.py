"""Numbers written in words, in French or English: "quatre-vingt-dix", "two million".

`word_mentions` reads the words of a text that no earlier pattern took: runs of
cardinal words ("deux cent trois", "twenty-one"), optionally before a scale word
("trois milliards"), ordinals ("troisième", "third"), and English words that imply a
number ("both", "a couple", "fortnight"). Hyphenated compounds are split so a run can
stop inside one ("two-year-old").

Some words are numbers only sometimes, and are left out: "un", "une", "a", "one"
alone (articles or pronouns), "neuf" unless a plural follows ("neuf ans", not "quoi
de neuf"), "cents" (the coin) and "pour cent" (a percentage's "cent"), "couple" and
"pair" unless after "a". "premier" is an ordinal that is not required, being as often
"prime" or "leading".

Limits: no fractions in words ("deux tiers"), no "et demi" after a number word, no
Belgian or Swiss forms ("septante"); values above "mille"/"thousand" need a scale
word; a run does not cross punctuation or a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from translate_sum.audit.number_mention import Mention, quantity_key
from translate_sum.audit.number_vocab import (
    FUNCTION_WORDS_FR,
    IMPLIED_ALSO_EN,
    IMPLIED_EN,
    ORDINALS_EN,
    ORDINALS_FR,
    SCALES_EN,
    SCALES_FR,
    UNITS_EN,
    UNITS_FR,
)

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿœŒ]+)*")

# A word of the text, lower-cased, with its start and end offsets.
Part = tuple[str, int, int]


@dataclass(frozen=True)
class _Lexicon:
    """The number words of one language."""

    units: dict[str, int]
    multipliers: frozenset[str]  # "cent", "mille" / "hundred", "thousand"
    scales: dict[str, float]
    ordinals: dict[str, int]
    articles: frozenset[str]  # words that are "one" or just an article


_LEXICONS = {
    "fr": _Lexicon(
        UNITS_FR, frozenset({"cent", "cents", "mille"}), SCALES_FR, ORDINALS_FR,
        frozenset({"un", "une"}),
    ),
    "en": _Lexicon(
        UNITS_EN, frozenset({"hundred", "thousand"}), SCALES_EN, ORDINALS_EN,
        frozenset({"a", "an", "one"}),
    ),
}
_TENS_FR = ("vingt", "trente", "quarante", "cinquante", "soixante")


def french_number_value(tokens: list[str]) -> int | None:
    """Value of a run of French number words ("quatre-vingt-dix", "deux cent trois")."""
    total, current, prev = 0, 0, ""
    for tok in tokens:
        if tok == "et":
            continue
        if tok in ("cent", "cents"):
            current = (current or 1) * 100
        elif tok == "mille":
            total += (current or 1) * 1000
            current = 0
        elif tok in ("vingt", "vingts") and prev == "quatre":
            current += 76  # quatre-vingt: 4 already added, 80 wanted
        elif tok in UNITS_FR:
            current += UNITS_FR[tok]
        else:
            return None
        prev = tok
    return total + current


def english_number_value(tokens: list[str]) -> int | None:
    """Value of a run of English number words ("two hundred and five"), None if not one."""
    total, current = 0, 0
    for tok in tokens:
        if tok == "and":
            continue
        if tok == "hundred":
            current = (current or 1) * 100
        elif tok == "thousand":
            total += (current or 1) * 1000
            current = 0
        elif tok in UNITS_EN:
            current += UNITS_EN[tok]
        else:
            return None
    return total + current


def _joined(text: str, left: Part, right: Part) -> bool:
    """Whether two words are separated only by spaces or a hyphen (no punctuation)."""
    between = text[left[2] : right[1]]
    return between == "-" or (between.strip() == "" and "\n" not in between)


def _word_parts(text: str, taken: bytearray) -> list[Part]:
    """The words no earlier pattern took, hyphenated ones split into their parts.

    Splitting "quatre-vingt-dix" or "two-year-old" lets a run of number words stop
    inside a compound.
    """
    parts: list[Part] = []
    for m in _WORD.finditer(text):
        if taken[m.start()]:
            continue
        offset = m.start()
        for piece in m.group(0).split("-"):
            parts.append((piece.lower(), offset, offset + len(piece)))
            offset += len(piece) + 1
    return parts


def _is_number_word(parts: list[Part], i: int, lang: str, lex: _Lexicon) -> bool:
    """Whether the word at `i` belongs to a run of number words."""
    word = parts[i][0]
    if word in lex.units or word in lex.multipliers:
        return True
    nxt = parts[i + 1][0] if i + 1 < len(parts) else ""
    # "vingt et un", "one hundred and five": the joiner only inside a number.
    if lang == "fr" and word == "et":
        return i > 0 and parts[i - 1][0] in _TENS_FR and nxt in ("un", "une", "onze")
    if lang == "en" and word == "and":
        return i > 0 and parts[i - 1][0] in ("hundred", "thousand") and nxt in lex.units
    return False


def _implies_number(parts: list[Part], i: int) -> bool:
    """Whether an English word such as "both" or "a couple" stands for a number here."""
    word = parts[i][0]
    if word not in IMPLIED_EN:
        return False
    # "the couple", "a pair of shoes": "a couple of days" is two, "the couple" is not.
    return not (word in ("couple", "pair") and (i == 0 or parts[i - 1][0] != "a"))


def _implied_mention(text: str, part: Part) -> Mention:
    word, start, end = part
    keys = {quantity_key(IMPLIED_EN[word])}
    if word in IMPLIED_ALSO_EN:
        keys.add(quantity_key(IMPLIED_ALSO_EN[word]))
    return Mention(text[start:end], frozenset(keys), False)


def _ordinal_mention(text: str, part: Part, ordinals: dict[str, int]) -> Mention:
    word, start, end = part
    required = not word.startswith("premi")  # "le Premier ministre" is no "first"
    keys = frozenset({quantity_key(ordinals[word])})
    return Mention(text[start:end], keys, False, required, ordinal=True)


def _run_end(text: str, parts: list[Part], i: int, lang: str, lex: _Lexicon) -> int:
    """Index just past the run of joined number words that starts at `i`."""
    j = i + 1
    while j < len(parts) and _is_number_word(parts, j, lang, lex) and _joined(text, parts[j - 1], parts[j]):
        # "one" continues "twenty-one" and "vingt et un" but starts a new number
        # after anything else ("two one-year terms").
        if parts[j][0] in lex.articles and lex.units.get(parts[j - 1][0], 0) < 20 and parts[j - 1][0] != "et":
            break
        j += 1
    return j


def _is_no_number(text: str, parts: list[Part], i: int, j: int, run: list[str], lex: _Lexicon) -> bool:
    """Whether the unscaled run `run` (parts `i` to `j`) is a word that is no number here."""
    # "un", "une", "a", "one" on their own are articles or pronouns, not numbers.
    if len(run) == 1 and run[0] in lex.articles | {"a", "an"}:
        return True
    # "neuf" is more often "new" than 9, except before a plural ("neuf ans").
    if run == ["neuf"] and not (
        j < len(parts)
        and parts[j][0][-1:] in ("s", "x")
        and parts[j][0] not in FUNCTION_WORDS_FR
        and _joined(text, parts[j - 1], parts[j])
    ):
        return True
    # "46 cents" (the coin) and "trente pour cent" (the cent of a percentage).
    return run == ["cents"] or (run == ["cent"] and i > 0 and parts[i - 1][0] == "pour")


def _cardinal_run(text: str, parts: list[Part], i: int, lang: str, lex: _Lexicon) -> tuple[int, Mention | None]:
    """The number a run of cardinal words starting at `i` writes, and where to go on."""
    j = _run_end(text, parts, i, lang, lex)
    run = [p[0] for p in parts[i:j]]
    scale = None
    if j < len(parts) and len(parts[j][0]) > 2 and _joined(text, parts[j - 1], parts[j]):
        scale = lex.scales.get(parts[j][0])
    start = parts[i][1]
    if run[0] in lex.articles and len(run) > 1 and run[1] not in lex.multipliers:
        run, i = run[1:], i + 1  # "a two-year term": the article is not part of it
        start = parts[i][1]
    value = french_number_value(run) if lang == "fr" else english_number_value(run)
    end = parts[j][2] if scale else parts[j - 1][2]
    surface = text[start:end]
    mention = None
    if value is None:
        pass
    elif scale:
        mention = Mention(surface, frozenset({quantity_key(value * scale)}), False)
        j += 1
    elif not _is_no_number(text, parts, i, j, run, lex):
        mention = Mention(surface, frozenset({quantity_key(value)}), False)
    return max(j, i + 1), mention


def word_mentions(text: str, lang: str, taken: bytearray) -> list[Mention]:
    """Numbers written in words (`lang` "fr" or "en"), skipping words `taken` marks.

    `taken` holds one byte a character, non-zero where an earlier pattern took it.
    """
    lex = _LEXICONS[lang]
    parts = _word_parts(text, taken)
    mentions: list[Mention] = []
    i = 0
    while i < len(parts):
        if parts[i][0] in lex.ordinals:
            mentions.append(_ordinal_mention(text, parts[i], lex.ordinals))
            i += 1
        elif lang == "en" and _implies_number(parts, i):
            mentions.append(_implied_mention(text, parts[i]))
            i += 1
        elif not _is_number_word(parts, i, lang, lex):
            i += 1
        else:
            i, mention = _cardinal_run(text, parts, i, lang, lex)
            if mention is not None:
                mentions.append(mention)
    return mentions
