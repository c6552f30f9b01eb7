"""Names of a French paragraph (people, places, organisations, acronyms) missing in English.

A name is a capitalized word that does not start a sentence, a run of them, or an
acronym. French capitalizes far less than English (no capitals on months, days,
nationality adjectives or titles), so a capital inside a French sentence is almost always
a name. A capitalized word that starts a sentence counts only when the paragraph also
writes it capitalized elsewhere, or when it is an acronym or in the table below.

A name is found in the translation when one of its words is there, after stripping
accents and case, exactly, through the French→English table (``Etats-Unis`` →
``United States``), as a reordered acronym (``OTAN`` → ``NATO``) or by fuzzy match
(``Moscou`` → ``Moscow``). Matching any one word of a multi-word name keeps false
alarms rare (``Jean Charest`` → ``Mr Charest``), at the cost of missing a half-dropped
name.

A capitalized word that is a common French word absent from English ("les Bourses",
"Côté finances", "la Grâce"), or a very common English word absent from French ("Made
in France"), is not a name (pyspellchecker's word lists, see `is_common_word`), unless
the table knows it or it names a people ("les Brésiliens"). An acronym is also found
spelled out in the English ("BoJ" → "Bank of Japan").

Limits: a name translated into unrelated words the table does not know is reported
(``SQ`` → ``provincial police``); an English name with no French counterpart is not.
A surname that is also a common French word ("M. Boulanger"), alone, is not checked.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from translate_sum.audit.quote import quoted
from translate_sum.document import Flag

# French → English forms that neither accent stripping nor fuzzy matching can find.
# Keys and values are accent-free lowercase; a value is any of several English words.
NAME_TABLE: dict[str, tuple[str, ...]] = {
    "etats-unis": ("united states", "us", "u.s", "usa", "america", "american", "americans"),
    "etats": ("states", "state"),
    "etat": ("state", "government"),
    "union europeenne": ("european union", "eu"),
    "commission europeenne": ("european commission", "commission", "brussels"),
    "parlement europeen": ("european parliament", "parliament"),
    "conseil europeen": ("european council", "council"),
    "banque centrale europeenne": ("european central bank", "ecb"),
    "banque mondiale": ("world bank",),
    "conseil de securite": ("security council",),
    "cour supreme": ("supreme court",),
    "ue": ("eu", "european union"),
    "onu": ("un", "united nations"),
    "nations unies": ("united nations", "un"),
    "otan": ("nato",),
    "oms": ("who", "world health organization"),
    "omc": ("wto", "world trade organization"),
    "pib": ("gdp",),
    "tva": ("vat",),
    "ong": ("ngo", "non-governmental"),
    "fmi": ("imf", "international monetary fund"),
    "bce": ("ecb", "european central bank"),
    "rdc": ("drc", "congo"),
    "pme": ("sme", "small business", "small and medium"),
    "sida": ("aids",),
    "ps": ("socialist",),
    "royaume-uni": ("united kingdom", "uk", "britain", "british"),
    "grande-bretagne": ("britain", "uk", "united kingdom"),
    "angleterre": ("england", "britain", "english", "british"),
    "allemagne": ("germany", "german", "germans"), "allemand": ("german",), "allemands": ("germans", "german"),
    "espagne": ("spain", "spanish"), "espagnol": ("spanish",),
    "italie": ("italy", "italian"), "italien": ("italian",),
    "chine": ("china", "chinese"), "chinois": ("chinese",),
    "japon": ("japan", "japanese"), "japonais": ("japanese",),
    "russie": ("russia", "russian", "russians"), "russes": ("russians", "russian"),
    "grece": ("greece", "greek"), "grecs": ("greeks", "greek"),
    "suisse": ("switzerland", "swiss"), "suede": ("sweden",), "norvege": ("norway", "norwegian"),
    "danemark": ("denmark",), "pays-bas": ("netherlands", "holland", "dutch"),
    "belgique": ("belgium",), "autriche": ("austria",), "pologne": ("poland",),
    "hongrie": ("hungary",), "turquie": ("turkey",), "egypte": ("egypt", "egyptian"),
    "irlande": ("ireland",), "ecosse": ("scotland",), "tchequie": ("czech",),
    "israel": ("israel",), "liban": ("lebanon",), "syrie": ("syria",), "irak": ("iraq",),
    "iran": ("iran",), "arabie": ("arabia",), "inde": ("india",), "coree": ("korea",),
    "mexique": ("mexico", "mexican"), "bresil": ("brazil", "brazilian"), "argentine": ("argentina",),
    "perou": ("peru", "peruvian"), "chili": ("chile",), "colombie": ("colombia",),
    "afrique": ("africa",), "amerique": ("america", "american", "americas"), "europe": ("europe",),
    "asie": ("asia",), "algerie": ("algeria",), "maroc": ("morocco",), "tunisie": ("tunisia",),
    "libye": ("libya",), "mali": ("mali",),
    # Not "côte" alone: folded, it is also "côté" ("Côté finances, ...").
    "cote d'ivoire": ("ivory coast", "cote d'ivoire", "ivorian"),
    "cote d'azur": ("riviera", "cote d'azur"),
    "nouvelle-zelande": ("new zealand",), "australie": ("australia",),
    "afghanistan": ("afghanistan",), "ukraine": ("ukraine",), "ethiopie": ("ethiopia",),
    "londres": ("london",), "pekin": ("beijing", "peking"), "moscou": ("moscow",),
    "varsovie": ("warsaw",), "venise": ("venice",), "geneve": ("geneva",),
    "bruxelles": ("brussels",), "vienne": ("vienna",), "lisbonne": ("lisbon",),
    "copenhague": ("copenhagen",), "athenes": ("athens",), "le caire": ("cairo",),
    "alger": ("algiers",), "jerusalem": ("jerusalem",), "la haye": ("the hague", "hague"),
    "nouvelle-orleans": ("new orleans",), "new york": ("new york",),
    "france": ("france", "french"), "francais": ("french", "france"), "americains": ("americans", "american", "us"),
    "americain": ("american", "us"), "europeens": ("europeans", "european", "eu"),
    "quebecois": ("quebecers", "quebecois", "quebec"), "canadiens": ("canadians", "canadian"),
    "assemblee nationale": ("national assembly", "assembly"),
    "assemblee": ("assembly",), "senat": ("senate",), "parlement": ("parliament",),
    "conseil": ("council", "board"), "cour": ("court",), "eglise": ("church",),
    "maison blanche": ("white house",), "maison": ("house",), "blanche": ("white",),
    "premier ministre": ("prime minister", "premier"), "ministere": ("ministry", "department"),
    "ministre": ("minister",), "gouvernement": ("government",), "nord": ("north", "northern"),
    "sud": ("south", "southern"), "est": ("east", "eastern"), "ouest": ("west", "western"),
    "bourse": ("stock exchange", "stock market", "exchange", "market", "stocks", "shares", "equities", "bourse"),
    "co2": ("co2", "carbon dioxide", "carbon"),
    "rfa": ("germany", "west germany", "frg"),
    "tv": ("tv", "television", "televised"), "oea": ("oas", "organization of american states"),
    "sud-est": ("southeast", "south-east", "south east"), "sud-ouest": ("southwest", "south-west", "south west"),
    "nord-est": ("northeast", "north-east", "north east"), "nord-ouest": ("northwest", "north-west", "north west"),
    "onusida": ("unaids",),
    "jeux olympiques": ("olympic", "olympics"), "coupe du monde": ("world cup",),
    "noel": ("christmas",), "paques": ("easter",), "toussaint": ("all saints",),
    "proche-orient": ("middle east", "near east"), "moyen-orient": ("middle east",),
    "saint": ("st", "saint"), "sainte": ("st", "saint"), "mer": ("sea",), "mont": ("mount",),
    "ile": ("island",), "iles": ("islands",), "golfe": ("gulf",), "lac": ("lake",),
    "fleuve": ("river",), "riviere": ("river",), "place": ("square", "place"),
    "ligue": ("league",), "parti": ("party",), "front": ("front",),
    "commission": ("commission", "committee"), "ville": ("city", "town"),
    "internet": ("internet", "web", "online"), "web": ("web", "internet", "online"),
    "terre": ("earth",), "lune": ("moon",), "soleil": ("sun",), "dieu": ("god",),
    "equateur": ("ecuador", "equator"), "moldavie": ("moldova",), "cisjordanie": ("west bank",),
    "koweit": ("kuwait",), "islande": ("iceland",), "baviere": ("bavaria",),
    "sardaigne": ("sardinia",), "laponie": ("lapland",), "guyane": ("guiana", "guyana"),
    "tombouctou": ("timbuktu",), "caraibes": ("caribbean",), "baltique": ("baltic",),
    "extreme-orient": ("far east",), "tchecoslovaquie": ("czechoslovakia",),
    "mecque": ("mecca",), "nil": ("nile",), "gizeh": ("giza",), "perse": ("persia", "persian"),
    "tcheques": ("czechs", "czech"), "tcheque": ("czech",), "polonais": ("poles", "polish"),
    "portugais": ("portuguese",), "suedois": ("swedes", "swedish"), "turc": ("turk", "turkish"),
    "turcs": ("turks", "turkish"), "autrichiens": ("austrians", "austrian"),
    "britannique": ("british", "briton"), "britanniques": ("british", "britons"),
    "espagnols": ("spaniards", "spanish"), "juifs": ("jews", "jewish"), "juif": ("jew", "jewish"),
    "occidentaux": ("westerners", "western", "west"), "occident": ("west", "western"),
    "musulmans": ("muslims", "muslim"), "chretiens": ("christians", "christian"),
    "egyptiens": ("egyptians", "egyptian"), "freres": ("brothers", "brotherhood"),
    "banque": ("bank",), "union": ("union", "eu"), "republique": ("republic",),
    "jeux": ("games", "olympics"), "chateau": ("castle", "chateau", "palace"),
    "musee": ("museum",), "chambre": ("chamber", "house"), "centre": ("center", "centre"),
    "affaires": ("affairs", "business"), "academie": ("academy",), "agence": ("agency",),
    "autorite": ("authority",), "armee": ("army",), "bureau": ("office", "bureau"),
    "code": ("code",), "direction": ("department", "management", "directorate"),
    "federation": ("federation",), "institut": ("institute",), "jardin": ("garden",),
    "palais": ("palace",), "quartier": ("district", "quarter"), "rue": ("street",),
    "monts": ("mountains", "mounts"), "croix": ("cross",), "guerre": ("war",),
    "empire": ("empire",), "voie": ("way",), "rouge": ("red",), "morte": ("dead",),
    "mondial": ("world",), "mondiale": ("world",), "journee": ("day",), "droits": ("rights",),
    "homme": ("man", "human"), "premier": ("prime", "premier", "first"),
    "premiere": ("first",), "seconde": ("second",), "moyen": ("middle",), "age": ("ages", "age"),
    "bible": ("bible", "biblical"), "meilleur": ("best",), "meilleure": ("best",),
    "tresor": ("treasure", "treasury"), "clinique": ("clinic",), "ecole": ("school",),
    "universite": ("university",), "hopital": ("hospital",), "societe": ("society", "company"),
    "compagnie": ("company",), "syndicat": ("union",), "tribunal": ("court",),
    "police": ("police",), "ministere public": ("prosecution", "prosecutor"),
    "kirghizie": ("kyrgyzstan", "kirghizia"), "malouines": ("falklands", "falkland"),
    "antiquite": ("antiquity", "ancient"), "barbarie": ("barbary",), "verseau": ("aquarius",),
    "mahomet": ("muhammad", "mohammed", "prophet"), "noe": ("noah",), "kheops": ("cheops", "khufu"),
    "croises": ("crusaders",), "coptes": ("copts", "coptic"), "terriens": ("earthlings",),
}

# Capitalized nouns that French writes in institution names ("le Centre de ...",
# "l'État", "la République tchèque") and English often rewords: on their own they are
# not names worth a flag.
_GENERIC = set(
    """etat etats republique centre union terre web internet net academie agence autorite
    code conseil institut institution palais quartier plateau empire federation direction
    directeur bureau chambre affaires valeurs droite gauche ancien nouvel nouveau haut bas
    moyen grand grande petit petite communaute apprentissage transformation gouvernement
    ministere ministre assemblee parlement senat cour tribunal justice commission comite
    service services departement region province ville cite president presidente
    """.split()
)

# Words that, capitalized, are not names: sentence starters the paragraph may repeat,
# months and days (capitalized only by mistake), titles and honorifics.
_NOT_NAMES = set(
    """le la les l un une des du de d au aux ce cet cette ces il elle ils elles on nous vous
    je tu mais et ou donc or ni car si en dans pour par sur sous avec sans selon chez vers
    depuis pendant avant apres entre contre malgre comme quand lorsque puis alors ainsi
    pourtant cependant enfin toutefois certes mme m mm mlle me mr dr pr st ste cie
    monsieur madame mademoiselle maitre docteur professeur
    lundi mardi mercredi jeudi vendredi samedi dimanche
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    oui non voila c qu qui que quoi ou quel quelle quels quelles tout tous toute toutes
    a y j-c jc j.-c av apr
    eur usd gbp chf cad jpy czk rub cny sek nok dkk pln huf aud
    """.split()
)
# Currency codes (last line above) are units: the number check covers the amount,
# and translators write "25 million Czech crowns" for "25 millions CZK".

# Table entries of several words that are matched in the French text as phrases, before
# any word is set aside as generic: "Union européenne" is a name though "Union" alone
# is not, and "européenne" is lowercase. Titles ("premier ministre") are left out: a
# translator may well write "Mr Ayrault" for "le Premier ministre Ayrault".
_PHRASES = sorted(
    (k for k in NAME_TABLE if " " in k and k not in ("premier ministre", "ministere public")),
    key=len,
    reverse=True,
)

# Any letter, not only Latin-1: "ČSA", "Lanškroun", "Yılmaz" are one word each.
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
# Lowercase words allowed inside a name ("Union européenne", "Jean de La Fontaine").
_PARTICLES = {"de", "du", "des", "la", "le", "d", "von", "van", "der", "den", "al", "el", "y", "di", "da"}
_ROMAN_ORDINAL = re.compile(r"^[IVXLC]+(?:e|er|ème|ᵉ)$")
_SENTENCE_END = re.compile(r"[.!?…:;«»\"“”(\[—–]\s*$|^\s*[-–—]?\s*$")


def fold(text: str) -> str:
    """Lowercase without accents: the form every comparison uses."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("œ", "oe").replace("Œ", "oe").replace("’", "'").lower()


