"""Extractive summaries and key points: the translation's best sentences, verbatim.

The English sentences are ranked once for news (`rank_article`) by three signals —
position (the lead carries the story), similarity to the whole article (TF-IDF cosine
against the article and its headline), and a length prior (fragments and run-on
sentences make poor bullets) — then lowered for sentences that cannot stand alone
(openers that point back: "The same applies to...", "Such...", "However...") and for
sentences that name nobody and nothing. One `Ranking` serves both the summary and
the key points; picks come back in document order. Every key point is a sentence of
the translation, verbatim, with the paragraph(s) it came from; key points can leave
out what the summary already says.

Sentences are the ones the text layer split once after translation
(`Paragraph.translation_sentences`); paragraphs without them are split here.
Plain English text, without a TranslatedArticle: `extractive_summary_text(paragraphs)`
and `key_points_text(paragraphs)`.

Limits: English only (pysbd 'en' rules and an English stopword list). The ranking is
a heuristic tuned on news; it knows nothing of quotes, tables or lists, and the
similarity signal is lexical (no synonyms).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from translate_sum.document import KeyPoint, Span, TranslatedArticle
from translate_sum.summarize.summary import Length, Summary, check_length
from translate_sum.text import sentence_spans, stripped

# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """A sentence of the translation, verbatim, and where it came from."""

    text: str
    paragraph: int  # Paragraph.index of its source paragraph (1-based)
    position: int  # order among the article's body sentences, from 0
    first_in_paragraph: bool = False


Passage = tuple[int, str, tuple[Span, ...]]
"""(paragraph index, English text, its sentence spans; empty when not split yet)."""


def english_sentences(text: str, spans: Sequence[Span] = ()) -> list[str]:
    """The stripped sentences of English `text`, from its spans (split here when there are none)."""
    return stripped(text, spans or sentence_spans(text, "en"))


def _sentences_of(passages: Sequence[Passage]) -> list[Sentence]:
    sentences: list[Sentence] = []
    for index, text, spans in passages:
        if not text.strip():
            continue
        for k, piece in enumerate(english_sentences(text, spans)):
            sentences.append(Sentence(piece, index, len(sentences), first_in_paragraph=k == 0))
    return sentences


def _body(translated: TranslatedArticle) -> list[Passage]:
    """The paragraphs that can supply key points, with their English sentence spans."""
    return [
        (p.index, p.translation, p.translation_sentences)
        for p in translated.paragraphs
        if not p.is_title and not p.skipped and p.translation.strip()
    ]


def _numbered(paragraphs: Sequence[str]) -> list[Passage]:
    return [(i, text, ()) for i, text in enumerate(paragraphs, start=1)]


def split_sentences(translated: TranslatedArticle) -> list[Sentence]:
    """The English sentences of the article body, in document order.

    The title and skipped paragraphs are left out: they are not key-point candidates.
    """
    return _sentences_of(_body(translated))


# ---------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------

_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say mr mrs ms one two new
    """.split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

# Openers that point back to a previous sentence: out of context such a bullet reads
# as a non sequitur ("He added that..."), so they are ranked a little lower.
_ANAPHORIC = re.compile(
    r"^(?:this|these|that|those|it|its|he|she|they|his|her|their|however|but|and|also|"
    r"furthermore|moreover|indeed|nevertheless|yet|so|thus|therefore|in addition|"
    r"in fact|as a result|for example|for instance|on the other hand|besides|which|"
    r"enough|what is more|then|still|instead|even so)\b",
    re.IGNORECASE,
)
# Openers that cannot be read without the sentence before: a comparison or a reference
# to something just said ("The same applies to...", "Such cases...", "While one study
# found X, another found Y"). Out of context they mislead, so they rank far lower.
_DANGLING = re.compile(
    r"^(?:the same|such|these|those|both|another|the other|the opposite|the former|"
    r"the latter|likewise|similarly|enough|here|next|now,|particularly|especially|"
    r"in this case|in that case|in this sense|that is why|this is why|"
    r"for (?:this|that) reason|"
    r"while (?:one|some|the first)\b.*\b(?:another|others|the other|the second))(?!\w)",
    re.IGNORECASE,
)
# A capitalized word after the first: a name, a place, an organisation. The lead of a
# summary should say who or where; "I" and "I'm" are not names.
_NAMED = re.compile(r"(?<=[\s(\"“«'-])(?!I\b)[A-Z][\w'’-]*")
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _terms(text: str) -> list[str]:
    terms = []
    for word in _WORD.findall(text.lower()):
        word = re.sub(r"['’]s$", "", word)
        if word in _STOPWORDS or len(word) < 2:
            continue
        # Crude plural folding so "voter" and "voters" count as one term.
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        terms.append(word)
    return terms


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if dot == 0.0:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm


def _length_prior(words: int) -> float:
    """1 for a typical news sentence (12-35 words), lower for fragments and run-ons."""
    if words < 6:
        return 0.1
    if words < 12:
        return 0.4 + 0.6 * (words - 6) / 6
    if words <= 35:
        return 1.0
    if words <= 60:
        return 1.0 - 0.7 * (words - 35) / 25
    return 0.2


def _is_candidate(sentence: Sentence) -> bool:
    """Whether a sentence can stand alone as a bullet: no headings, no fragments."""
    text = sentence.text
    if len(text.split()) < 4 or not _ENDS_LIKE_SENTENCE.search(text):
        return False  # subheadings ("Diet") and scraps ("Properly.")
    first = next((c for c in text if c.isalnum()), "")
    # A lowercase start is the tail of a split quotation ("asks Ms Plamondon.").
    return bool(first) and not first.islower()


@dataclass(frozen=True)
class Ranking:
    """The sentences of a text ranked once; serves its summary and its key points."""

    sentences: tuple[Sentence, ...]
    vectors: tuple[dict[str, float], ...]
    order: tuple[int, ...]  # sentence indexes, best first
    idf: dict[str, float]

    def vector(self, text: str) -> dict[str, float]:
        """TF-IDF vector of any text, with the article's weights (unseen terms: the rarest)."""
        unseen = math.log(1 + len(self.sentences)) + 1.0
        return {t: c * self.idf.get(t, unseen) for t, c in Counter(_terms(text)).items()}

    def summary(self, length: Length = "medium") -> Summary:
        """An extractive summary of `length` from the best sentences, in document order.

        short: 1-2 sentences (about 30-60 words); medium: 2-4 (about 75-120 words);
        long: 3-5 (about 130-200 words). No sentences give an empty summary.
        """
        check_length(length)
        if not self.sentences:
            return Summary("", "extractive")
        budget = _BUDGETS[length]
        sentences = self.sentences

        def words(picks: list[int]) -> int:
            return sum(len(sentences[j].text.split()) for j in picks)

        def accept(picks: list[int], i: int) -> bool:
            # The best sentence is always taken, even when it alone overruns the budget.
            return not picks or words(picks) + len(sentences[i].text.split()) <= budget.max_words

        def done(picks: list[int]) -> bool:
            return len(picks) >= budget.max_sentences or (
                len(picks) >= budget.min_sentences and words(picks) >= budget.min_words
            )

        picks, _ = _pick(self, self.order, accept, done)
        chosen = tuple(sentences[i].text for i in sorted(picks))
        return Summary(" ".join(chosen), "extractive", sentences=chosen)

    def key_points(
        self, count: int = 5, exclude: Collection[str] = (), *, said: Sequence[str] = ()
    ) -> tuple[KeyPoint, ...]:
        """The `count` best sentences as key points, in document order (see `key_points`).

        `exclude` holds texts the reader already has (split into sentences here);
        `said` holds sentences already split, such as `Summary.sentences`.
        """
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        if isinstance(exclude, str):
            exclude = (exclude,)  # one summary, not a set of its characters
        if not self.sentences:
            return ()
        said = [*said, *(t for text in exclude if text.strip() for t in english_sentences(text))]
        excluded = self._excluded(said)
        order = self.order
        if excluded:
            # What the summary already says goes to the end of the ranking: it is taken only
            # to reach the minimum number of points when nothing else is left.
            order = tuple(i for i in order if i not in excluded) + tuple(i for i in order if i in excluded)
        floor = min(_MIN_POINTS, count)

        def accept(picks: list[int], i: int) -> bool:
            return i not in excluded or len(picks) < floor

        picks, cited = _pick(self, order, accept, lambda picks: len(picks) >= count)
        return tuple(KeyPoint(self.sentences[i].text, tuple(sorted(cited[i]))) for i in sorted(picks))

    def _excluded(self, said: Sequence[str]) -> set[int]:
        """Indexes of the sentences that say what a sentence of `said` says."""
        normalized = {_normalized(t) for t in said}
        vectors = [v for v in (self.vector(t) for t in said) if v]
        return {
            i
            for i, sentence in enumerate(self.sentences)
            if _normalized(sentence.text) in normalized
            or (
                self.vectors[i]
                and any(_cosine(self.vectors[i], v) >= _REDUNDANT_SIMILARITY for v in vectors)
            )
        }


