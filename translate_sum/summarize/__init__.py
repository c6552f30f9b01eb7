"""Summarize an English translation: extractive (no model) and abstractive (an engine).

- `summary.py`: the `Summary` value every summarizer returns (text, method, fallback
  reason) and the lengths (`short`, `medium`, `long`).
- `extractive.py`: the translation's sentences ranked once (`rank_article`); the
  `Ranking` gives the extractive summary and the key points.
- `abstractive.py`: `AbstractiveSummarizer`, map-reduce over chunks that fit the
  engine, falling back to a ranking's extractive summary.

Limits: English only; see each module's limits.
"""

from translate_sum.summarize.abstractive import (
    EMPTY_OUTPUT,
    TOO_SHORT,
    AbstractiveSummarizer,
    split_to_fit,
)
from translate_sum.summarize.extractive import (
    Ranking,
    Sentence,
    extractive_summary,
    extractive_summary_text,
    key_points,
    key_points_text,
    rank_article,
    rank_paragraphs,
    split_sentences,
)
from translate_sum.summarize.summary import LENGTHS, Length, Summary

__all__ = [
    "EMPTY_OUTPUT",
    "LENGTHS",
    "TOO_SHORT",
    "AbstractiveSummarizer",
    "Length",
    "Ranking",
    "Sentence",
    "Summary",
    "extractive_summary",
    "extractive_summary_text",
    "key_points",
    "key_points_text",
    "rank_article",
    "rank_paragraphs",
    "split_sentences",
    "split_to_fit",
]
