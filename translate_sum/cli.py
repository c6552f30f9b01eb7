"""The `translate-sum` command line: parse options, call the library, print.

No logic lives here. Heavy imports happen inside command bodies so that `--help`
never loads torch or transformers. Library errors (`TranslateSumError`) become one
line on stderr and a non-zero exit; no traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from translate_sum import __version__
from translate_sum.errors import TranslateSumError, flag_namer
from translate_sum.options import (
    DEFAULT_DEVICE,
    DEFAULT_ENGINE,
    DEFAULT_LENGTH,
    DEFAULT_MAX_BYTES,
    DEFAULT_SEGMENT_TOKENS,
    DEFAULT_SUMMARIZER,
    DEVICES,
    ENGINES,
    LENGTHS,
    QUANTIZATIONS,
    SEGMENT_TOKENS_RANGE,
    SUMMARIZERS,
    TranslateOptions,
)

FLAGS = {
    "strict_language": "--strict",
    "max_segment_tokens": "--segment-tokens",
    "output": "-o/--output",
}
"""Library setting names (errors' hints) whose flag is not `--` plus the name dashed."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into click's one-line error and exit status 1."""
    try:
        yield
    except TranslateSumError as exc:
        raise click.ClickException(exc.describe(flag_namer(FLAGS))) from exc
    except KeyboardInterrupt:
        click.echo("Interrupted; nothing partial was written.", err=True)
        sys.exit(130)


@dataclass(frozen=True)
class RunSettings:
    """The options every translating command shares, gathered by `run_options`."""

    translation_model: str | None
    engine: str
    device: str
    max_segment_tokens: int
    max_bytes: int
    keep_all: bool
    strict_language: bool
    audit: bool
    show_skipped: bool
    quiet: bool

    def translate_options(self) -> TranslateOptions:
        """The library's options, field for field under the same names."""
        return TranslateOptions(
            max_segment_tokens=self.max_segment_tokens,
            keep_all=self.keep_all,
            strict_language=self.strict_language,
            audit=self.audit,
        )


@dataclass(frozen=True)
class SummarySettings:
    """The options of commands that write briefs, gathered by `summary_options`."""

    summarizer: str
    summary_model: str | None
    length: str


def _gather(command: Callable[..., Any], name: str, settings: type, decorators: list[Callable[..., Any]]) -> Callable[..., Any]:
    """Apply click options and hand them to `command` as one `settings` object."""
    names = [f.name for f in dataclasses.fields(settings)]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        gathered = settings(**{key: kwargs.pop(key) for key in names})
        return command(**kwargs, **{name: gathered})

    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper


NOTICE_LOGGERS = ("translate_sum.engines.convert", "translate_sum.models")
"""Loggers whose warnings are progress notices ("Converting...", "Downloading..."), not problems."""


def _quiet_notices(ctx: click.Context, param: click.Parameter, quiet: bool) -> bool:
    """With -q, silence the download and conversion notices; warnings about the input stay."""
    for name in NOTICE_LOGGERS:
        # Reset when not quiet: several commands can run in one process (tests, scripts).
        logging.getLogger(name).setLevel(logging.ERROR if quiet else logging.NOTSET)
    return quiet


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that translates, passed as `run: RunSettings`."""
    decorators = [
        click.option(
            "--translation-model",
            envvar="TRANSLATE_SUM_TRANSLATION_MODEL",
            show_envvar=True,
            metavar="ID|DIR",
            help="Translation model: a Hugging Face Hub id or a local directory. "
            "Default: the first translation model of models.txt (Helsinki-NLP/opus-mt-fr-en).",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default=DEFAULT_ENGINE,
            show_default=True,
            envvar="TRANSLATE_SUM_ENGINE",
            show_envvar=True,
            help="Inference engine; auto picks CTranslate2 when it is installed.",
        ),
        click.option(
            "--device",
            type=click.Choice(DEVICES),
            default=DEFAULT_DEVICE,
            show_default=True,
            envvar="TRANSLATE_SUM_DEVICE",
            show_envvar=True,
            help="Where the models run; auto uses a CUDA GPU when one is present.",
        ),
        click.option(
            "--segment-tokens",
            "max_segment_tokens",
            type=click.IntRange(*SEGMENT_TOKENS_RANGE),
            default=DEFAULT_SEGMENT_TOKENS,
            show_default=True,
            help="Most model tokens per segment (capped by the model's input limit).",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(1),
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            envvar="TRANSLATE_SUM_MAX_BYTES",
            show_envvar=True,
            help="Refuse input files larger than this.",
        ),
        click.option(
            "--keep-all",
            is_flag=True,
            help="Translate every paragraph: no page-furniture or duplicate detection.",
        ),
        click.option(
            "--strict",
            "strict_language",
            is_flag=True,
            help="Fail on English input instead of passing it through untranslated.",
        ),
        click.option(
            "--audit/--no-audit",
            default=True,
            show_default=True,
            help="Flag paragraphs whose translation may not be faithful (numbers, names, "
            "loops, length, French left) and retry loops with stricter decoding.",
        ),
        click.option(
            "--show-skipped",
            is_flag=True,
            help="Show skipped paragraphs (furniture, duplicates) and their reason in txt/md output.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            callback=_quiet_notices,
            help="No progress bar, no summary line and no download/conversion notices on stderr (warnings still show).",
        ),
    ]
    return _gather(command, "run", RunSettings, decorators)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translate-sum")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Translate French news articles into English and write short English briefs.

    The first run downloads the models into the Hugging Face cache; see
    `translate-sum models`.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    # Plain lines by default ("Converting X for CTranslate2..."); levels when debugging.
    fmt = "%(message)s" if verbose == 0 else "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr)
    if verbose < 2:
        # transformers warns about generation details users cannot change; set before
        # transformers is imported, which happens only when a model loads.
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        # trafilatura logs errors for pages we already report in one clear line.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "md", "json", "html"]),
    help="Output format; html: one self-contained page, French and English side by side. "
    "Default: from the -o extension, else txt.",
)
@click.option("--bilingual", is_flag=True, help="txt/md: each French paragraph followed by its English translation.")
@run_options
def translate(
    input_path: str,
    output: str | None,
    fmt: str | None,
    bilingual: bool,
    run: RunSettings,
) -> None:
    """Translate a French article (.txt, .md, .html, - for stdin, or an http(s):// address) into English.

    Paragraphs come out in the same order and shape; nothing is dropped. Long
    paragraphs are cut into segments the model can take, never truncated. Page
    furniture (photo credits, "Lire aussi", share prompts...) and duplicate
    paragraphs are not translated; paragraphs the audit flags are listed at the
    end under "Check these".
    """
    from translate_sum.pipeline import load_translator, prepare
    from translate_sum.reader import read_article
    from translate_sum.writers import format_for_path, render_translation

    with user_errors():
        _check_output(input_path, output)
        fmt = fmt or format_for_path(output)
        options = run.translate_options()
        # Bad input fails before a model is loaded.
        article = prepare(read_article(input_path, max_bytes=run.max_bytes), options)
        translator = load_translator(run.translation_model, engine=run.engine, device=run.device, options=options)
        with progress_bar(run.quiet, "Translating") as progress:
            result = translator.translate(article, progress)
        _emit(render_translation(result, fmt, bilingual=bilingual, show_skipped=run.show_skipped), output)
        if not run.quiet:
            click.echo(_summary_line("translate", result, result.stats.seconds), err=True)


def summary_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that writes briefs, passed as `summary: SummarySettings`."""
    decorators = [
        click.option(
            "--summarizer",
            type=click.Choice(SUMMARIZERS),
            default=DEFAULT_SUMMARIZER,
            show_default=True,
            help="abstractive: a summary model writes the summary; extractive: the best "
            "sentences of the translation, no model needed.",
        ),
        click.option(
            "--summary-model",
            envvar="TRANSLATE_SUM_SUMMARY_MODEL",
            show_envvar=True,
            metavar="ID|DIR",
            help="Summary model: a Hub id or a local directory. Default: the first summary "
            "model of models.txt (sshleifer/distilbart-cnn-12-6).",
        ),
        click.option(
            "--length",
            type=click.Choice(LENGTHS),
            default=DEFAULT_LENGTH,
            show_default=True,
            help="Summary length. Extractive: short 1-2 sentences, medium 2-4 (about "
            "60-120 words), long 3-5. Abstractive: 0.6x, 1x, 1.5x the model's own length.",
        ),
    ]
    return _gather(command, "summary", SummarySettings, decorators)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "txt", "html"]),
    help="Output format; html: one self-contained page with the brief, then French and English "
    "side by side. Default: from the -o extension, else md.",
)
@click.option("--with-translation", is_flag=True, help="Append the full English translation.")
@click.option("--bilingual", is_flag=True, help="Append the translation with French and English side by side (implies --with-translation).")
@summary_options
@run_options
def brief(
    input_path: str,
    output: str | None,
    fmt: str | None,
    with_translation: bool,
    bilingual: bool,
    summary: SummarySettings,
    run: RunSettings,
) -> None:
    """Write a short English brief of a French article: a summary, and 3-5 key
    points, each a sentence of the translation ending with its source paragraph
    [¶N] (¶1 is the title).

    INPUT is a file (.txt, .md, .html), - for stdin, or an http(s):// address.
    """
    from translate_sum.pipeline import load_briefer, prepare
    from translate_sum.reader import read_article
    from translate_sum.writers import format_for_path, render_brief

    with user_errors():
        _check_output(input_path, output)
        fmt = fmt or format_for_path(output, default="md")
        options = run.translate_options()
        # Bad input fails before a model is loaded.
        article = prepare(read_article(input_path, max_bytes=run.max_bytes), options)
        briefer = load_briefer(
            run.translation_model,
            summary.summary_model,
            summarizer=summary.summarizer,
            engine=run.engine,
            device=run.device,
            options=options,
        )
        with progress_bar(run.quiet, "Translating") as progress:
            result = briefer.brief_article(article, summary.length, progress)
        text = render_brief(
            result, fmt, with_translation=with_translation or bilingual, bilingual=bilingual, show_skipped=run.show_skipped
        )
        _emit(text, output)
        if not run.quiet:
            click.echo(_summary_line("brief", result.translation, result.stats.seconds), err=True)


