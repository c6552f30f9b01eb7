"""The model registry (`models.txt`) and turning a model name into a local directory.

A model is named by a Hub id (`Helsinki-NLP/opus-mt-fr-en`) or a local directory that
holds a `save_pretrained` checkpoint. Hub ids are looked up in the local Hugging Face
cache first and downloaded only when that is allowed; offline (`HF_HUB_OFFLINE=1`) or
without a network, a missing model is one clear error that says what to run.

Only the files a seq2seq model needs are fetched, safetensors weights when the
repository has them. Remote code is never trusted.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Sequence

from translate_sum.errors import Hint, ModelError
from translate_sum.settings import envvar_of

log = logging.getLogger(__name__)

ROLES = ("translation", "summary")
ROLE_SETTING = {"translation": "translation_model", "summary": "summary_model"}
"""The setting that names each role's model (errors' hints name it; the CLI spells it as a flag)."""
ROLE_ENV = {role: envvar_of(key) for role, key in ROLE_SETTING.items()}
"""The environment variable that names each role's model instead of the registry's default."""

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


class DownloadFailed(ModelError):
    """A download that failed on the way (no network, a timeout): it may work from
    another machine or later, unlike a model that does not exist."""


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


def overrides() -> dict[str, str]:
    """The models the environment sets instead of the registry's defaults, by role."""
    return {role: os.environ[name] for role, name in ROLE_ENV.items() if os.environ.get(name)}


def is_present(spec: str) -> bool:
    """True when model `spec` is on this machine: a usable local folder or a cached Hub model."""
    if looks_like_path(spec):
        path = Path(spec).expanduser()
        return (path / "config.json").is_file() and _has_weights(path)
    return cached_snapshot(spec) is not None


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
    return resolve_models([(spec, role)])[0]


def check_local_model(spec: str, role: str = "translation") -> None:
    """Refuse `spec` now if it names a local directory that is not a usable model.

    Missing, not a directory, no config.json or weights, or a model of the wrong kind
    for `role`: the same errors loading gives, found before a run makes any output. A
    Hub id is left to loading, which looks in the cache and downloads.
    """
    if looks_like_path(spec):
        check_role(ResolvedModel(spec, _local_directory(spec, role)), role)


def resolve_models(wanted: Sequence[tuple[str, str]]) -> list[ResolvedModel]:
    """Find several models, given as (spec, role) pairs, in that order.

    Everything that can be checked on disk is checked before anything downloads, and
    models that are missing are named together: a `brief` run offline with neither
    model says so once, with one command that fetches both. A model of the wrong kind
    for its role (a summarizer given as the translation model) is refused.
    """
    found: dict[int, ResolvedModel] = {}
    missing: list[tuple[int, str, str]] = []
    for position, (spec, role) in enumerate(wanted):
        if looks_like_path(spec):
            found[position] = ResolvedModel(spec, _local_directory(spec, role))
        elif (cached := cached_snapshot(spec)) is not None:
            found[position] = ResolvedModel(spec, cached)
        else:
            missing.append((position, spec, role))
    for position, model in found.items():
        check_role(model, wanted[position][1])
    if missing and is_offline():
        names = " and ".join(f"{role} model '{spec}'" for _, spec, role in missing)
        raise ModelError(
            f"{names} {'are' if len(missing) > 1 else 'is'} not in the local cache and downloads are off (HF_HUB_OFFLINE=1)",
            missing_model_hint([(spec, role) for _, spec, role in missing]),
        )
    failures: list[tuple[str, str, ModelError]] = []
    for position, spec, role in missing:
        try:
            found[position] = ResolvedModel(spec, download_model(spec, role))
            check_role(found[position], role)
        except ModelError as exc:
            failures.append((spec, role, exc))
    if failures and all(isinstance(exc, DownloadFailed) for _, _, exc in failures):
        # The network failed: one line names every model it kept from this machine.
        names = " and ".join(f"{role} model '{spec}'" for spec, role, _ in failures)
        reasons = list(dict.fromkeys(exc.message.split(": ", 1)[-1] for _, _, exc in failures))
        raise ModelError(
            f"cannot download {names}: {'; '.join(reasons)}", missing_model_hint([(spec, role) for spec, role, _ in failures])
        ) from failures[0][2]
    if failures:
        raise failures[0][2]
    return [found[position] for position in range(len(wanted))]


def missing_model_hint(models: Sequence[tuple[str, str]]) -> Hint:
    """What to do about (spec, role) models this machine lacks and cannot download now:
    fetch them where the Hub can be reached, give a local copy of the first, and, when
    the summary model is among them, summarize without one (`summarizer` extractive)."""
    ids = " ".join(spec for spec, _ in models)
    text = f"run `translate-sum models download {ids}` on a connected machine, or give a local copy with {{option}}"
    roles = [role for _, role in models]
    if "summary" not in roles:
        return Hint(text, ROLE_SETTING[roles[0]], "DIR")
    return Hint(text + "; {option2} needs no summary model", ROLE_SETTING[roles[0]], "DIR", (("summarizer", "extractive"),))



# Model families that do only one of the two jobs; a checkpoint of one given for the
# other role runs and writes nonsense (distilbart "translating" French writes an
# English-ish summary of it), so it is refused. Families in both lists (t5, mbart)
# are trained for either; families in neither get a warning and are used.
TRANSLATION_FAMILIES = frozenset({"marian", "m2m_100", "nllb_moe", "fsmt", "mbart", "t5", "mt5", "umt5"})
SUMMARY_FAMILIES = frozenset({"bart", "pegasus", "pegasus_x", "led", "bigbird_pegasus", "prophetnet", "mbart", "t5", "mt5", "umt5"})
_FAMILIES = {"translation": TRANSLATION_FAMILIES, "summary": SUMMARY_FAMILIES}


def check_role(model: ResolvedModel, role: str) -> None:
    """Refuse a model whose architecture (config.json's model_type) cannot do `role`.

    A family known only for the other role is an error naming both; an unknown
    family is a warning, since a new architecture may well work.
    """
    try:
        config = json.loads((model.path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # loading the model reports a missing or broken config in its own words
    family = str(config.get("model_type", "")).lower()
    if family in _FAMILIES[role]:
        return
    other = next(r for r in ROLES if r != role)
    if family in _FAMILIES[other]:
        tasks = sorted(config.get("task_specific_params") or {})
        purpose = f", made for {', '.join(tasks)}" if tasks else ""
        raise ModelError(
            f"{model.name} is a {other} model ({family}{purpose}), not a {role} model",
            Hint(f"give a {role} model to {{option}}, such as {_registry_default(role)}", ROLE_SETTING[role]),
        )
    log.warning("%s: model type '%s' is not a known %s architecture; using it anyway", model.name, family or "unknown", role)


def _registry_default(role: str) -> str:
    """The registry's first model of `role`, for advice; a placeholder if there is none."""
    return next((e.model_id for e in load_registry() if e.role == role), "the default of models.txt")


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
        # The advice suits `models download` itself; `resolve_models` gives its callers theirs.
        raise DownloadFailed(
            f"cannot download {role} model '{model_id}': {_download_failure(exc)}",
            Hint("check the network connection (and any HTTPS_PROXY setting), then run the command again"),
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
