"""What every command shares: options built from the settings table, errors, output.

`setting_option(key)` makes a click option from `translate_sum.settings.SETTINGS`
(flag, type, default, choices, environment variable, help), so no command declares
a default or a list of choices of its own; commands made with `SettingsCommand` list
the settings marked expert apart in their --help. `run_options` and `summary_options` group
the options every translating or briefing command takes. `user_errors` turns the
library's typed errors into one line and an exit status; `emit` writes a result to
a file (atomically) or stdout.

Limits: a command may word an option's help for itself (`help=`), never its default,
choices or environment variable; `tests/test_settings.py` checks that.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import click

from translate_sum.errors import TranslateSumError, flag_namer
from translate_sum.options import TranslateOptions
from translate_sum.settings import Setting, flag_spellings, setting

if TYPE_CHECKING:  # imported where used, so --help stays instant
    from translate_sum.documents import DocumentLimits
    from translate_sum.memory import Memory, MemoryOptions

FLAGS = flag_spellings()
"""Library setting names (errors' hints) whose flag is not `--` plus the name dashed."""

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class SettingOption(click.Option):
    """A click option made from a `Setting`, which it keeps as `setting`."""

    def __init__(self, *args: Any, setting: Setting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setting = setting


EXPERT_NOTE = "Most runs never need these; the defaults suit most uses."
"""The line under "Expert options" in a command's --help."""


class SettingsCommand(click.Command):
    """A command whose --help lists the everyday options, then "Expert options".

    An option is expert when its setting says so (`Setting.expert`); a reader finds
    what most runs need first, and the rest after, under their own heading.
    """

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        everyday: list[tuple[str, str]] = []
        expert: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and isinstance(param, click.Option):  # arguments are in the usage line
                is_expert = isinstance(param, SettingOption) and param.setting.expert
                (expert if is_expert else everyday).append(record)
        if everyday:
            with formatter.section("Options"):
                formatter.write_dl(everyday)
        if expert:
            with formatter.section("Expert options"):
                formatter.write_text(EXPERT_NOTE)
                formatter.write_dl(expert)


def _click_type(entry: Setting) -> click.ParamType | type:
    """The click type that checks a value of `entry` (choices, bounds, paths)."""
    if entry.choices is not None:
        return click.Choice(entry.choices)
    if entry.path == "file":
        return click.Path(dir_okay=False, writable=True, path_type=entry.type)
    if entry.path == "folder":
        return click.Path(file_okay=False, dir_okay=True, path_type=entry.type)
    if entry.bounds is not None:
        lowest, highest = entry.bounds
        return click.FloatRange(lowest, highest) if entry.type is float else click.IntRange(lowest, highest)
    return entry.type


def setting_option(
    key: str,
    *,
    help: str | None = None,
    required: bool = False,
    callback: Callable[[click.Context, click.Parameter, Any], Any] | None = None,
) -> Decorator:
    """A click option for setting `key`, everything but `help` taken from the table.

    `help` words the option for one command (the server's limit is on request
    bodies, the CLI's on files); `required` and `callback` are the command's own.
    """
    entry = setting(key)
    if not entry.flags:
        raise ValueError(f"setting {key} has no command-line flag")
    kwargs: dict[str, Any] = {"cls": SettingOption, "setting": entry, "default": entry.default, "help": help or entry.help}
    if entry.envvar is not None:
        kwargs.update(envvar=entry.envvar, show_envvar=True)
    if entry.metavar is not None:
        kwargs["metavar"] = entry.metavar
    if entry.count:
        kwargs["count"] = True
    elif entry.type is bool:
        kwargs["is_flag"] = True
        # Show the default only where both spellings exist (--audit/--no-audit).
        kwargs["show_default"] = any("/" in flag for flag in entry.flags)
    else:
        kwargs["type"] = _click_type(entry)
        kwargs["show_default"] = entry.default not in (None, ())
    if entry.multiple:
        kwargs["multiple"] = True
    if entry.flag_value is not None:
        kwargs.update(is_flag=False, flag_value=entry.flag_value)
    if required:
        kwargs["required"] = True
    if callback is not None:
        kwargs["callback"] = callback
    return click.option(*entry.flags, entry.name, **kwargs)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into click's one-line error and exit status 1."""
    try:
        yield
    except TranslateSumError as exc:
        raise click.ClickException(describe(exc)) from exc
    except KeyboardInterrupt:
        click.echo("Interrupted; nothing partial was written.", err=True)
        sys.exit(130)


def describe(exc: TranslateSumError) -> str:
    """The error's line with its hint's setting spelled as a flag."""
    return exc.describe(flag_namer(FLAGS))


@dataclass(frozen=True)
class RunSettings:
    """The options every translating command shares, gathered by `run_options`."""

    translation_model: str | None
    engine: str
    device: str
    max_segment_tokens: int
    max_bytes: int
    max_pages: int
    max_paragraphs: int
    max_unpacked_bytes: int
    keep_all: bool
    strict_language: bool
    audit: bool
    show_skipped: bool
    quiet: bool
    memory: Path | None
    no_memory: bool
    memory_max_mb: int

    def memory_options(self) -> MemoryOptions:
        """The translation memory's settings, under the library's names."""
        return memory_options(self.memory, self.no_memory, self.memory_max_mb)

    def document_limits(self) -> DocumentLimits:
        """The bounds on a Word, OpenDocument or PDF input, field for field."""
        return document_limits(self.max_bytes, self.max_pages, self.max_paragraphs, self.max_unpacked_bytes)

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


def _gather(command: Callable[..., Any], name: str, settings: type, decorators: list[Decorator]) -> Callable[..., Any]:
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


DOCUMENT_LIMIT_OPTIONS = (setting_option("max_pages"), setting_option("max_paragraphs"), setting_option("max_unpacked_bytes"))
"""The bounds on a document input besides --max-bytes (expert options; `audit` takes them too)."""


def document_limits(max_bytes: int, max_pages: int, max_paragraphs: int, max_unpacked_bytes: int) -> DocumentLimits:
    """The library's `DocumentLimits` from the options of the same names."""
    from translate_sum.documents import DocumentLimits

    return DocumentLimits(max_bytes, max_pages, max_paragraphs, max_unpacked_bytes)


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that translates, passed as `run: RunSettings`."""
    decorators = [
        setting_option("translation_model"),
        setting_option("engine"),
        setting_option("device"),
        setting_option("max_segment_tokens"),
        setting_option("max_bytes"),
        *DOCUMENT_LIMIT_OPTIONS,
        setting_option("keep_all"),
        setting_option("strict_language"),
        setting_option("audit"),
        setting_option("show_skipped"),
        setting_option("quiet", callback=_quiet_notices),
        *memory_settings(),
    ]
    return _gather(command, "run", RunSettings, decorators)


def memory_settings() -> list[Decorator]:
    """The translation memory's options (`--memory`, `--no-memory`, `--memory-max-mb`)."""
    return [setting_option("memory"), setting_option("no_memory"), setting_option("memory_max_mb")]


def memory_options(path: Path | None, no_memory: bool, max_mb: int) -> MemoryOptions:
    """`MemoryOptions` from the memory flags' values."""
    from translate_sum.memory import MemoryOptions

    return MemoryOptions(path=path, enabled=not no_memory, max_mb=max_mb)


@contextlib.contextmanager
def opened_memory(options: MemoryOptions) -> Iterator[Memory]:
    """The translation memory for one run (`NoMemory` when off or unusable, with one
    warning); closed at the end, which records the run's counts for `memory stats`."""
    from translate_sum.memory import open_memory

    memory = open_memory(options)
    try:
        yield memory
    finally:
        memory.close()


def summary_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that writes briefs, passed as `summary: SummarySettings`."""
    decorators = [setting_option("summarizer"), setting_option("summary_model"), setting_option("length")]
    return _gather(command, "summary", SummarySettings, decorators)


def check_output(input_path: str, output: str | None) -> None:
    """Refuse an output that would overwrite the input or cannot be written, before any work."""
    from translate_sum.writers import check_writable

    if not output or output == "-":
        return
    if input_path != "-" and Path(output).resolve() == Path(input_path).resolve():
        raise click.UsageError("the output path is the input file; choose another -o so the input is kept")
    check_writable(output)


def emit(text: str, output: str | None) -> None:
    """Write `text` to `output` atomically, or to stdout when there is none (or `-`)."""
    from translate_sum.writers import write_atomic, write_stdout

    if output and output != "-":
        write_atomic(output, text)
    else:
        write_stdout(text)  # a full disk or a closed pipe is one line, not a traceback