@main.command()
@click.argument("input_dir", metavar="INPUT", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    "output_dir",
    required=True,
    type=click.Path(file_okay=False, dir_okay=True, path_type=Path),
    help="Folder for the outputs, report.json and index.md (created if missing).",
)
@click.option(
    "--glob",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Which files to read, matched on the file name (repeatable). Default: *.txt *.md *.html *.htm.",
)
@click.option("--recursive/--no-recursive", default=True, show_default=True, help="Read subfolders too.")
@click.option("--translate-only", is_flag=True, help="Write only the translations; no summary model is loaded.")
@click.option("--force", is_flag=True, help="Redo every article, even those already done with the same input and options.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html"]),
    default="md",
    show_default=True,
    help="md: name.en.md and name.brief.md; json: name.en.json and name.brief.json; "
    "html: name.en.html and name.brief.html (side-by-side pages) and index.html linking them.",
)
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="local",
    default=None,
    metavar="[ADDRESS]",
    help="Run on Ray workers. Alone: join the Ray started on this machine with `ray start`, "
    "else start one; auto or ray://HOST:PORT: join that cluster. Every node must see INPUT "
    "and the output folder at the same paths. Put it last, or write --ray=ADDRESS.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="With --ray: at most this many workers. Default: as many as the cluster's CPUs (or GPUs) allow.",
)
@click.option(
    "--cpus-per-worker",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="With --ray: CPUs reserved for each worker, and its engine's threads (more: fewer workers, less memory).",
)
@summary_options
@run_options
def batch(
    input_dir: Path,
    output_dir: Path,
    patterns: tuple[str, ...],
    recursive: bool,
    translate_only: bool,
    force: bool,
    fmt: str,
    ray_address: str | None,
    workers: int | None,
    cpus_per_worker: int,
    summary: SummarySettings,
    run: RunSettings,
) -> None:
    """Translate and brief every article in the folder INPUT (subfolders too), or
    every page of a text file INPUT listing http(s) addresses, one a line.

    For INPUT/sub/name.txt it writes OUTPUT_DIR/sub/name.en.md (the
    translation) and OUTPUT_DIR/sub/name.brief.md (the brief); for an address,
    OUTPUT_DIR/host/path/name.en.md and .brief.md. Plus
    OUTPUT_DIR/report.json (one entry per article) and OUTPUT_DIR/index.md (a
    one-page digest). A file that cannot be read is recorded as failed and the
    others go on. A rerun skips articles already done with the same input and
    options (kept in OUTPUT_DIR/.batch-state.sqlite); Ctrl-C keeps finished work,
    and the next run does the rest. With --ray the same job runs on Ray workers,
    each loading the models once, with the same outputs.

    \b
    Exit status: 0 every article succeeded (or was already done),
                 1 any article failed (see report.json),
                 2 usage error, 130 interrupted.
    """
    from translate_sum.batch import DEFAULT_PATTERNS, BatchOptions, ModelSpec, exit_status, run_batch
    from translate_sum.writers import check_writable

    if output_dir.resolve() == input_dir.resolve():
        raise click.UsageError("the output folder is the input folder; choose another -o so inputs and outputs stay apart")
    if ray_address is None and (workers is not None or cpus_per_worker != 1):
        raise click.UsageError("--workers and --cpus-per-worker go with --ray")
    with user_errors():
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
            models=spec.names(),  # named, not loaded: a rerun with nothing to do loads nothing
            translate_options=spec.options,
            flag_names=FLAGS,
        )
        with BatchProgress(run.quiet) as progress:
            if ray_address is None:
                report = run_batch(input_dir, output_dir, options, progress=progress, load=spec.load)
            else:
                from translate_sum.batch.cluster import RayOptions, run_on_ray

                address = None if ray_address == "local" else ray_address
                ray_options = RayOptions(address=address, workers=workers, cpus_per_worker=cpus_per_worker)
                report = run_on_ray(input_dir, output_dir, options, spec, ray_options, progress)
    if report.total == 0:
        click.echo(f"No articles matching {' '.join(options.patterns)} in {input_dir}.", err=True)
    elif not run.quiet:
        click.echo(report.summary_line(), err=True)
    if report.interrupted:
        click.echo("Interrupted: finished articles are kept; run the same command again to do the rest.", err=True)
    sys.exit(exit_status(report))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 opens it to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on (0: any free port).")
