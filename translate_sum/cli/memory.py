"""`memory`: look at, empty, export and import the translation memory.

`stats`, `clear`, `export FILE.tmx` and `import FILE.tmx` each build the memory's
options from the settings table and call `translate_sum.memory.commands`, which does
the work and words the result; this module only prints it.

Limits: one memory file per call (`--memory`, or the default in the user cache); TMX
only for export and import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from translate_sum.cli.common import memory_options, setting_option, user_errors


def _memory_file(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that name the memory file and its size bound."""
    return setting_option("memory")(setting_option("memory_max_mb")(command))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def memory() -> None:
    """The translation memory: every sentence translated is kept in it, so a sentence
    seen before (the same wire in another outlet, a rerun) is not translated again.

    It lives in one file (default: memory.sqlite3 in the user cache; --memory
    chooses another). `translate`, `brief`, `batch` and `serve` use it unless
    given --no-memory.
    """


@memory.command()
@_memory_file
def stats(memory: Path | None, memory_max_mb: int) -> None:
    """Entries, size, and how much of the last runs the memory answered."""
    from translate_sum.memory.commands import describe_stats, memory_stats

    with user_errors():
        click.echo(describe_stats(memory_stats(memory_options(memory, False, memory_max_mb))))


@memory.command()
@_memory_file
def clear(memory: Path | None, memory_max_mb: int) -> None:
    """Forget every translation (imported ones too) and give the space back."""
    from translate_sum.memory.commands import clear_memory, describe_clear

    with user_errors():
        click.echo(describe_clear(clear_memory(memory_options(memory, False, memory_max_mb))))


TMX_FILE = click.Path(dir_okay=False, path_type=Path)


@memory.command()
@click.argument("target", metavar="FILE.tmx", type=TMX_FILE)
@_memory_file
def export(target: Path, memory: Path | None, memory_max_mb: int) -> None:
    """Write the memory to FILE.tmx (TMX 1.4, which translation tools read).

    Machine translations are marked as such, with the model and settings that
    made them, so importing the file back gives the same memory.
    """
    from translate_sum.memory.commands import describe_export, export_memory

    with user_errors():
        click.echo(describe_export(export_memory(memory_options(memory, False, memory_max_mb), target)))


@memory.command(name="import")
@click.argument("source", metavar="FILE.tmx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_memory_file
def import_(source: Path, memory: Path | None, memory_max_mb: int) -> None:
    """Add the French→English translations of FILE.tmx to the memory.

    Translations made elsewhere (a translator's memory from a CAT tool) are kept
    as human translations: they are given instead of the model's, marked "human"
    in the JSON output, and never retried by the audit.
    """
    from translate_sum.memory.commands import describe_import, import_memory

    with user_errors():
        click.echo(describe_import(import_memory(memory_options(memory, False, memory_max_mb), source)))
