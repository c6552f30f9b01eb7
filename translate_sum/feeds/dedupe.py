"""The same story from several outlets: group articles whose texts are near-duplicates.

Agencies' wires are published by many outlets, each with its own headline, a lead
sentence added or cut, the last paragraphs trimmed. Two article bodies (title left
out) are one story when the Jaccard similarity of their sets of 5-word shingles
(every run of five consecutive words, lower-cased, punctuation dropped) reaches
`FeedOptions.duplicate_threshold`; groups are the connected pairs (union-find).

Exact, not estimated: an inverted index from shingle to articles counts the shared
shingles of every pair that shares any, so the cost grows with the shared shingles,
not with the square of the articles; a shingle found in more than `COMMON_SHINGLE`
articles (site boilerplate: "Lire aussi ...", a newsletter line) is left out of the
counts, as a MinHash index would drop it too.

The threshold (0.3) was tuned on near-duplicates built from real French news
(headline rewritten, lead changed, paragraphs cut, words edited: Jaccard 0.38 to 1)
against unrelated articles and articles quoting part of another (at most 0.26, for
two briefs sharing two sentences); `benchmarks/feeds_dedupe_tune.py` measures it,
benchmarks/README.md (Feeds) gives the numbers.

Limits: a story retold in other words (two reporters, not one wire) is not found;
an outlet that prints only the first third of a wire falls below the threshold.
Shingles hash with Python's `hash`, stable within a run only (groups are never stored).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from translate_sum.feeds.items import normalized_words

SHINGLE_WORDS = 5
COMMON_SHINGLE = 200
"""A shingle shared by more articles than this is boilerplate, not a story (and would cost
a count for every pair of its holders)."""


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """The hashed `size`-word shingles of `text` (one shingle for a shorter text)."""
    words = normalized_words(text)
    if len(words) <= size:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """|a ∩ b| / |a ∪ b|; 0 for two empty sets."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similar_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Every pair (i, j, similarity), i < j, whose shingle Jaccard reaches `threshold`."""
    sets = [shingles(t) for t in texts]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, shingle_set in enumerate(sets):
        for shingle in shingle_set:
            postings[shingle].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for holders in postings.values():
        if len(holders) < 2 or len(holders) > COMMON_SHINGLE:
            continue
        for position, i in enumerate(holders):
            for j in holders[position + 1 :]:
                shared[(i, j)] += 1
    pairs = []
    for (i, j), count in shared.items():
        similarity = count / (len(sets[i]) + len(sets[j]) - count)
        if similarity >= threshold:
            pairs.append((i, j, similarity))
    return sorted(pairs)


def group_near_duplicates(texts: Sequence[str], threshold: float) -> list[list[int]]:
    """Groups of two or more indexes of `texts` that tell the same story, each sorted, in order of their first member."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in similar_pairs(texts, threshold):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(texts)):
        groups[root(index)].append(index)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
