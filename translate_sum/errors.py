"""Exceptions a user sees. Each message is one line: what is wrong, then what to do.

The library raises these with a `Hint` that names settings by their field names in
`translate_sum.options` (``engine``, ``max_bytes``...), never by a command-line flag:
the CLI turns a hint into flag names (``--engine transformers``), the server into
request fields. Anything else that escapes is a bug, not bad input.

Limits: a hint names its settings in the order its text gives them (``{option}``,
then ``{option2}``...); messages are English only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping


@dataclass(frozen=True)
class Hint:
    """What the user can do about an error.

    `text` is the advice, with ``{option}`` where a setting is named; `option` is that
    setting's field name (e.g. ``"engine"``) and `value` the value to give it, if any.
    `more` names further settings, as (field name, value) pairs written ``{option2}``,
    ``{option3}``... in `text` ("pass {option}, or {option2}").
    """

    text: str
    option: str | None = None
    value: str | None = None
    more: tuple[tuple[str, str | None], ...] = ()

    def render(self, name_option: Callable[[str, str | None], str] | None = None) -> str:
        """The advice as text; `name_option(option, value)` spells the setting.

        Without `name_option` the setting is spelled as ``option=value`` (or the bare
        field name), which suits library users.
        """
        if self.option is None:
            return self.text
        spell = name_option or _plain
        text = self.text.replace("{option}", spell(self.option, self.value))
        for number, (option, value) in enumerate(self.more, start=2):
            text = text.replace(f"{{option{number}}}", spell(option, value))
        return text


def _plain(option: str, value: str | None) -> str:
    return option if value is None else f"{option}={value}"


def flag_namer(flags: Mapping[str, str]) -> Callable[[str, str | None], str]:
    """A `name_option` for `Hint.render` that spells settings as command-line flags."""

    def spell(option: str, value: str | None) -> str:
        flag = flags.get(option, "--" + option.replace("_", "-"))
        return flag if value is None else f"{flag} {value}"

    return spell


class TranslateSumError(Exception):
    """Base class: a problem the user can fix, with a one-line message saying how."""

    exit_code = 2

    def __init__(self, message: str, hint: Hint | str | None = None) -> None:
        self.message = message
        self.hint = Hint(hint) if isinstance(hint, str) else hint
        # Both in args, so the error survives pickling (worker processes, Ray).
        super().__init__(message, self.hint)

    def describe(self, name_option: Callable[[str, str | None], str] | None = None) -> str:
        """The whole line: what is wrong; what to do (settings spelled by `name_option`)."""
        if self.hint is None:
            return self.message
        return f"{self.message}; {self.hint.render(name_option)}"

    def __str__(self) -> str:
        return self.describe()


class InputError(TranslateSumError):
    """The input file or text cannot be used (missing, empty, binary, undecodable...)."""


class ModelError(TranslateSumError):
    """A model cannot be found, downloaded or loaded."""


class EngineUnavailable(TranslateSumError):
    """An inference engine was asked for but its package is not installed."""


class OutputError(TranslateSumError):
    """An output cannot be written."""
