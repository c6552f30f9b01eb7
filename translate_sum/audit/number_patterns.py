"""Numbers found by pattern: clock times, dates, hours, Roman numerals, digit amounts.

`pattern_mentions` runs one pass per kind of writing, most specific first, and marks
the characters each mention takes so that later passes (and the number words read
after them) skip them: "13:30" is one time, not 13 and 30.

Ambiguous writings get every reading instead of a guess, because real English text
keeps French formats (WMT's references write ``1 224`` and ``27,5``): ``2,500`` is
2500 or 2.5 on either side, ``7/5/2025`` is a date in either order, ``6.30`` is also
half past six. English writings of French amounts are read too: British ``7.4
thousand million`` for ``7,4 milliards``, ``5.000`` with a dot between thousands,
``EUR5.000``, ``1.7m`` (also a million), a range sharing its scale (``2-3 million``
for ``2 à 3 millions``), "the 1990s" for "les années 90".

Limits: no units (``5 km`` and ``5 miles`` both read 5); a bare "m" or "k" after
digits is a unit unless a currency sign is beside it (or, in English, glued to the
digits); French approximate quantities ("une dizaine") are read here but are not
required in the translation; Roman numerals in English only after a capitalized word
("World War II"), in French only as ordinals ("XXe siècle").
"""

from __future__ import annotations

import re

from translate_sum.audit.number_mention import Key, Mention, quantity_key
from translate_sum.audit.number_vocab import APPROX_FR, MONTHS_EN, SCALES_EN, SCALES_FR

# Separators a French writer puts between groups of three digits: space, no-break space,
# narrow no-break space, thin space, and a dot (common in older texts).
_GROUP = "[ \u00a0\u202f\u2009.,]"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

_APPROX_FR = re.compile(r"\b(?P<w>(?:" + "|".join(APPROX_FR) + r")s?)\b", re.I)
_ROUND_OF_FR = re.compile(r"\b(?:8\s?(?:es?|èmes?)|huitièmes?)\s+de\s+finale", re.I)
_CLOCK = re.compile(
    r"(?<![\w.,:])(?:(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})*(?P<frac>[.,]\d+)?)(?![\d:])"
)
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


class _Found:
    """The mentions found so far in `text` and the characters they took."""

    def __init__(self, text: str, taken: bytearray) -> None:
        self.text = text
        # One byte a character, set where a mention was taken: checking a span costs its
        # length, not the number of mentions so far (a huge paragraph has thousands).
        self.taken = taken
        self.mentions: list[Mention] = []

    def free(self, start: int, end: int) -> bool:
        return 1 not in self.taken[start:end]

    def add(
        self, start: int, end: int, keys: set[Key], digits: bool = True, *,
        required: bool = True, ordinal: bool = False, weak: bool = False,
    ) -> None:
        self.taken[start:end] = b"\x01" * (end - start)
        mention = Mention(self.text[start:end], frozenset(keys), digits, required, ordinal, weak)
        self.mentions.append(mention)


def _roman(text: str) -> int | None:
    """Value of a Roman numeral ("XIV"), None when out of 1..3999."""
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


def _scale(word: str | None, table: dict[str, float], raw: str) -> float | None:
    """The multiplier a scale word after digits means ("millions", "bn"), if any."""
    if not word:
        return None
    low = " ".join(word.lower().split())
    if low not in table:
        low = low.split()[0]  # "7 mille millions": the regex took a second word in case
    # A bare "m"/"k" is a unit (metres) unless glued to a currency sign.
    if low in ("m", "k") and not re.search(r"[€$£]", raw):
        return None
    return table.get(low)


def _clock_times(found: _Found, lang: str) -> None:
    """"13:30", and race times ("4:41.30") kept as written."""
    for m in _CLOCK.finditer(found.text):
        keys = {("s", re.sub(r"\D", "", m.group(0)))}
        if m.group("h") and not m.group("frac"):
            h, mi = int(m.group("h")), int(m.group("mi"))
            if h <= 24 and mi <= 59:
                keys |= {("t", h % 24, mi)}
                if lang == "en" or h < 12:
                    keys.add(("t", (h + 12) % 24, mi))
        # In English a plain "13:30" is left to the time pass, which reads "a.m."/"p.m.".
        if lang == "fr" or m.group("frac") or m.group(0).count(":") > 1:
            found.add(m.start(), m.end(), keys)


