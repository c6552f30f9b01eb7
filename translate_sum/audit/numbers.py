"""Numbers of a French paragraph that are missing or changed in its English translation.

Both sides are read into *mentions*: a piece of text and the set of values it may
stand for. A value is a key such as ``("n", 3.5)``, ``("t", 13, 30)`` (a time) or
``("d", 2025, 7, 5)`` (a date). A French mention is present in the English when some
English mention shares a value with it; an English mention written in digits that
shares no value with the French is reported as added.

Ambiguous writings get every reading instead of a guess, because real English text
keeps French formats (WMT's references write ``1 224`` and ``27,5``): ``2,500`` is
2500 or 2.5 on either side, ``7/5/2025`` is a date in either order.

Mentions are also paired one to one, so a number written twice in the source and
changed once in the translation is found (``trois ... trois`` → ``four ... three``).
Ordinals are compared with ordinals only: ``la première fois`` → ``the second time`` is
flagged, ``le Premier ministre`` → ``the Prime Minister`` is not, since French
``premier`` is as often "prime", "leading" or "the former" as "first".

English writings of French amounts are read too: British ``7.4 thousand million`` for
``7,4 milliards``, ``5.000`` with a dot between thousands, ``EUR5.000``, ``1.7m`` (also
a million), a range sharing its scale (``2-3 million`` for ``2 à 3 millions``).

Limits: no units (``5 km`` and ``5 miles`` match), no arithmetic (``la moitié`` is not
50%), approximate quantities (``une dizaine``, ``des milliers``) are not numbers. A
number written in words that the translation drops is only a warning, a dropped
ordinal nothing at all (``deuxième`` → ``next``); an English number word with no
French number beside it (``tridimensionnel`` → ``four-dimensional``, ``plusieurs`` →
``three``) is not reported, since translators add such words freely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from translate_sum.audit.quote import quoted
from translate_sum.document import Flag

Key = tuple

# Separators a French writer puts between groups of three digits: space, no-break space,
# narrow no-break space, thin space, and a dot (common in older texts).
_GROUP = "[ \u00a0\u202f\u2009.,]"

_MONTHS_EN = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_MONTHS_EN.update({m[:3]: i for m, i in list(_MONTHS_EN.items())})
_MONTHS_EN["sept"] = 9
_MONTHS_FR = {
    m: i + 1
    for i, m in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre "
        "décembre".split()
    )
}
_MONTHS_FR.update({"fevrier": 2, "aout": 8, "decembre": 12})

_SCALES_FR = {
    "mille": 1e3, "millier": 1e3,
    "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9,
    # A French "billion" is a million millions.
    "billion": 1e12, "billions": 1e12,
    "md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9, "k": 1e3, "m": 1e6,
}
_SCALES_EN = {
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
_IMPLIED_EN = {
    "both": 2, "twice": 2, "double": 2, "pair": 2, "couple": 2, "dual": 2, "twin": 2,
    "triple": 3, "thrice": 3, "half": 0.5, "quarter": 4, "decade": 10, "decades": 10,
    "fortnight": 15, "week": 8, "single": 1, "secondary": 2, "tertiary": 3,
}
# "les années soixante" is "the Sixties"; "cent ans" may be "a century".
_IMPLIED_EN.update({t[:-1] + "ies": v for t, v in _UNITS_EN.items() if t.endswith("ty")})
_IMPLIED_EN.update({"century": 100, "centuries": 100})
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
_APPROX = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100,
    "millier": 1000,
}
_APPROX_FR = re.compile(r"\b(?P<w>(?:" + "|".join(_APPROX) + r")s?)\b", re.I)
_ROUND_OF_FR = re.compile(r"\b(?:8\s?(?:es?|èmes?)|huitièmes?)\s+de\s+finale", re.I)
_CLOCK = re.compile(
    r"(?<![\w.,:])(?:(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})*(?P<frac>[.,]\d+)?)(?![\d:])"
)
# English words that are numbers only loosely: never evidence of a changed number.
_SOFT_EN = set(_IMPLIED_EN) | {"first", "second", "dozen", "a hundred", "a thousand", "one"}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


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


def _num(value: float) -> Key:
    return ("n", round(value, 6))


def _roman(text: str) -> int | None:
    total = 0
    for i, ch in enumerate(text):
        v = _ROMAN[ch]
        nxt = _ROMAN[text[i + 1]] if i + 1 < len(text) else 0
        total += -v if v < nxt else v
    return total if 0 < total < 4000 else None


def _digit_values(text: str) -> set[float]:
    """Every value a digit string with separators may mean, in either language."""
    text = text.strip()
    parts = re.split(r"([ \u00a0\u202f\u2009.,])", text)
    digits = parts[0::2]
    seps = parts[1::2]
    if not seps:
        return {float(text)}
    values: set[float] = set()
    last = digits[-1]
    # All separators but the last are thousands separators; the last one is either.
    head = "".join(digits[:-1])
    if len(last) == 3 and all(len(d) == 3 for d in digits[1:]):
        values.add(float(head + last))
    if len(seps) == 1 or all(s == seps[0] for s in seps[:-1]):
        if seps[-1] in ".," and not (len(seps) > 1 and seps[-1] == seps[0]):
            values.add(float(head + "." + last))
    if not values:
        values.add(float(head + last))
    return values


# One alternation, tried left to right at each position: the most specific writings first.
_EN_DATE = re.compile(
    r"\b(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"
    r"|\b(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>[A-Za-z]{3,9})\.?,?\s+(?P<year2>\d{4})\b"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\w.,/])(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})(?![\w/]|[.,]\d)"
    r"|(?<![\w.,/])(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?![\w])"
)
_TIME_FR = re.compile(r"(?<![\w.,])(?P<h>\d{1,2})\s?h\s?(?P<m>\d{2})?(?!\w)", re.I)
_TIME_EN = re.compile(
    r"(?<![\w.,])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s?(?P<ap>[ap])\.?\s?m\b\.?"
    r"|(?<![\w.,:])(?P<h2>\d{1,2}):(?P<m2>\d{2})(?![\d:])",
    re.I,
)
_HOURS_FR = re.compile(r"(?<![\w.,])(?P<h>\d{1,2})\s+heures?(?:\s+(?P<m>\d{1,2}))?\b", re.I)
_RANGE_LINK = re.compile(r"\s*(?:-|–|—|à|et|ou|to|and|or)\s*")
# A currency code glued to its amount ("EUR5.000", "CHF12"): the code does not make
# the digits part of a word.
_GLUED_CURRENCY = r"(?<=EUR|USD|GBP|CHF|CAD|JPY|CZK|RUB|CNY|AUD|SEK|NOK|DKK|PLN)"
_NUMBER = re.compile(
    r"(?:(?<![\w])|" + _GLUED_CURRENCY + r")"
    r"(?:(?P<grp>\d{1,3}(?:" + _GROUP + r"\d{3})+(?:[.,]\d+)?)|(?P<plain>\d+(?:[.,]\d+)?))"
    r"(?P<suffix>(?:er|re|ère|e|ème|eme|è|ᵉ|ᵉʳ|st|nd|rd|th|s|'s)\b)?"
    r"(?:[\s-]?(?P<scale>[A-Za-z]+(?:\s+millions?)?)\b)?(?![\w])",
)
# "XXe", "IIIe République", "Ve siècle"; a lone letter ("Le", "Ce") only before "siècle".
_ROMAN_ORDINAL = re.compile(
    r"\b(?!Cie\b|Vie\b|Lie\b)(?P<r>[IVXLC]{2,}|[IVXLC](?=(?:e|ème|er|ᵉ)\s+(?:siècle|millénaire)))"
    r"(?:e|è|ème|eme|er|ᵉ)\b"
)
# "World War II", "Louis XIV", "Vatican II": a capitalized word, then the numeral.
_ROMAN_EN = re.compile(r"(?<=[A-Z][a-z]\s)([IVX]{2,})\b")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿœŒ]+)*")


# French words ending in -s or -x that are no plural noun: "quoi de neuf dans ...".
_FUNCTION_WORDS_FR = set(
    """dans les des mes tes ses nos vos ces leurs aux pas plus moins sous sans vers puis
    depuis alors tous nous vous ils elles dont mais jamais toujours tres après près
    ailleurs parfois hors sus ceux""".split()
)


def _scale(word: str | None, table: dict[str, float], raw: str) -> float | None:
    if not word:
        return None
    low = " ".join(word.lower().split())
    if low not in table:
        low = low.split()[0]  # "7 mille millions": the regex took a second word in case
    # A bare "m"/"k" is a unit (metres) unless glued to a currency sign.
    if low in ("m", "k") and not re.search(r"[€$£]", raw):
        return None
    return table.get(low)


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


def _joined(text: str, left: tuple[str, int, int], right: tuple[str, int, int]) -> bool:
    """Whether two words are separated only by spaces or a hyphen (no punctuation)."""
    between = text[left[2] : right[1]]
    return between == "-" or (between.strip() == "" and "\n" not in between)


def _word_mentions(text: str, lang: str, taken: bytearray) -> list[Mention]:
    """Numbers written in words: runs of number words, optionally before a scale word."""
    units = _UNITS_FR if lang == "fr" else _UNITS_EN
    extra = {"cent", "cents", "mille"} if lang == "fr" else {"hundred", "thousand"}
    scales = _SCALES_FR if lang == "fr" else _SCALES_EN
    ordinals = _ORDINALS_FR if lang == "fr" else _ORDINALS_EN
    articles = {"un", "une"} if lang == "fr" else {"a", "an", "one"}
    # Split hyphenated words into parts ("quatre-vingt-dix", "two-year-old") so a run
    # of number words can stop inside a compound.
    parts: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(text):
        if taken[m.start()]:
            continue
        offset = m.start()
        for piece in m.group(0).split("-"):
            parts.append((piece.lower(), offset, offset + len(piece)))
            offset += len(piece) + 1

    def numeric(i: int) -> bool:
        word = parts[i][0]
        if word in units or word in extra:
            return True
        nxt = parts[i + 1][0] if i + 1 < len(parts) else ""
        # "vingt et un", "one hundred and five": the joiner only inside a number.
        if lang == "fr" and word == "et":
            tens = ("vingt", "trente", "quarante", "cinquante", "soixante")
            return i > 0 and parts[i - 1][0] in tens and nxt in ("un", "une", "onze")
        if lang == "en" and word == "and":
            return i > 0 and parts[i - 1][0] in ("hundred", "thousand") and nxt in units
        return False

    mentions: list[Mention] = []
    i = 0
    while i < len(parts):
        word, start, _ = parts[i]
        if word in ordinals:
            required = not word.startswith("premi")
            keys = frozenset({_num(ordinals[word])})
            mentions.append(Mention(text[start : parts[i][2]], keys, False, required, ordinal=True))
            i += 1
            continue
        if lang == "en" and word in _IMPLIED_EN and not (
            # "the couple", "a pair of shoes": "a couple of days" is two, "the couple" is not.
            word in ("couple", "pair") and (i == 0 or parts[i - 1][0] != "a")
        ):
            keys = {_num(_IMPLIED_EN[word])} | ({_num(_IMPLIED_ALSO[word])} if word in _IMPLIED_ALSO else set())
            mentions.append(Mention(text[start : parts[i][2]], frozenset(keys), False))
            i += 1
            continue
        if not numeric(i):
            i += 1
            continue
        j = i + 1
        while j < len(parts) and numeric(j) and _joined(text, parts[j - 1], parts[j]):
            # "one" continues "twenty-one" and "vingt et un" but starts a new number
            # after anything else ("two one-year terms").
            if parts[j][0] in articles and units.get(parts[j - 1][0], 0) < 20 and parts[j - 1][0] != "et":
                break
            j += 1
        run = [p[0] for p in parts[i:j]]
        scale = None
        if j < len(parts) and len(parts[j][0]) > 2 and _joined(text, parts[j - 1], parts[j]):
            scale = scales.get(parts[j][0])
        if run[0] in articles and len(run) > 1 and run[1] not in extra:
            run, i = run[1:], i + 1  # "a two-year term": the article is not part of it
            start = parts[i][1]
        value = _french_words(run) if lang == "fr" else _english_words(run)
        end = parts[j][2] if scale else parts[j - 1][2]
        surface = text[start:end]
        if value is None:
            pass
        elif scale:
            mentions.append(Mention(surface, frozenset({_num(value * scale)}), False))
            j += 1
        # "un", "une", "a", "one" on their own are articles or pronouns, not numbers;
        # "neuf" is more often "new" than 9, except before a plural ("neuf ans").
        elif len(run) == 1 and run[0] in articles | {"a", "an"}:
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
            mentions.append(Mention(surface, frozenset({_num(value)}), False))
        i = max(j, i + 1)
    return mentions


def extract(text: str, lang: str) -> list[Mention]:
    """Every number mentioned in `text` (`lang` is "fr" or "en"), in order of appearance."""
    mentions: list[tuple[int, Mention]] = []
    # One byte a character, set where a mention was taken: checking a span costs its
    # length, not the number of mentions so far (a huge paragraph has thousands).
    taken = bytearray(len(text))

    def free(start: int, end: int) -> bool:
        return 1 not in taken[start:end]

    def add(start: int, end: int, keys: set[Key], digits: bool = True, ordinal: bool = False) -> None:
        taken[start:end] = b"\x01" * (end - start)
        mentions.append((start, Mention(text[start:end], frozenset(keys), digits, ordinal=ordinal)))

    for m in _CLOCK.finditer(text):
        # "4:41.30" (a race time), "1:09.02": one value, compared as written.
        keys = {("s", re.sub(r"\D", "", m.group(0)))}
        if m.group("h") and not m.group("frac"):
            h, mi = int(m.group("h")), int(m.group("mi"))
            if h <= 24 and mi <= 59:
                keys |= {("t", h % 24, mi)}
                if lang == "en" or h < 12:
                    keys.add(("t", (h + 12) % 24, mi))
        if lang == "fr" or m.group("frac") or m.group(0).count(":") > 1:
            add(m.start(), m.end(), keys)
    if lang == "fr":
        for m in _APPROX_FR.finditer(text):
            value = _APPROX[m.group("w").lower().rstrip("s")]
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            mentions.append((m.start(), Mention(m.group(0), frozenset({_num(value)}), False, False)))
        for m in _ROUND_OF_FR.finditer(text):
            # "les 8es de finale" is "the last 16".
            if free(m.start(), m.end()):
                add(m.start(), m.end(), {_num(8), _num(16)})

    months = _MONTHS_EN if lang == "en" else _MONTHS_FR
    for m in _NUMERIC_DATE.finditer(text):
        if m.group("iy"):
            y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
            keys = {("d", y, mo, d)}
        else:
            a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
            y = y + 2000 if y < 100 else y
            keys = set()
            if 1 <= a <= 31 and 1 <= b <= 12:
                keys.add(("d", y, b, a))
            if lang == "en" and 1 <= b <= 31 and 1 <= a <= 12:
                keys.add(("d", y, a, b))
            if not keys:
                continue
            if lang == "en":
                # "20.12.2012" also answers a source that writes the day and the year
                # apart ("le jeudi 20 décembre 2012"), as an English date in words does.
                keys |= {_num(y)} | {_num(day) for (_, _, _, day) in keys}
        add(m.start(), m.end(), keys)
    if lang == "en":
        for m in _EN_DATE.finditer(text):
            mon = (m.group("mon") or m.group("mon2")).lower()
            if mon not in months or not free(m.start(), m.end()):
                continue
            day = int(m.group("day") or m.group("day2"))
            year = int(m.group("year") or m.group("year2"))
            add(m.start(), m.end(), {("d", year, months[mon], day), _num(day), _num(year)})
        for m in _TIME_EN.finditer(text):
            if not free(m.start(), m.end()):
                continue
            h = int(m.group("h") or m.group("h2"))
            mi = int(m.group("m") or m.group("m2") or 0)
            ap = (m.group("ap") or "").lower()
            if h > 24 or mi > 59:
                continue
            hours = {h % 12 + (12 if ap == "p" else 0)} if ap else {h, (h + 12) % 24}
            keys = {("t", hh, mi) for hh in hours}
            if not mi:
                # "at 9pm" may answer "à 21 heures" read as a plain number; with
                # minutes, the minutes must match too.
                keys |= {_num(hh) for hh in hours} | {_num(h)}
            add(m.start(), m.end(), keys)
        for m in _ROMAN_EN.finditer(text):
            value = _roman(m.group(1))
            if value:
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                mentions.append((m.start(), Mention(m.group(0), frozenset({_num(value)}), False, weak=True)))
        for m in _TIME_FR.finditer(text):
            # English translations keep the French "6h30" now and then.
            if m.group("m") and free(m.start(), m.end()):
                h, mi = int(m.group("h")), int(m.group("m"))
                if h <= 24 and mi <= 59:
                    add(m.start(), m.end(), {("t", h % 24, mi), ("t", (h + 12) % 24, mi)})
    else:
        for pattern in (_TIME_FR, _HOURS_FR):
            for m in pattern.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                h, mi = int(m.group("h")), int(m.group("m") or 0)
                if h > 24 or mi > 59:
                    continue
                keys = {("t", h % 24, mi)} | (set() if mi else {_num(h)})
                if mi:
                    # "1h30" is as often a duration as a time of day.
                    keys.add(_num(h + mi / 60))
                    keys.add(_num(h * 60 + mi))
                add(m.start(), m.end(), keys)
        for m in _ROMAN_ORDINAL.finditer(text):
            value = _roman(m.group("r"))
            if value and free(m.start(), m.end()):
                add(m.start(), m.end(), {_num(value)}, ordinal=True)

    scales = _SCALES_FR if lang == "fr" else _SCALES_EN
    for m in _NUMBER.finditer(text):
        if not free(m.start(), m.end()):
            continue
        raw = m.group("grp") or m.group("plain")
        values = _digit_values(raw)
        scale = _scale(m.group("scale"), scales, text[max(0, m.start() - 1) : m.end() + 1])
        end = m.end() if scale else m.start() + len(raw) + len(m.group("suffix") or "")
        keys = {_num(v * scale) for v in values} if scale else {_num(v) for v in values}
        if not scale:
            # "entre 1 et 0,5 milliard", "0.5 - 1 billion", "2 à 3 millions": the scale of
            # a range's second number applies to its first.
            link = _RANGE_LINK.match(text, end)
            following = _NUMBER.match(text, link.end()) if link else None
            next_scale = following and _scale(following.group("scale"), scales, following.group(0))
            if next_scale:
                keys |= {_num(v * next_scale) for v in values}
        unit = (m.group("scale") or "").lower()
        glued = text[m.start() + len(raw) : m.start() + len(raw) + 1].lower() == unit[:1]
        if lang == "en" and not scale and unit in ("m", "k") and glued:
            # "Gaza's 1.7m people": glued to the digits, "m" is a million as often as metres.
            keys |= {_num(v * scales[unit]) for v in values}
        if scale and re.match(r"\s+et\s+demie?\b", text[m.end() :]):
            keys = {_num((v + 0.5) * scale) for v in values}  # "2 millions et demi"
        suffix = (m.group("suffix") or "").lower()
        clock = re.fullmatch(r"(\d{1,2})[.,](\d{2})", raw)
        if clock and not scale and int(clock.group(1)) <= 24 and int(clock.group(2)) <= 59:
            # "6.30" is also British for half past six.
            h, mi = int(clock.group(1)), int(clock.group(2))
            keys |= {("t", h % 24, mi), ("t", (h + 12) % 24, mi)}
        if suffix in ("s", "'s"):
            # "the 1990s", "the 90s" / "les années 90", "les années 1990".
            keys |= {_num(v % 100) for v in values if v >= 1000}
            keys |= {_num(1900 + v) for v in values if v < 100 and v % 10 == 0}
        add(m.start(), end, keys, ordinal=suffix not in ("", "s", "'s"))

    mentions.extend((0, w) for w in _word_mentions(text, lang, taken))
    return [mention for _, mention in mentions]


def _soft(mention: Mention) -> bool:
    return mention.weak or (not mention.digits and mention.text.lower() in _SOFT_EN)


def _match(src: list[Mention], tgt: list[Mention]) -> tuple[set[int], set[int]]:
    """Indexes of the source and translation mentions paired one to one by a shared value.

    A maximum matching (augmenting paths), tried first against the translation's
    plain numbers and only then against its soft words ("both", "first"), so that
    "trois ... trois" → "four ... three" leaves one "trois" and "four" unpaired.
    """
    owner: dict[int, int] = {}  # translation index -> source index

    def augment(start: int, allowed: list[int]) -> bool:
        # Depth-first search for an augmenting path, with an explicit stack: a huge
        # pasted paragraph has thousands of numbers, deeper than Python's recursion.
        seen: set[int] = set()
        stack = [(start, iter(allowed))]
        path: list[int] = []  # the translation index chosen at each depth
        while stack:
            i, candidates = stack[-1]
            for j in candidates:
                if j in seen or not (src[i].keys & tgt[j].keys):
                    continue
                seen.add(j)
                path.append(j)
                if j not in owner:
                    for (source_index, _), target_index in zip(stack, path):
                        owner[target_index] = source_index
                    return True
                stack.append((owner[j], iter(allowed)))
                break
            else:
                stack.pop()
                if path:
                    path.pop()
        return False

    strong = [j for j, m in enumerate(tgt) if not _soft(m)]
    # Pair the easy ones first (a free translation mention sharing a value), so that
    # the searches are only for the few left: a paragraph repeating one number a
    # thousand times would otherwise cost a search as long as the paragraph per number.
    by_key: dict[Key, list[int]] = {}
    for j in strong:
        for key in tgt[j].keys:
            by_key.setdefault(key, []).append(j)
    for i in range(len(src)):
        free = (j for key in src[i].keys for j in by_key.get(key, ()) if j not in owner)
        j = min(free, default=None)
        if j is not None:
            owner[j] = i
    paired_first = set(owner.values())
    for i in range(len(src)):
        if i not in paired_first:
            augment(i, strong)
    paired = set(owner.values())
    soft = [j for j, m in enumerate(tgt) if _soft(m)]
    for i in range(len(src)):
        if i not in paired:
            j = next((j for j in soft if j not in owner and src[i].keys & tgt[j].keys), None)
            if j is not None:
                owner[j] = i
                paired.add(i)
    return paired, set(owner)


def check_numbers(source: str, translation: str) -> list[Flag]:
    """Flags for source numbers missing or changed in the translation, and digits it adds.

    A number in digits that is missing is a warning, and an error when the translation
    also has a number the source lacks (then it was changed, not dropped). A number in
    words is reported only when changed: translators turn "deux" into "both", "a pair",
    "twice" or nothing at all. Ordinals are compared only with ordinals ("première" →
    "second"), since "premier" is as often "prime" or "leading".
    """
    src = extract(source, "fr")
    tgt = extract(translation, "en")
    tgt_keys = frozenset().union(*(m.keys for m in tgt)) if tgt else frozenset()
    src_keys = frozenset().union(*(m.keys for m in src)) if src else frozenset()
    missing = [m for m in src if m.required and not (m.keys & tgt_keys)]
    added = [m for m in tgt if m.digits and not (m.keys & src_keys)]
    changed = added or [m for m in tgt if not (m.keys & src_keys) and not _soft(m)]
    # A number word with no counterpart at all ("Trois hommes." → "Men.") is a warning;
    # on the 4,157 professional pairs this flags 5 more (0.1%): idioms ("dormir sur
    # ses deux oreilles"), "deux ou trois ans" → "every few years".
    dropped_words = [m for m in missing if not m.digits and not m.ordinal]
    missing = [m for m in missing if m.digits or changed or m in dropped_words]
    # Counts matter too: "trois blessés et trois morts" → "four injured and three dead"
    # has every value on both sides, but one "trois" has no partner and "four" none.
    paired_src, paired_tgt = _match(src, tgt)
    extra_src = [m for i, m in enumerate(src) if i not in paired_src and m.required]
    extra_tgt = [m for j, m in enumerate(tgt) if j not in paired_tgt and not _soft(m)]
    if not (extra_src and extra_tgt):
        extra_src = extra_tgt = []
    # Ordinals: an English ordinal no source number explains, beside a French ordinal
    # the English lacks ("le premier jour" → "the second day").
    odd_src = [m for m in src if m.ordinal and not (m.keys & tgt_keys)]
    odd_tgt = [m for m in tgt if m.ordinal and not (m.keys & src_keys)]
    if not (odd_src and odd_tgt):
        odd_src = odd_tgt = []
    changed_any = bool((missing and changed) or extra_src or odd_src)
    severity = "error" if changed_any else "warning"
    flags: list[Flag] = []
    seen: set[str] = set()

    def report(mention: Mention, detail: str) -> None:
        if mention.text not in seen:
            seen.add(mention.text)
            flags.append(Flag("number", detail, severity))

    def shown(mention: Mention) -> str:
        return mention.text if mention.digits else quoted(mention.text)

    for m in missing + odd_src + extra_src:
        fewer = m.keys & tgt_keys
        report(m, f"number {shown(m)} " + ("appears fewer times in translation" if fewer else "missing in translation"))
    for m in added + odd_tgt + extra_tgt:
        more = m.keys & src_keys
        report(m, f"number {shown(m)} in translation " + ("more times than in source" if more else "not in source"))
    return flags
