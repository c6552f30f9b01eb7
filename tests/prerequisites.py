"""What the README's install provides, and what a test does when it is missing.

Some tests need things the README's install and test commands put in place: the
shared corpus (`TRANSLATE_SUM_CORPUS=../shared/corpus`), Debian's chromium, and the
packages of `pip install -e ".[test,serve,ray]"` that the code imports lazily
(ctranslate2, ray, playwright). Outside CI such a test skips with the reason, so the
same command passes in a clone anywhere. Under CI (`CI=true`) the README's commands
are exactly what ran, so a missing piece means a broken install or a wrong path: the
test fails with the same reason instead of hiding behind a skip.

Every such skip goes through `missing`, so this rule lives here only; test modules call
`require_module`, `require_chromium` or `missing`, never `pytest.importorskip`.

Limits: only what the README installs is covered. Skips for what it does not install
(real checkpoints for `real_model` tests, glibc-only behaviour, a build backend pip
cannot fetch offline) stay skips under CI too. Called at module level, a failure under
CI is a collection error: pytest then stops before running any test, after listing
every module that failed to collect.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType
from typing import NoReturn

import pytest

CI_VALUES = frozenset({"true", "1"})
"""Values of the CI environment variable that mean "this is a CI run" (GitHub, GitLab: true)."""

README_INSTALL = 'pip install -e ".[test,serve,ray]", as the README says'


def in_ci() -> bool:
    """True when the environment variable CI says this run is CI (`CI=true`)."""
    return os.environ.get("CI", "").strip().lower() in CI_VALUES


def missing(reason: str) -> NoReturn:
    """Skip the calling test for `reason`, something the README installs; fail it under CI.

    `reason` says what is missing and how to get it. Works in a test, a fixture and at
    module level (the whole module skips outside CI).
    """
    __tracebackhide__ = True  # report the caller's line, not this one, as pytest.importorskip does
    if in_ci():
        pytest.fail(f"{reason}; CI=true, and the README's commands provide this, so it fails instead of skipping", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str) -> ModuleType:
    """Import and return module `name`, one the README's install puts in place; else `missing`."""
    __tracebackhide__ = True
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} cannot be imported ({exc}): {README_INSTALL}")


def require_chromium() -> str:
    """The path of Debian's chromium, which the README installs for the browser test; else `missing`."""
    __tracebackhide__ = True
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing("chromium is not installed (apt-get install chromium, as the README says)")
    return chromium