def _french_quantities(found: _Found) -> None:
    """Approximate quantities ("une vingtaine") and "les 8es de finale" (the last 16)."""
    for m in _APPROX_FR.finditer(found.text):
        value = APPROX_FR[m.group("w").lower().rstrip("s")]
        found.add(m.start(), m.end(), {quantity_key(value)}, False, required=False)
    for m in _ROUND_OF_FR.finditer(found.text):
        if found.free(m.start(), m.end()):
            found.add(m.start(), m.end(), {quantity_key(8), quantity_key(16)})


def _numeric_dates(found: _Found, lang: str) -> None:
    """"05/07/2025", "2025-07-05": a day-first date, or either order in English."""
    for m in _NUMERIC_DATE.finditer(found.text):
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
                keys |= {quantity_key(y)} | {quantity_key(day) for (_, _, _, day) in keys}
        found.add(m.start(), m.end(), keys)


def _english_dates(found: _Found) -> None:
    """"July 5, 2025", "5th of July 2025": the date, and its day and year alone."""
    for m in _EN_DATE.finditer(found.text):
        mon = (m.group("mon") or m.group("mon2")).lower()
        if mon not in MONTHS_EN or not found.free(m.start(), m.end()):
            continue
        day = int(m.group("day") or m.group("day2"))
        year = int(m.group("year") or m.group("year2"))
        found.add(m.start(), m.end(), {("d", year, MONTHS_EN[mon], day), quantity_key(day), quantity_key(year)})


def _english_times(found: _Found) -> None:
    """"9pm", "9.30 a.m.", "13:30": a time of day, either half of the day when unsaid."""
    for m in _TIME_EN.finditer(found.text):
        if not found.free(m.start(), m.end()):
            continue
        h = int(m.group("h") or m.group("h2"))
        mi = int(m.group("m") or m.group("m2") or 0)
        ap = (m.group("ap") or "").lower()
        if h > 24 or mi > 59:
            continue
        hours = {h % 12 + (12 if ap == "p" else 0)} if ap else {h, (h + 12) % 24}
        keys: set[Key] = {("t", hh, mi) for hh in hours}
        if not mi:
            # "at 9pm" may answer "à 21 heures" read as a plain number; with
            # minutes, the minutes must match too.
            keys |= {quantity_key(hh) for hh in hours} | {quantity_key(h)}
        found.add(m.start(), m.end(), keys)


def _english_roman_numerals(found: _Found) -> None:
    """"World War II", "Louis XIV": weak, they explain a number but prove no change."""
    for m in _ROMAN_EN.finditer(found.text):
        value = _roman(m.group(1))
        if value:
            found.add(m.start(), m.end(), {quantity_key(value)}, False, weak=True)


def _french_times_kept_in_english(found: _Found) -> None:
    """English translations keep the French "6h30" now and then."""
    for m in _TIME_FR.finditer(found.text):
        if m.group("m") and found.free(m.start(), m.end()):
            h, mi = int(m.group("h")), int(m.group("m"))
            if h <= 24 and mi <= 59:
                found.add(m.start(), m.end(), {("t", h % 24, mi), ("t", (h + 12) % 24, mi)})


def _french_times(found: _Found) -> None:
    """"21h", "6h30", "21 heures 15": a time of day, or a duration ("1h30")."""
    for pattern in (_TIME_FR, _HOURS_FR):
        for m in pattern.finditer(found.text):
            if not found.free(m.start(), m.end()):
                continue
            h, mi = int(m.group("h")), int(m.group("m") or 0)
            if h > 24 or mi > 59:
                continue
            keys: set[Key] = {("t", h % 24, mi)} | (set() if mi else {quantity_key(h)})
            if mi:
                # "1h30" is as often a duration as a time of day.
                keys.add(quantity_key(h + mi / 60))
                keys.add(quantity_key(h * 60 + mi))
            found.add(m.start(), m.end(), keys)


