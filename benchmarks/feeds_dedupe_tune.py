"""Tune and check the near-duplicate threshold of `feeds.dedupe` on real French news.

The same wire printed by several outlets differs by its headline, its lead, its
last paragraphs and a few words. This script builds such near-duplicates from the
documents of the WMT newstest2013 French side (the corpus's sentences/, grouped by
document id), in memory only, and measures the 5-word-shingle Jaccard of:

positives (same story):
  headline   the body unchanged (only the headline differs, so it is left out)
  lead       the first sentence rewritten (words dropped, a dateline added)
  edit5      5% of the words replaced, one sentence dropped
  trim70     the first 70% of the sentences (an outlet cuts the end)
  combo      lead rewritten, then trim70, then 3% of the words replaced
  trim50     the first half of the sentences (the hard case)
  short-combo  combo, on the first 8 sentences of a document (a brief)
negatives (another story):
  other      two different documents
  quote      a document, against another document that quotes one of its paragraphs
  background a document, against another one that opens with its first three sentences
  short-quote  a brief (8 sentences), against another brief quoting two of its sentences

The documents are split in two halves (alternating in sorted order): the threshold
that maximises F1 on the tuning half is then checked on the held-out half, pair by
pair and through `group_near_duplicates` on a pool of originals and variants.

Usage:
  python benchmarks/feeds_dedupe_tune.py --corpus /path/to/corpus   (or TRANSLATE_SUM_CORPUS)

Nothing from the corpus is written anywhere; only numbers are printed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from translate_sum.feeds.dedupe import group_near_duplicates, jaccard, shingles  # noqa: E402

POSITIVE = ("headline", "lead", "edit5", "trim70", "combo", "trim50", "short-combo")
NEGATIVE = ("other", "quote", "background", "short-quote")
SHORT = 8
"""Sentences of a short article (a brief): where a shared quote weighs most."""


def documents(corpus: Path) -> dict[str, list[str]]:
    """newstest2013's French sentences grouped by document, the headline (first sentence) left out."""
    folder = corpus / "sentences"
    sentences = (folder / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
    ids = [line.split("\t")[0] for line in (folder / "newstest2013.docids").read_text(encoding="utf-8").splitlines()]
    grouped: dict[str, list[str]] = defaultdict(list)
    for doc, sentence in zip(ids, sentences):
        grouped[doc].append(sentence)
    return {doc: lines[1:] for doc, lines in sorted(grouped.items()) if len(lines) > 4}


def replace_words(text: str, share: float, vocabulary: list[str], rng: random.Random) -> str:
    words = text.split()
    for index in rng.sample(range(len(words)), max(1, int(len(words) * share))):
        words[index] = rng.choice(vocabulary)
    return " ".join(words)


def rewrite_lead(body: list[str], rng: random.Random) -> list[str]:
    words = body[0].split()
    kept = [w for w in words if rng.random() > 0.3]
    return ["PARIS (AFP) - " + " ".join(kept)] + body[1:]


def variant(kind: str, body: list[str], vocabulary: list[str], rng: random.Random) -> str:
    if kind == "headline":
        return " ".join(body)
    if kind == "lead":
        return " ".join(rewrite_lead(body, rng))
    if kind == "edit5":
        dropped = body[:]
        if len(dropped) > 3:
            del dropped[rng.randrange(1, len(dropped) - 1)]
        return replace_words(" ".join(dropped), 0.05, vocabulary, rng)
    if kind == "trim70":
        return " ".join(body[: max(1, round(len(body) * 0.7))])
    if kind == "trim50":
        return " ".join(body[: max(1, round(len(body) * 0.5))])
    if kind == "combo":
        led = rewrite_lead(body, rng)
        return replace_words(" ".join(led[: max(1, round(len(led) * 0.7))]), 0.03, vocabulary, rng)
    raise ValueError(kind)


def pairs(docs: dict[str, list[str]], rng: random.Random) -> list[tuple[str, str, str, bool]]:
    """(kind, text a, text b, same story?) for every pair of the set."""
    vocabulary = sorted({w for body in docs.values() for s in body for w in s.split()})
    names = sorted(docs)
    result = []
    for name in names:
        body = docs[name]
        original = " ".join(body)
        result += [(kind, original, variant(kind, body, vocabulary, rng), True) for kind in POSITIVE if not kind.startswith("short")]
    for a, b in itertools.combinations(names, 2):
        result.append(("other", " ".join(docs[a]), " ".join(docs[b]), False))
    for a, b in zip(names, names[1:] + names[:1]):
        quoted = docs[a][len(docs[a]) // 2 : len(docs[a]) // 2 + 3]
        host = docs[b][:]
        host[len(host) // 2 : len(host) // 2] = quoted
        result.append(("quote", " ".join(docs[a]), " ".join(host), False))
        result.append(("background", " ".join(docs[a]), " ".join(docs[a][:3] + docs[b]), False))
        short_a, short_b = docs[a][:SHORT], docs[b][:SHORT]
        result.append(("short-combo", " ".join(short_a), variant("combo", short_a, vocabulary, rng), True))
        result.append(("short-quote", " ".join(short_a), " ".join(short_b[:3] + short_a[3:5] + short_b[3:]), False))
    return result


def scores(data: list[tuple[str, str, str, bool]]) -> list[tuple[str, float, bool]]:
    return [(kind, jaccard(shingles(a), shingles(b)), same) for kind, a, b, same in data]


def f1_at(scored: list[tuple[str, float, bool]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for _, s, same in scored if same and s >= threshold)
    fp = sum(1 for _, s, same in scored if not same and s >= threshold)
    fn = sum(1 for _, s, same in scored if same and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def describe(scored: list[tuple[str, float, bool]], threshold: float) -> None:
    for kind in POSITIVE + NEGATIVE:
        values = sorted(s for k, s, _ in scored if k == kind)
        if not values:
            continue
        positive = kind in POSITIVE
        hits = sum(1 for v in values if (v >= threshold) == positive)
        print(f"  {kind:10s} n={len(values):4d}  min {values[0]:.2f}  median {values[len(values) // 2]:.2f}"
              f"  max {values[-1]:.2f}  right at {threshold:.2f}: {hits}/{len(values)}")


def grouping_check(docs: dict[str, list[str]], threshold: float, rng: random.Random) -> tuple[int, int, int]:
    """Pool originals and their variants; count pairs grouped right, pairs missed, pairs wrongly joined."""
    vocabulary = sorted({w for body in docs.values() for s in body for w in s.split()})
    texts: list[str] = []
    story: list[str] = []
    for name, body in sorted(docs.items()):
        for kind in ("headline", "lead", "edit5", "trim70", "combo"):
            texts.append(variant(kind, body, vocabulary, rng))
            story.append(name)
    groups = group_near_duplicates(texts, threshold)
    joined = {(i, j) for g in groups for i, j in itertools.combinations(g, 2)}
    right = sum(1 for i, j in joined if story[i] == story[j])
    wrong = len(joined) - right
    expected = sum(1 for i, j in itertools.combinations(range(len(texts)), 2) if story[i] == story[j])
    return right, expected - right, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("TRANSLATE_SUM_CORPUS"),
                        help="corpus folder with sentences/ (or $TRANSLATE_SUM_CORPUS)")
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args()
    if args.corpus is None or not (args.corpus / "sentences" / "newstest2013.fr").is_file():
        parser.error("give --corpus PATH (with sentences/newstest2013.fr) or set TRANSLATE_SUM_CORPUS")
    docs = documents(args.corpus)
    names = sorted(docs)
    tuning = {n: docs[n] for n in names[0::2]}
    held_out = {n: docs[n] for n in names[1::2]}
    rng = random.Random(args.seed)
    tuned = scores(pairs(tuning, rng))
    sweep = [(t / 100, *f1_at(tuned, t / 100)) for t in range(5, 100, 5)]
    # The middle of the best plateau: as far as the data allow from both kinds of error.
    plateau = [row for row in sweep if row[3] == max(r[3] for r in sweep)]
    best = plateau[len(plateau) // 2]
    print(f"tuning set: {len(tuning)} documents, {len(tuned)} pairs")
    for threshold, precision, recall, f1 in sweep:
        print(f"  threshold {threshold:.2f}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    print(f"best F1 on the tuning set from {plateau[0][0]:.2f} to {plateau[-1][0]:.2f}; chosen: {best[0]:.2f}")
    describe(tuned, best[0])
    checked = scores(pairs(held_out, rng))
    precision, recall, f1 = f1_at(checked, best[0])
    print(f"held-out set: {len(held_out)} documents, {len(checked)} pairs at {best[0]:.2f}:"
          f" precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    describe(checked, best[0])
    right, missed, wrong = grouping_check(held_out, best[0], rng)
    print(f"held-out grouping (originals' variants pooled): {right} pairs grouped, {missed} missed, {wrong} wrongly joined")


if __name__ == "__main__":
    main()
