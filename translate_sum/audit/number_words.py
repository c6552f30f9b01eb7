"""Numbers written in words, French and English, and the `Mention` every number reader gives.

A mention is a piece of text and the set of values it may stand for (see
`numbers.py`). Here runs of number words become mentions: "quatre-vingt-dix",
"deux cent trois", "twenty-one", a scale word after them ("trois millions"), the
ordinals ("troisième", "third") and the English words that imply a number ("both",
"a couple of", "the Sixties"). The scale tables are shared with the digit reader.

Limits: French and English only; no fractions in words ("trois quarts"); "un", "une",
"a", "one" alone are articles, and "neuf" is a number only before a plural.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Key = tuple

Part = tuple[str, int, int]
"""A word (lower case) and where it is: start and end offsets."""


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


def num_key(value: float) -> Key:
    """The key of a plain number (rounded: 0.1 + 0.2 is 0.3)."""
    return ("n", round(value, 6))


SCALES_FR = {
    "mille": 1e3, "millier": 1e3,
    "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9,
    # A French "billion" is a million millions.
    "billion": 1e12, "billions": 1e12,
    "md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9, "k": 1e3, "m": 1e6,
}
SCALES_EN = {
    # British "thousand million" is a milliard: "7.4 thousand million" = "7,4 milliards".
    "thousand million": 1e9, "thousand millions": 1e9,
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
    "trillion": 1e12, "bn": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3, "tn": 1e12,
}

_UNITS_FR = {
    "zéro": 0, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "un": 1, "une": 1,
}
_UNITS_EN = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
    "dozen": 12,
}
# Words that stand for a number in English without being number words.
IMPLIED_EN = {
    "both": 2, "twice": 2, "double": 2, "pair": 2, "couple": 2, "dual": 2, "twin": 2,
    "triple": 3, "thrice": 3, "half": 0.5, "quarter": 4, "decade": 10, "decades": 10,
    "fortnight": 15, "week": 8, "single": 1, "secondary": 2, "tertiary": 3,
}
# "les années soixante" is "the Sixties"; "cent ans" may be "a century".
IMPLIED_EN.update({t[:-1] + "ies": v for t, v in _UNITS_EN.items() if t.endswith("ty")})
IMPLIED_EN.update({"century": 100, "centuries": 100})
# "huit jours" and "sept jours" are both a week, "quinze jours" and "quatorze" a fortnight.
_IMPLIED_ALSO = {"week": 7, "fortnight": 14}
_ORDINALS_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "thousandth": 1000,
    "firstly": 1, "secondly": 2, "thirdly": 3,
}
_ORDINALS_FR = {
    "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3, "quatrième": 4,
    "cinquième": 5, "sixième": 6, "septième": 7, "huitième": 8, "neuvième": 9,
    "dixième": 10, "onzième": 11, "premier": 1, "première": 1, "premiers": 1,
    "premières": 1, "douzième": 12, "treizième": 13, "quatorzième": 14,
    "quinzième": 15, "seizième": 16, "vingtième": 20, "trentième": 30, "centième": 100,
    "millième": 1000,
}
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿœŒ]+)*")


# French words ending in -s or -x that are no plural noun: "quoi de neuf dans ...".
_FUNCTION_WORDS_FR = set(
    """dans les des mes tes ses nos vos ces leurs aux pas plus moins sous sans vers puis
    depuis alors tous nous vous ils elles dont mais jamais toujours tres après près
    ailleurs parfois hors sus ceux""".split()
)


def _french_words(tokens: list[str]) -> int | None:
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
        elif tok in _UNITS_FR:
            current += _UNITS_FR[tok]
        else:
            return None
        prev = tok
    return total + current


def _english_words(tokens: list[str]) -> int | None:
    total, current = 0, 0
    for tok in tokens:
        if tok == "and":
            continue
        if tok == "hundred":
            current = (current or 1) * 100
        elif tok == "thousand":
            total += (current or 1) * 1000
            current = 0
        elif tok in _UNITS_EN:
            current += _UNITS_EN[tok]
        else:
            return None
    return total + current


def _joined(text: str, left: Part, right: Part) -> bool:
    """Whether two words are separated only by spaces or a hyphen (no punctuation)."""
    between = text[left[2] : right[1]]
    return between == "-" or (between.strip() == "" and "\n" not in between)




@dataclass(frozen=True)
class _Words:
    """The words of one language that make numbers."""

    units: dict[str, int]
    extra: frozenset[str]  # hundreds and thousands
    scales: dict[str, float]
    ordinals: dict[str, int]
    articles: frozenset[str]  # "un", "a", "one": a number only inside a run


_LANGUAGES = {
    "fr": _Words(_UNITS_FR, frozenset({"cent", "cents", "mille"}), SCALES_FR, _ORDINALS_FR, frozenset({"un", "une"})),
    "en": _Words(_UNITS_EN, frozenset({"hundred", "thousand"}), SCALES_EN, _ORDINALS_EN, frozenset({"a", "an", "one"})),
}

def _word_parts(text: str, taken: bytearray) -> list[Part]:
    """The words not taken by another mention, hyphenated ones split into their parts
    ("quatre-vingt-dix", "two-year-old"), so a run of number words can stop inside a compound."""
    parts: list[Part] = []
    for m in _WORD.finditer(text):
        if taken[m.start()]:
            continue
        offset = m.start()
        for piece in m.group(0).split("-"):
            parts.append((piece.lower(), offset, offset + len(piece)))
            offset += len(piece) + 1
    return parts


def _numeric(parts: list[Part], i: int, lang: str) -> bool:
    """Whether parts[i] is a number word, or the joiner inside a number."""
    words = _LANGUAGES[lang]
    word = parts[i][0]
    if word in words.units or word in words.extra:
        return True
    nxt = parts[i + 1][0] if i + 1 < len(parts) else ""
    # "vingt et un", "one hundred and five": the joiner only inside a number.
    if lang == "fr" and word == "et":
        tens = ("vingt", "trente", "quarante", "cinquante", "soixante")
        return i > 0 and parts[i - 1][0] in tens and nxt in ("un", "une", "onze")
    if lang == "en" and word == "and":
        return i > 0 and parts[i - 1][0] in ("hundred", "thousand") and nxt in words.units
    return False


def word_mentions(text: str, lang: str, taken: bytearray) -> list[Mention]:
    """Numbers written in words: runs of number words, optionally before a scale word.

    `taken` marks the characters another reader has taken (one byte each); their
    words are left alone.
    """
    ordinals = _LANGUAGES[lang].ordinals
    parts = _word_parts(text, taken)
    mentions: list[Mention] = []
    i = 0
    while i < len(parts):
        word, start, end = parts[i]
        if word in ordinals:
            required = not word.startswith("premi")
            mentions.append(Mention(text[start:end], frozenset({num_key(ordinals[word])}), False, required, ordinal=True))
            i += 1
        elif lang == "en" and word in IMPLIED_EN and not (
            # "the couple", "a pair of shoes": "a couple of days" is two, "the couple" is not.
            word in ("couple", "pair") and (i == 0 or parts[i - 1][0] != "a")
        ):
            keys = {num_key(IMPLIED_EN[word])} | ({num_key(_IMPLIED_ALSO[word])} if word in _IMPLIED_ALSO else set())
            mentions.append(Mention(text[start:end], frozenset(keys), False))
            i += 1
        elif not _numeric(parts, i, lang):
            i += 1
        else:
            found, i = _run_mention(text, parts, i, lang)
            if found is not None:
                mentions.append(found)
    return mentions


def _run_mention(text: str, parts: list[Part], i: int, lang: str) -> tuple[Mention | None, int]:
    """The mention of the run of number words at parts[i] (None when it is no number),
    and the index of the part after it."""
    words = _LANGUAGES[lang]
    start = parts[i][1]
    j = i + 1
    while j < len(parts) and _numeric(parts, j, lang) and _joined(text, parts[j - 1], parts[j]):
        # "one" continues "twenty-one" and "vingt et un" but starts a new number
        # after anything else ("two one-year terms").
        if parts[j][0] in words.articles and words.units.get(parts[j - 1][0], 0) < 20 and parts[j - 1][0] != "et":
            break
        j += 1
    run = [p[0] for p in parts[i:j]]
    scale = None
    if j < len(parts) and len(parts[j][0]) > 2 and _joined(text, parts[j - 1], parts[j]):
        scale = words.scales.get(parts[j][0])
    if run[0] in words.articles and len(run) > 1 and run[1] not in words.extra:
        run, i = run[1:], i + 1  # "a two-year term": the article is not part of it
        start = parts[i][1]
    value = _french_words(run) if lang == "fr" else _english_words(run)
    end = parts[j][2] if scale else parts[j - 1][2]
    surface = text[start:end]
    found = None
    if value is None:
        pass
    elif scale:
        found = Mention(surface, frozenset({num_key(value * scale)}), False)
        j += 1
    # "un", "une", "a", "one" on their own are articles or pronouns, not numbers;
    # "neuf" is more often "new" than 9, except before a plural ("neuf ans").
    elif len(run) == 1 and run[0] in words.articles | {"a", "an"}:
        pass
    elif run == ["neuf"] and not (
        j < len(parts)
        and parts[j][0][-1:] in ("s", "x")
        and parts[j][0] not in _FUNCTION_WORDS_FR
        and _joined(text, parts[j - 1], parts[j])
    ):
        pass
    # "46 cents" (the coin) and "trente pour cent" (the cent of a percentage).
    elif run == ["cents"] or (run == ["cent"] and i > 0 and parts[i - 1][0] == "pour"):
        pass
    else:
        found = Mention(surface, frozenset({num_key(value)}), False)
    return found, max(j, i + 1)
