"""The registry and model resolution: Hub ids through the cache, local dirs, offline errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from translate_sum.errors import ModelError
from translate_sum.models import default_model, load_registry, resolve_model
from translate_sum.pipeline import load_translator

ROOT = Path(__file__).resolve().parent.parent


def put_in_hub_cache(model_dir: Path, model_id: str) -> Path:
    """Lay a saved model out the way huggingface_hub caches a downloaded snapshot."""
    repo = Path(os.environ["HF_HUB_CACHE"]) / ("models--" + model_id.replace("/", "--"))
    commit = "0" * 40
    snapshot = repo / "snapshots" / commit
    if not snapshot.exists():
        shutil.copytree(model_dir, snapshot)
        (repo / "refs").mkdir(parents=True, exist_ok=True)
        (repo / "refs" / "main").write_text(commit)
    return snapshot


def test_registry_names_the_default_models_first() -> None:
    entries = load_registry()
    assert [e.model_id for e in entries if e.role == "translation"][0] == "Helsinki-NLP/opus-mt-fr-en"
    assert "Helsinki-NLP/opus-mt-tc-big-fr-en" in [e.model_id for e in entries]
    assert default_model("summary") == "sshleifer/distilbart-cnn-12-6"


def test_environment_variable_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSLATE_SUM_TRANSLATION_MODEL", "/models/mine")
    assert default_model("translation") == "/models/mine"


def test_hub_id_loads_from_the_local_cache_offline(tiny_marian_dir: Path) -> None:
    snapshot = put_in_hub_cache(tiny_marian_dir, "tiny-org/tiny-marian")
    resolved = resolve_model("tiny-org/tiny-marian")
    assert resolved.path == snapshot
    translator = load_translator("tiny-org/tiny-marian", engine="transformers", device="cpu")
    assert translator.translate_text("Bonjour.").paragraphs[0].translation


def test_uncached_hub_id_offline_says_what_to_run() -> None:
    with pytest.raises(ModelError, match=r"not in the local cache.*translate-sum models download nobody/absent"):
        resolve_model("nobody/absent")


def test_a_missing_summary_model_offline_names_both_settings_by_field() -> None:
    with pytest.raises(ModelError) as raised:
        resolve_model("nobody/absent", "summary")
    hint = raised.value.hint
    assert hint is not None and hint.option == "summary_model" and hint.more == (("summarizer", "extractive"),)
    assert "summary_model=DIR" in str(raised.value) and "summarizer=extractive needs no summary model" in str(raised.value)


def test_missing_local_directory_is_named() -> None:
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model("./no/such/model", "summary")


def test_errors_name_the_setting_by_its_field_not_a_flag() -> None:
    with pytest.raises(ModelError) as raised:
        resolve_model("./no/such/model", "summary")
    assert raised.value.hint is not None and raised.value.hint.option == "summary_model"
    assert "check summary_model" in str(raised.value) and "--" not in str(raised.value)


def test_directory_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no config.json"):
        resolve_model(str(tmp_path))


def test_wheel_carries_the_registry(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0 and "hatchling" in built.stderr and "find" in built.stderr.lower():
        pytest.skip("the build backend (hatchling) cannot be fetched here")
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "translate_sum/models.txt" in archive.namelist()
        assert archive.read("translate_sum/models.txt") == (ROOT / "models.txt").read_bytes()


def test_download_while_offline_says_downloads_are_off() -> None:
    from translate_sum.models import download_model

    with pytest.raises(ModelError, match="downloads are off"):
        download_model("nobody/absent")
