"""Page furniture and duplicate detection for French news paragraphs: marks, never deletes.

`find_furniture(paragraphs)` gives one reason per paragraph, or None to keep it. The
caller marks those paragraphs `skipped` (with the reason) so they are not translated
but stay in the output. Every rule lives in the `RULES` table below: a name, a test
on the whole paragraph, and the reason shown to the user.

Safety first: a real sentence skipped is worse than a credit translated. So every rule
matches the *whole* paragraph (never a prefix: "PARIS (Reuters) - Le gouvernement..."
is kept), no rule looks at paragraphs longer than `MAX_FURNITURE_CHARS`, and the
vocabulary-based rules (timestamps, share bars) accept a paragraph only when every
word in it belongs to their vocabulary.

Limits:
- French (and a little English) furniture only; other newsrooms' wording is missed.
- A photo caption without a credit is only caught when it is repeated (duplicates).
- Near duplicates are found among paragraphs of at least `NEAR_DUPLICATE_MIN_CHARS`
  characters: nearly equal with the same numbers and at most one word more, or wholly
  contained in an earlier paragraph (a caption pasted again without its credit, a pull
  quote). Very short repeats ("Non.") are kept.
"""

from __future__ import annotations

import dataclasses

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate_sum.document import Article

# Furniture is short: past this length a paragraph is article text, whatever it starts with.
MAX_FURNITURE_CHARS = 300
# Near-duplicate detection: similarity (difflib ratio) and the shortest paragraph
# considered. Shorter paragraphs are only compared exactly.
NEAR_DUPLICATE_RATIO = 0.9
NEAR_DUPLICATE_MIN_CHARS = 40
# A near duplicate may add at most this many words to the paragraph it repeats.
NEAR_DUPLICATE_MAX_NEW_WORDS = 1
EXACT_DUPLICATE_MIN_WORDS = 4
_SHINGLE_WORDS = 3
# A shingle shared by many paragraphs ("de la commission") says nothing about duplication;
# ignoring long posting lists keeps the search linear on long inputs.
_MAX_POSTINGS = 8
_MAX_COMPARISONS = 10


@dataclass(frozen=True)
class Rule:
    """One kind of furniture: `test` gets the normalized paragraph, whole."""

    name: str
    test: Callable[[str], bool]
    reason: str


def _whole(pattern: str, flags: int = 0) -> Callable[[str], bool]:
    """A test that the regex matches the entire paragraph, not a part of it."""
    compiled = re.compile(pattern, flags)
    return lambda text: compiled.fullmatch(text) is not None


# --- Building blocks of the patterns -------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-ÞŒ"
# A capitalized word of a person's or organisation's name, initials included ("J.").
_NAME_WORD = rf"[{_UPPER}][\w'’.&-]*"
_NAME_LINK = r"(?:de|du|des|la|le|les|van|von|der|den|da|di|y|et|pour|for|via|&)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_LINK}\s+|d['’])?{_NAME_WORD}){{0,5}}"
# "Jean Mercier / La Gazette du Val", "Thomas Samson/AFP", "AFP PHOTO / JOHN DOE".
_CREDIT = rf"{_NAME}(?:\s*[/|,]\s*{_NAME}){{0,3}}"
_AGENCY = (
    r"(?:AFP|Reuters|REUTERS|AP|Associated\s+Press|EPA|EFE|ANSA|DPA|dpa|Xinhua|Belga|ANP|"
    r"Bloomberg|Getty(?:\s+Images)?|Sipa(?:\s+Press)?|SIPA|Maxppp|MAXPPP|Abaca|ABACA|"
    r"Hans\s+Lucas|IP3|ATS|Keystone|Agence\s+France-Presse|Presse\s+canadienne|PC|"
    r"Relaxnews|Shutterstock|iStock)"
)
_AGENCIES = rf"{_AGENCY}(?:\s*(?:,|/|&|et)\s*{_AGENCY})*"
_CREDIT_LEAD = (
    r"(?i:photos?(?:\s+d['’]illustration)?|cr[ée]dits?(?:\s+photos?)?|illustration|"
    r"infographie|image|vid[ée]o|ph\.?)"
)
_SENTENCE_END = r"[.!?…]['\"»”)\]]*"

# --- Vocabulary rules: every word must belong to the vocabulary ------------------------