def _fold_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index it comes from in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = fold(ch)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def table_phrases(text: str) -> list[tuple[str, str]]:
    """Multi-word names of the table in a French text, as (table key, text as written).

    Only writings with a capital count ("l'Union européenne", "les Nations unies"):
    "une union européenne des banques" is not the European Union.
    """
    folded, where = _fold_map(text)
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for phrase in _PHRASES:
        for m in re.finditer(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            written = text[where[m.start()] : where[m.end() - 1] + 1]
            if any(ch.isupper() for ch in written):
                taken.append((m.start(), m.end()))
                found.append((phrase, written))
    return found


# Capitalized common words ("les Bourses européennes", "Côté finances", "la Grâce
# divine", "le Made in France") are told from names by word lists: a French word
# (frequency ≥ COMMON_FR in pyspellchecker's French list) that English lacks
# (< RARE_EN), or a very common English word (≥ COMMON_EN) that French lacks. Those
# lists hold few proper nouns, and names shared by both languages ("Paris") stay names.
COMMON_FR = 100
RARE_EN = 100
COMMON_EN = 200_000


_DEMONYM = re.compile(r"(?:iens?|iennes?|ains?|aines?|ais|aises?|ois|oises?)$")


@functools.lru_cache(maxsize=1)
def _word_counts() -> tuple[dict[str, int], dict[str, int]]:
    """pyspellchecker's French and English word counts, loaded on first use (under 1 s)."""
    from spellchecker import SpellChecker

    french = SpellChecker(language="fr", distance=1).word_frequency.dictionary
    english = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return french, english


def is_common_word(word: str) -> bool:
    """Whether a capitalized word is a common word rather than a name (see COMMON_FR)."""
    if _is_acronym(word) or any(ch.isdigit() for ch in word):
        return False
    folded = fold(word)
    # The table's words ("Bourse", "Allemands") are names it knows how to translate,
    # and a capitalized people noun is one ("les Brésiliens"; the adjective is not).
    if _table_entry(folded) or _DEMONYM.search(folded):
        return False
    french, english = _word_counts()
    low = word.lower().replace("’", "'")
    fr_count, en_count = french.get(low, 0), english.get(low, 0)
    return (fr_count >= COMMON_FR and en_count < RARE_EN) or (en_count >= COMMON_EN and fr_count == 0)


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("-", "")
    return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def _clean(word: str) -> str:
    word = word.strip(".-'’")
    # "l'ONU", "d'Europe": the elided article is not part of the name.
    match = re.match(r"^(?:[lLdDjJnNsScCmMtT]|[qQ]u|[jJ]usqu|[lL]orsqu|[pP]uisqu)['’](.+)$", word)
    if match:
        word = match.group(1)
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    return word


def extract_names(text: str) -> list[str]:
    """The names of a French paragraph, each as written (a run of capitalized words)."""
    tokens = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        # "l'ONU" starts with a lowercase article but carries a name.
        elided = re.match(r"^[a-zA-Z]{1,6}['’]", word)
        initial = bool(_SENTENCE_END.search(text[: m.start()])) and not elided
        tokens.append((_clean(word), initial))
    capitalized_inside = {w for w, initial in tokens if w[:1].isupper() and not initial}
    names: list[str] = []
    run: list[str] = []

    def close() -> None:
        while run and fold(run[-1]) in _PARTICLES:
            run.pop()
        if run and not all(fold(w) in _GENERIC or fold(w) in _PARTICLES or is_common_word(w) for w in run):
            names.append(" ".join(run))
        run.clear()

    for word, initial in tokens:
        if not word:
            close()
            continue
        folded = fold(word)
        is_name = (
            word[:1].isupper()
            and folded not in _NOT_NAMES
            and not _ROMAN_ORDINAL.match(word)
            # "J", "Ji": initials and fragments, too short to match reliably.
            and (len(word) >= 3 or _is_acronym(word))
        )
        if is_name and initial:
            # Sentence-initial: a name only with other evidence in the paragraph.
            is_name = (
                _is_acronym(word)
                or (word in capitalized_inside and not word.isupper())
                or (folded in NAME_TABLE and not is_common_word(word))
            )
        if is_name:
            if initial:
                close()
            run.append(word)
        elif run and folded in _PARTICLES and not initial:
            run.append(word)
        else:
            close()
    close()
    return names


def _english_words(text: str) -> set[str]:
    words: set[str] = set()
    for token in _TOKEN.findall(text):
        folded = fold(_clean(token))
        words.add(folded)
        words.add(folded.replace(".", ""))
        words.update(p for p in re.split(r"[-.'’]", folded) if p)
    return words


def _looks_like_acronym(word: str) -> bool:
    """An acronym, mixed case included: "OTAN", "BoJ", "PdG" (two capitals or more)."""
    letters = [ch for ch in word if ch.isalpha()]
    return 2 <= len(letters) <= 6 and sum(ch.isupper() for ch in letters) >= 2 and letters[0].isupper()


def _found(name: str, folded_text: str, words: set[str], acronyms: set[str], translation_words: list[str]) -> bool:
    """Whether a French name appears in the English, in any accepted form."""
    whole = fold(name)
    alternatives = _table_entry(whole)
    if any(_contains(folded_text, alt) for alt in alternatives):
        return True
    for part in re.split(r"[\s-]+", name):
        folded = fold(part).strip(".")
        if not folded or folded in _PARTICLES:
            continue
        if folded in words or folded.replace(".", "") in words:
            return True
        if any(_contains(folded_text, alt) for alt in _table_entry(folded)):
            return True
        if _is_acronym(part) and "".join(sorted(folded)) in acronyms:
            return True  # OTAN → NATO, FMI → IMF
        if _looks_like_acronym(part) and _spelled_out(part, translation_words):
            return True  # BoJ → Bank of Japan
        if len(folded) >= 4 and any(w.startswith(folded) for w in words):
            return True  # "sites Web" → "websites"
        if len(folded) >= 4 and difflib.get_close_matches(folded, words, n=1, cutoff=0.72):
            return True  # Moscou → Moscow, Autrichiens → Austrians
        english_form = _english_ending(folded)
        if english_form and difflib.get_close_matches(english_form, words, n=1, cutoff=0.72):
            return True  # Brésilien → Brazilian
    return False


def _contains(folded_text: str, phrase: str) -> bool:
    """Whether the phrase is in the text as whole words, in the singular or the plural
    ("sme" in "smes", "stock market" in "stock markets"), or as the adjective of a
    place of four letters or more ("ecuador" in "Ecuadorian", "brazil" in "Brazilian")."""
    ending = r"(?:s|es|n|an|ian|ean|ese|i)?" if len(phrase) >= 4 else r"(?:s|es)?"
    return re.search(r"(?<![a-z])" + re.escape(phrase) + ending + r"(?![a-z])", folded_text) is not None


# French endings of place names and their people, and the English ones they become:
# "Brésilien" → "Brazilian", "Syrie" → "Syria", "Mexicain" → "Mexican".
_ENDINGS = (("iennes", "ians"), ("ienne", "ian"), ("iens", "ians"), ("ien", "ian"), ("ains", "ans"),
            ("aine", "an"), ("ain", "an"), ("ique", "ic"), ("ie", "ia"))


def _english_ending(folded: str) -> str | None:
    """The folded word with its French ending made English, or None when it has none."""
    for french, english in _ENDINGS:
        if folded.endswith(french) and len(folded) > len(french) + 2:
            return folded[: -len(french)] + english
    return None


def _table_entry(folded: str) -> tuple[str, ...]:
    """The table's English forms for a folded French word, or its singular ("bourses")."""
    if folded in NAME_TABLE:
        return NAME_TABLE[folded]
    if folded[-1:] in ("s", "x") and folded[:-1] in NAME_TABLE:
        return NAME_TABLE[folded[:-1]]
    return ()


# Small words an English name spells out between its initials: "Bank of Japan" (BoJ).
_INITIAL_SKIPS = {"of", "and", "the", "for", "on", "&", "de", "du", "des", "la", "le"}


def _spelled_out(acronym: str, translation_words: list[str]) -> bool:
    """Whether the translation spells the acronym out: "BoJ" → "Bank of Japan",
    "PAC" → "Common Agricultural Policy" is not (French order), "FBI" → "Federal Bureau
    of Investigation" is. Every spelled-out word must be capitalized."""
    letters = [ch for ch in fold(acronym) if ch.isalpha()]
    if not 2 <= len(letters) <= 6:
        return False
    for start in range(len(translation_words)):
        matched, j = 0, start
        while matched < len(letters) and j < len(translation_words):
            word = translation_words[j]
            folded = fold(word)
            if folded[:1] == letters[matched] and (word[:1].isupper() or folded in _INITIAL_SKIPS):
                matched += 1
            elif folded not in _INITIAL_SKIPS or j == start:
                break
            j += 1
        if matched == len(letters):
            return True
    return False


def check_names(source: str, translation: str) -> list[Flag]:
    """Flags for names of the French source that the English translation lacks."""
    folded_text = fold(translation)
    words = _english_words(translation)
    # Letters of every short word, sorted, plural "s" dropped: "STIs" answers "IST".
    acronyms = {"".join(sorted(w)) for w in words if len(w) <= 6}
    acronyms |= {"".join(sorted(w[:-1])) for w in words if 3 <= len(w) <= 7 and w.endswith("s")}
    translation_words = [_clean(t) for t in _TOKEN.findall(translation)]
    flags: list[Flag] = []
    seen: set[str] = set()
    covered: set[str] = set()  # words of table phrases: "Nations" of "Nations unies"
    for phrase, written in table_phrases(source):
        covered.update(phrase.split())
        if written in seen:
            continue
        seen.add(written)
        if not any(_contains(folded_text, alt) for alt in NAME_TABLE[phrase]):
            flags.append(Flag("name", f"name {quoted(written)} missing in translation", "warning"))
    for name in extract_names(source):
        if name in seen or set(fold(name).split()) <= covered:
            continue
        seen.add(name)
        if not _found(name, folded_text, words, acronyms, translation_words):
            flags.append(Flag("name", f"name {quoted(name)} missing in translation", "warning"))
    return flags
