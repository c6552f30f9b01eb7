"""The pipeline: the one module that knows every stage and wires them together.

read → clean → segment → translate → summarize → audit → write

A `Translator` holds a loaded engine and translates one article or many; the segments
of all the articles it is given go to the engine together, so a folder of short
articles still fills the batches. Models load once per `Translator`.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from translate_sum.document import Article, Brief, Flag, Paragraph, Segment, Stats, TranslatedArticle
from translate_sum.engines.base import DecodeOptions, Seq2SeqEngine
from translate_sum.errors import Hint, InputError
# DEFAULT_SEGMENT_TOKENS and TranslateOptions are re-exported: they used to live here.
from translate_sum.options import DEFAULT_SEGMENT_TOKENS, SUMMARIZERS, TranslateOptions  # noqa: F401
from translate_sum.reader import parse_article, read_article, where
from translate_sum.segment import segment_paragraph

if TYPE_CHECKING:
    from translate_sum.summarize import AbstractiveSummarizer

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called as segments finish with (segments done, segments in all)."""

RETRY_KINDS = frozenset({"repetition", "length"})
"""Flags that stricter decoding can fix: a loop, or output far too long or short."""


def stricter(options: DecodeOptions) -> DecodeOptions:
    """Decoding that discourages loops: no repeated trigrams, a repetition penalty, wider beams."""
    return dataclasses.replace(
        options,
        num_beams=max(options.num_beams, 4) + 2,
        no_repeat_ngram_size=options.no_repeat_ngram_size or 3,
        repetition_penalty=max(options.repetition_penalty, 1.3),
    )


