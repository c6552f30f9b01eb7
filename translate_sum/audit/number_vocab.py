"""The words of numbers in French and English, as the number audit reads them.

Tables only, no logic: month names, scale words ("milliard", "thousand million"),
cardinal and ordinal number words, English words that imply a number ("both",
"fortnight"), French approximate quantities ("une dizaine"), and the French function
words that are no plural noun. `number_patterns` and `number_words` read them; the
check in `numbers` reads `SOFT_EN`.

Limits: lower-case forms only (callers lower-case first); cardinals up to "soixante" /
"ninety" plus "cent", "mille", "hundred", "thousand" handled by the word parser;
French "soixante-dix", "quatre-vingts" are built from parts, not listed; no Belgian or
Swiss "septante", "huitante", "nonante".
"""

from __future__ import annotations

MONTHS_EN = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
MONTHS_EN.update({m[:3]: i for m, i in list(MONTHS_EN.items())})
MONTHS_EN["sept"] = 9
MONTHS_FR = {
    m: i + 1
    for i, m in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre "
        "décembre".split()
    )
}
MONTHS_FR.update({"fevrier": 2, "aout": 8, "decembre": 12})

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

UNITS_FR = {
    "zéro": 0, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "un": 1, "une": 1,
}
UNITS_EN = {
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
IMPLIED_EN.update({t[:-1] + "ies": v for t, v in UNITS_EN.items() if t.endswith("ty")})
IMPLIED_EN.update({"century": 100, "centuries": 100})
# "huit jours" and "sept jours" are both a week, "quinze jours" and "quatorze" a fortnight.
IMPLIED_ALSO_EN = {"week": 7, "fortnight": 14}
ORDINALS_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100, "thousandth": 1000,
    "firstly": 1, "secondly": 2, "thirdly": 3,
}
ORDINALS_FR = {
    "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3, "quatrième": 4,
    "cinquième": 5, "sixième": 6, "septième": 7, "huitième": 8, "neuvième": 9,
    "dixième": 10, "onzième": 11, "premier": 1, "première": 1, "premiers": 1,
    "premières": 1, "douzième": 12, "treizième": 13, "quatorzième": 14,
    "quinzième": 15, "seizième": 16, "vingtième": 20, "trentième": 30, "centième": 100,
    "millième": 1000,
}
# French approximate quantities ("une vingtaine"): they explain an English number but
# are not missed when the translation drops them.
APPROX_FR = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
    "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60, "centaine": 100,
    "millier": 1000,
}
# English words that are numbers only loosely: never evidence of a changed number.
SOFT_EN = set(IMPLIED_EN) | {"first", "second", "dozen", "a hundred", "a thousand", "one"}

# French words ending in -s or -x that are no plural noun: "quoi de neuf dans ...".
FUNCTION_WORDS_FR = set(
    """dans les des mes tes ses nos vos ces leurs aux pas plus moins sous sans vers puis
    depuis alors tous nous vous ils elles dont mais jamais toujours tres après près
    ailleurs parfois hors sus ceux""".split()
)
