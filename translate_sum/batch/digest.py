"""The digest of a folder run: `index.md` (and `index.html`) rendered from its report.

The digest is the page a reader opens first: every article's title, summary, what to
double-check and links to its outputs, failures last. It is rendered from the
`BatchReport` alone (what `report.json` holds), so a resumed run writes the same
digest as an uninterrupted one. The HTML digest hands entries to the view's
`html_view.index_page`, which knows nothing of runs.

Limits: one page for the whole run, however many articles (no paging); links are
relative to the output folder, so the digest moves with it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from translate_sum.batch.report import BatchReport, one_line
from translate_sum.html_view import IndexEntry, index_page


def render_index_md(report: BatchReport) -> str:
    """index.md: one page with every article's title, summary and links, failures last."""
    succeeded = [a for a in report.articles if a.status != "failed"]
    failed = [a for a in report.articles if a.status == "failed"]
    lines = ["# Press review", ""]
    counts = f"{len(succeeded)} of {report.total} articles translated"
    if failed:
        counts += f", {len(failed)} failed"
    if report.interrupted:
        counts += f", {report.pending} not reached (the run was interrupted; run it again to finish)"
    models = report.options.get("models", {})
    used = ", ".join(f"{role}: {name}" for role, name in models.items())
    lines += [f"{counts}. Models: {used}." if used else f"{counts}.", ""]
    for number, article in enumerate(succeeded, start=1):
        title = article.title or PurePosixPath(article.input).stem
        lines.append(f"## {number}. {one_line(title)}")
        lines.append("")
        if article.summary:
            lines += [one_line(article.summary), ""]
        if article.note:
            lines += [f"_{article.note}_", ""]
        if article.flags:
            lines += [_checks_line(article.flags), ""]
        links = [f"[{_label(o)}]({_link(o)})" for o in reversed(article.outputs)]
        lines += [f"{' · '.join(links)} · source: {_name(article.input)}", ""]
    if failed:
        lines += [f"## Failed ({len(failed)})", ""]
        lines += [f"- {_name(a.input)}: {a.reason}" for a in failed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_index_html(report: BatchReport) -> str:
    """index.html for `batch --format html`: every article's page linked, as index.md lists them.

    Each article links its brief page (its translation page when there is no brief).
    """
    entries = []
    for article in report.articles:
        pages = [o for o in article.outputs if PurePosixPath(o).suffix == ".html"]
        href = _link(pages[-1]) if pages else ""
        entries.append(
            IndexEntry(
                name=article.input,
                href=href,
                title=article.title or PurePosixPath(article.input).stem,
                summary=article.summary or "",
                flagged=len({flag.get("paragraph") for flag in article.flags}),
                error=article.reason if article.status == "failed" else "",
                note=article.note or "",
            )
        )
    return index_page(entries, heading="Press review")


def _link(path: str) -> str:
    # Links break on spaces and parentheses in file names (Markdown's first); encode them.
    return quote(PurePosixPath(path).as_posix())


def _checks_line(flags: list[dict[str, Any]]) -> str:
    """'Check: number ¶3, ¶7; untranslated ¶2–¶9': flagged paragraphs by kind, as ranges."""
    by_kind: dict[str, set[int]] = {}
    for flag in flags:
        by_kind.setdefault(flag["kind"], set()).add(flag["paragraph"])
    return "Check: " + "; ".join(f"{kind} {_ranges(sorted(by_kind[kind]))}" for kind in sorted(by_kind))


def _ranges(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"¶{r[0]}" if len(r) == 1 else f"¶{r[0]}–¶{r[-1]}" for r in runs)


def _label(output: str) -> str:
    return "brief" if ".brief." in PurePosixPath(output).name else "translation"


def _name(name: str) -> str:
    """A file name as a Markdown code span that stays on its line.

    A name may hold a newline or another control character (any byte but "/" is
    allowed): those are shown escaped (``\\n``), and the span is fenced with more
    backticks than any run inside the name, so a backtick cannot end it early.
    """
    shown = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in name)
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"
