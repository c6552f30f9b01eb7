"""The pipeline: the one module that knows every stage and wires them together.

read → prepare (clean, language, sentences) → segment → translate → audit → summarize → write

`prepare` is the one place an article is prepared (`prepare.py`: cleaned, its language
judged, its French split into sentences), once, before any model is needed: the CLI,
the batch and the server call it first, so bad input fails before a model loads. A
`Translator` holds a loaded engine and translates prepared articles, one or many; the
segments of all the articles it is given go to the engine together, so a folder of
short articles still fills the batches. Models load once per `Translator`. Each
translation is split into sentences once, right after translation; the audit and the summarizer
read those sentences. A `Briefer` ranks the translation's sentences once for both the
summary and the key points.

Limits: every article given to one `translate_many` call is held in memory together.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from translate_sum.document import Article, Brief, Flag, Paragraph, Segment, Stats, TranslatedArticle
from translate_sum.engines.base import DecodeOptions, Seq2SeqEngine
from translate_sum.memory.context import describe_decoding
from translate_sum.memory.engine import Generation, record_given, with_memory
from translate_sum.memory.engine import generate as remembered
# DEFAULT_SEGMENT_TOKENS and TranslateOptions are re-exported: they used to live here.
from translate_sum.options import DEFAULT_SEGMENT_TOKENS, SUMMARIZERS, TranslateOptions  # noqa: F401
from translate_sum.prepare import PreparedArticle, prepare_article
from translate_sum.reader import parse_article, read_article
from translate_sum.segment import pack_sentences
from translate_sum.tokens import TokenBook, generate, takes_ids
from translate_sum.text import (
    segment_sentences,
    sentence_spans,
    source_sentences,
    translation_sentences,
    with_translation_sentences,
)

if TYPE_CHECKING:
    from translate_sum.memory import Memory
    from translate_sum.summarize import AbstractiveSummarizer

__all__ = [
    "Briefer",
    "DEFAULT_SEGMENT_TOKENS",
    "PreparedArticle",
    "TranslateOptions",
    "Translator",
    "load_briefer",
    "load_translator",
    "prepare",
    "stricter",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called as segments finish with (segments done, segments in all)."""

RETRY_KINDS = frozenset({"repetition", "length"})
"""Flags that stricter decoding can fix: a loop, or output far too long or short."""


def prepare(article: Article, options: TranslateOptions | None = None) -> PreparedArticle:
    """`article` as read, prepared for translation with `options` (`prepare.prepare_article`).

    Call it before loading a model: input that cannot be translated (another
    language; English with `strict_language`) is an `InputError` here, at once.
    """
    return prepare_article(article, options)


def stricter(options: DecodeOptions) -> DecodeOptions:
    """Decoding that discourages loops: no repeated trigrams and a repetition penalty.

    The beam stays the model's own (at least 2, so there is an alternative to take):
    the ban and the penalty are what break a loop, and a wider beam would make every
    retried segment cost more for no measured gain.
    """
    return dataclasses.replace(
        options,
        num_beams=max(options.num_beams, 2),
        no_repeat_ngram_size=options.no_repeat_ngram_size or 3,
        repetition_penalty=max(options.repetition_penalty, 1.3),
    )


