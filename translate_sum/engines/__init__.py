"""Inference engines behind one interface (`base.Seq2SeqEngine`): the engines' facade.

`load_engine` is the only place that chooses an engine; everything else takes an
engine object. `prepare_conversion` converts a model for CTranslate2 ahead of time.
Engine modules are imported here lazily so that reading, auditing and `--help` never
pay for torch; callers outside this package import from here, never an engine module.

Limits: the choice is between the two engines this package ships; others plug in by
implementing `Seq2SeqEngine` and being passed in directly.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from translate_sum.engines.base import DecodeOptions, Seq2SeqEngine
from translate_sum.errors import EngineUnavailable, ModelError
from translate_sum.models import ResolvedModel
from translate_sum.options import DEFAULT_DEVICE, DEFAULT_ENGINE, DEVICES, ENGINES

log = logging.getLogger(__name__)

__all__ = [
    "DecodeOptions",
    "Seq2SeqEngine",
    "ENGINES",
    "DEVICES",
    "choose_engine",
    "load_engine",
    "conversion_device",
    "prepare_conversion",
]


def choose_engine(engine: str) -> str:
    """Resolve "auto": CTranslate2 when it is installed, else transformers."""
    if engine == "auto":
        return "ctranslate2" if importlib.util.find_spec("ctranslate2") is not None else "transformers"
    if engine not in ENGINES:
        raise EngineUnavailable(f"unknown engine '{engine}'", f"choose one of {', '.join(ENGINES)}")
    return engine


def load_engine(
    model: ResolvedModel, engine: str = DEFAULT_ENGINE, device: str = DEFAULT_DEVICE, threads: int | None = None
) -> Seq2SeqEngine:
    """Load `model` with the chosen engine on the chosen device.

    `threads` caps CTranslate2's CPU threads (default: every core this process may
    use); a process that shares a machine (a Ray worker) sets it to its share.

    With "auto", a model CTranslate2 cannot convert or load (an architecture it does
    not support, a broken install) falls back to transformers with a warning; asked
    for by name, CTranslate2's error stands.
    """
    name = choose_engine(engine)
    if name == "ctranslate2":
        from translate_sum.engines.ctranslate2_engine import CTranslate2Engine

        try:
            return CTranslate2Engine(model.path, model_name=model.name, device=device, threads=threads)
        except (ModelError, EngineUnavailable) as exc:  # a broken install, too
            if engine != "auto":
                raise
            # The message alone: its hint offers the very fallback taken here.
            log.warning("%s; using the transformers engine instead", exc.message)
    from translate_sum.engines.transformers_engine import TransformersEngine

    return TransformersEngine(model.path, model_name=model.name, device=device)


def conversion_device(device: str = DEFAULT_DEVICE) -> str:
    """The device a CTranslate2 run would use here for `device` ("auto" resolved).

    A `ModelError` when "cuda" is asked for and CTranslate2 sees no GPU, so a caller
    can check this before any download or conversion starts.
    """
    from translate_sum.engines.ctranslate2_engine import pick_device

    return pick_device(device)


def prepare_conversion(model: ResolvedModel, device: str = DEFAULT_DEVICE, quantization: str | None = None) -> Path:
    """Convert `model` for CTranslate2 now (cached; a no-op when already converted).

    `device` "auto" means the device a run would use here; it picks the default
    quantization (int8 on CPU, float16 on CUDA) unless `quantization` is given.
    """
    from translate_sum.engines.convert import convert_model

    return convert_model(model.path, model.name, device=conversion_device(device), quantization=quantization)
