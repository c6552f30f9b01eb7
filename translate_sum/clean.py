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

Agency wires pasted from a site are covered: codes, datelines and credits of the big
French-language wires (AFP, AA/Anadolu, Reuters, AP, Belga, ATS/Keystone, Xinhua/Chine
nouvelle, Sputnik, TASS, ANSA, EFE, DPA, La Presse canadienne), a site's time and date
run together ("13:325/07/2025, samedi"), tag lists, notes on how a dispatch was
produced, and the headline a bare "À lire également :" leaves on the next line.

Limits:
- French (and a little English) furniture only; other newsrooms' wording is missed.
- A place or a person's name alone on its line (a dateline "Kiev") is kept, and so is
  an agency's regional edition ("Sputnik Afrique").
- A photo caption without a credit is only caught when it is repeated (duplicates).
- Duplicates have the same words in the same order as an earlier paragraph (case,
  punctuation other than ? and !, spacing, apostrophe style and a trailing photo credit
  aside), or are wholly contained in an earlier paragraph (a caption pasted again
  without its credit, a pull quote; at least `NEAR_DUPLICATE_MIN_CHARS` characters).
  Any differing word keeps the paragraph: a near-repeat that updates one fact is missed
  rather than a fact lost. Repeats under `EXACT_DUPLICATE_MIN_WORDS` words ("Non.") are kept.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from translate_sum.document import Article

# Furniture is short: past this length a paragraph is article text, whatever it starts with.
MAX_FURNITURE_CHARS = 300
# Duplicates: the fewest words a repeated paragraph needs ("Non." said twice is kept),
# and the shortest paragraph looked for inside earlier, longer ones.
EXACT_DUPLICATE_MIN_WORDS = 4
NEAR_DUPLICATE_MIN_CHARS = 40
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
# Parts of a credit are joined by a slash, a bar, a comma or a spaced dash ("Mykola
# Lysenko - Agence Anadolu"); an unspaced hyphen stays inside a name ("Keystone-ATS").
_CREDIT = rf"{_NAME}(?:(?:\s*[/|,]\s*|\s+[-–—]\s+){_NAME}){{0,3}}"
# The wires and photo agencies whose names make up codes, datelines and credits. Short
# codes ("AA", "PC", "AP") only ever match a whole line or a credit's slot, never a
# word inside a sentence. Multi-word names take any case: "LA PRESSE CANADIENNE".
_AGENCY = (
    r"(?:AFP|Reuters|REUTERS|AP|(?:The\s+)?Associated\s+Press|EPA|EFE|Agencia\s+EFE|ANSA|"
    r"DPA|dpa(?:-AFX)?|Xinhua|XINHUA|(?i:agence\s+)?(?i:chine\s+nouvelle)|Belga|BELGA|ANP|"
    r"AA|(?:Agence\s+)?Anadolu(?:\s+Agency|\s+Ajans[ıi])?|ANADOLU|Sputnik|SPUTNIK|"
    r"TASS|Tass|RIA\s+Novosti|Interfax|Kyodo|Yonhap|APS|MAP|TAP|"
    r"Bloomberg|Getty(?:\s+Images)?|Sipa(?:\s+Press)?|SIPA|Maxppp|MAXPPP|Abaca|ABACA|"
    r"Hans\s+Lucas|IP3|ATS|Keystone(?:-ATS)?|KEYSTONE(?:-ATS)?|Agence\s+France-Presse|"
    r"(?i:(?:la\s+)?presse\s+canadienne)|PC|Relaxnews|Shutterstock|iStock)"
)
_AGENCIES = rf"{_AGENCY}(?:\s*(?:,|/|&|et)\s*{_AGENCY})*"
_CREDIT_LEAD = (
    r"(?i:photos?(?:\s+d['’]illustration)?|cr[ée]dits?(?:\s+photos?)?|illustration|"
    r"infographie|image|vid[ée]o|ph\.?)"
)
_SENTENCE_END = r"[.!?…]['\"»”)\]]*"
# Leads that may stand without a colon inside parentheses: "(Photo Thomas Samson/AFP)".
# "(vidéo YouTube)" or "(image satellite)" at the end of a sentence are article text.
_PHOTO_LEAD = r"(?i:photos?|cr[ée]dits?(?:\s+photos?)?|ph\.?)"
# A person's name: at least two name words ("Thomas Samson", "STEPHANE DE SAKUTIN").
_PERSON = rf"{_NAME_WORD}(?:\s+(?:{_NAME_LINK}\s+|d['’])?{_NAME_WORD}){{1,4}}"
# The credit that ends a caption. A bare slash pair is not enough: "(LR/UDI)" and
# "(Bercy/Insee)" end real sentences, so the credit needs a photo lead, ©, or an
# agency after the slash with a photographer or an agency before it.
_CREDIT_TAIL = (
    rf"(?:(?<=[.!?…»”)]\s)|(?<=\s[-–—|]\s)){_CREDIT_LEAD}\s*:\s*{_CREDIT}"
    rf"|\(\s*{_CREDIT_LEAD}\s*:\s*{_CREDIT}\s*\)"
    rf"|\(\s*{_PHOTO_LEAD}\s+{_CREDIT}\s*\)"
    rf"|\(\s*(?:{_PHOTO_LEAD}\s*:?\s*)?(?:{_PERSON}|{_AGENCY})\s*/\s*{_AGENCIES}\s*\)"
    rf"|©\s*{_CREDIT}"
    rf"|(?<=[.,]\s){_CREDIT}\s*/\s*{_AGENCY}"
)