class Translator:
    """Translates articles with a loaded engine; reuse one for many articles."""

    def __init__(self, engine: Seq2SeqEngine, options: TranslateOptions | None = None) -> None:
        self.engine = engine
        self.options = options or TranslateOptions()
        self.decode = self.options.decode or engine.default_options()
        self.segment_budget = min(self.options.max_segment_tokens, engine.max_input_tokens)

    @property
    def models(self) -> dict[str, str]:
        return {"translation": self.engine.model_name}

    @property
    def decoding(self) -> dict[str, Any]:
        """What produces the words: engine, model, weight type, device, decoding settings."""
        return describe_decoding(self.engine, self.decode)

    def _segment(self, articles: Sequence[PreparedArticle], book: TokenBook) -> list[list[tuple[Segment, ...]]]:
        """Each article's paragraphs cut into segments that fit the model, with their
        token counts (none for a skipped paragraph); all the sentences are counted in
        one call, each segment from its sentences (`segment.pack_sentences`)."""
        paragraphs = [p for article in articles for p in article.paragraphs]
        spans = [() if p.skipped else p.sentences or sentence_spans(p.source, "fr") for p in paragraphs]
        book.learn(p.source[a:b] for p, own in zip(paragraphs, spans) for a, b in own)
        segmented = []
        for paragraph, own in zip(paragraphs, spans):
            packed = () if paragraph.skipped else pack_sentences(paragraph.source, own, book, self.segment_budget)
            segmented.append(tuple(Segment(source=piece, tokens=n) for piece, n in packed))
        every = iter(segmented)
        return [[next(every) for _ in article.paragraphs] for article in articles]

    def translate(self, article: PreparedArticle, progress: Progress | None = None) -> TranslatedArticle:
        """Translate one prepared article (`prepare`)."""
        return self.translate_many([article], progress)[0]

    def translate_text(self, text: str, progress: Progress | None = None) -> TranslatedArticle:
        """Prepare and translate an article given as a string (paragraphs separated by blank lines)."""
        return self.translate(prepare(parse_article(text), self.options), progress)

    def translate_file(self, path: str | Path, progress: Progress | None = None) -> TranslatedArticle:
        """Read, prepare and translate the article at `path`."""
        return self.translate(prepare(read_article(path), self.options), progress)

    def translate_many(
        self, articles: Sequence[PreparedArticle], progress: Progress | None = None
    ) -> list[TranslatedArticle]:
        """Translate several prepared articles in one pass over the engine, outputs in order.

        Only prepared articles are taken (`prepare`; one as read is a `TypeError`),
        prepared with this translator's settings (other settings: `ValueError`). Each
        article's `stats.seconds` is its share of the shared run, by French words.
        """
        started = time.perf_counter()
        prepared = [self._check_prepared(article) for article in articles]
        # The tokens of every text counted for these articles, each tokenized once: the
        # engine is handed the ids of the segments instead of tokenizing them again.
        book = TokenBook.of(self.engine)
        segmented = self._segment(prepared, book)
        passthrough = [article.passes_through for article in prepared]
        translated, generation = self._translate(prepared, segmented, passthrough, book, progress)
        remembered_counts = _remembered_per_article(generation, segmented, passthrough)
        if self.options.audit:
            translated = self._audit(translated, passthrough, book)
        elapsed = time.perf_counter() - started
        words = [max(1, article.word_count) for article in prepared]
        results = []
        decoding = self.decoding
        for article, paragraphs, share, from_memory in zip(prepared, translated, words, remembered_counts):
            # Translated paragraphs and their words, skipped ones apart: the one count.
            stats = Stats.of(paragraphs, seconds=round(elapsed * share / sum(words), 3), from_memory=from_memory)
            results.append(TranslatedArticle(article.source, paragraphs, self.models, stats, decoding))
        return results

    def _translate(
        self,
        articles: Sequence[PreparedArticle],
        segmented: list[list[tuple[Segment, ...]]],
        passthrough: list[bool],
        book: TokenBook,
        progress: Progress | None,
    ) -> tuple[list[tuple[Paragraph, ...]], Generation]:
        """The articles' paragraphs with their segments translated, in one engine call
        (English that passes through keeps its own words), and where each output came
        from (decoded, or the translation memory)."""
        sources = [
            s.source
            for paragraphs, english in zip(segmented, passthrough)
            if not english
            for segments in paragraphs
            for s in segments
        ]
        total = len(sources)
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, total)

        if progress:
            progress(0, total)
        ids = [book.ids(text) for text in sources] if takes_ids(self.engine) else []
        given = ids if sources and ids and all(found is not None for found in ids) else None
        # Through the translation memory when the engine has one: only misses decode.
        generation = remembered(self.engine, sources, self.decode, advance, given)
        outputs = iter(zip(generation.outputs, generation.origins))
        translated = [
            tuple(
                _fill(paragraph, tuple(_translated(s, english, outputs) for s in segments))
                for paragraph, segments in zip(article.paragraphs, paragraphs)
            )
            for article, paragraphs, english in zip(articles, segmented, passthrough)
        ]
        return translated, generation

    def _check_prepared(self, article: PreparedArticle) -> PreparedArticle:
        """`article` when it was prepared with this translator's settings; else an error."""
        if not isinstance(article, PreparedArticle):
            raise TypeError(f"{article.source.path}: prepare the article first (pipeline.prepare), then translate it")
        settings = (self.options.keep_all, self.options.strict_language)
        if (article.keep_all, article.strict_language) != settings:
            raise ValueError(
                f"{article.source.path}: prepared with keep_all={article.keep_all}, "
                f"strict_language={article.strict_language}; prepare the article as read with this translator's settings"
            )
        return article

    def _audit(
        self, articles: list[tuple[Paragraph, ...]], passthrough: list[bool], book: TokenBook
    ) -> list[tuple[Paragraph, ...]]:
        """Flag every translated paragraph; retry loops and bad lengths, keep the better.

        The retry decodes again, with `stricter` settings, only the segments that loop
        or have a bad length themselves (all of the paragraph's when none does alone),
        and keeps whichever paragraph translation has fewer flags (the first on a tie).
        """
        flagged = [
            [_with_flags(p, _check(p)) if _auditable(p) and not english else p for p in paragraphs]
            for paragraphs, english in zip(articles, passthrough)
        ]
        retry = [
            (a, i)
            for a, paragraphs in enumerate(flagged)
            for i, p in enumerate(paragraphs)
            if any(flag.kind in RETRY_KINDS for flag in p.flags)
        ]
        # Imported human translations are given as they are, never retried.
        redo = {
            (a, i): [k for k in _segments_to_retry(flagged[a][i]) if flagged[a][i].segments[k].origin != "human"]
            for a, i in retry
        }
        retry = [place for place in retry if redo[place]]
        if retry:
            sources = [flagged[a][i].segments[k].source for (a, i), ks in redo.items() for k in ks]
            every = sum(len(flagged[a][i].segments) for a, i in retry)
            log.info("retrying %d of the %d segments of %d paragraph(s) with stricter decoding", len(sources), every, len(retry))
            outputs = iter(generate(self.engine, sources, stricter(self.decode), book=book))
            kept: list[tuple[str, str]] = []
            for a, i in retry:
                first = flagged[a][i]
                segments = list(first.segments)
                for k in redo[(a, i)]:
                    segments[k] = dataclasses.replace(segments[k], translation=next(outputs))
                again = _fill(first, tuple(segments))
                again = _with_flags(again, _check(again))
                if len(again.flags) < len(first.flags):
                    flagged[a][i] = again
                    kept.extend((again.segments[k].source, again.segments[k].translation) for k in redo[(a, i)])
            # The memory keeps the engine's first words (a warm run then retries alike)
            # and notes what was finally given, for an export.
            record_given(self.engine, self.decode, kept)
        return [tuple(paragraphs) for paragraphs in flagged]