@click.option(
    "--translation-model",
    envvar="TRANSLATE_SUM_TRANSLATION_MODEL",
    show_envvar=True,
    metavar="ID|DIR",
    help="Translation model: a Hub id or a local directory. Default: the first of models.txt.",
)
@click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True, envvar="TRANSLATE_SUM_ENGINE", show_envvar=True, help="Inference engine.")
@click.option("--device", type=click.Choice(DEVICES), default=DEFAULT_DEVICE, show_default=True, envvar="TRANSLATE_SUM_DEVICE", show_envvar=True, help="Where the models run.")
@click.option(
    "--summarizer",
    type=click.Choice(SUMMARIZERS),
    default=DEFAULT_SUMMARIZER,
    show_default=True,
    help="abstractive loads the summary model (requests may still ask for extractive); extractive loads none.",
)
@click.option("--summary-model", envvar="TRANSLATE_SUM_SUMMARY_MODEL", show_envvar=True, metavar="ID|DIR", help="Summary model: a Hub id or a local directory.")
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    envvar="TRANSLATE_SUM_API_KEYS",
    show_envvar=True,
    help="Accept only requests carrying this key (repeatable; the variable takes several, space-separated). Default: no key needed.",
)
@click.option("--cors", "cors_origins", multiple=True, metavar="ORIGIN", help="Let web pages from ORIGIN call the API (repeatable). Default: none.")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True, envvar="TRANSLATE_SUM_MAX_BYTES", show_envvar=True, help="Refuse request bodies larger than this (413).")
@click.option("--queue-size", type=click.IntRange(1), default=64, show_default=True, help="Requests worked on or waiting at once; more get 503 with Retry-After.")
@click.option("--request-timeout", type=click.FloatRange(1), default=300.0, show_default=True, help="Seconds one request may take (504 after).")
def serve(
    host: str,
    port: int,
    translation_model: str | None,
    engine: str,
    device: str,
    summarizer: str,
    summary_model: str | None,
    api_keys: tuple[str, ...],
    cors_origins: tuple[str, ...],
    max_bytes: int,
    queue_size: int,
    request_timeout: float,
) -> None:
    """Serve the web page, the /v1 API and LibreTranslate's API over HTTP.

    Models load once, at start. Open the printed address in a browser; API
    documentation is at /docs. Ctrl-C or SIGTERM stops: requests in flight finish,
    new ones are refused.
    """
    try:
        from translate_sum.server.app import AppSettings, create_app
        from translate_sum.server.run import bind, is_loopback, serve as run_server, url_of
        from translate_sum.server.service import Service, ServiceLimits
    except ImportError as exc:
        raise click.ClickException(f"the server needs its extra packages ({exc.name} is missing); run: pip install \"translate-sum[serve]\"") from exc
    from translate_sum.pipeline import load_briefer

    with user_errors():
        try:
            sock = bind(host, port)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port or --host") from exc
        click.echo("Loading the models...", err=True)
        briefer = load_briefer(translation_model, summary_model, summarizer=summarizer, engine=engine, device=device)
        limits = ServiceLimits(queue_size=queue_size, request_timeout=request_timeout, max_bytes=max_bytes)
        service = Service(briefer.translator, briefer, limits)
        keys = tuple(key for value in api_keys for key in value.split())
        app = create_app(service, AppSettings(api_keys=keys, cors_origins=cors_origins))
        if not keys and not is_loopback(host):
            click.echo(f"Warning: listening on {host} with no --api-key: anyone who reaches this machine can use it.", err=True)
        url = url_of(sock)

        def ready() -> None:
            click.echo(f"translate-sum is serving on {url} (API docs: {url}docs). Ctrl-C stops it.", err=True)

        run_server(app, sock, grace=request_timeout, on_ready=ready)
        click.echo("Stopped.", err=True)