# The agency a byline signs for: "- AFP", "/ Reuters", "(AFP)", "avec l'AFP", "pour Belga".
_BYLINE_AGENCY = rf"\s*(?:[-–—|/,]|(?i:avec|pour)\s+(?:l['’])?)\s*{_AGENCIES}|\s*\(\s*{_AGENCIES}\s*\)"

_COPYRIGHT_MARK = r"(?:©|\([cC]\)|(?i:copyright))"
# A dateline's place and date: "Bruxelles", "Saint-Denis", "New York"; "21 oct", "5 avr.".
_DATELINE_PLACE = rf"{_NAME_WORD}(?:[\s\-]+{_NAME_WORD}){{0,3}}"
_DATELINE_DATE = r"\d{1,2}(?:er)?\s+[^\W\d_]{3,9}\.?(?:\s+\d{4})?"
_YEARS = r"(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?"
_RESERVED_REQUIRED = r"(?i:tous droits réservés|all rights reserved)\.?"
_RESERVED = rf"(?:\s*{_RESERVED_REQUIRED})?"

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
_TIMESTAMP_LEADS = {
    "publié", "publiée", "mis", "mise", "modifié", "modifiée", "actualisé", "actualisée", "màj", "maj",
    "updated", "published", "posted",
}
_TIMESTAMP_WORDS = (
    _MONTHS | _DAYS | _TIMESTAMP_LEADS
    | {"le", "la", "l'", "à", "a", "jour", "h", "heure", "heures", "min", "minute", "minutes",
       "il", "y", "depuis", "hier", "aujourd'hui", "avant-hier", "et", "er", "cet", "cest",
       "gmt", "utc", "en", "ligne", "dernière"}
)
_DATE_NUMBER = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"\d{1,2}(?:h\d{0,2}|:\d{2})")
# A time glued to a numeric date: sites show "13:32" and "5/07/2025" in two boxes that
# a copy runs together ("13:325/07/2025, samedi").
_CLOCK_AND_DATE = re.compile(r"\d{1,2}:\d{2}\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _is_timestamp(text: str) -> bool:
    """'Publié le 12 mars 2025 à 13h30, mis à jour le 13 mars à 8h12' and the like."""
    if len(text) > _MAX_VOCABULARY_RULE_CHARS or not any(ch.isdigit() for ch in text):
        return False
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    for word in words:
        if word in _TIMESTAMP_WORDS or word.isdigit() or _CLOCK.fullmatch(word) or _DATE_NUMBER.fullmatch(word):
            continue
        if _CLOCK_AND_DATE.fullmatch(word):
            continue
        return False
    # A bare date ("Mardi 3 juin", "Le 14 juillet 2025.") is a dateline or a subhead, and
    # "Mardi 12 mars à 20h30" announces an event: without a publication word, only the
    # sites' "Le 12/03/2025 à 13:30" form (le or a numeric date first, then a time) counts.
    if any(w in _TIMESTAMP_LEADS for w in words):
        return True
    glued = any(_CLOCK_AND_DATE.fullmatch(w) for w in words)
    numeric_date = glued or any(_DATE_NUMBER.fullmatch(w) for w in words)
    has_clock = glued or any(_CLOCK.fullmatch(w) for w in words)
    has_date = numeric_date or any(w in _MONTHS for w in words)
    starts_like_stamp = words[0] == "le" or bool(_DATE_NUMBER.fullmatch(words[0]))
    # An event is announced in words ("samedi 14 juin à 20h30"); a numeric date beside
    # a time, in any order, is a site's stamp, and so is a date with its year and a
    # time ("12 juin 2025 à 16h35"): nobody announces this year's event with the year.
    full_date = words[0].isdigit() and any(w in _MONTHS for w in words) and any(_YEAR.fullmatch(w) for w in words)
    return has_clock and ((has_date and starts_like_stamp) or numeric_date or full_date)


_SHARE_ACTIONS = {
    "partager", "partagez", "partage", "tweeter", "imprimer", "copier", "envoyer", "réagir",
    "commenter", "sauvegarder", "enregistrer", "offrir", "facebook", "twitter", "linkedin",
    "whatsapp", "messenger", "telegram", "pinterest", "flipboard", "bluesky", "mastodon",
    "reddit", "threads", "suivez-nous", "rejoignez-nous", "suivez",
}
_SHARE_WORDS = _SHARE_ACTIONS | {
    "sur", "x", "e-mail", "email", "mail", "courriel", "par", "le", "lien", "cet", "article",
    "l'article", "à", "mes", "favoris", "ajouter", "commentaires", "commentaire", "sms",
    "nous", "youtube", "instagram", "tiktok", "google", "actualités", "news",
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


# What parts a lead from its linked title: any run of these marks, in any mix and
# spacing ("Lire aussi :", "LIRE AUSSI -", "À lire aussi >>", "Lire aussi. La dette").
# Not a comma: "À lire aussi, le rapport..." may be the writer's own sentence.
_READ_ALSO_SEPARATOR = r"(?:[:>»→►▶|/.\-–—•·]\s*)+"
_READ_ALSO_LEAD = re.compile(
    r"[►▶>»→•*·\-–—\s]*"
    # "À lire aussi" is a link (group `link`); "À voir également : le musée..." is a travel tip.
    r"(?:(?P<link>(?:(?i:à|a)\s+)?(?i:lire|relire)\s+(?i:aussi|également|encore)"
    r"|(?i:lire)(?:\s+(?i:notre\s+\w+|nos\s+\w+|l['’]\w+|la\s+suite))?)"
    r"|(?i:voir|revoir|écouter|regarder)\s+(?i:aussi|également|encore))"
    rf"(?:\s*{_READ_ALSO_SEPARATOR}\s*(?P<title>.{{0,200}}))?"
    r"|(?i:sur le même sujet|pour aller plus loin|nos articles sur le sujet|à lire sur le même sujet)\s*:?"
)
# A linked headline is short and has no sentence inside: "Voir aussi : le rapport de la
# commission, publié en mars, qui détaille..." is the writer's own sentence.
_MAX_TITLE_WORDS = 15
# After a "Lire aussi" lead, which only ever introduces a link, a headline may be
# longer and hold commas ("Lubrizol, six ans après, les riverains toujours inquiets")
# or be cut short ("LIRE AUSSI - …"); a sentence inside still keeps the paragraph.
_MAX_LINK_TITLE_WORDS = 25
_INNER_SENTENCE_MARK = re.compile(r"[.!?…;](?=.*\w)")


def _is_read_also(text: str) -> bool:
    """'Lire aussi : Ce que contient le budget', 'À lire également', 'Sur le même sujet'."""
    match = _READ_ALSO_LEAD.fullmatch(text)
    if match is None:
        return False
    title = match.group("title")
    if not title:
        return True
    return _link_title(title) if match.group("link") else _headline_shaped(title)


def _link_title(title: str) -> bool:
    """A headline after a "Lire aussi" lead: any commas, no sentence inside."""
    return len(title.split()) <= _MAX_LINK_TITLE_WORDS and not _INNER_SENTENCE_MARK.search(title.rstrip(".!?…»” "))


def _headline_shaped(title: str) -> bool:
    """Short, one comma at most, no sentence inside, not cut short with "…"."""
    return (
        len(title.split()) <= _MAX_TITLE_WORDS
        and title.count(",") <= 1
        and not _INNER_SENTENCE_MARK.search(title.rstrip(".!?…»” "))
        and not title.rstrip().endswith("…")
    )


def _read_also_lead_only(text: str) -> bool:
    """Whether `text` is a related-article lead with its linked title left for the next
    line ("À lire également :", "Lire aussi"), as a copy of a link box gives it."""
    match = _READ_ALSO_LEAD.fullmatch(text)
    return match is not None and not match.group("title")


def _is_linked_title(text: str) -> bool:
    """A line shaped like a linked headline, without the full stop that would end a
    sentence of the article ("Kharkiv : quatre blessés dans une attaque de drones")."""
    return _headline_shaped(text) and not text.rstrip().endswith(".")


_TAG_LEAD = re.compile(r"(?i:mots?[- ]cl[ée]s|tags?|[ée]tiquettes?|sujets? li[ée]s|th[ée]matiques?)\s*:\s*(?P<tags>.+)")
_TAG_WORDS = 4  # a tag is a name or a topic, "réforme des retraites", not a clause


def _is_tag_list(text: str) -> bool:
    """'Mots-clés : grève, STIB, transports', 'Tags : Ukraine · Russie'."""
    match = _TAG_LEAD.fullmatch(text)
    if match is None or re.search(r"[.!?;:]", match.group("tags").rstrip(".")):
        return False
    tags = [t.strip() for t in re.split(r"[,|·•/]", match.group("tags").rstrip("."))]
    return all(tags) and all(len(t.split()) <= _TAG_WORDS for t in tags)


# "Ce contenu a été produit avec le soutien financier du programme de bourses de ...",
# "Cet article a été publié automatiquement par l'agence ...": a note about the dispatch.
# Not "ce texte" or "ce dossier": news writes "ce texte a été publié au Journal officiel".
_NOTE_LEAD = re.compile(
    r"(?i:(?:ce|cet|cette)\s+(?:contenu|article|reportage|dépêche)\s+a\s+été\s+"
    r"(?:produit|produite|réalisé|réalisée|publié|publiée|rédigé|rédigée|traduit|traduite|financé|financée|diffusé|diffusée)\b)"
)
_NOTE_SIGN = re.compile(rf"\b{_AGENCY}\b|(?i:bourses?\b|soutien financier|aide financière|automatiquement|partenariat)")


def _is_agency_note(text: str) -> bool:
    """A note on how the dispatch was produced, naming an agency or its funding."""
    return _NOTE_LEAD.match(text) is not None and _NOTE_SIGN.search(text) is not None


# --- The table ----------------------------------------------------------------------

_READ_ALSO_REASON = "related-article link"

RULES: tuple[Rule, ...] = (
    Rule(
        "copyright",
        # © or (c) followed only by a year and an owner: "(c) la réforme entrera en
        # vigueur..." is a list item, whose lower-case words no owner pattern accepts.
        _whole(
            # A year is what tells "© Le Monde 2025" from the photo credit "© Reuters".
            rf"{_COPYRIGHT_MARK}\s*{_YEARS}(?:\s*,?\s*{_NAME})?\.?{_RESERVED}"
            rf"|{_COPYRIGHT_MARK}\s*{_NAME}\s*,?\s*{_YEARS}\.?{_RESERVED}"
            rf"|{_COPYRIGHT_MARK}\s*{_NAME}\.?\s*{_RESERVED_REQUIRED}"
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
        _whole(rf".{{1,250}}?\s(?:{_CREDIT_TAIL})\.?"),
        "photo caption with credit",
    ),
    Rule("read_also", _is_read_also, _READ_ALSO_REASON),
    Rule(
        "agency_byline",
        _whole(
            rf"\(?\s*{_AGENCIES}\s*\)?\s*[-–—]?"
            rf"|(?:{_NAME}\s+)?(?i:avec)\s+(?:l['’])?{_AGENCIES}\.?"
            rf"|\(\s*(?i:avec)\s+{_AGENCIES}\s*\)"
            rf"|(?i:sources?)\s*:\s*{_AGENCIES}\.?"
            # Dateline alone on its line: "PARIS (Reuters) -", "PARIS, 12 mars 2025 (AFP) -",
            # "Bruxelles, 21 oct (Belga)", "Madrid, 5 avr (EFE).-", "MOSCOU, 2 février. /TASS/.",
            # "PEKIN, 9 septembre (Xinhua) --"; or a city alone before its dash: "MONTRÉAL —".
            rf"|(?:[{_UPPER}][{_UPPER}'’ \-]{{1,40}}(?:,\s*[^()/]{{1,40}})?|{_DATELINE_PLACE}(?:,\s*{_DATELINE_DATE})?)"
            rf"\s*(?:\(\s*{_AGENCIES}\s*\)|/\s*{_AGENCIES}\s*/)\s*[-–—.]*"
            rf"|[{_UPPER}]{{2,}}(?:[\s'’\-]+[{_UPPER}]{{2,}}){{0,3}}\s*[-–—]+"
            # A reporter signing for an agency: "Marie-Ève Tremblay, La Presse Canadienne".
            rf"|{_PERSON}\s*,\s*{_AGENCIES}"
            # Reuters' credits: "(Reportage Jean Dupont ; édité par Marc Roy)".
            r"|\(\s*(?i:reportage|r[ée]dig[ée] par|[ée]dit[ée] par|version fran[çc]aise)\b[^()]{1,250}\)\.?"
            # End of dispatch: "Fin", "-- FIN --", "(fin)".
            r"|\(?\s*-*\s*(?:Fin|FIN|fin)\s*-*\s*\)?"
            # Byline: "Par Camille Desrosiers", "Par A. Martin et B. Roy (avec AFP)",
            # "Par Claire DUMONT - AFP", "Par la rédaction avec l'AFP".
            rf"|(?i:par)\s+(?:{_NAME}(?:\s*(?:,|et)\s*{_NAME}){{0,3}}|(?i:la|notre)\s+(?i:rédaction))"
            rf"(?:\s*\(\s*(?i:avec)\s+{_CREDIT}\s*\)|{_BYLINE_AGENCY})?"
            # Agency desk codes at the end of a dispatch: "pz/fpo/ahe", "bur-ber/cls".
            r"|[a-z]{2,5}(?:[\-/][a-z]{2,5}){1,6}"
        ),
        "agency byline or code",
    ),
    Rule("timestamp", _is_timestamp, "publication or update timestamp"),
    Rule("tags", _is_tag_list, "tag list"),
    Rule("agency_note", _is_agency_note, "note on the dispatch's production"),
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
            # "Il vous reste 80 % de cet article à lire", not "... 20 % du budget à dépenser".
            r"|cet article est réservé aux abonnés.{0,80}"
            r"|il vous reste \d+\s*% de (?:cet |l['’])article à (?:lire|découvrir)\.?(?:\s.{0,80})?|"
            r"déjà abonné\s*\?.{0,60})"
        ),
        "newsletter or subscription prompt",
    ),
)


def normalize(paragraph: str) -> str:
    """The form the rules see: NFC, whitespace runs (non-breaking too) as one space."""
    return " ".join(unicodedata.normalize("NFC", paragraph).split())


# Reported speech ("..., a-t-il lancé", "..., a conseillé le maire", "..., selon la
# préfecture") is the article quoting someone, whatever words the quote uses.
_REPORTED_SPEECH = re.compile(
    r"\b\w+-t-(?:il|elle|ils|elles|on)\b"
    r"|[,»]\s*(?:a|ont|avait|avaient)\s+(?:\w+é|dit|écrit|fait savoir)\b"
    r"|[,»]\s*(?:selon|estime|explique|affirme|déclare|assure|souligne|rappelle|précise|ajoute|indique)\b",
    re.IGNORECASE,
)


def furniture_reason(paragraph: str) -> str | None:
    """The reason this paragraph alone is page furniture, or None when it is article text."""
    text = normalize(paragraph)
    if not text or len(text) > MAX_FURNITURE_CHARS or _REPORTED_SPEECH.search(text):
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
    for index in range(1, len(paragraphs)):
        # "À lire également :" alone on its line: the next line is the linked headline.
        previous = normalize(paragraphs[index - 1])
        if (
            reasons[index] is None
            and reasons[index - 1] == _READ_ALSO_REASON
            and _read_also_lead_only(previous)
            and _is_linked_title(normalize(paragraphs[index]))
        ):
            reasons[index] = _READ_ALSO_REASON
    for index, original in _duplicates(paragraphs).items():
        if reasons[index] is None:
            reasons[index] = f"duplicate of paragraph {original + 1}"
    return reasons


# --- Duplicates -----------------------------------------------------------------------

# Tokens that carry meaning: words and numbers, symbols (%, €, °), a minus sign before a
# digit, and ? and ! ("Il est parti ?" asks what "Il est parti." states). Other
# punctuation, case, spacing and apostrophe style do not make two paragraphs differ.
_TOKEN = re.compile(r"[-−]\d+|\w+|[^\w\s]")
_QUESTION_MARKS = {"?", "!"}
_CAPTION_CREDIT = re.compile(rf"\s*(?:{_CREDIT_TAIL})\.?$")


def _words(paragraph: str) -> tuple[str, ...]:
    """The paragraph as the words that make its meaning, without a trailing photo credit."""
    text = normalize(paragraph)
    text = _CAPTION_CREDIT.sub("", text) if len(text) <= MAX_FURNITURE_CHARS else text
    words: list[str] = []
    for token in _TOKEN.findall(text.casefold()):
        if token in _QUESTION_MARKS and words:
            # Glued to the word it closes, so that the statement "... des tarifs." is
            # neither equal to nor contained in the question "... des tarifs ?".
            words[-1] += token
        elif token in _QUESTION_MARKS or not unicodedata.category(token[-1]).startswith("P"):
            words.append(token)
    return tuple(words)


def _duplicates(paragraphs: Sequence[str]) -> dict[int, int]:
    """Map index of a repeated paragraph → index of its first occurrence.

    A repeat has exactly the same words in the same order (a swapped word, "deuxième"
    for "troisième" or "adopté" for "rejeté", is a different fact, and the same words in
    another order can be one too: "le Sénat a battu l'Assemblée"), or is wholly contained
    in an earlier paragraph: a caption pasted again without its credit, a pull quote.
    """
    found: dict[int, int] = {}
    first: dict[tuple[str, ...], int] = {}
    # Shingle → paragraphs holding it; None once it is too common to tell anything.
    postings: dict[tuple[str, ...], list[int] | None] = {}
    joined: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        words = _words(paragraph)
        joined.append(" " + " ".join(words) + " ")
        if len(words) >= EXACT_DUPLICATE_MIN_WORDS and words in first:
            found[index] = first[words]
            continue
        first.setdefault(words, index)
        if len(words) < EXACT_DUPLICATE_MIN_WORDS or len(joined[index]) < NEAR_DUPLICATE_MIN_CHARS:
            continue
        shingles = {words[i : i + _SHINGLE_WORDS] for i in range(len(words) - _SHINGLE_WORDS + 1)}
        original = _container(joined[index], shingles, postings, joined)
        if original is not None:
            found[index] = original
        for shingle in shingles:
            holders = postings.setdefault(shingle, [])
            if holders is not None:
                holders.append(index)
                if len(holders) > _MAX_POSTINGS:
                    postings[shingle] = None
    return found


def _container(
    key: str,
    shingles: set[tuple[str, ...]],
    postings: dict[tuple[str, ...], list[int] | None],
    joined: list[str],
) -> int | None:
    """The earliest earlier paragraph that holds all of `key`'s words, in order."""
    shared: dict[int, int] = defaultdict(int)
    informative = 0
    for shingle in shingles:
        holders = postings.get(shingle, ())
        if holders is None:
            continue
        informative += 1
        for candidate in holders:
            shared[candidate] += 1
    # A container holds every shingle of the contained paragraph.
    candidates = sorted(c for c, n in shared.items() if n == informative)
    for candidate in candidates[:_MAX_COMPARISONS]:
        if key in joined[candidate]:
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
