"""Convert a Hugging Face checkpoint to a CTranslate2 model, once, into a cache.

The converted model lives under the user cache directory
(`<cache>/translate-sum/ct2/<key>`), where the key names the model, a fingerprint of
its files (the Hub commit when the directory is a Hub snapshot, else the names, sizes
and modification times of its files) and the quantization. A changed checkpoint thus
gets a fresh conversion; an unchanged one is converted once.

Conversion is atomic: it writes into a temporary directory beside the target and
renames it into place, so a crash leaves no half-written model under the real key.
Two processes converting the same model at once both do the work and the first
rename wins. Conversion itself loads the checkpoint with transformers and torch (the
converter needs them); running a converted model does not.

Limits: the fingerprint does not read file contents, so a checkpoint rewritten in
place with identical sizes and times is not noticed; temporary directories left by a
killed process are removed only when they are more than a day old.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from translate_sum.engines.core import USE_TRANSFORMERS, first_line, with_fallback
from translate_sum.errors import EngineUnavailable, ModelError
from translate_sum.options import QUANTIZATIONS
from translate_sum.settings import envvar_of

log = logging.getLogger(__name__)

_MARKER = "translate_sum.json"  # written last inside the temporary directory
_STALE_SECONDS = 24 * 3600
_SNAPSHOT = re.compile(r"^[0-9a-f]{40}$")


def import_ctranslate2() -> ModuleType:
    """The ctranslate2 module, or EngineUnavailable with the command that installs it."""
    try:
        import ctranslate2
    except ModuleNotFoundError as exc:
        raise EngineUnavailable("CTranslate2 is not installed: pip install ctranslate2", USE_TRANSFORMERS) from exc
    except (ImportError, OSError) as exc:  # installed, but a library it needs is missing
        raise EngineUnavailable(
            f"CTranslate2 is installed but cannot load ({first_line(exc)})",
            with_fallback("reinstall it (pip install --force-reinstall ctranslate2)"),
        ) from exc
    return ctranslate2


def default_quantization(device: str) -> str:
    """int8 weights on CPU (about 3x faster, a quarter of the memory); float16 on CUDA."""
    return "float16" if device == "cuda" else "int8"


def cache_root() -> Path:
    """Where converted models live; TRANSLATE_SUM_CT2_CACHE overrides the user cache."""
    override = os.environ.get(envvar_of("ct2_cache"))
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("translate-sum")) / "ct2"


def fingerprint(model_dir: Path) -> str:
    """What identifies this checkpoint's content, cheaply.

    A Hub snapshot directory is named after its commit, which pins every file. For any
    other directory, the names, sizes and modification times of its files stand in for
    their contents (hashing a 1 GB checkpoint on every start would cost seconds).
    """
    resolved = model_dir.resolve()
    if _SNAPSHOT.match(model_dir.name) and model_dir.parent.name == "snapshots":
        return f"commit:{model_dir.name}"
    entries = []
    for path in sorted(resolved.iterdir()):
        if path.is_file():
            stat = path.stat()
            entries.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "files:" + "|".join(entries)


def cache_key(model_dir: Path, model_name: str, quantization: str) -> str:
    """Directory name for a conversion: readable model name, quantization, short hash."""
    ct2 = import_ctranslate2()
    # The major version is part of the key because it may change the model format.
    major = ct2.__version__.split(".")[0]
    # A local directory is the same model however the user spelled its path; a Hub
    # snapshot is pinned by its commit in the fingerprint.
    identity = str(model_dir.resolve()) if _is_local_path(model_name) else model_name
    digest = hashlib.sha256(
        "\n".join([identity, fingerprint(model_dir), quantization, major]).encode("utf-8")
    ).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", identity.strip("/\\")).strip("-.")[-60:] or "model"
    return f"{slug}-{quantization}-{digest}"


def _is_local_path(model_name: str) -> bool:
    from translate_sum.models import looks_like_path

    return looks_like_path(model_name)


def converted_path(model_dir: Path, model_name: str, device: str = "cpu", quantization: str | None = None) -> Path:
    """Where the conversion of this model for this device and quantization is cached."""
    quantization = quantization or default_quantization(device)
    return cache_root() / cache_key(model_dir, model_name, quantization)


def is_converted(path: Path) -> bool:
    """True when `path` holds a complete conversion (the marker is written last)."""
    return (path / _MARKER).is_file() and (path / "model.bin").is_file()


def convert_model(
    model_dir: Path,
    model_name: str | None = None,
    device: str = "cpu",
    quantization: str | None = None,
) -> Path:
    """The CTranslate2 model directory for `model_dir`, converting it on first use.

    `device` picks the default quantization (int8 on "cpu", float16 on "cuda");
    `quantization` overrides it. Returns the cached directory; converts only when the
    cache has no complete conversion for this checkpoint and quantization.
    """
    model_dir = Path(model_dir)
    model_name = model_name or str(model_dir)
    quantization = quantization or default_quantization(device)
    if quantization not in QUANTIZATIONS:
        raise ModelError(f"unknown quantization '{quantization}'", f"choose one of {', '.join(QUANTIZATIONS)}")
    target = converted_path(model_dir, model_name, device, quantization)
    if is_converted(target):
        log.debug("Using the CTranslate2 conversion of %s cached in %s", model_name, target)
        return target

    ct2 = import_ctranslate2()
    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(root)
    log.warning("Converting %s for CTranslate2 (%s), once; cached in %s", model_name, quantization, target)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=root))
    try:
        # low_cpu_mem_usage avoids a second full copy of the weights while loading.
        converter = _converter_class(ct2)(str(model_dir), low_cpu_mem_usage=True)
        with _no_loading_bar():
            converter.convert(str(work), quantization=quantization, force=True)
        marker = {
            "model_name": model_name,
            "source": str(model_dir.resolve()),
            "fingerprint": fingerprint(model_dir),
            "quantization": quantization,
            "ctranslate2": ct2.__version__,
        }
        (work / _MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        _publish(work, target)
    except BaseException as exc:  # Ctrl-C too: never leave a half-written model behind
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, (EngineUnavailable, ModelError)) or not isinstance(exc, Exception):
            raise
        raise ModelError(
            f"cannot convert {model_name} for CTranslate2 ({type(exc).__name__}: {first_line(exc)})", USE_TRANSFORMERS
        ) from exc
    log.warning("Converted %s in %.0f s", model_name, time.monotonic() - started)
    return target


@contextlib.contextmanager
def _no_loading_bar() -> Iterator[None]:
    """Hide transformers' weight-loading bar: the conversion is announced already."""
    from transformers.utils import logging as hf_logging

    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def _converter_class(ct2: ModuleType) -> type:
    """TransformersConverter, adapted to configs from transformers 5.

    CTranslate2's BART loader reads `config.normalize_before`, which transformers 5
    dropped from BartConfig; BART is post-norm, so the missing value is False. (Its
    Marian loader sets the attribute itself; mBART's config still has it.)
    """

    class Converter(ct2.converters.TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            if getattr(model.config, "model_type", "") == "bart" and not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return model

    return Converter


def _publish(work: Path, target: Path) -> None:
    """Move a finished conversion into place; a concurrent finished one is kept."""
    if target.exists() and not is_converted(target):
        # A leftover from an older layout or a manual copy: replace it.
        shutil.rmtree(target, ignore_errors=True)
    try:
        os.rename(work, target)
    except OSError:
        if not is_converted(target):
            raise
        # Another process won the race with an identical conversion.
        shutil.rmtree(work, ignore_errors=True)


def _remove_stale_temporaries(root: Path) -> None:
    """Delete temporary directories that a killed conversion left behind long ago."""
    now = time.time()
    for path in root.glob(".*.tmp-*"):
        try:
            if now - path.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue
