"""Each setting is declared once: the CLI's flags, the server's request fields and the
option dataclasses take their defaults, choices and environment variables from
`translate_sum.settings.SETTINGS`."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import types
import typing
from pathlib import Path
from typing import Any, Iterator

import click
import pytest

from translate_sum.cli import main
from translate_sum.cli.common import FLAGS, SettingOption, setting_option
from translate_sum.settings import SETTINGS, Setting, envvar_of, flag_spellings

PACKAGE = Path(__file__).resolve().parent.parent / "translate_sum"


def commands(group: click.Group = main, path: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command under `group`, with its path (`models convert`), the group itself first."""
    yield path or "translate-sum", group
    for name, command in sorted(group.commands.items()):
        full = f"{path} {name}".strip()
        if isinstance(command, click.Group):
            yield from commands(command, full)
        else:
            yield full, command


COMMANDS = dict(commands())


def test_every_command_is_walked() -> None:
    assert {"translate", "brief", "batch", "audit", "serve", "models", "models convert", "models download"} <= set(COMMANDS)


def declared_flags(option: click.Option) -> tuple[str, ...]:
    return tuple(option.opts) + tuple(option.secondary_opts)


def table_flags(setting: Setting) -> tuple[str, ...]:
    return tuple(part for flag in setting.flags or () for part in flag.split("/"))


def mismatches(option: click.Option, setting: Setting) -> list[str]:
    """What `option` says differently from its setting (empty when they agree)."""
    found = []
    if option.name != setting.name:
        found.append(f"name {option.name!r} != {setting.name!r}")
    if option.default != setting.default:
        found.append(f"default {option.default!r} != {setting.default!r}")
    if option.envvar != setting.envvar:
        found.append(f"envvar {option.envvar!r} != {setting.envvar!r}")
    if declared_flags(option) != table_flags(setting):
        found.append(f"flags {declared_flags(option)} != {table_flags(setting)}")
    choices = tuple(option.type.choices) if isinstance(option.type, click.Choice) else None
    if choices != setting.choices:
        found.append(f"choices {choices} != {setting.choices}")
    if option.count:
        pass  # click counts from 0 with a range of its own
    elif isinstance(option.type, (click.IntRange, click.FloatRange)):
        if (option.type.min, option.type.max) != setting.bounds:
            found.append(f"bounds {(option.type.min, option.type.max)} != {setting.bounds}")
    elif setting.bounds is not None:
        found.append(f"no range check, the table says {setting.bounds}")
    return found


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_of_the_command_is_its_setting_from_the_table(path: str) -> None:
    command = COMMANDS[path]
    ctx = click.Context(command)
    click_own = (command.get_help_option(ctx), *(p for p in command.params if p.name == "version"))
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or param in click_own:
            continue
        assert isinstance(param, SettingOption), f"{path} {param.opts}: declared by hand, not with setting_option"
        assert param.setting is SETTINGS[param.setting.key]
        assert not mismatches(param, param.setting), f"{path} {param.opts}: {mismatches(param, param.setting)}"


def test_a_hand_written_literal_is_caught() -> None:
    # The check above must fail for an option that repeats a setting with its own default.
    engine = SETTINGS["engine"]
    by_hand = click.Option(["--engine"], type=click.Choice(["auto", "transformers"]), default="transformers")
    assert len(mismatches(by_hand, engine)) == 3  # default, envvar, choices


def test_an_option_may_word_its_help_but_keeps_the_table_s_default() -> None:
    @click.command()
    @setting_option("max_bytes", help="Refuse request bodies larger than this.")
    def command(max_bytes: int) -> None: ...

    [option] = command.params
    assert option.help == "Refuse request bodies larger than this."
    assert not mismatches(option, SETTINGS["max_bytes"])


# ---------------------------------------------------------------------------
# The server's request models
# ---------------------------------------------------------------------------

ARTICLE_FIELDS = {
    "format": "request_format",
    "bilingual": "bilingual",
    "show_skipped": "show_skipped",
    "segment_tokens": "max_segment_tokens",
    "keep_all": "keep_all",
    "strict": "strict_language",
    "audit": "audit",
}
REQUEST_SETTINGS = {
    "TranslateBody": {**ARTICLE_FIELDS, "format": "request_translate_format"},
    "BriefBody": {**ARTICLE_FIELDS, "summarizer": "summarizer", "length": "length", "with_translation": "with_translation"},
    "AuditBody": {"format": "request_audit_format"},
}
"""Each request field that is a setting, and the setting's key."""
API_ONLY = {"text", "stream", "api_key", "source", "translation"}
"""Fields that exist only in the API (the article itself, streaming, the key)."""
SERVER_DECIDES = {"summarizer"}
"""Fields whose default is None: the server's own setting applies when not given."""