AUDIT_WHOLE_CHARS = 5000
"""Paragraphs longer than this are audited segment by segment. Sentence splitting is
windowed in the text layer now, but the number check pairs every number of the source
with every number of the translation (recursively): a 10,000-line paste, one paragraph
with thousands of numbers, would take minutes and overflow the stack."""


PER_KIND_SHOWN = 3


def _check(paragraph: Paragraph) -> list[Flag]:
    """The audit's flags for a translated paragraph, from the sentences kept on it."""
    from translate_sum.audit import check_paragraph

    if len(paragraph.source) <= AUDIT_WHOLE_CHARS:
        return check_paragraph(
            paragraph.source,
            paragraph.translation,
            source_sentences=source_sentences(paragraph),
            translation_sentences=translation_sentences(paragraph),
        )
    by_kind: dict[str, list[Flag]] = {}
    for segment, (source, translation) in zip(paragraph.segments, segment_sentences(paragraph)):
        checked = check_paragraph(
            segment.source, segment.translation, source_sentences=source, translation_sentences=translation
        )
        for flag in checked:
            by_kind.setdefault(flag.kind, []).append(flag)
    flags: list[Flag] = []
    for kind_flags in by_kind.values():
        # A few of each kind say what to look at; hundreds would bury them.
        shown = kind_flags[:PER_KIND_SHOWN]
        if len(kind_flags) > PER_KIND_SHOWN:
            last = shown[-1]
            more = len(kind_flags) - PER_KIND_SHOWN
            shown[-1] = Flag(last.kind, f"{last.detail} (and {more} more like this)", last.severity)
        flags.extend(shown)
    return flags


