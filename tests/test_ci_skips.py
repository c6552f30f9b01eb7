"""Under CI=true a missing README prerequisite fails the test; elsewhere it skips with the reason.

Nothing is uninstalled: a module is hidden by putting None in `sys.modules` (Python then
refuses to import it, as if absent), chromium by a PATH that does not hold it, the
corpus by a path that does not exist. Small inner test files run in-process through
`pytester`; one run in a subprocess takes the real test modules and conftest.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TESTS = Path(__file__).parent
ROOT = TESTS.parent

NEEDS_RAY_IN_A_TEST = """
from prerequisites import require_module

def test_needs_ray():
    require_module("ray")
"""

NEEDS_RAY_AT_MODULE_LEVEL = """
from prerequisites import require_module

ray = require_module("ray")

def test_needs_ray():
    assert ray
"""

NEEDS_CHROMIUM = """
from prerequisites import require_chromium

def test_needs_chromium():
    require_chromium()
"""


def run_inner(
    pytester: pytest.Pytester, source: str, monkeypatch: pytest.MonkeyPatch, *, ci: bool, not_ci: str | None = None
) -> pytest.RunResult:
    """Run `source` as a test module with CI=true, or else with CI set to `not_ci` (None: unset)."""
    if ci:
        monkeypatch.setenv("CI", "true")
    elif not_ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", not_ci)
    pytester.makepyfile(test_inner=source)
    return pytester.runpytest("-rfEs")


@pytest.fixture
def without_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)


@pytest.mark.parametrize("not_ci", [None, "", "false"], ids=["unset", "empty", "false"])
def test_a_missing_module_skips_with_its_reason_outside_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, without_ray: None, not_ci: str | None
) -> None:
    result = run_inner(pytester, NEEDS_RAY_IN_A_TEST, monkeypatch, ci=False, not_ci=not_ci)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED *ray cannot be imported*README*"])


def test_a_missing_module_fails_with_its_reason_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, without_ray: None
) -> None:
    result = run_inner(pytester, NEEDS_RAY_IN_A_TEST, monkeypatch, ci=True)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["FAILED *ray cannot be imported*CI=true*fails instead of skipping*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_module_level_requirement_skips_the_module_outside_ci_and_fails_its_collection_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, without_ray: None
) -> None:
    outside = run_inner(pytester, NEEDS_RAY_AT_MODULE_LEVEL, monkeypatch, ci=False)
    outside.assert_outcomes(skipped=1)  # and no error
    under_ci = run_inner(pytester, NEEDS_RAY_AT_MODULE_LEVEL, monkeypatch, ci=True)
    under_ci.assert_outcomes(errors=1)
    under_ci.stdout.fnmatch_lines(["ERROR *test_inner.py*ray cannot be imported*CI=true*"])
    assert under_ci.ret != pytest.ExitCode.OK


def test_missing_chromium_skips_outside_ci_and_fails_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no chromium on it
    run_inner(pytester, NEEDS_CHROMIUM, monkeypatch, ci=False).assert_outcomes(skipped=1)
    under_ci = run_inner(pytester, NEEDS_CHROMIUM, monkeypatch, ci=True)
    under_ci.assert_outcomes(failed=1)
    under_ci.stdout.fnmatch_lines(["FAILED *chromium is not installed (apt-get install chromium*CI=true*"])


def test_a_present_module_runs_the_test_under_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # pytest itself is always importable: the helper must hand it back, not fail.
    source = "from prerequisites import require_module\n\ndef test_uses_it():\n    assert require_module('pytest').fail\n"
    run_inner(pytester, source, monkeypatch, ci=True).assert_outcomes(passed=1)


# --- The real test modules and conftest, in a subprocess ----------------------------------

HIDE_MODULES_PLUGIN = """
import os
import sys

# Loaded with -p before any conftest or test module: these imports now fail as if absent.
for name in filter(None, os.environ.get("HIDDEN_MODULES", "").split(",")):
    sys.modules[name] = None
"""

REAL_NODES = [
    "tests/test_batch_ray.py",  # ray, at module level
    "tests/test_ctranslate2_engine.py",  # ctranslate2, at module level
    "tests/test_server_browser.py",  # chromium, at module level
    "tests/test_language.py::test_real_french_articles_are_french",  # the corpus, through corpus_dir
    "tests/test_real_models.py::test_opus_mt_keeps_the_numbers_and_the_paragraphs",  # a checkpoint: not the README's
]


def run_real_modules(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *, ci: bool) -> pytest.RunResult:
    """The real modules with ray and ctranslate2 hidden, no chromium, no corpus and an empty HF cache."""
    pytester.makepyfile(hide_modules=HIDE_MODULES_PLUGIN)
    empty = pytester.mkdir("empty")
    monkeypatch.setenv("HIDDEN_MODULES", "ray,ctranslate2")
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(pytester.path), str(ROOT)]))
    monkeypatch.setenv("TRANSLATE_SUM_CORPUS", str(empty / "no-corpus"))
    monkeypatch.setenv("HF_HUB_CACHE", str(empty))
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    monkeypatch.chdir(ROOT)
    # Every outcome in one run: without the flag pytest stops at the first collection error.
    return pytester.runpytest_subprocess("-p", "hide_modules", "--continue-on-collection-errors", *REAL_NODES)


def test_real_modules_skip_each_missing_prerequisite_with_its_reason_outside_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_real_modules(pytester, monkeypatch, ci=False)
    result.assert_outcomes(skipped=5)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED * tests/test_batch_ray.py:*: ray cannot be imported*",
            "SKIPPED * tests/test_ctranslate2_engine.py:*: ctranslate2 cannot be imported*",
            "SKIPPED * tests/test_server_browser.py:*: chromium is not installed*",
            "SKIPPED *corpus folder*no-corpus does not exist*",
            "SKIPPED *Helsinki-NLP/opus-mt-fr-en is not in the Hugging Face cache*",
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_real_modules_fail_each_missing_prerequisite_under_ci_but_still_skip_checkpoints(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_real_modules(pytester, monkeypatch, ci=True)
    result.assert_outcomes(errors=4, skipped=1)
    result.stdout.fnmatch_lines_random(
        [
            "ERROR tests/test_batch_ray.py*ray cannot be imported*CI=true*",
            "ERROR tests/test_ctranslate2_engine.py*ctranslate2 cannot be imported*CI=true*",
            "ERROR tests/test_server_browser.py*chromium is not installed*CI=true*",
            "ERROR tests/test_language.py::test_real_french_articles_are_french*no-corpus does not exist*CI=true*",
            "SKIPPED *Helsinki-NLP/opus-mt-fr-en is not in the Hugging Face cache*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_no_test_module_calls_importorskip_directly() -> None:
    # The CI rule lives in prerequisites.py; a direct importorskip would skip silently in CI.
    offenders = []
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "importorskip":
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], f"use prerequisites.require_module instead of importorskip: {offenders}"