def rank(passages: Sequence[Passage], title: str | None = None) -> Ranking:
    """Rank the sentences of `passages` (index, text, spans) for a news summary."""
    sentences = _sentences_of(passages)
    if not sentences:
        return Ranking((), (), (), {})
    return _rank(sentences, title)


def rank_article(translated: TranslatedArticle) -> Ranking:
    """The body sentences of a translation ranked once, with its headline as a signal."""
    return rank(_body(translated), translated.title)


def rank_paragraphs(paragraphs: Sequence[str]) -> Ranking:
    """Plain English paragraphs ranked (numbered from 1 in the order given; none is a title)."""
    return rank(_numbered(paragraphs))


def _rank(sentences: list[Sentence], title: str | None = None) -> Ranking:
    """Rank sentences for a news summary; ties broken by document order."""
    n = len(sentences)
    term_lists = [_terms(s.text) for s in sentences]
    document_frequency = Counter(t for terms in term_lists for t in set(terms))
    idf = {t: math.log((1 + n) / (1 + df)) + 1.0 for t, df in document_frequency.items()}
    vectors = [
        {t: c * idf[t] for t, c in Counter(terms).items()} for terms in term_lists
    ]
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)
    if title:
        # The headline names the story: its terms count as much as two mentions each.
        for t in _terms(title):
            if t in idf:
                centroid[t] += 2.0 * idf[t]
    similarity = [_cosine(v, centroid) if v else 0.0 for v in vectors]
    top = max(similarity, default=0.0) or 1.0

    candidates = {i for i, s in enumerate(sentences) if _is_candidate(s)}
    if not candidates:  # a very short article: better a fragment than nothing
        candidates = {i for i, s in enumerate(sentences) if any(c.isalpha() for c in s.text)}

    scores: dict[int, float] = {}
    for i in candidates:
        s = sentences[i]
        position = 1.0 / (1.0 + s.position / 4.0)
        lead = 0.7 * position + 0.3 * (1.0 if s.first_in_paragraph else 0.0)
        score = (
            0.45 * similarity[i] / top
            + 0.35 * lead
            + 0.20 * _length_prior(len(s.text.split()))
        )
        opening = s.text.lstrip("\"'“«( ")
        if _DANGLING.match(opening):
            score *= 0.6
        elif _ANAPHORIC.match(opening):
            score *= 0.85
        if not _NAMED.search(s.text):
            score *= 0.9  # no name, place or organisation: says less about the story
        if s.text.rstrip("\"'”’») ").endswith("?"):
            score *= 0.6  # a question (often the interviewer's) informs less than the answer
        scores[i] = score
    order = sorted(scores, key=lambda i: (-round(scores[i], 12), i))
    return Ranking(tuple(sentences), tuple(vectors), tuple(order), idf)


