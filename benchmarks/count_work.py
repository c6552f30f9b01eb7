"""Count the text work a `brief` does per article: sentence splits and tokenizer calls.

Runs the library's `brief` path (read, prepare, segment, translate, audit, summarize)
on corpus articles with the models given, and counts:

  splits       calls to pysbd's `Segmenter.segment` (one per text handed to the
               sentence splitter; a long paragraph split in windows counts each window)
  tok calls    calls to an engine's tokenizer (`tokenizer(...)`), batched or not
  tok texts    texts those calls tokenized in all

Models are whatever `load_briefer` accepts (a Hub id or a local directory); tiny
random ones do (tests/tiny_models.py builds them: an echo MarianMT copies its input,
which exercises the audit as a real translation would). The numbers are counts, not
times, so they do not depend on the machine or on the load. The script uses only the
public API, so it runs unchanged against an older checkout (`PYTHONPATH=OLD_TREE`).

Usage:
  python benchmarks/count_work.py --corpus ../shared/corpus/articles/fr \\
      --translation-model DIR [--summary-model DIR] [--articles N] [--json]

Limits: counts only what goes through pysbd and the engines' `tokenizer` attribute
(both engines keep one); decoding (`batch_decode`, `decode`) is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any


class _CountingTokenizer:
    """Stands in for a Hugging Face tokenizer: counts calls, delegates everything."""

    def __init__(self, tokenizer: Any, counts: Counter[str]) -> None:
        self._tokenizer = tokenizer
        self._counts = counts

    def __call__(self, text: Any, *args: Any, **kwargs: Any) -> Any:
        self._counts["tok calls"] += 1
        self._counts["tok texts"] += 1 if isinstance(text, str) else len(text)
        return self._tokenizer(text, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def _count_splits(counts: Counter[str]) -> None:
    import pysbd

    original = pysbd.Segmenter.segment

    def segment(self: Any, text: str) -> Any:
        counts["splits"] += 1
        counts["split chars"] += len(text)
        return original(self, text)

    pysbd.Segmenter.segment = segment  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=os.environ.get("TRANSLATE_SUM_CORPUS") and Path(os.environ["TRANSLATE_SUM_CORPUS"]) / "articles" / "fr",
        help="folder of French .txt articles (default: articles/fr of $TRANSLATE_SUM_CORPUS)",
    )
    parser.add_argument("--translation-model", required=True, help="Hub id or local directory")
    parser.add_argument("--summary-model", help="Hub id or local directory; without it the brief is extractive")
    parser.add_argument("--articles", type=int, default=0, help="first N articles only (default: all)")
    parser.add_argument("--engine", default="transformers")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if args.corpus is None:
        parser.error("give --corpus DIR or set TRANSLATE_SUM_CORPUS")

    from translate_sum.pipeline import load_briefer

    counts: Counter[str] = Counter()
    _count_splits(counts)
    briefer = load_briefer(
        args.translation_model,
        args.summary_model,
        summarizer="abstractive" if args.summary_model else "extractive",
        engine=args.engine,
        device="cpu",
    )
    engines = [briefer.translator.engine] + ([briefer.summarizer.engine] if briefer.summarizer else [])
    for engine in engines:
        engine.tokenizer = _CountingTokenizer(engine.tokenizer, counts)

    paths = sorted(args.corpus.glob("*.txt"))
    if args.articles:
        paths = paths[: args.articles]
    if not paths:
        sys.exit(f"{args.corpus}: no .txt articles")
    rows = []
    for path in paths:
        counts.clear()
        brief = briefer.brief_file(path)
        rows.append(
            {
                "article": path.name,
                "paragraphs": len(brief.translation.paragraphs),
                "splits": counts["splits"],
                "split_chars": counts["split chars"],
                "tokenizer_calls": counts["tok calls"],
                "tokenized_texts": counts["tok texts"],
            }
        )
    totals = {key: sum(row[key] for row in rows) for key in rows[0] if key != "article"}
    if args.json:
        print(json.dumps({"articles": rows, "total": totals}, indent=2))
        return
    header = ("article", "paragraphs", "splits", "split_chars", "tokenizer_calls", "tokenized_texts")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows + [{"article": "total", **totals}]:
        print("| " + " | ".join(str(row[key]) for key in header) + " |")


if __name__ == "__main__":
    main()
