"""What a memory entry is keyed by: everything that can change the words, then the source.

A translation depends on the model's files, the engine that runs them, the weights'
type (int8, float16...), the device (its kernels round differently), the library
versions, this project's own decoding code, and the decoding settings. An
`EngineIdentity` holds the first group, fixed once an engine is loaded; a
`MemoryContext` adds the `DecodeOptions` of a call (the audit's stricter retry is
another context). Its `digest` and the exact source text make the key.

`DecodeOptions.batch_tokens` is left out: it sizes batches, and a segment's words do
not depend on its batch once every batch holds inputs of one output bound
(`engines.base.decoding_batches`).

Limits: the CPU's instruction set (AVX2, AVX-512, NEON) is not in the key, only the
architecture (`platform.machine`): a memory file moved between two x86-64 machines
may answer with words the other machine's kernels would round differently. A GPU's
model is not in the key either.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from translate_sum.memory.fingerprint import DigestCache, model_fingerprint
from translate_sum.options import DecodeOptions

KEY_REVISION = 1
"""Bump when this project's decoding code (tokenization, output bounds, clean-up of the
decoded text) changes what an engine returns: every older entry then misses."""

HUMAN_CONTEXT = "human"
"""The digest under which imported human translations are kept: they answer whatever
the model, engine or settings."""

_UNKEYED_OPTIONS = frozenset({"batch_tokens"})


@dataclass(frozen=True)
class EngineIdentity:
    """A loaded engine as far as its outputs are concerned."""

    engine: str  # "ctranslate2", "transformers", ...
    model: str  # content hash of the model's files (`fingerprint.model_fingerprint`)
    compute_type: str  # "int8", "float16", "float32", ...
    device: str  # "cpu", "cuda"
    runtime: str  # the inference libraries and their versions
    machine: str = dataclasses.field(default_factory=platform.machine)
    revision: int = KEY_REVISION


@dataclass(frozen=True)
class MemoryContext:
    """An engine identity and the decoding settings of one call: a memory key's prefix."""

    identity: EngineIdentity
    options: DecodeOptions

    def description(self) -> dict[str, Any]:
        """The context as JSON-ready data (kept in the memory, exported to TMX)."""
        options = {k: v for k, v in dataclasses.asdict(self.options).items() if k not in _UNKEYED_OPTIONS}
        return {**dataclasses.asdict(self.identity), "options": options}

    @functools.cached_property
    def digest(self) -> str:
        """A hash of `description()` (hex, 32 characters)."""
        canonical = json.dumps(self.description(), sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def identify_engine(engine: Any, model_dir: Path, cache: DigestCache | None = None) -> EngineIdentity:
    """The `EngineIdentity` of a loaded engine, read from what the engine records.

    `model_dir` is the checkpoint it was loaded from (`ResolvedModel.path`). For
    CTranslate2 the converted model's files are hashed too, with the checkpoint's
    (the tokenizer is read from the checkpoint, the weights from the conversion).
    `cache` remembers file digests between runs (a `TranslationMemory` is one).
    """
    name = str(getattr(engine, "name", type(engine).__name__))
    device = str(getattr(engine, "device", "unknown"))
    model_dir = Path(model_dir)
    model = model_fingerprint(model_dir, cache)
    compute_type = _compute_type(engine)
    if name == "ctranslate2":
        from translate_sum.engines.convert import converted_path

        converted = converted_path(model_dir, engine.model_name, device, compute_type)
        if converted.is_dir():
            both = f"{model}\n{model_fingerprint(converted, cache)}"
            model = hashlib.blake2b(both.encode("ascii"), digest_size=16).hexdigest()
        runtime = _versions("ctranslate2")
    elif name == "transformers":
        runtime = _versions("transformers", "torch", "tokenizers", "sentencepiece")
    else:
        runtime = "unknown"
    return EngineIdentity(engine=name, model=model, compute_type=compute_type, device=device, runtime=runtime)


def describe_decoding(engine: Any, options: DecodeOptions) -> dict[str, Any]:
    """What produces `engine`'s words with `options`, as JSON-ready data for the outputs.

    The engine, the model as named, the weights' type, the device and the decoding
    settings (batch sizing left out: it does not change the words); behind a
    translation memory, also the model files' hash that keys its entries.
    """
    identity = getattr(engine, "identity", None)
    record: dict[str, Any] = {
        "engine": str(getattr(engine, "name", type(engine).__name__)),
        "model": str(getattr(engine, "model_name", "unknown")),
        "compute_type": identity.compute_type if isinstance(identity, EngineIdentity) else _compute_type(engine),
        "device": identity.device if isinstance(identity, EngineIdentity) else str(getattr(engine, "device", "unknown")),
    }
    if isinstance(identity, EngineIdentity):
        record["model_hash"] = identity.model
    options_record = {k: v for k, v in dataclasses.asdict(options).items() if k not in _UNKEYED_OPTIONS}
    return {**record, **options_record}


def _compute_type(engine: Any) -> str:
    """The weights' type: the engine's `compute_type` or `quantization`, else its torch dtype."""
    for attribute in ("compute_type", "quantization"):
        value = getattr(engine, attribute, None)
        if value:
            return str(value)
    dtype = getattr(getattr(engine, "model", None), "dtype", None)
    return str(dtype).removeprefix("torch.") if dtype is not None else "unknown"


def _versions(*packages: str) -> str:
    """'name version' of each installed package (read from metadata: nothing is imported)."""
    found = []
    for package in packages:
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} absent")
    return ", ".join(found)


__all__ = ["HUMAN_CONTEXT", "KEY_REVISION", "EngineIdentity", "MemoryContext", "describe_decoding", "identify_engine"]