def _segments_to_retry(paragraph: Paragraph) -> list[int]:
    """Indexes of the segments whose own translation loops or has a bad length.

    All of them when none does alone (a sentence repeated across two segments, a
    length off only in total): the paragraph's flag must still get its retry. Each
    segment's sentences are read from the paragraph's (`text.segment_sentences`).
    """
    from translate_sum.audit.checks import CHECKS

    everything = list(range(len(paragraph.segments)))
    if len(everything) == 1:
        return everything
    own = []
    for k, (segment, (source, translation)) in enumerate(zip(paragraph.segments, segment_sentences(paragraph))):
        split = {"source_sentences": source, "translation_sentences": translation}
        if any(CHECKS[kind](segment.source, segment.translation or "", **split) for kind in RETRY_KINDS):  # type: ignore[call-arg]
            own.append(k)
    return own or everything


def _translated(segment: Segment, english: bool, outputs: Any) -> Segment:
    """`segment` with its translation: the next of `outputs` (text, origin), or itself in English."""
    if english:
        return dataclasses.replace(segment, translation=segment.source.strip(), origin="source")
    text, origin = next(outputs)
    return dataclasses.replace(segment, translation=text, origin="human" if origin == "human" else "machine")


def _remembered_per_article(
    generation: Generation, segmented: list[list[tuple[Segment, ...]]], passthrough: list[bool]
) -> list[int]:
    """How many of each article's segments the translation memory answered."""
    counts, start = [], 0
    for paragraphs, english in zip(segmented, passthrough):
        size = 0 if english else sum(len(segments) for segments in paragraphs)
        counts.append(sum(origin != "decoded" for origin in generation.origins[start : start + size]))
        start += size
    return counts


def _auditable(paragraph: Paragraph) -> bool:
    return not paragraph.skipped and bool(paragraph.segments)


def _with_flags(paragraph: Paragraph, flags: Sequence[Flag]) -> Paragraph:
    return dataclasses.replace(paragraph, flags=tuple(flags))


def _fill(paragraph: Paragraph, segments: tuple[Segment, ...]) -> Paragraph:
    """The paragraph with its segments' translations, joined, split into sentences once."""
    text = " ".join(s.translation for s in segments if s.translation)
    return with_translation_sentences(dataclasses.replace(paragraph, segments=segments, translation=text))


def load_translator(
    model: str | None = None,
    *,
    engine: str = "auto",
    device: str = "auto",
    options: TranslateOptions | None = None,
    threads: int | None = None,
    memory: Memory | None = None,
) -> Translator:
    """Resolve and load a translation model (default: the registry's) into a Translator.

    `threads` caps the engine's CPU threads (`engines.load_engine`); with `memory`
    (`memory.open_memory`) segments translated before are not decoded again.
    """
    from translate_sum.engines import load_engine
    from translate_sum.models import default_model, resolve_model

    resolved = resolve_model(model or default_model("translation"), "translation")
    loaded = load_engine(resolved, engine=engine, device=device, threads=threads)
    return Translator(with_memory(loaded, resolved.path, memory) if memory is not None else loaded, options)