# Near-duplicates: above MERGE the two sentences say the same thing, so the kept one
# also cites the other's paragraph; above REDUNDANT the second adds too little to keep.
_MERGE_SIMILARITY = 0.85
_REDUNDANT_SIMILARITY = 0.5


def _normalized(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _pick(
    ranking: Ranking,
    order: Sequence[int],
    accept: Callable[[list[int], int], bool],
    done: Callable[[list[int]], bool],
) -> tuple[list[int], dict[int, set[int]]]:
    """Walk the ranking, skipping near-duplicates of picks; returns picks and citations."""
    picks: list[int] = []
    cited: dict[int, set[int]] = {}
    for i in order:
        sentence = ranking.sentences[i]
        duplicate_of = None
        for j in picks:
            same = _normalized(sentence.text) == _normalized(ranking.sentences[j].text)
            similarity = _cosine(ranking.vectors[i], ranking.vectors[j]) if ranking.vectors[i] else 0.0
            if same or similarity >= _MERGE_SIMILARITY:
                cited[j].add(sentence.paragraph)
                duplicate_of = j
                break
            if similarity >= _REDUNDANT_SIMILARITY:
                duplicate_of = j
                break
        if duplicate_of is not None or done(picks):
            continue  # keep walking after `done` only to collect merged citations
        if accept(picks, i):
            picks.append(i)
            cited[i] = {sentence.paragraph}
    return picks, cited


# With `exclude`, fewer points than this come back only when the article has no more.
_MIN_POINTS = 3


@dataclass(frozen=True)
class _Budget:
    min_sentences: int
    max_sentences: int
    min_words: int
    max_words: int


_BUDGETS: dict[str, _Budget] = {
    # Stop once past the middle of the range: news sentences run 20-35 words, so
    # stopping at the bottom of the range would leave most summaries at its floor.
    "short": _Budget(1, 2, 30, 60),
    "medium": _Budget(2, 4, 75, 120),
    "long": _Budget(3, 5, 130, 200),
}


# ---------------------------------------------------------------------------
# The public shortcuts (each ranks once; rank yourself to get summary and points)
# ---------------------------------------------------------------------------


def key_points(
    translated: TranslatedArticle, count: int = 5, exclude: Collection[str] = ()
) -> tuple[KeyPoint, ...]:
    """The `count` most informative sentences of the translation, in document order.

    Each key point's text is a sentence of the English translation, verbatim; its
    `paragraphs` are the indexes of the paragraph(s) saying it: a sentence repeated,
    word for word or nearly, in a later paragraph is one key point citing both (the
    text is verbatim in one of them). Fewer points come back when the article has fewer
    usable sentences. The title is never a key point.

    `exclude` holds texts the reader already has, typically the summary (a string or
    its sentences): sentences they contain, and near-duplicates of those, are left out,
    unless that would leave fewer than three points (or `count`, if lower); then the
    best of them fill up to three.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    return rank_article(translated).key_points(count, exclude)


def key_points_text(
    paragraphs: Sequence[str], count: int = 5, exclude: Collection[str] = ()
) -> tuple[KeyPoint, ...]:
    """Like `key_points`, for plain English paragraphs (none is a title).

    Paragraphs are numbered from 1 in the order given; empty ones keep their number.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    return rank_paragraphs(paragraphs).key_points(count, exclude)


def extractive_summary(translated: TranslatedArticle, length: Length = "medium") -> str:
    """A summary made of the article's best sentences, verbatim, in document order.

    short: 1-2 sentences (about 30-60 words); medium: 2-4 (about 75-120 words);
    long: 3-5 (about 130-200 words). An article with no body text gives "".
    """
    check_length(length)
    return rank_article(translated).summary(length).text


def extractive_summary_text(paragraphs: Sequence[str], length: Length = "medium") -> str:
    """Like `extractive_summary`, for plain English paragraphs (none is a title)."""
    check_length(length)
    return rank_paragraphs(paragraphs).summary(length).text