def prepare_article(article: Article, options: TranslateOptions | None = None) -> Article:
    """Clean and check an article before translation: the `clean` stage.

    Page furniture and duplicates are marked skipped (unless `keep_all`); the
    language is judged on what remains. English passes through untranslated with a
    warning (an `InputError` when `strict_language`); any other language but French
    is an `InputError` naming it. Preparing twice changes nothing.
    """
    from translate_sum.clean import mark_furniture
    from translate_sum.language import judge_language

    options = options or TranslateOptions()
    if article.source.language is not None:
        return article
    if not options.keep_all:
        article = mark_furniture(article)
    kept = "\n\n".join(p.source for p in article.paragraphs if not p.skipped)
    verdict = judge_language(kept)
    path = article.source.path
    if verdict.is_english:
        if options.strict_language:
            raise InputError(f"{where(path)}: the text is in English, not French", Hint("drop {option} to pass it through untranslated", "strict_language"))
        log.warning("%s: the text is in English; passing it through untranslated", path)
    elif not verdict.is_french:
        raise InputError(f"{where(path)}: the text looks {verdict.name}, not French; give a French article")
    return dataclasses.replace(article, source=dataclasses.replace(article.source, language=verdict.code))


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

    def segment(self, paragraph: Paragraph) -> tuple[Segment, ...]:
        """The paragraph cut into segments that fit the model; empty when skipped."""
        if paragraph.skipped:
            return ()
        pieces = segment_paragraph(paragraph.source, self.engine.count_tokens, self.segment_budget)
        return tuple(Segment(source=piece) for piece in pieces)

    def translate(self, article: Article, progress: Progress | None = None) -> TranslatedArticle:
        """Translate one article."""
        return self.translate_many([article], progress)[0]

    def translate_text(self, text: str, progress: Progress | None = None) -> TranslatedArticle:
        """Translate an article given as a string (paragraphs separated by blank lines)."""
        return self.translate(parse_article(text), progress)

    def translate_file(self, path: str | Path, progress: Progress | None = None) -> TranslatedArticle:
        """Read and translate the article at `path`."""
        return self.translate(read_article(path), progress)

    def translate_many(self, articles: Sequence[Article], progress: Progress | None = None) -> list[TranslatedArticle]:
        """Translate several articles in one pass over the engine, outputs in order.

        Articles are prepared first (`prepare_article`) unless already prepared.
        Each article's `stats.seconds` is its share of the shared run, by French words.
        """
        started = time.perf_counter()
        articles = [prepare_article(article, self.options) for article in articles]
        segmented = [[self.segment(p) for p in article.paragraphs] for article in articles]
        passthrough = [article.source.language == "en" for article in articles]
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
        outputs = iter(self.engine.generate(sources, self.decode, advance) if sources else [])
        translated_articles = []
        for article, paragraphs, english in zip(articles, segmented, passthrough):
            translated_articles.append(
                tuple(
                    _fill(
                        paragraph,
                        tuple(Segment(s.source, s.source.strip() if english else next(outputs)) for s in segments),
                    )
                    for paragraph, segments in zip(article.paragraphs, paragraphs)
                )
            )
        if self.options.audit:
            translated_articles = self._audit(translated_articles, passthrough)
        elapsed = time.perf_counter() - started
        words = [max(1, article.word_count) for article in articles]
        results = []
        for article, translated, share in zip(articles, translated_articles, words):
            stats = Stats(
                paragraphs=len(translated),
                source_words=article.word_count,
                seconds=round(elapsed * share / sum(words), 3),
            )
            results.append(TranslatedArticle(article.source, translated, self.models, stats))
        return results


    def _audit(
        self, articles: list[tuple[Paragraph, ...]], passthrough: list[bool]
    ) -> list[tuple[Paragraph, ...]]:
        """Flag every translated paragraph; retry loops and bad lengths, keep the better.

        The retry decodes the paragraph's segments again with `stricter` settings and
        keeps whichever translation has fewer flags (the first on a tie).
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
        if retry:
            log.info("retrying %d paragraph(s) with stricter decoding", len(retry))
            sources = [s.source for a, i in retry for s in flagged[a][i].segments]
            outputs = iter(self.engine.generate(sources, stricter(self.decode)))
            for a, i in retry:
                first = flagged[a][i]
                again = _fill(first, tuple(Segment(s.source, next(outputs)) for s in first.segments))
                again = _with_flags(again, _check(again))
                if len(again.flags) < len(first.flags):
                    flagged[a][i] = again
        return [tuple(paragraphs) for paragraphs in flagged]


AUDIT_WHOLE_CHARS = 5000
"""Paragraphs longer than this are audited segment by segment: the checks' sentence
splitting grows faster than linearly, and a 10,000-line paste is one paragraph."""


PER_KIND_SHOWN = 3


def _check(paragraph: Paragraph) -> list[Flag]:
    from translate_sum.audit import check_paragraph

    if len(paragraph.source) <= AUDIT_WHOLE_CHARS:
        return check_paragraph(paragraph.source, paragraph.translation)
    by_kind: dict[str, list[Flag]] = {}
    for segment in paragraph.segments:
        for flag in check_paragraph(segment.source, segment.translation):
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


def _auditable(paragraph: Paragraph) -> bool:
    return not paragraph.skipped and bool(paragraph.segments)


def _with_flags(paragraph: Paragraph, flags: Sequence[Flag]) -> Paragraph:
    return dataclasses.replace(paragraph, flags=tuple(flags))


def _fill(paragraph: Paragraph, segments: tuple[Segment, ...]) -> Paragraph:
    text = " ".join(s.translation for s in segments if s.translation)
    return dataclasses.replace(paragraph, segments=segments, translation=text)


def load_translator(
    model: str | None = None,
    *,
    engine: str = "auto",
    device: str = "auto",
    options: TranslateOptions | None = None,
) -> Translator:
    """Resolve and load a translation model (default: the registry's) into a Translator."""
    from translate_sum.engines import load_engine
    from translate_sum.models import default_model, resolve_model

    resolved = resolve_model(model or default_model("translation"), "translation")
    return Translator(load_engine(resolved, engine=engine, device=device), options)


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

        When the abstractive summarizer gives up (article too short, text that will
        not shrink under the model's limit), the summary is extractive and `models`
        says so: the footer never credits a model with a summary it did not write.
        """
        from translate_sum.summarize import extractive_summary, key_points

        started = time.perf_counter()
        models = self.models
        summary = ""
        if self.summarizer is not None:
            body = [p.translation for p in translated.paragraphs if not p.skipped and not p.is_title]
            summary = self.summarizer.summarize(body, length)  # type: ignore[arg-type]
            if self.summarizer.last_fallback:
                log.warning("summary is extractive: %s", self.summarizer.last_fallback)
                models = {**models, "summary": f"extractive (fallback: {self.summarizer.last_fallback})"}
                summary = ""
        if not summary:
            # With the headline, as the extractive ranking uses it.
            summary = extractive_summary(translated, length)  # type: ignore[arg-type]
        # Key points say what the summary does not: its sentences are left out.
        points = key_points(translated, self.key_point_count, exclude=(summary,))
        seconds = translated.stats.seconds + time.perf_counter() - started
        stats = dataclasses.replace(translated.stats, seconds=round(seconds, 3))
        return Brief(translated.title, summary, points, translated, models, stats)

    def brief_article(self, article: Article, length: str = "medium", progress: Progress | None = None) -> Brief:
        """Translate `article`, then brief it."""
        return self.brief(self.translator.translate(article, progress), length)

    def brief_file(self, path: str | Path, length: str = "medium", progress: Progress | None = None) -> Brief:
        """Read, translate and brief the article at `path`."""
        return self.brief_article(read_article(path), length, progress)


def load_briefer(
    translation_model: str | None = None,
    summary_model: str | None = None,
    *,
    summarizer: str = "abstractive",
    engine: str = "auto",
    device: str = "auto",
    options: TranslateOptions | None = None,
) -> Briefer:
    """Load the translation model and, for abstractive briefs, the summary model."""
    from translate_sum.engines import load_engine
    from translate_sum.models import default_model, resolve_model
    from translate_sum.summarize import AbstractiveSummarizer

    if summarizer not in SUMMARIZERS:
        raise ValueError(f"summarizer must be one of {SUMMARIZERS}")
    # Resolve both models before loading either, so a missing one fails at once.
    summary = resolve_model(summary_model or default_model("summary"), "summary") if summarizer == "abstractive" else None
    translator = load_translator(translation_model, engine=engine, device=device, options=options)
    abstractive = AbstractiveSummarizer(load_engine(summary, engine=engine, device=device)) if summary else None
    return Briefer(translator, abstractive)