def _french_roman_ordinals(found: _Found) -> None:
    """"XXe siècle", "IIIe République": ordinals."""
    for m in _ROMAN_ORDINAL.finditer(found.text):
        value = _roman(m.group("r"))
        if value and found.free(m.start(), m.end()):
            found.add(m.start(), m.end(), {quantity_key(value)}, ordinal=True)


def _range_scale_keys(text: str, end: int, values: set[float], scales: dict[str, float]) -> set[Key]:
    """"2 à 3 millions", "0.5 - 1 billion": a range's second scale applies to its first."""
    link = _RANGE_LINK.match(text, end)
    following = _NUMBER.match(text, link.end()) if link else None
    next_scale = following and _scale(following.group("scale"), scales, following.group(0))
    return {quantity_key(v * next_scale) for v in values} if next_scale else set()


def _unscaled_amount_keys(
    m: re.Match[str], text: str, lang: str, raw: str, values: set[float], end: int, scales: dict[str, float]
) -> set[Key]:
    """Every reading of digits with no scale word after them."""
    keys = {quantity_key(v) for v in values} | _range_scale_keys(text, end, values, scales)
    unit = (m.group("scale") or "").lower()
    glued = text[m.start() + len(raw) : m.start() + len(raw) + 1].lower() == unit[:1]
    if lang == "en" and unit in ("m", "k") and glued:
        # "Gaza's 1.7m people": glued to the digits, "m" is a million as often as metres.
        keys |= {quantity_key(v * scales[unit]) for v in values}
    clock = re.fullmatch(r"(\d{1,2})[.,](\d{2})", raw)
    if clock and int(clock.group(1)) <= 24 and int(clock.group(2)) <= 59:
        # "6.30" is also British for half past six.
        h, mi = int(clock.group(1)), int(clock.group(2))
        keys |= {("t", h % 24, mi), ("t", (h + 12) % 24, mi)}
    return keys


def _add_amount(found: _Found, m: re.Match[str], lang: str, scales: dict[str, float]) -> None:
    """One match of digits, with its scale word ("3,5 milliards") or suffix ("3e", "90s")."""
    text = found.text
    raw = m.group("grp") or m.group("plain")
    values = _digit_values(raw)
    scale = _scale(m.group("scale"), scales, text[max(0, m.start() - 1) : m.end() + 1])
    written_suffix = m.group("suffix") or ""
    suffix = written_suffix.lower()
    end = m.end() if scale else m.start() + len(raw) + len(written_suffix)
    if not scale:
        keys = _unscaled_amount_keys(m, text, lang, raw, values, end, scales)
    elif re.match(r"\s+et\s+demie?\b", text[m.end() :]):
        keys = {quantity_key((v + 0.5) * scale) for v in values}  # "2 millions et demi"
    else:
        keys = {quantity_key(v * scale) for v in values}
    if suffix in ("s", "'s"):
        # "the 1990s", "the 90s" / "les années 90", "les années 1990".
        keys |= {quantity_key(v % 100) for v in values if v >= 1000}
        keys |= {quantity_key(1900 + v) for v in values if v < 100 and v % 10 == 0}
    found.add(m.start(), end, keys, ordinal=suffix not in ("", "s", "'s"))


def _amounts(found: _Found, lang: str) -> None:
    """Digits not taken by a date or a time: "1 224", "27,5", "3,5 milliards", "3e"."""
    scales = SCALES_FR if lang == "fr" else SCALES_EN
    for m in _NUMBER.finditer(found.text):
        if found.free(m.start(), m.end()):
            _add_amount(found, m, lang, scales)


def pattern_mentions(text: str, lang: str, taken: bytearray) -> list[Mention]:
    """Numbers of `text` (`lang` "fr" or "en") found by pattern, pass by pass.

    Marks what each mention takes in `taken` (one byte a character) for the passes
    after it and for the number words read last.
    """
    found = _Found(text, taken)
    _clock_times(found, lang)
    if lang == "fr":
        _french_quantities(found)
    _numeric_dates(found, lang)
    if lang == "en":
        _english_dates(found)
        _english_times(found)
        _english_roman_numerals(found)
        _french_times_kept_in_english(found)
    else:
        _french_times(found)
        _french_roman_ordinals(found)
    _amounts(found, lang)
    return found.mentions
