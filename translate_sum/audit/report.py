"""Audit a whole translation paragraph by paragraph, and render the result.

When both sides have as many paragraphs, paragraph N is checked against paragraph N.
When they differ, the paragraphs are aligned by length (the French paragraph with
no English counterpart, or the English one with no French, is what a reader must find),
and every gap is reported as a flag of kind ``paragraphs`` on the nearest source
paragraph. Indexes count source paragraphs from 1.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from translate_sum.audit.checks import CHECKS, check_paragraph
from translate_sum.audit.names import fold
from translate_sum.audit.quote import quoted, shorten
from translate_sum.document import Flag
from translate_sum.text import blocks

KINDS = (*CHECKS, "paragraphs")

# Average English characters per French character, and the cost of leaving a
# paragraph unpaired, in units of |log(length ratio)| (a paragraph twice too long ≈ 0.7).
_RATIO = 0.87
_GAP_COST = 1.0
# Weight of the shared-words signal (a Dice score, 0 to 1, subtracted from a pair's
# cost): neighbouring paragraphs of similar length are told apart by the names,
# numbers and cognates they share with their translation.
_LEXICAL_WEIGHT = 2.0
# Extra cost of pairing two paragraphs of one side with one of the other (a merge or
# a split). The three values were chosen on the corpus articles with English
# paragraphs deleted, inserted, merged or split (635 cases, 96% placed exactly;
# a short paragraph dropped beside another short one is often read as a merge).
_MERGE_COST = 1.0

@dataclass(frozen=True)
class ParagraphAudit:
    """The flags of one source paragraph (`index` counts from 1)."""

    index: int
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class AuditReport:
    """Flags for every source paragraph, and how many paragraphs each side had."""

    paragraphs: tuple[ParagraphAudit, ...]
    source_paragraphs: int
    translation_paragraphs: int

    @property
    def flagged(self) -> bool:
        """Whether anything at all was flagged."""
        return any(p.flags for p in self.paragraphs)

    @property
    def totals(self) -> dict[str, object]:
        """Counts for a summary line: paragraphs, flagged ones, flags by severity and kind."""
        flags = [f for p in self.paragraphs for f in p.flags]
        return {
            "paragraphs": self.source_paragraphs,
            "translation_paragraphs": self.translation_paragraphs,
            "flagged": sum(1 for p in self.paragraphs if p.flags),
            "flags": len(flags),
            "errors": sum(f.severity == "error" for f in flags),
            "warnings": sum(f.severity == "warning" for f in flags),
            "by_kind": {kind: sum(f.kind == kind for f in flags) for kind in KINDS},
        }


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks of `text`, stripped, empty ones dropped (`text.blocks`)."""
    return blocks(text)


_ANCHOR = re.compile(r"\d+|[^\W\d_]{5,}")


def _anchors(text: str) -> set[str]:
    """Digits and 5-letter stems of long words, accents dropped: what a paragraph
    shares with its translation ("président"/"president", "Montréal"/"Montreal", "2012")."""
    return {w[:5] for w in _ANCHOR.findall(fold(text))}


def _pair_cost(src_len: int, tgt_len: int, src: set[str], tgt: set[str]) -> float:
    """Cost of pairing two blocks, from their lengths and anchors (see `_anchors`)."""
    length = abs(math.log((tgt_len + 20) / (_RATIO * src_len + 20)))
    shared = 2 * len(src & tgt) / (len(src) + len(tgt)) if src and tgt else 0.0
    return length - _LEXICAL_WEIGHT * shared


Bead = tuple[tuple[int, ...], tuple[int, ...]]

# Moves of the alignment: (source paragraphs, translation paragraphs) taken together.
_MOVES = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