class BatchProgress:
    """An articles bar on stderr: done/total, elapsed, remaining, current file.

    None when quiet or when stderr is not a terminal.
    """

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None
        self.shown = 0
        self.current = ""
        self.started = 0.0

    def __enter__(self) -> Callable[[int, int, str], None] | None:
        return self.update if self.enabled else None

    def update(self, done: int, total: int, current: str) -> None:
        import time

        if self.bar is None:
            if total == 0:
                return
            self.started = time.monotonic()
            self.bar = click.progressbar(
                length=total,
                label="Articles",
                file=sys.stderr,
                show_eta=False,
                show_pos=True,
                update_min_steps=0,
                item_show_func=lambda _: self._status(),
            )
            self.bar.__enter__()
        self.current = current
        if done > self.shown:
            self.bar.update(done - self.shown, current)
            self.shown = done
        else:
            # Starting a new file: redraw so the bar names it and the clock moves.
            self.bar.current_item = current
            self.bar.render_progress()

    def _status(self) -> str:
        import time

        elapsed = time.monotonic() - self.started
        text = f"elapsed {elapsed:.0f} s"
        if self.shown:
            remaining = elapsed / self.shown * (self.bar.length - self.shown)
            text += f", about {remaining:.0f} s left"
        return f"{text}  {self.current}"

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


