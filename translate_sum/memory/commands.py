"""What `translate-sum memory stats|clear|export|import` do, without the command line.

Each function takes the `MemoryOptions` the CLI built and returns a value (a report, a
count); `describe_*` turn them into the lines the CLI prints. Errors are the library's
typed ones (`OutputError`, `InputError`) with hints naming settings by field name.

Limits: `clear` on a file that is not a usable memory deletes it (and its log) and
starts a new one; a process still holding the old file keeps writing to the deleted
copy until it restarts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from translate_sum.errors import Hint, OutputError
from translate_sum.memory.records import Entry, MemoryReport, MemoryUnusable
from translate_sum.memory.settings import MemoryOptions
from translate_sum.memory.store import TranslationMemory
from translate_sum.memory.tmx import ExportResult, export_tmx, read_tmx

_SIDE_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class ClearResult:
    path: Path
    removed: int  # entries deleted (0 when the file was replaced)
    replaced: bool  # the file was not a usable memory and was started afresh


@dataclass(frozen=True)
class ImportResult:
    path: Path
    human: int
    machine: int


def open_for_command(options: MemoryOptions) -> TranslationMemory:
    """The memory file `options` name, or `OutputError` saying why it cannot be used."""
    path = options.resolved_path()
    try:
        return TranslationMemory(path, max_bytes=options.max_bytes, busy_seconds=options.busy_seconds)
    except MemoryUnusable as exc:
        raise _unusable(exc) from exc


def _unusable(exc: MemoryUnusable) -> OutputError:
    return OutputError(
        f"the translation memory {exc.path} cannot be used ({exc.reason})",
        Hint("`translate-sum memory clear` starts a new one, or choose another file with {option}", "memory"),
    )


def memory_stats(options: MemoryOptions, runs: int = 10) -> MemoryReport:
    """Entries, size and the last `runs` runs' hit rate of the memory."""
    memory = open_for_command(options)
    try:
        return memory.report(runs)
    except MemoryUnusable as exc:
        raise _unusable(exc) from exc
    finally:
        memory.close()


def describe_stats(report: MemoryReport) -> str:
    """The lines `memory stats` prints."""
    recent = report.recent
    lines = [
        f"Translation memory: {report.path}",
        f"  entries: {report.entries:,} ({report.human_entries:,} human), {report.contexts:,} model/setting contexts",
        f"  size: {report.used_bytes / 2**20:.1f} MB used of {report.max_bytes / 2**20:.0f} MB "
        f"({report.file_bytes / 2**20:.1f} MB on disk)",
    ]
    if report.runs:
        lines.append(
            f"  last {len(report.runs)} run(s): {recent.segments:,} segments, {recent.hits:,} from the memory "
            f"({recent.hit_rate:.1%}; {recent.human:,} human), {recent.decoded:,} decoded"
        )
        for run in report.runs:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run.finished))
            lines.append(f"    {when}  {run.stats.hits:,}/{run.stats.segments:,} from the memory ({run.stats.hit_rate:.0%})")
    else:
        lines.append("  no runs recorded yet")
    return "\n".join(lines)


def clear_memory(options: MemoryOptions) -> ClearResult:
    """Empty the memory; a file that is not a usable memory is deleted and started afresh."""
    path = options.resolved_path()
    try:
        memory = TranslationMemory(path, max_bytes=options.max_bytes, busy_seconds=options.busy_seconds)
    except MemoryUnusable:
        return _start_afresh(options)
    try:
        removed = memory.clear()
    except MemoryUnusable:  # damage found while deleting
        memory.close()
        return _start_afresh(options)
    memory.close()
    return ClearResult(path, removed, False)


def _start_afresh(options: MemoryOptions) -> ClearResult:
    path = options.resolved_path()
    _remove(path)
    open_for_command(options).close()
    return ClearResult(path, 0, True)


def _remove(path: Path) -> None:
    try:
        for name in ("", *_SIDE_FILES):
            Path(str(path) + name).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot remove {path}: {exc.strerror or exc}; delete it by hand") from exc


def describe_clear(result: ClearResult) -> str:
    if result.replaced:
        return f"{result.path} was not a usable memory: started a new, empty one"
    return f"Cleared {result.path}: {result.removed:,} entries removed"


def export_memory(options: MemoryOptions, target: Path) -> ExportResult:
    """Write every entry of the memory to `target` as TMX 1.4."""
    from translate_sum.version import __version__

    memory = open_for_command(options)
    try:
        return export_tmx(memory.entries(), Path(target), __version__)
    except MemoryUnusable as exc:
        raise _unusable(exc) from exc
    finally:
        memory.close()


def describe_export(result: ExportResult) -> str:
    skipped = f" ({result.skipped:,} left out: text XML cannot carry)" if result.skipped else ""
    return f"Exported {result.units:,} translation units to {result.path}{skipped}"


def import_memory(options: MemoryOptions, source: Path) -> ImportResult:
    """Add the French→English units of the TMX file `source` to the memory.

    Units from elsewhere are human translations, which take precedence over the
    machine's; units our own export marked as machine come back as they were.
    """
    memory = open_for_command(options)
    counts = {True: 0, False: 0}

    def counted(entries: Iterator[Entry]) -> Iterator[Entry]:
        for entry in entries:
            counts[entry.human] += 1
            yield entry

    try:
        memory.import_entries(counted(read_tmx(Path(source))))
    except MemoryUnusable as exc:
        raise _unusable(exc) from exc
    finally:
        memory.close()
    return ImportResult(Path(source), counts[True], counts[False])


def describe_import(result: ImportResult) -> str:
    return f"Imported {result.human + result.machine:,} units from {result.path} ({result.human:,} human, {result.machine:,} machine)"


__all__ = [
    "ClearResult",
    "ImportResult",
    "clear_memory",
    "describe_clear",
    "describe_export",
    "describe_import",
    "describe_stats",
    "export_memory",
    "import_memory",
    "memory_stats",
    "open_for_command",
]
