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
from translate_sum.document import Flag

KINDS = (*CHECKS, "paragraphs")

# Average English characters per French character, and the cost of leaving a
# paragraph unpaired, in units of |log(length ratio)| (a paragraph twice too long ≈ 0.7).
_RATIO = 0.87
_GAP_COST = 1.6


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
    """Blank-line separated blocks of `text`, stripped, empty ones dropped."""
    return [block.strip() for block in re.split(r"\n[ \t]*\n", text) if block.strip()]


def _pair_cost(source: str, translation: str) -> float:
    return abs(math.log((len(translation) + 20) / (_RATIO * len(source) + 20)))


def align(source: list[str], translation: list[str]) -> list[tuple[int | None, int | None]]:
    """Pairs of 0-based indexes (None on the side that has no counterpart), in order.

    Same counts pair one to one; otherwise a dynamic programme over lengths chooses
    which paragraphs stand alone.
    """
    n, m = len(source), len(translation)
    if n == m:
        return [(i, i) for i in range(n)]
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i and j and cost[i - 1][j - 1] + _pair_cost(source[i - 1], translation[j - 1]) < cost[i][j]:
                cost[i][j] = cost[i - 1][j - 1] + _pair_cost(source[i - 1], translation[j - 1])
                back[i][j] = (1, 1)
            if i and cost[i - 1][j] + _GAP_COST < cost[i][j]:
                cost[i][j], back[i][j] = cost[i - 1][j] + _GAP_COST, (1, 0)
            if j and cost[i][j - 1] + _GAP_COST < cost[i][j]:
                cost[i][j], back[i][j] = cost[i][j - 1] + _GAP_COST, (0, 1)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        pairs.append((i - 1 if di else None, j - 1 if dj else None))
        i, j = i - di, j - dj
    return pairs[::-1]


def audit_texts(source_paragraphs: list[str], translation_paragraphs: list[str]) -> AuditReport:
    """Check every paragraph of a translation against its source paragraph.

    A difference in paragraph counts is itself reported: each source paragraph left
    without a translation, and each translation paragraph without a source, gets a
    flag of kind ``paragraphs``.
    """
    src, tgt = list(source_paragraphs), list(translation_paragraphs)
    flags: dict[int, list[Flag]] = {i: [] for i in range(len(src))}
    last_source = 0
    for s, t in align(src, tgt):
        if s is not None and t is not None:
            flags[s].extend(check_paragraph(src[s], tgt[t]))
            last_source = s
        elif s is not None:
            flags[s].append(
                Flag("paragraphs", f"no translation for this paragraph ({len(src)} source paragraphs, "
                     f"{len(tgt)} in the translation)", "error")
            )
            last_source = s
        elif t is not None and src:
            shown = tgt[t] if len(tgt[t]) <= 50 else tgt[t][:47] + "..."
            flags[last_source].append(
                Flag("paragraphs", f"translation paragraph {t + 1} has no source paragraph: {shown!r}", "error")
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


def report_to_markdown(report: AuditReport) -> str:
    """A short Markdown report: a summary line, then a "Check these" list with ¶N references."""
    totals = report.totals
    lines = ["# Translation audit", ""]
    summary = (
        f"{totals['flagged']} of {totals['paragraphs']} paragraphs flagged "
        f"({totals['errors']} errors, {totals['warnings']} warnings)."
    )
    if report.source_paragraphs != report.translation_paragraphs:
        summary += (
            f" The source has {report.source_paragraphs} paragraphs, "
            f"the translation {report.translation_paragraphs}."
        )
    lines.append(summary)
    if not report.flagged:
        lines += ["", "Nothing to check: no flags."]
        return "\n".join(lines) + "\n"
    lines += ["", "## Check these", ""]
    for p in report.paragraphs:
        for flag in p.flags:
            lines.append(f"- ¶{p.index} **{flag.kind}** ({flag.severity}): {flag.detail}")
    return "\n".join(lines) + "\n"
