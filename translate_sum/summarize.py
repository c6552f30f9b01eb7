"""Summarize an English translation: extractive key points and summaries, and an
abstractive summarizer that map-reduces long texts through a sequence-to-sequence engine.

Extractive (no model): the English sentences are ranked for news by three signals —
position (the lead carries the story), similarity to the whole article (TF-IDF cosine
against the article and its headline), and a length prior (fragments and run-on
sentences make poor bullets) — then lowered for sentences that cannot stand alone
(openers that point back: "The same applies to...", "Such...", "However...") and for
sentences that name nobody and nothing; the picks are returned in document order. Every
key point is a sentence of the translation, verbatim, with the paragraph(s) it came from;
key points can leave out what the summary already says (`exclude`).

Plain English text, without a TranslatedArticle: `extractive_summary_text(paragraphs)`
and `key_points_text(paragraphs)`.

Abstractive (through an engine passed in): a text longer than the engine's input limit
is cut at paragraph boundaries (then sentences, then words, then characters — never
truncated), each chunk is summarized, and the joined chunk summaries are summarized
again until they fit; so the end of a long article weighs as much as its start.

Limits: English only (pysbd 'en' rules and an English stopword list). The ranking is
a heuristic tuned on news; it knows nothing of quotes, tables or lists, and the
similarity signal is lexical (no synonyms). This module never imports torch or
transformers: the model lives behind the engine object.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Collection, Literal, Sequence

import pysbd

from .document import KeyPoint, TranslatedArticle
from .engines.base import DecodeOptions, ProgressCallback, Seq2SeqEngine

logger = logging.getLogger(__name__)

Length = Literal["short", "medium", "long"]
LENGTHS: tuple[Length, ...] = ("short", "medium", "long")

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


_segmenter: pysbd.Segmenter | None = None


def _split_text(text: str) -> list[str]:
    """Sentences of `text`, each stripped and found verbatim in `text`."""
    global _segmenter
    if _segmenter is None:
        # clean=False: pysbd must not rewrite the text, or sentences stop being verbatim.
        _segmenter = pysbd.Segmenter(language="en", clean=False)
    sentences = []
    for piece in _segmenter.segment(text):
        piece = piece.strip()
        if not piece:
            continue
        if piece not in text:  # pysbd should never do this; guard the verbatim promise
            logger.debug("sentence splitter altered text, keeping the paragraph whole")
            return [text.strip()]
        sentences.append(piece)
    return sentences


def _sentences_of(paragraphs: Sequence[tuple[int, str]]) -> list[Sentence]:
    sentences: list[Sentence] = []
    for index, text in paragraphs:
        if not text.strip():
            continue
        for k, piece in enumerate(_split_text(text)):
            sentences.append(Sentence(piece, index, len(sentences), first_in_paragraph=k == 0))
    return sentences


def _body(translated: TranslatedArticle) -> list[tuple[int, str]]:
    """(index, English text) of the paragraphs that can supply key points."""
    return [
        (p.index, p.translation)
        for p in translated.paragraphs
        if not p.is_title and not p.skipped and p.translation.strip()
    ]


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
class _Ranked:
    sentences: list[Sentence]
    vectors: list[dict[str, float]]
    order: list[int]  # sentence indexes, best first
    idf: dict[str, float]

    def vector(self, text: str) -> dict[str, float]:
        """TF-IDF vector of any text, with the article's weights (unseen terms: the rarest)."""
        unseen = math.log(1 + len(self.sentences)) + 1.0
        return {t: c * self.idf.get(t, unseen) for t, c in Counter(_terms(text)).items()}


def _rank(sentences: list[Sentence], title: str | None = None) -> _Ranked:
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
    return _Ranked(sentences, vectors, order, idf)


# Near-duplicates: above MERGE the two sentences say the same thing, so the kept one
# also cites the other's paragraph; above REDUNDANT the second adds too little to keep.
_MERGE_SIMILARITY = 0.85
_REDUNDANT_SIMILARITY = 0.5