# Timestamps and share bars are a handful of words; longer text is not worth tokenizing.
_MAX_VOCABULARY_RULE_CHARS = 160
_WORD = re.compile(r"\d+(?:[h:/.\-]\d+)*h?|[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_MONTHS = {
    "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août",
    "aout", "septembre", "octobre", "novembre", "décembre", "decembre",
    "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc",
}
_DAYS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
_TIMESTAMP_LEADS = {"publié", "publiée", "mis", "mise", "modifié", "modifiée", "actualisé", "actualisée", "màj", "maj"}
_TIMESTAMP_WORDS = (
    _MONTHS | _DAYS | _TIMESTAMP_LEADS
    | {"le", "la", "l'", "à", "a", "jour", "h", "heure", "heures", "min", "minute", "minutes",
       "il", "y", "depuis", "hier", "aujourd'hui", "avant-hier", "et", "er", "cet", "cest",
       "gmt", "utc", "en", "ligne", "dernière"}
)
_DATE_NUMBER = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"\d{1,2}(?:h\d{0,2}|:\d{2})")


def _is_timestamp(text: str) -> bool:
    """'Publié le 12 mars 2025 à 13h30, mis à jour le 13 mars à 8h12' and the like."""
    if len(text) > _MAX_VOCABULARY_RULE_CHARS or not any(ch.isdigit() for ch in text):
        return False
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    for word in words:
        if word in _TIMESTAMP_WORDS or word.isdigit() or _CLOCK.fullmatch(word) or _DATE_NUMBER.fullmatch(word):
            continue
        return False
    # A lone number or clock time is not enough: it needs a publication word or a date.
    return any(w in _TIMESTAMP_LEADS or w in _MONTHS or _DATE_NUMBER.fullmatch(w) for w in words)


_SHARE_ACTIONS = {
    "partager", "partagez", "partage", "tweeter", "imprimer", "copier", "envoyer", "réagir",
    "commenter", "sauvegarder", "enregistrer", "offrir", "facebook", "twitter", "linkedin",
    "whatsapp", "messenger", "telegram", "pinterest", "flipboard", "bluesky", "mastodon",
    "reddit", "threads",
}
_SHARE_WORDS = _SHARE_ACTIONS | {
    "sur", "x", "e-mail", "email", "mail", "courriel", "par", "le", "lien", "cet", "article",
    "l'article", "à", "mes", "favoris", "ajouter", "commentaires", "commentaire", "sms",
}


def _is_share_bar(text: str) -> bool:
    """'Partager', 'Partager sur Facebook Partager sur X', 'Copier le lien'..."""
    if len(text) > _MAX_VOCABULARY_RULE_CHARS:
        return False
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    leftovers = re.sub(r"[\w'’\-]+|[\s,|·•/:()]+", "", text)
    return (
        bool(words)
        and not leftovers
        and all(w in _SHARE_WORDS for w in words)
        and any(w in _SHARE_ACTIONS for w in words)
    )