def literal_choices(annotation: Any) -> tuple[Any, ...] | None:
    """The values of a `Literal[...]` (or `Literal[...] | None`) annotation, else None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return literal_choices(args[0]) if len(args) == 1 else None
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    return None


def field_bounds(info: Any) -> tuple[Any, Any] | None:
    lowest = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    highest = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return None if lowest is None and highest is None else (lowest, highest)


@pytest.mark.parametrize("model_name", sorted(REQUEST_SETTINGS))
def test_every_request_field_is_its_setting_from_the_table(model_name: str) -> None:
    from translate_sum.server import protocol

    model = getattr(protocol, model_name)
    for name, info in model.model_fields.items():
        if name in API_ONLY:
            continue
        assert name in REQUEST_SETTINGS[model_name], f"{model_name}.{name} is neither a setting nor an API-only field"
        setting = SETTINGS[REQUEST_SETTINGS[model_name][name]]
        expected_default = None if name in SERVER_DECIDES else setting.default
        assert info.default == expected_default, f"{model_name}.{name}: default {info.default!r} != {expected_default!r}"
        assert literal_choices(info.annotation) == setting.choices, f"{model_name}.{name}: choices"
        assert field_bounds(info) == setting.bounds, f"{model_name}.{name}: bounds"


def test_the_hints_spell_each_setting_as_the_request_field_that_sets_it() -> None:
    from translate_sum.server.protocol import REQUEST_FIELDS

    for fields in REQUEST_SETTINGS.values():
        for field, key in fields.items():
            name = SETTINGS[key].name
            if name in REQUEST_FIELDS:
                assert REQUEST_FIELDS[name] == field, (name, field)


# ---------------------------------------------------------------------------
# The option dataclasses and library functions
# ---------------------------------------------------------------------------


def dataclass_defaults(cls: type) -> dict[str, Any]:
    return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}


def test_option_dataclasses_take_the_table_s_defaults() -> None:
    from translate_sum.batch.options import BatchOptions, ModelSpec
    from translate_sum.feeds import FeedOptions
    from translate_sum.options import TranslateOptions
    from translate_sum.server.service import ArticleRequest, ServiceLimits

    fields_to_keys = {
        TranslateOptions: {"max_segment_tokens": "max_segment_tokens", "keep_all": "keep_all", "strict_language": "strict_language", "audit": "audit"},
        BatchOptions: {
            "recursive": "recursive", "translate_only": "translate_only", "force": "force", "fmt": "batch_format",
            "length": "length", "show_skipped": "show_skipped", "summarizer": "summarizer", "max_bytes": "max_bytes",
            "max_pages": "max_pages", "max_paragraphs": "max_paragraphs", "max_unpacked_bytes": "max_unpacked_bytes",
        },
        ModelSpec: {"summarizer": "summarizer", "translate_only": "translate_only", "engine": "engine", "device": "device"},
        FeedOptions: {"since": "since", "max_bytes": "max_bytes", "force": "force"},
        ServiceLimits: {
            "queue_size": "queue_size", "request_timeout": "request_timeout", "max_bytes": "max_bytes",
            "max_pages": "max_pages", "max_paragraphs": "max_paragraphs", "max_unpacked_bytes": "max_unpacked_bytes",
        },
        ArticleRequest: {"segment_tokens": "max_segment_tokens", "keep_all": "keep_all", "strict": "strict_language", "audit": "audit", "length": "length"},
    }
    for cls, fields in fields_to_keys.items():
        defaults = dataclass_defaults(cls)
        for field, key in fields.items():
            assert defaults[field] == SETTINGS[key].default, f"{cls.__name__}.{field}"


def test_document_limits_take_the_table_s_defaults() -> None:
    from translate_sum.documents import DocumentLimits

    for field, default in dataclass_defaults(DocumentLimits).items():
        assert default == SETTINGS[field].default, field


def test_library_functions_take_the_table_s_defaults() -> None:
    from translate_sum.pipeline import load_briefer, load_translator
    from translate_sum.reader import read_article

    for function in (load_translator, load_briefer):
        parameters = inspect.signature(function).parameters
        assert parameters["engine"].default == SETTINGS["engine"].default
        assert parameters["device"].default == SETTINGS["device"].default
    assert inspect.signature(read_article).parameters["max_bytes"].default == SETTINGS["max_bytes"].default


# ---------------------------------------------------------------------------
# Environment variables and the table itself
# ---------------------------------------------------------------------------


def test_no_module_spells_an_environment_variable_of_its_own() -> None:
    spelled = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"TRANSLATE_SUM_\w+", node.value):
                spelled.append(f"{path.relative_to(PACKAGE)}: {node.value}")
    assert not spelled, "take the name from translate_sum.settings.envvar_of: " + ", ".join(spelled)


def test_the_models_environment_variables_are_the_flags_variables() -> None:
    from translate_sum.models import ROLE_ENV

    assert ROLE_ENV == {"translation": envvar_of("translation_model"), "summary": envvar_of("summary_model")}


def test_the_environment_sets_a_flag_s_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    monkeypatch.setenv(envvar_of("max_bytes"), "10")
    source = tmp_path / "fr.txt"
    source.write_text("Le budget atteint 3,5 millions d'euros cette année.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(source), str(source)])
    assert result.exit_code == 2 and "raise --max-bytes" in result.output, result.output


def test_a_default_outside_the_choices_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of"):
        Setting("colour", str, "green", "A colour.", choices=("red", "blue"))


def test_hints_spell_renamed_settings_as_their_flags() -> None:
    assert FLAGS == flag_spellings()
    assert FLAGS["strict_language"] == "--strict"
    assert FLAGS["max_segment_tokens"] == "--segment-tokens"
    assert FLAGS["output"] == "-o/--output"
    assert "engine" not in FLAGS  # spelled --engine, the name dashed