def align(source: list[str], translation: list[str]) -> list[Bead]:
    """The paragraphs of both sides grouped in order: pairs, merges, and gaps.

    Each group is (source indexes, translation indexes), 0-based: ``((3,), (3,))`` a
    pair, ``((3,), ())`` a source paragraph with no translation, ``((3, 4), (3,))``
    two source paragraphs translated as one. Same counts pair one to one; otherwise a
    dynamic programme over lengths and shared words (digits, names, cognates) places
    the gaps, merges and splits.
    """
    n, m = len(source), len(translation)
    if n == m:
        return [((i,), (i,)) for i in range(n)]
    src_anchors = [_anchors(p) for p in source]
    tgt_anchors = [_anchors(p) for p in translation]

    def block(texts: list[str], anchors: list[set[str]], a: int, b: int) -> tuple[int, set[str]]:
        return sum(len(t) for t in texts[a:b]) + (b - a - 1), set().union(*anchors[a:b])

    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for di, dj in _MOVES:
                if di > i or dj > j or cost[i - di][j - dj] == inf:
                    continue
                if di and dj:
                    src_len, src_set = block(source, src_anchors, i - di, i)
                    tgt_len, tgt_set = block(translation, tgt_anchors, j - dj, j)
                    step = _pair_cost(src_len, tgt_len, src_set, tgt_set)
                    step += _MERGE_COST if di + dj > 2 else 0.0
                else:
                    step = _GAP_COST
                if cost[i - di][j - dj] + step < cost[i][j]:
                    cost[i][j], back[i][j] = cost[i - di][j - dj] + step, (di, dj)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        beads.append((tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]


def audit_texts(source_paragraphs: list[str], translation_paragraphs: list[str]) -> AuditReport:
    """Check every paragraph of a translation against its source paragraph.

    A difference in paragraph counts is itself reported: each source paragraph left
    without a translation, and each translation paragraph without a source, gets a
    flag of kind ``paragraphs``.
    """
    src, tgt = list(source_paragraphs), list(translation_paragraphs)
    flags: dict[int, list[Flag]] = {i: [] for i in range(len(src))}
    counts = f"({len(src)} source paragraphs, {len(tgt)} in the translation)"
    last_source = 0
    for s_ids, t_ids in align(src, tgt):
        if s_ids and t_ids:
            # A merge or split is checked as one block; its flags go to its first paragraph.
            first = s_ids[0]
            flags[first].extend(check_paragraph(" ".join(src[i] for i in s_ids), " ".join(tgt[j] for j in t_ids)))
            if len(s_ids) > 1:
                flags[first].append(Flag(
                    "paragraphs",
                    f"paragraphs {s_ids[0] + 1}-{s_ids[-1] + 1} are one paragraph ({t_ids[0] + 1}) "
                    f"in the translation {counts}", "warning"))
            elif len(t_ids) > 1:
                flags[first].append(Flag(
                    "paragraphs",
                    f"translated as paragraphs {t_ids[0] + 1}-{t_ids[-1] + 1} {counts}", "warning"))
            last_source = s_ids[-1]
        elif s_ids:
            flags[s_ids[0]].append(Flag("paragraphs", f"no translation for this paragraph {counts}", "error"))
            last_source = s_ids[0]
        elif src:
            flags[last_source].append(
                Flag("paragraphs", f"translation paragraph {t_ids[0] + 1} has no source paragraph: {quoted(tgt[t_ids[0]])}", "error")
            )
    return AuditReport(
        paragraphs=tuple(ParagraphAudit(i + 1, tuple(flags[i])) for i in range(len(src))),
        source_paragraphs=len(src),
        translation_paragraphs=len(tgt),
    )


def report_to_dict(report: AuditReport) -> dict[str, object]:
    """The JSON form: ``{"paragraphs": [{"index": 1, "flags": [...]}], "totals": {...}}``."""
    return {
        "paragraphs": [
            {"index": p.index, "flags": [f.to_dict() for f in p.flags]} for p in report.paragraphs
        ],
        "totals": report.totals,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# Long phrasings of the check modules, and their short form for a one-line digest.
_SHORT = (
    ("in translation more times than in source", "added"),
    ("in translation not in source", "added"),
    ("appears fewer times in translation", "fewer times"),
    ("missing in translation", "missing"),
)


DETAIL_CHARS = 80
"""Most characters of one detail in the digest line; a detail's quote is already
at most `quote.QUOTE_CHARS`, so this rarely cuts."""


def _short_detail(flag: Flag) -> str:
    detail = flag.detail
    if detail.startswith(flag.kind + " "):
        detail = detail[len(flag.kind) + 1 :]  # "number 3,5 missing ..." under "number"
    for long, short in _SHORT:
        detail = detail.replace(long, short)
    cut = shorten(detail, DETAIL_CHARS)
    # A cut inside a quotation still closes it, so the reader sees where it ends.
    return cut + "”" if cut.count("“") > cut.count("”") else cut


def flag_summary(flags: list[Flag] | tuple[Flag, ...]) -> str:
    """One short line for a paragraph's flags, grouped by kind:
    ``number (3,5 missing), name (“BTP” missing)``."""
    by_kind: dict[str, list[str]] = {}
    for flag in flags:
        by_kind.setdefault(flag.kind, []).append(_short_detail(flag))
    return ", ".join(f"{kind} ({'; '.join(details)})" for kind, details in by_kind.items())


def report_to_markdown(report: AuditReport) -> str:
    """A short Markdown report: a summary line, then a "Check these" section with one
    line per flagged paragraph (``- ¶3: number (3,5 missing), name (“BTP” missing)``)."""
    totals = report.totals
    lines = ["# Translation audit", ""]
    summary = (
        f"{totals['flagged']} of {_count(report.source_paragraphs, 'paragraph')} flagged "
        f"({_count(totals['errors'], 'error')}, {_count(totals['warnings'], 'warning')})."
    )
    if report.source_paragraphs != report.translation_paragraphs:
        summary += (
            f" The source has {_count(report.source_paragraphs, 'paragraph')}, "
            f"the translation {report.translation_paragraphs}."
        )
    lines.append(summary)
    if not report.flagged:
        lines += ["", "Nothing to check: no flags."]
        return "\n".join(lines) + "\n"
    lines += ["", "## Check these", ""]
    for p in report.paragraphs:
        if p.flags:
            lines.append(f"- ¶{p.index}: {flag_summary(p.flags)}")
    return "\n".join(lines) + "\n"
