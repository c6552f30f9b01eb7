"""Preparation, the stage between reading and translating: clean, judge the language, split.

`prepare_article` turns an `Article` as read into a `PreparedArticle`, once: page
furniture and duplicates are marked skipped (unless `keep_all`), the language is
judged on the paragraphs that remain, and the French of every kept paragraph is split
into sentences (`Paragraph.sentences`) that segmenting and the audit read later.
The result records the settings it was prepared with, so that a translator with
other settings refuses it rather than silently ignoring them. The pipeline
(`pipeline.prepare`) is the one caller: the CLI, the batch and the server ask it.

Limits: an article is prepared whole (the language is judged on all its kept
paragraphs); only the language and skip marks depend on the settings.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from translate_sum.document import Article
from translate_sum.errors import Hint, InputError
from translate_sum.options import TranslateOptions
from translate_sum.reader import where
from translate_sum.text import with_source_sentences

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedArticle(Article):
    """An article ready to translate: cleaned, its language known, its French split.

    `source.language` is the judged language ("fr", or "en" for English that passes
    through untranslated); kept paragraphs carry their sentence spans. `keep_all` and
    `strict_language` are the settings it was prepared with.
    """

    keep_all: bool = False
    strict_language: bool = False

    @property
    def passes_through(self) -> bool:
        """English input: kept as it is instead of translated."""
        return self.source.language == "en"


def prepare_article(article: Article, options: TranslateOptions | None = None) -> PreparedArticle:
    """Clean and check an article before translation, and split its French into sentences.

    Page furniture and duplicates are marked skipped (unless `keep_all`); the
    language is judged on what remains. English passes through untranslated with a
    warning (an `InputError` when `strict_language`); any other language but French
    is an `InputError` naming it. An article is prepared once: a `PreparedArticle`
    given again is a `TypeError` (hand it to the translator as it is).
    """
    from translate_sum.clean import mark_furniture
    from translate_sum.language import judge_paragraphs

    if isinstance(article, PreparedArticle):
        raise TypeError(f"{article.source.path}: the article is prepared already; translate it as it is")
    options = options or TranslateOptions()
    keep_all, strict = options.keep_all, options.strict_language
    if not keep_all:
        article = mark_furniture(article)
    verdict = judge_paragraphs([p.source for p in article.paragraphs if not p.skipped])
    path = article.source.path
    if verdict.is_english:
        if strict:
            raise InputError(
                f"{where(path)}: the text is in English, not French",
                Hint("drop {option} to pass it through untranslated", "strict_language"),
            )
        log.warning("%s: the text is in English; passing it through untranslated", path)
    elif not verdict.is_french:
        raise InputError(f"{where(path)}: the text looks {verdict.name}, not French; give a French article")
    # English that passes through is segmented like French, by the same rules as before.
    paragraphs = tuple(p if p.skipped else with_source_sentences(p, "fr") for p in article.paragraphs)
    source = dataclasses.replace(article.source, language=verdict.code)
    return PreparedArticle(source, paragraphs, keep_all=keep_all, strict_language=strict)
