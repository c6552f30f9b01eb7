"""What a folder run did: one result per input, the totals, and the exit status.

These are the rows of `report.json`; `digest.render_index_md` turns a report into the
`index.md` digest. A run that follows feeds adds what each feed gave (`feeds`) and the
items it did not translate, with why (`notes`); a feed or an item that failed there
counts as a failure in the exit status too.

Limits: a report holds every reached input in memory (a few hundred bytes each, plus
the summary): about 1 GB for a million articles.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from translate_sum.batch.discover import REPORT_NAME

Status = Literal["done", "skipped", "failed"]

FAILURES_SHOWN = 10
"""Failed inputs listed at the end of a run; the rest are counted and left to report.json."""


@dataclass
class ArticleResult:
    """One input's line in the report; paths are relative to the input/output folder."""

    input: str
    status: Status
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sha256: str | None = None
    title: str | None = None
    summary: str | None = None
    # The audit's flags, each with the paragraph it is about: what to double-check.
    flags: list[dict[str, Any]] = field(default_factory=list)
    # Something the reader should know about a finished article (English passed through).
    note: str | None = None
    # Its segments, and how many the translation memory gave (`writers.memory_to_dict`);
    # None when not translated by this run (skipped, failed).
    memory: dict[str, int] | None = None

    @property
    def reason(self) -> str:
        """Why the input failed, on one line, without the input's name in front.

        Reader errors start with the file name, which every list of failures already
        shows beside the reason.
        """
        error = one_line(self.error or "unknown error")
        prefix = f"{one_line(self.input)}: "
        return error[len(prefix):] if error.startswith(prefix) else error

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "status": self.status,
            "error": self.error,
            "outputs": list(self.outputs),
            "seconds": round(self.seconds, 3),
            "sha256": self.sha256,
            "title": self.title,
            "summary": self.summary,
            "flags": list(self.flags),
            "note": self.note,
            "memory": dict(self.memory) if self.memory is not None else None,
        }


@dataclass
class BatchReport:
    """What a folder run did: one result per input reached, in input order."""

    input_dir: str
    output_dir: str
    options: dict[str, Any]
    articles: list[ArticleResult]
    total: int  # inputs discovered
    seconds: float = 0.0
    interrupted: bool = False
    # Inputs discovered but not reached (after an interrupt, or in a report written mid-run).
    pending_inputs: list[str] = field(default_factory=list)
    # On Ray: one entry per worker (its node, articles, peak memory).
    workers: list[dict[str, Any]] = field(default_factory=list)
    # A feed run (None otherwise): one entry per source (`feeds.FeedReport`), the
    # items not translated and why (`feeds.ItemNote`), and the requests it sent.
    feeds: list[dict[str, Any]] | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0

    def count(self, status: Status) -> int:
        return sum(1 for a in self.articles if a.status == status)

    @property
    def pending(self) -> int:
        """Inputs this run did not reach (only after an interrupt)."""
        return self.total - len(self.articles)

    @property
    def feed_failures(self) -> int:
        """Feeds that failed, and feed items that could not be read at all (not in `articles`)."""
        failed_feeds = sum(1 for f in self.feeds or () if f.get("status") == "failed")
        return failed_feeds + sum(1 for n in self.notes if n.get("status") == "failed")

    @property
    def totals(self) -> dict[str, Any]:
        totals = {
            "articles": self.total,
            "done": self.count("done"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "pending": self.pending,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "memory": self.memory_totals(),
        }
        if self.feeds is not None:
            totals.update(feeds=len(self.feeds), feed_failures=self.feed_failures, requests=self.requests)
        return totals

    def memory_totals(self) -> dict[str, int]:
        """The translation memory's counts over the articles this run translated."""
        totals = {"segments": 0, "from_memory": 0, "human": 0}
        for article in self.articles:
            for key, value in (article.memory or {}).items():
                totals[key] = totals.get(key, 0) + value
        return totals

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "articles": [a.to_dict() for a in self.articles],
            "totals": self.totals,
            "options": self.options,
        }
        if self.pending_inputs:
            data["pending"] = list(self.pending_inputs)
        if self.workers:
            data["workers"] = list(self.workers)
        if self.feeds is not None:
            data["feeds"] = list(self.feeds)
            data["notes"] = list(self.notes)
        return data

    def summary_line(self) -> str:
        """One line for the end of a run: counts, seconds, what the translation memory gave."""
        parts = [f"{self.count('done')} done", f"{self.count('skipped')} skipped", f"{self.count('failed')} failed"]
        if self.interrupted:
            parts.append(f"{self.pending} not reached (interrupted)")
        counts = f"{self.total} articles: {', '.join(parts)}"
        if self.feeds is not None:
            counts = f"{self._sources_line()}; {self.total} new articles: {', '.join(parts)}"
        memory = self.memory_totals()
        remembered = f"; {memory['from_memory']} of {memory['segments']} segments from the memory" if memory["from_memory"] else ""
        return f"{counts} in {self.seconds:.1f} s{remembered}; report in {self.output_dir}"

    def _sources_line(self) -> str:
        """'3 sources (1 failed, 1 unchanged)': what a feed run read."""
        sources = self.feeds or []
        failed = sum(1 for f in sources if f.get("status") == "failed")
        unchanged = sum(1 for f in sources if f.get("status") == "not modified")
        details = ([f"{failed} failed"] if failed else []) + ([f"{unchanged} unchanged"] if unchanged else [])
        line = f"{len(sources)} source{'s' if len(sources) != 1 else ''}"
        return f"{line} ({', '.join(details)})" if details else line

    def failures(self) -> list[tuple[str, str]]:
        """(what, why) for each failed feed, feed item that could not be read, and article."""
        found = [(f["source"], _without(f.get("error") or "failed", f["source"]))
                 for f in self.feeds or () if f.get("status") == "failed"]
        found += [(n["item"], n.get("detail") or "failed") for n in self.notes if n.get("status") == "failed"]
        found += [(a.input, a.reason) for a in self.articles if a.status == "failed"]
        return found

    def failure_lines(self, limit: int = FAILURES_SHOWN) -> list[str]:
        """The failed inputs for the end of a run, one line each (name: reason).

        At most `limit` are named; a last line counts the others and points to
        report.json, which has them all. Empty when nothing failed.
        """
        failed = self.failures()
        if not failed:
            return []
        lines = [f"Failed ({len(failed)}):"]
        lines += [f"  {printable(what)}: {one_line(why)}" for what, why in failed[:limit]]
        if len(failed) > limit:
            lines.append(f"  and {len(failed) - limit} more, see {os.path.join(self.output_dir, REPORT_NAME)}")
        return lines


def _without(text: str, name: str) -> str:
    """`text` without `name: ` in front (errors often start with what failed)."""
    prefix = f"{name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def one_line(text: str) -> str:
    """`text` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def printable(name: str) -> str:
    """A file name that stays on its line: control characters shown escaped (``\\n``).

    Any byte but "/" may be in a file name; a newline in one would break a list.
    """
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in name)


def exit_status(report: BatchReport) -> int:
    """The CLI's exit status: 0 all succeeded (or skipped), 1 any article, feed or feed item failed, 130 interrupted."""
    if report.interrupted:
        return 130
    return 1 if report.count("failed") or report.feed_failures else 0