# --- The table ----------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "copyright",
        _whole(
            r"(?:©|\([cC]\)|(?i:copyright))\s*(?:\d{4}\s*)?[^.!?]{0,60}?\d{4}\.?(?:\s*(?i:tous droits réservés)\.?)?"
            r"|(?:©|\([cC]\)|(?i:copyright))\s*[^.!?]{1,60}?\.?\s*(?i:tous droits réservés|all rights reserved)\.?"
            r"|(?i:tous droits (?:de reproduction )?réservés|reproduction interdite)\.?"
        ),
        "copyright line",
    ),
    Rule(
        "photo_credit",
        _whole(
            rf"\(?\s*{_CREDIT_LEAD}\s*[:/\-]?\s*{_CREDIT}\s*\)?\.?"
            rf"|(?:©|\([cC]\))\s*{_CREDIT}\.?"
            rf"|\(\s*{_CREDIT}\s*/\s*{_CREDIT}\s*\)"
            rf"|{_CREDIT}\s*/\s*{_AGENCY}|{_AGENCY}(?:\s+(?i:photo))?\s*/\s*{_CREDIT}"
        ),
        "photo credit",
    ),
    Rule(
        "photo_caption",
        # A short caption whose last words are a credit: "Une rame à l'arrêt, le 3 juin.
        # Photo : Jean Mercier / AFP", "... samedi. (Thomas Samson/AFP)", "... © Reuters".
        _whole(
            rf".{{1,250}}?\s(?:{_CREDIT_LEAD}\s*:\s*{_CREDIT}"
            rf"|\(\s*(?:{_CREDIT_LEAD}\s*:?\s*)?{_CREDIT}\s*/\s*{_CREDIT}\s*\)"
            rf"|\(\s*{_CREDIT_LEAD}\s*:?\s*{_CREDIT}\s*\)"
            rf"|©\s*{_CREDIT}"
            rf"|(?<=[.,]\s){_CREDIT}\s*/\s*{_AGENCY})\.?"
        ),
        "photo caption with credit",
    ),
    Rule(
        "read_also",
        _whole(
            r"[►▶>»→•*·\-–—\s]*(?:(?i:à|a)\s+)?"
            r"(?:(?i:lire|relire|voir|revoir|écouter|regarder)\s+(?i:aussi|également|encore)"
            r"|(?i:lire)(?:\s+(?i:notre\s+\w+|nos\s+\w+|l['’]\w+|la\s+suite))?|LIRE)"
            r"(?:\s*(?::|>>|»|→|►|\||-|–|—)\s*.{1,200})?"
            r"|(?i:sur le même sujet|pour aller plus loin|nos articles sur le sujet|à lire sur le même sujet)\s*:?"
        ),
        "related-article link",
    ),
    Rule(
        "agency_byline",
        _whole(
            rf"\(?\s*{_AGENCIES}\s*\)?\s*[-–—]?"
            rf"|(?:{_NAME}\s+)?(?i:avec)\s+(?:l['’])?{_AGENCIES}\.?"
            rf"|\(\s*(?i:avec)\s+{_AGENCIES}\s*\)"
            rf"|(?i:sources?)\s*:\s*{_AGENCIES}\.?"
            # Dateline alone on its line: "PARIS (Reuters) -", "PARIS, 12 mars 2025 (AFP) -".
            rf"|[{_UPPER}][{_UPPER}'’ \-]{{1,40}}(?:,\s*[^()]{{1,40}})?\s*\(\s*{_AGENCIES}\s*\)\s*[-–—]?"
            # Byline: "Par Camille Desrosiers", "Par A. Martin et B. Roy (avec AFP)".
            rf"|(?i:par)\s+{_NAME}(?:\s*(?:,|et)\s*{_NAME}){{0,3}}(?:\s*\(\s*(?i:avec)\s+{_CREDIT}\s*\))?"
            # Agency desk codes at the end of a dispatch: "pz/fpo/ahe", "bur-ber/cls".
            r"|[a-z]{2,5}(?:[\-/][a-z]{2,5}){1,6}"
        ),
        "agency byline or code",
    ),
    Rule("timestamp", _is_timestamp, "publication or update timestamp"),
    Rule(
        "reading_time",
        _whole(r"(?i:(?:temps de )?lecture\s*:?\s*\d+\s*min(?:utes?)?|\d+\s*min(?:utes?)?\s+de\s+lecture)\.?"),
        "reading time",
    ),
    Rule("hashtags", _whole(r"#[^\s#]+(?:[\s,;·|]+#[^\s#]+)*"), "hashtag line"),
    Rule("share", _is_share_bar, "share prompt"),
    Rule(
        "newsletter",
        _whole(
            r"(?i:(?:inscrivez-vous|abonnez-vous|recevez|s['’]inscrire|s['’]abonner|je m['’]inscris|"
            r"je m['’]abonne|découvrez)\b.{0,150}?(?:newsletters?|lettres? d['’]information|infolettre|"
            r"alertes? e-?mail)\b.{0,100}"
            r"|(?:abonnez-vous|je m['’]abonne|s['’]abonner|newsletters?)\s*[.!]?"
            r"|cet article est réservé aux abonnés.{0,80}|il vous reste \d+\s*%.{0,60}|"
            r"déjà abonné\s*\?.{0,60})"
        ),
        "newsletter or subscription prompt",
    ),
)


def normalize(paragraph: str) -> str:
    """The form the rules see: NFC, whitespace runs (non-breaking too) as one space."""
    return " ".join(unicodedata.normalize("NFC", paragraph).split())