class Briefer:
    """Writes English briefs: a summary and key points traceable to paragraphs.

    With a summarizer engine the summary is abstractive (map-reduced over long
    texts); without one it is extractive. Key points are always extractive: sentences
    of the translation, verbatim, each with its paragraph indexes.
    """

    def __init__(
        self,
        translator: Translator,
        summarizer: "AbstractiveSummarizer | None" = None,
        *,
        key_points: int = 5,
    ) -> None:
        self.translator = translator
        self.summarizer = summarizer
        self.key_point_count = key_points

    @property
    def models(self) -> dict[str, str]:
        summary = self.summarizer.engine.model_name if self.summarizer else "extractive"
        return {**self.translator.models, "summary": summary}

    def brief(self, translated: TranslatedArticle, length: str = "medium") -> Brief:
        """The brief of an already translated article.

        The translation's sentences are ranked once: the ranking gives the extractive
        summary (with no summarizer, or when the abstractive one gives up: article too
        short, text that will not shrink under the model's limit) and the key points.
        After a fallback `models` says so: the footer never credits a model with a
        summary it did not write.
        """
        from translate_sum.summarize import Summary, rank_article

        started = time.perf_counter()
        models = self.models
        # With the headline, as the extractive ranking uses it.
        ranking = rank_article(translated)
        summary: Summary | None = None
        if self.summarizer is not None:
            body = [p.translation for p in translated.paragraphs if not p.skipped and not p.is_title]
            summary = self.summarizer.summarize(body, length, ranking=ranking)  # type: ignore[arg-type]
            if summary.fallback_reason:
                log.warning("summary is extractive: %s", summary.fallback_reason)
                models = {**models, "summary": f"extractive (fallback: {summary.fallback_reason})"}
        if summary is None or not summary.text:
            summary = ranking.summary(length)  # type: ignore[arg-type]
        # Key points say what the summary does not: its sentences are left out.
        points = ranking.key_points(self.key_point_count, said=summary.sentences)
        seconds = translated.stats.seconds + time.perf_counter() - started
        stats = dataclasses.replace(translated.stats, seconds=round(seconds, 3))
        return Brief(translated.title, summary.text, points, translated, models, stats)

    def brief_article(self, article: PreparedArticle, length: str = "medium", progress: Progress | None = None) -> Brief:
        """Translate a prepared article (`prepare`, with the translator's options), then brief it.

        `progress` follows the translation, as `Translator.translate` reports it.
        """
        return self.brief(self.translator.translate(article, progress), length)

    def brief_file(self, path: str | Path, length: str = "medium", progress: Progress | None = None) -> Brief:
        """Read, prepare, translate and brief the article at `path`."""
        return self.brief_article(prepare(read_article(path), self.translator.options), length, progress)


def load_briefer(
    translation_model: str | None = None,
    summary_model: str | None = None,
    *,
    summarizer: str = "abstractive",
    engine: str = "auto",
    device: str = "auto",
    options: TranslateOptions | None = None,
    threads: int | None = None,
    memory: Memory | None = None,
) -> Briefer:
    """Load the translation model and, for abstractive briefs, the summary model.

    With `memory`, translations are looked up there first (summaries are not).
    """
    from translate_sum.engines import load_engine
    from translate_sum.models import default_model, resolve_models
    from translate_sum.summarize import AbstractiveSummarizer

    if summarizer not in SUMMARIZERS:
        raise ValueError(f"summarizer must be one of {SUMMARIZERS}")
    # Resolve both models before loading either: missing ones fail at once, together.
    wanted = [(translation_model or default_model("translation"), "translation")]
    if summarizer == "abstractive":
        wanted.append((summary_model or default_model("summary"), "summary"))
    resolved = resolve_models(wanted)
    loaded = load_engine(resolved[0], engine=engine, device=device, threads=threads)
    translator = Translator(with_memory(loaded, resolved[0].path, memory) if memory is not None else loaded, options)
    abstractive = (
        AbstractiveSummarizer(load_engine(resolved[1], engine=engine, device=device, threads=threads))
        if len(resolved) > 1
        else None
    )
    return Briefer(translator, abstractive)
