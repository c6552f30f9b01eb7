"""Inference engines behind one interface (`base.Seq2SeqEngine`).

`load_engine` is the only place that chooses an engine; everything else takes an
engine object. Engine modules are imported here lazily so that reading, auditing and
`--help` never pay for torch.
"""

from __future__ import annotations

import importlib.util
import logging

from translate_sum.engines.base import DecodeOptions, Seq2SeqEngine
from translate_sum.errors import EngineUnavailable, ModelError
from translate_sum.models import ResolvedModel

log = logging.getLogger(__name__)

ENGINES = ("auto", "transformers", "ctranslate2")
DEVICES = ("auto", "cpu", "cuda")

__all__ = ["DecodeOptions", "Seq2SeqEngine", "ENGINES", "DEVICES", "choose_engine", "load_engine"]


def choose_engine(engine: str) -> str:
    """Resolve "auto": CTranslate2 when it is installed, else transformers."""
    if engine == "auto":
        return "ctranslate2" if importlib.util.find_spec("ctranslate2") is not None else "transformers"
    if engine not in ENGINES:
        raise EngineUnavailable(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    return engine


def load_engine(model: ResolvedModel, engine: str = "auto", device: str = "auto") -> Seq2SeqEngine:
    """Load `model` with the chosen engine on the chosen device.

    With "auto", a model CTranslate2 cannot convert or load (an architecture it does
    not support, a broken install) falls back to transformers with a warning; asked
    for by name, CTranslate2's error stands.
    """
    name = choose_engine(engine)
    if name == "ctranslate2":
        from translate_sum.engines.ctranslate2_engine import CTranslate2Engine

        try:
            return CTranslate2Engine(model.path, model_name=model.name, device=device)
        except (ModelError, EngineUnavailable) as exc:  # a broken install, too
            if engine != "auto":
                raise
            reason = str(exc).split("; use --engine transformers")[0].split(", or use --engine transformers")[0]
            log.warning("%s; using the transformers engine instead", reason)
    from translate_sum.engines.transformers_engine import TransformersEngine

    return TransformersEngine(model.path, model_name=model.name, device=device)
