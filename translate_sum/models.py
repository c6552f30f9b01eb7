"""The model registry (`models.txt`) and turning a model name into a local directory.

A model is named by a Hub id (`Helsinki-NLP/opus-mt-fr-en`) or a local directory that
holds a `save_pretrained` checkpoint. Hub ids are looked up in the local Hugging Face
cache first and downloaded only when that is allowed; offline (`HF_HUB_OFFLINE=1`) or
without a network, a missing model is one clear error that says what to run.

Only the files a seq2seq model needs are fetched, safetensors weights when the
repository has them. Remote code is never trusted.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from translate_sum.errors import Hint, ModelError

log = logging.getLogger(__name__)

ROLES = ("translation", "summary")
ROLE_ENV = {
    "translation": "TRANSLATE_SUM_TRANSLATION_MODEL",
    "summary": "TRANSLATE_SUM_SUMMARY_MODEL",
}
ROLE_SETTING = {"translation": "translation_model", "summary": "summary_model"}
"""The setting that names each role's model (errors' hints name it; the CLI spells it as a flag)."""

_CONFIG_FILES = [
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "vocab.json",
    "merges.txt",
    "*.spm",
]
_SAFETENSORS = ["*.safetensors", "*.safetensors.index.json"]
_PYTORCH_WEIGHTS = ["pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*.bin"]


@dataclass(frozen=True)
class RegistryEntry:
    role: str
    model_id: str
    note: str


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready to load: the name the user gave and the directory it lives in."""

    name: str
    path: Path


def registry_path() -> Path:
    """Where models.txt is: inside the installed package, or at the checkout's top."""
    packaged = resources.files("translate_sum") / "models.txt"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "models.txt"


def load_registry(path: Path | None = None) -> list[RegistryEntry]:
    """The models of models.txt, in file order (the first of a role is its default)."""
    path = path or registry_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ModelError(f"cannot read the model registry {path}: {exc.strerror}; reinstall translate-sum") from exc
    entries = []
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2 or parts[0] not in ROLES:
            raise ModelError(f"{path}:{number}: expected 'ROLE MODEL_ID NOTE' with ROLE one of {', '.join(ROLES)}")
        entries.append(RegistryEntry(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return entries


def default_model(role: str) -> str:
    """The model for `role`: its environment variable, else the registry's first."""
    from_env = os.environ.get(ROLE_ENV[role])
    if from_env:
        return from_env
    for entry in load_registry():
        if entry.role == role:
            return entry.model_id
    raise ModelError(f"models.txt names no {role} model", Hint("add one or pass {option}", ROLE_SETTING[role]))


def is_offline() -> bool:
    """True when the user asked Hugging Face libraries not to use the network."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().lower() in {"1", "true", "yes", "on"}


def looks_like_path(spec: str) -> bool:
    """A local path, not a Hub id: Hub ids are `name` or `owner/name`."""
    return (
        spec.startswith((".", "/", "~", "\\"))
        or spec.count("/") > 1
        or "\\" in spec
        or (len(spec) > 1 and spec[1] == ":")
        or Path(spec).expanduser().exists()
    )


def resolve_model(spec: str, role: str = "translation") -> ResolvedModel:
    """Find model `spec` (Hub id or directory) on disk, downloading if allowed."""
    if looks_like_path(spec):
        return ResolvedModel(spec, _local_directory(spec, role))
    cached = cached_snapshot(spec)
    if cached is not None:
        return ResolvedModel(spec, cached)
    if is_offline():
        raise ModelError(
            f"{role} model '{spec}' is not in the local cache and downloads are off (HF_HUB_OFFLINE=1)",
            Hint(f"run `translate-sum models download {spec}` while online, or pass {{option}}", ROLE_SETTING[role], "DIR"),
        )
    return ResolvedModel(spec, download_model(spec, role))


def cached_snapshot(model_id: str) -> Path | None:
    """The cached snapshot directory of a Hub model, if it holds a usable model."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        folder = Path(snapshot_download(model_id, allow_patterns=_CONFIG_FILES, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError, FileNotFoundError, OSError):
        return None
    return folder if _is_complete(folder) else None


def download_model(model_id: str, role: str = "translation") -> Path:
    """Fetch a Hub model into the local cache; return its snapshot directory."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError

    if is_offline():
        raise ModelError(
            f"cannot download {role} model '{model_id}': downloads are off (HF_HUB_OFFLINE=1); "
            "unset HF_HUB_OFFLINE on a connected machine and run the command again"
        )
    log.warning("Downloading %s model %s into the Hugging Face cache (once)...", role, model_id)
    try:
        folder = Path(snapshot_download(model_id, allow_patterns=_CONFIG_FILES + _SAFETENSORS))
        if not _has_weights(folder):
            folder = Path(snapshot_download(model_id, allow_patterns=_CONFIG_FILES + _PYTORCH_WEIGHTS))
    except RepositoryNotFoundError as exc:
        raise ModelError(f"{role} model '{model_id}' does not exist on the Hugging Face Hub; check the id (`translate-sum models` lists known ones)") from exc
    except HFValidationError as exc:
        raise ModelError(
            f"'{model_id}' is neither a local directory nor a valid Hub id", Hint("check {option}", ROLE_SETTING[role])
        ) from exc
    except Exception as exc:  # network errors come in many types (httpx, OSError, ...)
        raise ModelError(
            f"cannot download {role} model '{model_id}': {_download_failure(exc)}",
            Hint(
                f"check the network and run `translate-sum models download {model_id}`, "
                "or copy the model to this machine and pass {option}",
                ROLE_SETTING[role],
                "DIR",
            ),
        ) from exc
    if not _is_complete(folder):
        raise ModelError(f"{role} model '{model_id}' has no config.json or weights on the Hub; it is not a usable seq2seq checkpoint")
    return folder


def _download_failure(exc: BaseException) -> str:
    """What went wrong with a download, in words: the innermost cause's own message.

    huggingface_hub wraps a DNS or connection failure in two or three layers whose
    messages are paragraphs; the socket's "Name or service not known" is the news.
    """
    innermost = exc
    while (innermost.__cause__ or innermost.__context__) is not None:
        innermost = innermost.__cause__ or innermost.__context__  # type: ignore[assignment]
    if isinstance(innermost, TimeoutError) or "timed out" in str(innermost).lower():
        return "the Hugging Face Hub did not answer in time"
    if isinstance(innermost, OSError):
        detail = innermost.strerror or str(innermost)
        return f"the Hugging Face Hub cannot be reached ({detail})"
    first_line = str(innermost).strip().splitlines()[0] if str(innermost).strip() else "no reason given"
    return f"the download failed ({first_line})"


def _local_directory(spec: str, role: str) -> Path:
    path = Path(spec).expanduser()
    if not path.exists():
        raise ModelError(
            f"{role} model directory {spec} does not exist", Hint("check {option} or give a Hub id", ROLE_SETTING[role])
        )
    if not path.is_dir():
        raise ModelError(f"{role} model {spec} is a file; give the directory that save_pretrained wrote")
    if not (path / "config.json").is_file():
        raise ModelError(f"{role} model directory {spec} has no config.json; give a directory that save_pretrained wrote")
    if not _has_weights(path):
        raise ModelError(f"{role} model directory {spec} has no weights (model.safetensors or pytorch_model.bin)")
    return path


def _has_weights(folder: Path) -> bool:
    return any(folder.glob("*.safetensors")) or any(folder.glob("pytorch_model*.bin"))


def _is_complete(folder: Path) -> bool:
    return (folder / "config.json").is_file() and _has_weights(folder)
