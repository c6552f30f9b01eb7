"""Session-wide test setup: offline, a private Hugging Face cache, tiny real models.

At import, before any test module can import huggingface_hub or transformers (both
read their environment once, at import), this file:

- turns the Hub off (`HF_HUB_OFFLINE=1`, `TRANSFORMERS_OFFLINE=1`): nothing downloads;
- points `HF_HOME` and `HF_HUB_CACHE` at a throw-away directory, so tests never read
  or write the user's cache by accident; the user's real hub cache is remembered first
  (`REAL_HF_HUB_CACHE`) so tests marked `real_model` can still find real checkpoints;
- clears the user's `TRANSLATE_SUM_*` settings (model, device, engine) so they cannot
  change test outcomes, and sends CTranslate2 conversions and the translation memory
  (on, as by default) to the throw-away directory;
- runs torch on one thread (`OMP_NUM_THREADS=1` unless already set): tiny models are
  fastest that way, above all on a shared machine.

Fixtures: `tiny_marian_dir` (512 positions), `tiny_marian_short_dir` (64 positions, so
unchunked input crashes loudly), `tiny_marian_echo_dir` (512 positions, copies its French
input, so outputs differ per input and have sentences), `tiny_bart_dir` (128 positions), `corpus_dir` (the
shared corpus, from `--corpus` or TRANSLATE_SUM_CORPUS; skips when absent),
`real_hf_cache` and `real_model_dir` (a real checkpoint's snapshot; skips when absent).
A test marked `@pytest.mark.real_model("owner/name", ...)` is skipped unless every
named checkpoint is in the user's real cache.

Skips for what the README installs (the corpus, chromium, ctranslate2, ray, playwright)
go through `prerequisites.missing`: under `CI=true` they fail with their reason instead.
Checkpoints are not installed by the README: `real_model` tests skip under CI too.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

import pytest

from prerequisites import in_ci, missing


def _user_hub_cache() -> Path:
    """The hub cache huggingface_hub would use for this user (same rules, same order)."""
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface"
    )
    home = os.path.expandvars(os.path.expanduser(home))
    hub = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE") or os.path.join(home, "hub")
    return Path(os.path.expandvars(os.path.expanduser(hub)))


if "huggingface_hub" in sys.modules or "transformers" in sys.modules:
    # Their cache paths and offline flag are already frozen: redirecting now would be a lie.
    raise pytest.UsageError(
        "huggingface_hub was imported before tests/conftest.py (by a pytest plugin?); "
        "disable that plugin (-p no:NAME) so the suite cannot touch the real Hugging Face cache"
    )

REAL_HF_HUB_CACHE: Path = _user_hub_cache()
"""The user's Hugging Face hub cache, captured before this session redirects it."""

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="translate-sum-tests-"))

for _name in [name for name in os.environ if name.startswith("TRANSLATE_SUM_") and name != "TRANSLATE_SUM_CORPUS"]:
    del os.environ[_name]
for _name in ("HUGGINGFACE_HUB_CACHE", "HF_ASSETS_CACHE", "HUGGINGFACE_ASSETS_CACHE", "HF_XET_CACHE", "TRANSFORMERS_CACHE"):
    os.environ.pop(_name, None)
os.environ.update(
    {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(_SESSION_HOME / "hf"),
        "HF_HUB_CACHE": str(_SESSION_HOME / "hf" / "hub"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TRANSLATE_SUM_CT2_CACHE": str(_SESSION_HOME / "ct2"),
        # The translation memory is on by default: kept in the session's folder, never
        # the user's cache, and left on so the CLI tests exercise it.
        "TRANSLATE_SUM_MEMORY": str(_SESSION_HOME / "memory.sqlite3"),
        # Tests fork CLI subprocesses; a tokenizer that already ran threads would warn.
        "TOKENIZERS_PARALLELISM": "false",
    }
)
# Tiny models gain nothing from intra-op threads, and on a busy machine two torch
# threads waiting on each other made one tiny BART generate 20x slower (10 s vs 0.5 s).
# Set before torch is imported, which reads it once; export it to use more threads.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--corpus",
        metavar="DIR",
        default=None,
        help="the shared corpus folder (articles/, sentences/, ...); default: $TRANSLATE_SUM_CORPUS; "
        "tests that need it skip when neither is given (fail under CI=true)",
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    outcome = "fail" if in_ci() else "skip"
    corpus = _corpus_setting(config) or f"not given (corpus tests {outcome})"
    prerequisites = f"missing ones {outcome} (CI={os.environ.get('CI', 'unset')})"
    return (
        f"offline; HF cache redirected to {_SESSION_HOME}; real models looked up in {REAL_HF_HUB_CACHE}; "
        f"corpus: {corpus}; README prerequisites: {prerequisites}"
    )


def _corpus_setting(config: pytest.Config) -> str | None:
    return config.getoption("--corpus") or os.environ.get("TRANSLATE_SUM_CORPUS") or None


def find_real_model(model_id: str) -> Path | None:
    """Snapshot directory of `model_id` in the user's real cache, if config and weights are there."""
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(model_id, "config.json", cache_dir=REAL_HF_HUB_CACHE)
    if not isinstance(config, str):  # None or the "known missing" sentinel
        return None
    snapshot = Path(config).parent
    has_weights = any((snapshot / name).exists() for name in ("model.safetensors", "pytorch_model.bin"))
    return snapshot if has_weights else None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("real_model"):
        for model_id in marker.args:
            if find_real_model(model_id) is None:
                pytest.skip(f"{model_id} is not in the Hugging Face cache at {REAL_HF_HUB_CACHE}")


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random fr→en MarianMT checkpoint with 512 positions, like opus-mt-fr-en."""
    from tiny_models import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"), max_position_embeddings=512)


@pytest.fixture(scope="session")
def tiny_marian_short_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny MarianMT with only 64 positions: any unchunked long input raises IndexError."""
    from tiny_models import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian-short"), max_position_embeddings=64)


@pytest.fixture(scope="session")
def tiny_marian_echo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny MarianMT (512 positions) whose output is its French input, token for token."""
    from tiny_models import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian-echo"), max_position_embeddings=512, echo=True)


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BART summarizer with 128 positions, configured like distilbart-cnn."""
    from tiny_models import build_tiny_bart

    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"), max_position_embeddings=128)


@pytest.fixture(scope="session")
def corpus_dir(pytestconfig: pytest.Config) -> Path:
    """The shared corpus folder (never copied into the repo); skips the test when absent, fails under CI."""
    setting = _corpus_setting(pytestconfig)
    if not setting:
        missing("no corpus: pass --corpus DIR or set TRANSLATE_SUM_CORPUS")
    folder = Path(setting).expanduser()
    if not folder.is_dir():
        missing(f"corpus folder {folder} does not exist (a relative path starts where pytest runs)")
    return folder


@pytest.fixture(scope="session")
def real_hf_cache() -> Path:
    """The user's real Hugging Face hub cache (read it; never write to it from tests)."""
    return REAL_HF_HUB_CACHE


@pytest.fixture(scope="session")
def real_model_dir() -> Callable[[str], Path]:
    """A function: Hub id → its snapshot directory in the user's real cache.

    The call skips the test when the checkpoint (config and weights) is not cached.
    Pass the directory on as a local model path: the session's own HF cache is empty.
    """

    def lookup(model_id: str) -> Path:
        snapshot = find_real_model(model_id)
        if snapshot is None:
            pytest.skip(f"{model_id} is not in the Hugging Face cache at {REAL_HF_HUB_CACHE}")
        return snapshot

    return lookup