def furniture_reason(paragraph: str) -> str | None:
    """The reason this paragraph alone is page furniture, or None when it is article text."""
    text = normalize(paragraph)
    if not text or len(text) > MAX_FURNITURE_CHARS:
        return None
    for rule in RULES:
        if rule.test(text):
            return rule.reason
    return None


def find_furniture(paragraphs: Sequence[str]) -> list[str | None]:
    """One entry per paragraph: why it is furniture or a duplicate, or None to keep it.

    Duplicates name the earlier paragraph they repeat, counting from 1 in `paragraphs`
    (the first occurrence is kept). Nothing is removed: the caller marks the skipped ones.
    """
    reasons = [furniture_reason(p) for p in paragraphs]
    for index, original in _duplicates(paragraphs).items():
        if reasons[index] is None:
            reasons[index] = f"duplicate of paragraph {original + 1}"
    return reasons


# --- Duplicates -----------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _comparable(paragraph: str) -> str:
    """Case, accents of quotes and punctuation spacing do not make two paragraphs differ."""
    text = normalize(paragraph).casefold().replace("’", "'")
    return " ".join(re.findall(r"\w+(?:'\w+)*|[^\w\s]", text))


def _duplicates(paragraphs: Sequence[str]) -> dict[int, int]:
    """Map index of a repeated paragraph → index of its first occurrence."""
    found: dict[int, int] = {}
    first_exact: dict[str, int] = {}
    # Shingle → paragraphs holding it; None once it is too common to tell anything.
    postings: dict[tuple[str, ...], list[int] | None] = {}
    keys: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        key = _comparable(paragraph)
        keys.append(key)
        words = key.split()
        if len(words) >= EXACT_DUPLICATE_MIN_WORDS and key in first_exact:
            found[index] = first_exact[key]
            continue
        first_exact.setdefault(key, index)
        if len(key) < NEAR_DUPLICATE_MIN_CHARS:
            continue
        shingles = {tuple(words[i : i + _SHINGLE_WORDS]) for i in range(len(words) - _SHINGLE_WORDS + 1)}
        original = _near_original(key, shingles, postings, keys)
        if original is not None:
            found[index] = original
        for shingle in shingles:
            holders = postings.setdefault(shingle, [])
            if holders is not None:
                holders.append(index)
                if len(holders) > _MAX_POSTINGS:
                    postings[shingle] = None
    return found


def _near_original(
    key: str,
    shingles: set[tuple[str, ...]],
    postings: dict[tuple[str, ...], list[int] | None],
    keys: list[str],
) -> int | None:
    """The earliest earlier paragraph this one repeats: contained in it, or nearly equal
    to it with the same numbers."""
    shared: dict[int, int] = defaultdict(int)
    informative = 0
    for shingle in shingles:
        holders = postings.get(shingle, ())
        if holders is None:
            continue
        informative += 1
        for candidate in holders:
            shared[candidate] += 1
    candidates = sorted(c for c, n in shared.items() if n * 3 >= informative)
    numbers = _NUMBER.findall(key)
    for candidate in candidates[:_MAX_COMPARISONS]:
        other = keys[candidate]
        # A caption pasted again without its credit, a pull quote: all of it is in an earlier one.
        if f" {key} " in f" {other} ":
            return candidate
        # "438 voix contre 86" and "86 voix contre 438" are different facts, never duplicates.
        if _NUMBER.findall(other) != numbers:
            continue
        # A later version that says more ("... rejetés par le volcan.") is kept: skipping it
        # would lose those words.
        if sum((Counter(key.split()) - Counter(other.split())).values()) > NEAR_DUPLICATE_MAX_NEW_WORDS:
            continue
        matcher = difflib.SequenceMatcher(None, other, key, autojunk=False)
        if (
            matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO
            and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO
            and matcher.ratio() >= NEAR_DUPLICATE_RATIO
        ):
            return candidate
    return None


def mark_furniture(article: Article) -> Article:
    """The article with its furniture and duplicate paragraphs marked skipped.

    Marked paragraphs stay in place, with their reason, and are not translated.
    The title is never skipped.
    """
    reasons = find_furniture([p.source for p in article.paragraphs])
    paragraphs = tuple(
        p if reason is None or p.is_title else dataclasses.replace(p, skipped=True, reason=reason)
        for p, reason in zip(article.paragraphs, reasons)
    )
    return dataclasses.replace(article, paragraphs=paragraphs)