class AuditFailed(click.ClickException):
    """An audit that could not run: exit 2, so that 1 keeps meaning 'something was flagged'."""

    exit_code = 2


@main.command()
@click.argument("source", type=click.Path(dir_okay=True, allow_dash=True))
@click.argument("translation", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), help="Report format. Default: from the -o extension, else md.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout.")
@click.option("--max-bytes", type=click.IntRange(1), default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse files larger than this.")
def audit(source: str, translation: str, fmt: str | None, output: str | None, max_bytes: int) -> None:
    """Audit any English TRANSLATION of a French SOURCE, paragraph by paragraph.

    Flags numbers, dates and names that are missing or changed, loops, implausible
    length, French left untranslated, and a paragraph count that does not match.
    Both files are read like `translate` reads its input (encodings, paragraphs).
    Needs no model.

    \b
    Exit status: 0 nothing flagged, 1 something flagged, 2 error.
    """
    # Imported here so --help stays instant; the audit never imports torch.
    from translate_sum.audit import audit_texts, report_to_dict, report_to_markdown
    from translate_sum.reader import read_article
    from translate_sum.writers import format_for_path, to_json, without_check_section

    try:
        if source == "-" and translation == "-":
            raise click.UsageError("only one of SOURCE and TRANSLATION can be - (stdin)")
        _check_output(source, output)
        _check_output(translation, output)
        french = [p.source for p in read_article(source, max_bytes=max_bytes).paragraphs]
        english = without_check_section([p.source for p in read_article(translation, max_bytes=max_bytes).paragraphs])
        report = audit_texts(french, english)
        fmt = fmt or format_for_path(output, default="md")
        _emit(to_json(report_to_dict(report)) if fmt == "json" else report_to_markdown(report), output)
    except TranslateSumError as exc:
        raise AuditFailed(exc.describe(flag_namer(FLAGS))) from exc
    sys.exit(1 if report.flagged else 0)


@main.group(invoke_without_command=True)
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the registry (models.txt) and whether each model is on this machine.

    Hub models live in the Hugging Face cache (~/.cache/huggingface/hub, or
    $HF_HOME/hub). Set HF_HUB_OFFLINE=1 to forbid downloads.
    """
    if ctx.invoked_subcommand is not None:
        return
    from translate_sum.models import ROLE_ENV, is_present, load_registry, overrides

    with user_errors():
        entries = load_registry()
        overridden = overrides()
        width = max(len(e.model_id) for e in entries)
        for entry in entries:
            present = "present" if is_present(entry.model_id) else "not downloaded"
            click.echo(f"{entry.role:<12} {entry.model_id:<{width}}  {present:<15} {entry.note}")
        click.echo("")
        for role, spec in overridden.items():
            present = "present" if is_present(spec) else "not on this machine"
            click.echo(f"In use for {role}: {spec} ({present}), set by {ROLE_ENV[role]} instead of the registry's default.")
        if len(overridden) < len(ROLE_ENV):
            click.echo(f"Override with {' or '.join(ROLE_ENV.values())}, or the --translation-model/--summary-model options.")


@models.command("download")
@click.argument("names", nargs=-1, metavar="[ROLE|ID]...")
def models_download(names: tuple[str, ...]) -> None:
    """Download models into the Hugging Face cache for offline use.

    With no argument, the default translation and summary models; a role
    (translation, summary) means its default; anything else is a Hub id.
    """
    from translate_sum.models import ROLES, default_model, download_model

    with user_errors():
        for name in names or ROLES:
            role = name if name in ROLES else "translation"
            model_id = default_model(name) if name in ROLES else name
            folder = download_model(model_id, role)
            click.echo(f"{model_id}: {folder}")


@models.command("convert")
@click.argument("names", nargs=-1, metavar="[ROLE|ID|DIR]...")
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default=DEFAULT_DEVICE,
    show_default=True,
    envvar="TRANSLATE_SUM_DEVICE",
    help="The device the conversion is for (int8 weights for cpu, float16 for cuda); "
    "auto: the one translate will use here.",
)
@click.option(
    "--quantization",
    type=click.Choice(QUANTIZATIONS),
    help="Override the device's default quantization.",
)
def models_convert(names: tuple[str, ...], device: str, quantization: str | None) -> None:
    """Convert models for the CTranslate2 engine ahead of time.

    The engine converts on first use anyway; this does it now (for example before
    going offline). With no argument, the default translation and summary models.
    The conversions are cached under the user cache directory.
    """
    from translate_sum.engines import conversion_device, prepare_conversion
    from translate_sum.models import ROLES, default_model, resolve_model

    with user_errors():
        device = conversion_device(device)  # no GPU for --device cuda: fail before any download
        for name in names or ROLES:
            role = name if name in ROLES else "translation"
            resolved = resolve_model(default_model(name) if name in ROLES else name, role)
            folder = prepare_conversion(resolved, device=device, quantization=quantization)
            click.echo(f"{resolved.name}: {folder}")


def _summary_line(command: str, result: Any, seconds: float) -> str:
    """The one line on stderr after translate/brief: what was translated, what was not.

    'Translated 5 paragraphs (412 French words) in 3.1 s; 5 skipped (page furniture
    or duplicates, --show-skipped lists them).' English passed through is said so.
    """
    kept = [p for p in result.paragraphs if not p.skipped]
    skipped = len(result.paragraphs) - len(kept)
    words = sum(len(p.source.split()) for p in kept)
    count = f"{len(kept)} paragraph{'s' if len(kept) != 1 else ''}"
    if result.source.language == "en":
        done = "Brief of English text" if command == "brief" else "English text"
        text = f"{done} passed through untranslated: {count} ({words:,} words)"
    else:
        done = "Brief of" if command == "brief" else "Translated"
        text = f"{done} {count} ({words:,} French words)"
    text += f" in {seconds:.1f} s"
    if skipped:
        text += f"; {skipped} skipped (page furniture or duplicates, --show-skipped lists them)"
    return text + "."


def _check_output(input_path: str, output: str | None) -> None:
    """Refuse an output that would overwrite the input or cannot be written, before any work."""
    from translate_sum.writers import check_writable

    if not output or output == "-":
        return
    if input_path != "-" and Path(output).resolve() == Path(input_path).resolve():
        raise click.UsageError("the output path is the input file; choose another -o so the input is kept")
    check_writable(output)


def _emit(text: str, output: str | None) -> None:
    from translate_sum.writers import write_atomic

    if output and output != "-":
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


@contextlib.contextmanager
def progress_bar(quiet: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on stderr, or None when quiet or not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {"bar": None, "shown": 0}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            if total == 0:
                return
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True)
            state["bar"].__enter__()
        state["bar"].update(done - state["shown"])
        state["shown"] = done

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