def _normalized(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _pick(
    ranked: _Ranked,
    accept: Callable[[list[int], int], bool],
    done: Callable[[list[int]], bool],
) -> tuple[list[int], dict[int, set[int]]]:
    """Walk the ranking, skipping near-duplicates of picks; returns picks and citations."""
    picks: list[int] = []
    cited: dict[int, set[int]] = {}
    for i in ranked.order:
        sentence = ranked.sentences[i]
        duplicate_of = None
        for j in picks:
            same = _normalized(sentence.text) == _normalized(ranked.sentences[j].text)
            similarity = _cosine(ranked.vectors[i], ranked.vectors[j]) if ranked.vectors[i] else 0.0
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


def _excluded(ranked: _Ranked, exclude: Collection[str]) -> set[int]:
    """Indexes of the sentences that say what a sentence of `exclude` says."""
    said = [t for text in exclude if text.strip() for t in _split_text(text)]
    normalized = {_normalized(t) for t in said}
    vectors = [v for v in (ranked.vector(t) for t in said) if v]
    return {
        i
        for i, sentence in enumerate(ranked.sentences)
        if _normalized(sentence.text) in normalized
        or (
            ranked.vectors[i]
            and any(_cosine(ranked.vectors[i], v) >= _REDUNDANT_SIMILARITY for v in vectors)
        )
    }


def _key_points(
    paragraphs: Sequence[tuple[int, str]], title: str | None, count: int, exclude: Collection[str]
) -> tuple[KeyPoint, ...]:
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if isinstance(exclude, str):
        exclude = (exclude,)  # one summary, not a set of its characters
    sentences = _sentences_of(paragraphs)
    if not sentences:
        return ()
    ranked = _rank(sentences, title)
    excluded = _excluded(ranked, exclude)
    if excluded:
        # What the summary already says goes to the end of the ranking: it is taken only
        # to reach the minimum number of points when nothing else is left.
        ranked = replace(
            ranked,
            order=[i for i in ranked.order if i not in excluded]
            + [i for i in ranked.order if i in excluded],
        )
    floor = min(_MIN_POINTS, count)

    def accept(picks: list[int], i: int) -> bool:
        return i not in excluded or len(picks) < floor

    picks, cited = _pick(ranked, accept, lambda picks: len(picks) >= count)
    return tuple(
        KeyPoint(sentences[i].text, tuple(sorted(cited[i]))) for i in sorted(picks)
    )


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
    return _key_points(_body(translated), translated.title, count, exclude)


def key_points_text(
    paragraphs: Sequence[str], count: int = 5, exclude: Collection[str] = ()
) -> tuple[KeyPoint, ...]:
    """Like `key_points`, for plain English paragraphs (none is a title).

    Paragraphs are numbered from 1 in the order given; empty ones keep their number.
    """
    return _key_points(list(enumerate(paragraphs, start=1)), None, count, exclude)


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


def _check_length(length: str) -> None:
    if length not in LENGTHS:
        raise ValueError(f"length must be one of {', '.join(LENGTHS)}, got {length!r}")


def _extractive(paragraphs: Sequence[tuple[int, str]], title: str | None, length: str) -> str:
    _check_length(length)
    sentences = _sentences_of(paragraphs)
    if not sentences:
        return ""
    ranked = _rank(sentences, title)
    budget = _BUDGETS[length]

    def words(picks: list[int]) -> int:
        return sum(len(sentences[j].text.split()) for j in picks)

    def accept(picks: list[int], i: int) -> bool:
        # The best sentence is always taken, even when it alone overruns the budget.
        return not picks or words(picks) + len(sentences[i].text.split()) <= budget.max_words

    def done(picks: list[int]) -> bool:
        return len(picks) >= budget.max_sentences or (
            len(picks) >= budget.min_sentences and words(picks) >= budget.min_words
        )

    picks, _ = _pick(ranked, accept, done)
    return " ".join(sentences[i].text for i in sorted(picks))


def extractive_summary(translated: TranslatedArticle, length: Length = "medium") -> str:
    """A summary made of the article's best sentences, verbatim, in document order.

    short: 1-2 sentences (about 30-60 words); medium: 2-4 (about 75-120 words);
    long: 3-5 (about 130-200 words). An article with no body text gives "".
    """
    return _extractive(_body(translated), translated.title, length)


def extractive_summary_text(paragraphs: Sequence[str], length: Length = "medium") -> str:
    """Like `extractive_summary`, for plain English paragraphs (none is a title)."""
    return _extractive(list(enumerate(paragraphs, start=1)), None, length)


# ---------------------------------------------------------------------------
# Abstractive: map-reduce over chunks that fit the engine
# ---------------------------------------------------------------------------

_PARAGRAPH_JOIN = "\n\n"


def _words_of(text: str) -> list[str]:
    return text.split()


def _characters_of(text: str) -> list[str]:
    # Halves: a single "word" over the limit (a URL, a table row) is cut in two, again
    # and again, until the pieces fit; nothing is dropped.
    middle = len(text) // 2
    return [text[:middle], text[middle:]] if len(text) > 1 else [text]


def split_to_fit(
    paragraphs: Sequence[str],
    count_tokens: Callable[[Sequence[str]], list[int]],
    limit: int,
) -> list[str]:
    """Chunks of the text, each within `limit` tokens, cut at paragraph boundaries.

    Consecutive paragraphs are packed into one chunk while it fits. A paragraph over
    the limit is cut at sentence boundaries, a sentence over it at word boundaries,
    and a word over it in halves; no text is dropped. Chunks come back in order.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")

    def fits(text: str) -> bool:
        return count_tokens([text])[0] <= limit

    def pieces(text: str, level: int) -> list[str]:
        """`text` cut into pieces that each fit, at the coarsest level that works."""
        if fits(text):
            return [text]
        splitters: list[tuple[Callable[[str], list[str]], str]] = [
            (_split_text, " "),
            (_words_of, " "),
            (_characters_of, ""),
        ]
        for depth in range(level, len(splitters)):
            split, glue = splitters[depth]
            parts = split(text)
            if len(parts) > 1:
                return _pack(
                    [p for part in parts for p in pieces(part, depth)], glue
                )
        # One indivisible unit over the limit (a single character): the engine would
        # overflow, and dropping it would lose text; fail loudly instead.
        raise ValueError(f"a single character is over the engine's {limit}-token limit")

    def _pack(units: list[str], glue: str) -> list[str]:
        chunks: list[str] = []
        current = ""
        for unit in units:
            candidate = current + glue + unit if current else unit
            if current and not fits(candidate):
                chunks.append(current)
                current = unit
            else:
                current = candidate
        if current:
            chunks.append(current)
        return chunks

    units = [p.strip() for p in paragraphs if p.strip()]
    return _pack([piece for p in units for piece in pieces(p, 0)], _PARAGRAPH_JOIN)


@dataclass(frozen=True)
class _LengthScale:
    min_factor: float
    max_factor: float


# Relative to the model's own generation config (distilbart-cnn: 56-142 tokens, about
# 40-100 words), which is what "medium" means.
_LENGTH_SCALES: dict[str, _LengthScale] = {
    "short": _LengthScale(0.5, 0.6),
    "medium": _LengthScale(1.0, 1.0),
    "long": _LengthScale(1.5, 1.5),
}


# A chunk summary, re-tokenized with its special tokens, should take at most this share
# of the input limit, so that three of them and the joins between them fit: decoded text
# re-tokenizes to more tokens than were generated (special tokens, the "\n\n" join,
# merges that differ), and at exactly half the limit two never fit. Three per chunk
# rather than two saves rounds: a 128-position model finishes 2,000 tokens in 3 rounds
# instead of 5. Real summarizers are far from it (distilbart: 142 of 1,024 tokens).
_MAP_SHARE = 0.3

# The fallback reasons `AbstractiveSummarizer.last_fallback` reports.
TOO_SHORT = "article too short for an abstractive summary"
EMPTY_OUTPUT = "the model returned an empty summary"


class AbstractiveSummarizer:
    """Summarize English text of any length with a sequence-to-sequence engine.

    Text over the engine's input limit is summarized chunk by chunk and the chunk
    summaries are summarized again (map-reduce) until they fit in one input. When a
    round fails to shrink the text, after `max_rounds` rounds, when the model returns
    nothing, or when the text is too short to summarize (fewer tokens than twice the
    summary's minimum length, which would make the model invent), the summary falls
    back to the extractive one: it terminates, always. `last_fallback` then holds the
    reason, in a few words, and is None after an abstractive summary; it describes the
    latest `summarize` call only, so share one summarizer between threads only with a lock.
    """

    def __init__(
        self,
        engine: Seq2SeqEngine,
        options: DecodeOptions | None = None,
        *,
        max_rounds: int = 8,
    ) -> None:
        self.engine = engine
        self.options = options if options is not None else engine.default_options()
        # Each round at least thirds the number of chunks (see `_MAP_SHARE`), so 8
        # rounds cover thousands of chunks; the cap only bites when a model barely
        # shrinks text.
        self.max_rounds = max_rounds
        self.last_fallback: str | None = None

    def options_for(self, length: Length = "medium") -> DecodeOptions:
        """Decoding options for a summary of `length`, scaled from the model's own."""
        _check_length(length)
        scale = _LENGTH_SCALES[length]
        base = self.options
        maximum = max(1, round(base.max_new_tokens * scale.max_factor))
        # Longer outputs would overflow the decoder's position table. Engines that do
        # not say their output limit are assumed BART-like: as many positions as input.
        decoder_limit = getattr(self.engine, "max_output_tokens", self.engine.max_input_tokens)
        maximum = min(maximum, decoder_limit)
        minimum = min(round(base.min_new_tokens * scale.min_factor), maximum - 1)
        # Summaries are much shorter than their input: no ratio bound.
        return replace(
            base, min_new_tokens=max(0, minimum), max_new_tokens=maximum, max_length_ratio=None
        )

    def _target(self) -> int:
        """Most tokens a re-tokenized chunk summary should take (special tokens included)."""
        return max(1, int(self.engine.max_input_tokens * _MAP_SHARE))

    def _map_cap(self) -> int:
        """Most new tokens for a chunk summary, before any drift is measured."""
        specials = self.engine.count_tokens([""])[0]
        return max(1, self._target() - specials)

    @staticmethod
    def _capped(options: DecodeOptions, cap: int, shortest_input: int) -> DecodeOptions:
        # A forced minimum longer than half the input makes the model invent text:
        # the last chunk of a text is often short.
        maximum = min(options.max_new_tokens, cap)
        minimum = min(options.min_new_tokens, maximum - 1, shortest_input // 2)
        return replace(options, max_new_tokens=maximum, min_new_tokens=max(0, minimum))

    def _tokens(self, texts: Sequence[str]) -> int:
        return self.engine.count_tokens([_PARAGRAPH_JOIN.join(texts)])[0]

    def _fallback(self, reason: str, paragraphs: Sequence[str], length: Length) -> str:
        logger.warning("%s; using the extractive summary", reason)
        self.last_fallback = reason
        return extractive_summary_text(paragraphs, length)

    def summarize(
        self,
        text_paragraphs: Sequence[str],
        length: Length = "medium",
        progress: ProgressCallback | None = None,
    ) -> str:
        """A summary of the paragraphs (English), whatever their total length.

        `progress` is called with the number of model inputs just finished, across
        every round. Empty input gives "". Sets `last_fallback` to None, or to the
        reason the summary is the extractive one.
        """
        self.last_fallback = None
        options = self.options_for(length)
        texts = [p.strip() for p in text_paragraphs if p.strip()]
        if not texts:
            return ""
        limit = self.engine.max_input_tokens
        count = self.engine.count_tokens
        size = self._tokens(texts)
        if size < 2 * options.min_new_tokens:
            return self._fallback(TOO_SHORT, text_paragraphs, length)
        cap = self._map_cap()
        may_retry = True
        # Round 0 is the plain case; each later round is one map step over chunks.
        for round_number in range(self.max_rounds + 1):
            if size <= limit:
                final = options if round_number == 0 else self._capped(options, limit, size)
                summary = self.engine.generate([_PARAGRAPH_JOIN.join(texts)], final, progress)[0]
                if summary.strip():
                    return summary.strip()
                return self._fallback(EMPTY_OUTPUT, text_paragraphs, length)
            if round_number == self.max_rounds:
                break
            chunks = split_to_fit(texts, count, limit)
            logger.info(
                "summary round %d: %d tokens over the %d-token limit, %d chunks",
                round_number + 1, size, limit, len(chunks),
            )
            summaries, cap, may_retry = self._map(chunks, options, cap, may_retry, progress)
            texts = [s.strip() for s in summaries if s.strip()]
            new_size = self._tokens(texts) if texts else 0
            if not texts or new_size >= size:
                return self._fallback(
                    f"text did not shrink under the {limit}-token limit "
                    f"({size} -> {new_size} tokens)",
                    text_paragraphs, length,
                )
            size = new_size
        return self._fallback(
            f"text still over the {limit}-token limit after {self.max_rounds} summary rounds",
            text_paragraphs, length,
        )

    def _map(
        self,
        chunks: list[str],
        options: DecodeOptions,
        cap: int,
        may_retry: bool,
        progress: ProgressCallback | None,
    ) -> tuple[list[str], int, bool]:
        """Summaries of `chunks`, each within the target size when the model allows.

        Returns the summaries, the new-token cap for later rounds and whether a retry
        may still help. A summary that re-tokenizes over the target (the model's text
        drifts to more tokens than it generated) is generated again once, with the cap
        scaled down by the drift measured; if that does not help, the model ignores the
        cap and later rounds do not retry.
        """
        shortest = min(self.engine.count_tokens(chunks))
        first = self._capped(options, cap, shortest)
        cap = first.max_new_tokens
        summaries = self.engine.generate(chunks, first, progress)
        target = self._target()
        sizes = self.engine.count_tokens([s.strip() for s in summaries])
        over = [i for i, n in enumerate(sizes) if n > target]
        if not over or not may_retry or cap <= 1:
            return summaries, cap, may_retry
        worst = max(sizes[i] for i in over)
        smaller = max(1, cap * target // worst)
        logger.info(
            "chunk summaries re-tokenize to up to %d tokens (target %d); cap %d -> %d new tokens",
            worst, target, cap, smaller,
        )
        redo = self.engine.generate(
            [chunks[i] for i in over], self._capped(options, smaller, shortest), progress
        )
        redone = self.engine.count_tokens([s.strip() for s in redo])
        summaries = list(summaries)
        for i, summary in zip(over, redo):
            summaries[i] = summary
        return summaries, smaller, max(redone) < worst
