"""`batch`: every article of a folder, a list of addresses or the feeds one follows, here or on Ray workers.

Limits: the library decides what to redo and writes the report; this command only
builds its options, shows progress and sets the exit status.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from translate_sum.cli.common import (
    FLAGS,
    RunSettings,
    SettingsCommand,
    SummarySettings,
    describe,
    opened_memory,
    run_options,
    setting_option,
    summary_options,
    user_errors,
)
from translate_sum.cli.progress import ProgressDisplay

if TYPE_CHECKING:  # imported in the command body, so --help stays instant
    from datetime import datetime

    from translate_sum.batch import BatchOptions, BatchReport, ModelSpec


class FolderFileOrAddress(click.ParamType):
    """INPUT: an http(s) address as given, else a folder or file that exists (as a Path)."""

    name = "input"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str | Path:
        from translate_sum.fetch import is_url

        if isinstance(value, str) and is_url(value):
            return value.strip()
        path = click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path)
        return path.convert(value, param, ctx)  # type: ignore[no-any-return]


def _address_not_a_path(ctx: click.Context, param: click.Parameter, address: str | None) -> str | None:
    """Refuse a --ray address that is a file or folder: `--ray small/ -o x` took INPUT.

    --ray takes a value only when one follows it, so a folder written after it is
    read as the address; click would then say only that INPUT is missing.
    """
    if address and address not in ("auto", "local") and "://" not in address and Path(address).exists():
        raise click.UsageError(f"--ray took {address!r} as its address; write --ray=ADDRESS or put --ray last", ctx)
    return address


@click.command(cls=SettingsCommand)
@click.argument("input_dir", metavar="INPUT", type=FolderFileOrAddress())
@setting_option("output_dir", required=True)
@setting_option("patterns")
@setting_option("recursive")
@setting_option("translate_only")
@setting_option("force")
@setting_option("since")
@setting_option("batch_format")
@setting_option("ray_address", callback=_address_not_a_path)
@setting_option("workers")
@setting_option("cpus_per_worker")
@summary_options
@run_options
def batch(
    input_dir: str | Path,
    output_dir: Path,
    patterns: tuple[str, ...],
    recursive: bool,
    translate_only: bool,
    force: bool,
    since: str | None,
    fmt: str,
    ray_address: str | None,
    workers: int | None,
    cpus_per_worker: int,
    summary: SummarySettings,
    run: RunSettings,
) -> None:
    """Translate and brief every article in the folder INPUT (subfolders too),
    every page of a text file INPUT listing http(s) addresses, one a line, or
    the new items of the feeds INPUT follows.
    Word, OpenDocument and PDF files are read too; their outputs are the same.

    For INPUT/sub/name.txt it writes OUTPUT_DIR/sub/name.en.md (the
    translation) and OUTPUT_DIR/sub/name.brief.md (the brief); for an address,
    OUTPUT_DIR/host/path/name.en.md and .brief.md. Plus
    OUTPUT_DIR/report.json (one entry per article) and OUTPUT_DIR/index.md (a
    one-page digest). A file that cannot be read is recorded as failed and the
    others go on. A rerun skips articles already done with the same input and
    options (kept in OUTPUT_DIR/.batch-state.sqlite); Ctrl-C keeps finished work,
    and the next run does the rest. With --ray the same job runs on Ray workers,
    each loading the models once, with the same outputs.

    Feeds: INPUT may also be a feed's address (RSS or Atom), a saved feed file,
    an OPML export from a feed reader, or a list of addresses mixing feeds and
    article pages. Each new item's page is fetched (robots.txt respected; the
    feed's own summary when the page cannot be had) and translated. A rerun
    into the same OUTPUT_DIR translates only the items it has not seen (by id,
    link or text) and redoes updated ones; --since 24h leaves out older items.
    index.md lists the new items by feed, or by story when several sources tell
    it; OUTPUT_DIR/feed.xml is an Atom feed of the English briefs. A folder, and
    a list of article addresses only, are read as above.

    \b
    Exit status: 0 every article succeeded (or was already done),
                 1 any article failed (see report.json), or a feed or feed item,
                 2 usage error, 130 interrupted.
    With --quiet a feed run prints nothing but its failures (for cron).
    """
    from translate_sum.batch import exit_status, run_batch
    from translate_sum.batch.run import check_folders
    from translate_sum.errors import InputError

    try:
        check_folders(input_dir, output_dir)  # the output folder is not the input folder
        moment = _since(since)
    except InputError as exc:
        raise click.UsageError(describe(exc)) from exc
    if ray_address is None and (workers is not None or cpus_per_worker != 1):
        raise click.UsageError("--workers and --cpus-per-worker go with --ray")
    with user_errors():
        spec, options = _plan(output_dir, patterns, recursive, translate_only, force, moment, fmt, summary, run)
        try:
            with ProgressDisplay("Articles", run.quiet) as progress:
                if ray_address is None:
                    with opened_memory(run.memory_options()) as memory:
                        report = run_batch(input_dir, output_dir, options, progress=progress, load=functools.partial(spec.load, memory))
                else:
                    from translate_sum.batch.cluster import RayOptions, run_on_ray

                    address = None if ray_address == "local" else ray_address
                    ray_options = RayOptions(address=address, workers=workers, cpus_per_worker=cpus_per_worker)
                    report = run_on_ray(input_dir, output_dir, options, spec, ray_options, progress, memory=run.memory_options())
        except InputError as exc:  # INPUT itself: a list's bad line, a broken OPML file, --since with no feed
            raise click.UsageError(describe(exc)) from exc
    _tell(report, input_dir, options.patterns, run.quiet)
    sys.exit(exit_status(report))


def _since(since: str | None) -> datetime | None:
    """--since as a moment in UTC; InputError for a value that is neither a date nor an age."""
    from translate_sum.feeds.items import parse_since

    return parse_since(since) if since else None


def _tell(report: BatchReport, input_dir: str | Path, patterns: tuple[str, ...], quiet: bool) -> None:
    """The end of a run on stderr: its summary line (unless quiet), then what failed (always)."""
    if report.feeds is not None:
        if not quiet:
            click.echo(report.summary_line(), err=True)
    elif report.total == 0:
        click.echo(f"No articles matching {' '.join(patterns)} in {input_dir}.", err=True)
    elif not quiet:
        click.echo(report.summary_line(), err=True)
    for line in report.failure_lines():  # even with -q: which files need a look
        click.echo(line, err=True)
    if report.interrupted:
        click.echo("Interrupted: finished articles are kept; run the same command again to do the rest.", err=True)


def _plan(
    output_dir: Path,
    patterns: tuple[str, ...],
    recursive: bool,
    translate_only: bool,
    force: bool,
    since: datetime | None,
    fmt: str,
    summary: SummarySettings,
    run: RunSettings,
) -> tuple[ModelSpec, BatchOptions]:
    """The run's models and options from the command's flags; refuses, before any
    work, an output folder that cannot be written and a mistyped model directory."""
    from translate_sum.batch import DEFAULT_PATTERNS, BatchOptions, ModelSpec
    from translate_sum.feeds import FeedOptions
    from translate_sum.writers import check_writable

    check_writable(output_dir, folder=True, option="output_dir")  # before any article is read
    spec = ModelSpec(
        translation_model=run.translation_model,
        summary_model=summary.summary_model,
        summarizer=summary.summarizer,
        translate_only=translate_only,
        engine=run.engine,
        device=run.device,
        options=run.translate_options(),
    )
    spec.check_local()  # a mistyped model directory, before the output folder is made
    options = BatchOptions(
        patterns=patterns or DEFAULT_PATTERNS,
        recursive=recursive,
        translate_only=translate_only,
        force=force,
        fmt=fmt,
        length=summary.length,
        show_skipped=run.show_skipped,
        summarizer=summary.summarizer,
        max_bytes=run.max_bytes,
        max_pages=run.max_pages,
        max_paragraphs=run.max_paragraphs,
        max_unpacked_bytes=run.max_unpacked_bytes,
        models=spec.names(),  # named, not loaded: a rerun with nothing to do loads nothing
        translate_options=spec.options,
        flag_names=FLAGS,
        feeds=FeedOptions(since=since),  # politeness as FeedOptions says; max_bytes and force are the run's
    )
    return spec, options
