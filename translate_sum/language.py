"""Which language an input is in, so English or German text is not fed to a French model.

Identification is py3langid's (the maintained fork of langid.py: a small naive Bayes
model shipped in the package, numpy only, no download). Quotations are set aside,
the text is judged paragraph by paragraph (an article's own paragraphs, given to
`judge_paragraphs`, each line apart) and each language's share is weighted by
letters, so a French article quoting a long English sentence is still French.

Limits:
- Short or ambiguous text (a headline, "Oui.") is not reliable: it is taken as French,
  the language the tool expects, rather than refused.
- Only the first `MAX_PARAGRAPHS` paragraphs are looked at.
- Closely related languages (French/Occitan, Spanish/Catalan) can be confused on short
  paragraphs; those paragraphs weigh little.
- The last few hundred lines identified are remembered (`_classify`), so a text judged
  twice (a request, then its texts) is identified once.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from translate_sum.text import lines

logger = logging.getLogger(__name__)

# Fewer letters than this and the identifier's answer is noise.
MIN_RELIABLE_LETTERS = 40
# A paragraph this short is not counted (captions, bylines, "Oui.").
MIN_PARAGRAPH_LETTERS = 20
MAX_PARAGRAPHS = 200
MAX_PARAGRAPH_CHARS = 5000
# French from a quarter of the letters up: a French article with quotes in English.
FRENCH_MIN_SHARE = 0.25
# Below this share the winner is not trusted and the text is taken as French.
MIN_CONFIDENCE = 0.5

# English names of the languages py3langid knows that a user is likely to paste;
# others are named by their code.
LANGUAGE_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "br": "Breton", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "ht": "Haitian Creole", "hu": "Hungarian",
    "hy": "Armenian", "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese",
    "ka": "Georgian", "ko": "Korean", "la": "Latin", "lb": "Luxembourgish", "lt": "Lithuanian",
    "lv": "Latvian", "mg": "Malagasy", "mk": "Macedonian", "ms": "Malay", "mt": "Maltese",
    "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian", "oc": "Occitan", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "wa": "Walloon",
    "zh": "Chinese",
}

# «French quotes», “English quotes” and "straight quotes", on one paragraph.
_QUOTATION = re.compile(r"«[^»\n]{0,3000}»|“[^”\n]{0,3000}”|\"[^\"\n]{0,3000}\"")


@dataclass(frozen=True)
class LanguageVerdict:
    """The language of an input, as the pipeline needs it.

    `code` is an ISO 639-1 code ("fr" when unsure), `name` its English name,
    `confidence` the share of the text's letters in that language (0-1), and
    `reliable` False when the text was too short or mixed to tell: then `code` is "fr".
    """

    code: str
    name: str
    confidence: float
    reliable: bool

    @property
    def is_french(self) -> bool:
        return self.code == "fr"

    @property
    def is_english(self) -> bool:
        return self.code == "en"


NO_LANGUAGE = "zxx"  # ISO 639 for "no linguistic content"


def language_name(code: str) -> str:
    """English name of a language code: "de" → "German"; unknown codes as "language 'xx'"."""
    return LANGUAGE_NAMES.get(code, f"language '{code}'")


def detect_language(text: str) -> tuple[str, float]:
    """The main language of `text` and the share of its letters in it (0-1).

    Paragraphs (lines) are identified separately and weighted by their letters;
    a text too short to split meaningfully is identified whole. Never raises on
    odd input: text without letters gives ("fr", 0.0).
    """
    shares = _language_shares([text])
    if not shares:
        return "fr", 0.0
    code = max(shares, key=shares.__getitem__)
    return code, shares[code]


def judge_language(text: str) -> LanguageVerdict:
    """Decide whether `text` is French, English or another language.

    French wins as soon as it holds a quarter of the letters; another language
    wins only with a clear majority of a text long enough to tell. Everything
    else is French, marked not reliable.
    """
    return judge_paragraphs([text])


def judge_paragraphs(paragraphs: Sequence[str]) -> LanguageVerdict:
    """`judge_language` for a text already split into paragraphs (an article's)."""
    letters = sum(_letters(p) for p in paragraphs)
    shares = _language_shares(paragraphs)
    french = shares.get("fr", 0.0)
    code, share = max(shares.items(), key=lambda item: item[1], default=("fr", 0.0))
    if letters < MIN_RELIABLE_LETTERS or (code != "fr" and french < FRENCH_MIN_SHARE and share < MIN_CONFIDENCE):
        logger.debug("language unclear (%d letters, best %s at %.2f): taken as French", letters, code, share)
        return LanguageVerdict("fr", language_name("fr"), french, reliable=False)
    if french >= FRENCH_MIN_SHARE:
        return LanguageVerdict("fr", language_name("fr"), french, reliable=True)
    if code == NO_LANGUAGE:
        # URLs, codes, base64: no language to judge by, so nothing to refuse.
        return LanguageVerdict("fr", language_name("fr"), french, reliable=False)
    return LanguageVerdict(code, language_name(code), share, reliable=True)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _language_shares(texts: Sequence[str]) -> dict[str, float]:
    """Share of the counted letters per language, each paragraph weighted by its letters.

    Every line of a paragraph counts as a paragraph. Quotations are left out when
    enough text remains: an article's language is its narration's, not that of the
    people it quotes.
    """
    narration = [_QUOTATION.sub(" ", text) for text in texts]
    if sum(_letters(text) for text in narration) >= MIN_RELIABLE_LETTERS:
        texts = narration
    paragraphs = [line for text in texts for line in lines(text)][:MAX_PARAGRAPHS]
    weights: dict[str, float] = defaultdict(float)
    total = 0
    for paragraph in paragraphs:
        # The first few thousand characters of a paragraph say its language as well as all.
        paragraph = _encodable(paragraph[:MAX_PARAGRAPH_CHARS])
        letters = _letters(paragraph)
        if letters < MIN_PARAGRAPH_LETTERS:
            continue
        code, probability = _classify(paragraph)
        weights[code] += letters * probability
        total += letters
    if total == 0:
        # Only short lines: judge them together rather than not at all.
        letters = sum(_letters(text) for text in texts)
        if letters == 0:
            return {}
        code, probability = _classify(_encodable(" ".join(paragraphs)[:MAX_PARAGRAPH_CHARS]))
        return {code: probability}
    return {code: weight / total for code, weight in weights.items()}


@functools.lru_cache(maxsize=512)
def _classify(text: str) -> tuple[str, float]:
    """The identifier's language and probability for one paragraph (a line), once per text.

    The server's `source: auto` judges a request's texts together, then each text as
    it is prepared; the lines they share are identified once. 512 lines of at most
    `MAX_PARAGRAPH_CHARS` characters: a few MB at most.
    """
    code, probability = _identifier().classify(text)
    return _base_code(code), float(probability)


def _encodable(text: str) -> str:
    """Lone surrogates (from undecodable bytes) would make the identifier's UTF-8 encoding fail."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _base_code(code: str) -> str:
    # py3langid labels a few scripts and varieties apart ("srl", "uzs"); names need the base.
    return {"srl": "sr", "uzs": "uz"}.get(code, code)


@functools.lru_cache(maxsize=1)
def _identifier():
    """The py3langid model with normalized probabilities, loaded once (from an unpacked cache)."""
    from translate_sum.langid_model import load_identifier

    return load_identifier()
