"""The fast engine: a Hugging Face seq2seq checkpoint converted to CTranslate2.

The checkpoint is converted once (int8 on CPU, float16 on CUDA; see `convert`) and
run with `ctranslate2.Translator`. Tokenization uses the checkpoint's own tokenizer
class, imported by name so that torch is never loaded: once the model is converted,
this path runs on CTranslate2, sentencepiece and tokenizers alone, which starts
faster and takes far less memory than the transformers engine.

CTranslate2 does not read `generation_config.json`, so the decoding settings are read
from it here (BART: 4 beams, length penalty 2, no repeated trigram, min/max length)
and passed explicitly, exactly as the transformers engine reads them.

Limits: only encoder-decoder checkpoints that `TransformersConverter` supports (Marian,
BART, M2M100, NLLB, T5, ...); the decoder is the model's, so outputs match the
transformers engine's up to int8 rounding, not token for token.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

from translate_sum.engines.base import DecodeOptions, ProgressCallback, length_sorted_batches
from translate_sum.engines.convert import convert_model, default_quantization, import_ctranslate2
from translate_sum.engines.core import (
    USE_TRANSFORMERS,
    first_line,
    machine_threads,
    options_from_generation_config,
    read_json,
    refuse_long_inputs,
    resolve_device,
    token_limits,
)
from translate_sum.errors import ModelError

log = logging.getLogger(__name__)


def pick_device(device: str) -> str:
    """Resolve "auto" to "cuda" when CTranslate2 sees a CUDA GPU, else "cpu"."""
    return resolve_device(device, import_ctranslate2().get_cuda_device_count(), "CTranslate2")


# Tokenizer classes of the model families we run, for checkpoints whose
# tokenizer_config.json names none (sshleifer/distilbart-cnn-12-6 is one). The mapping
# transformers keeps for this lives in a module that imports torch.
_TOKENIZER_BY_MODEL_TYPE = {
    "marian": "MarianTokenizer",
    "bart": "BartTokenizer",
    "mbart": "MBartTokenizer",
    "pegasus": "PegasusTokenizer",
    "t5": "T5Tokenizer",
    "m2m_100": "M2M100Tokenizer",
}


def load_tokenizer(model_dir: Path) -> Any:
    """The checkpoint's tokenizer, loaded without importing torch.

    `AutoTokenizer` imports torch through the auto-model machinery; the concrete class
    (named in tokenizer_config.json, else known from config.json's model_type) does not.
    Unknown families fall back to `AutoTokenizer`, torch and all.
    """
    import transformers

    class_name = read_json(model_dir / "tokenizer_config.json").get("tokenizer_class")
    if not class_name:
        class_name = _TOKENIZER_BY_MODEL_TYPE.get(read_json(model_dir / "config.json").get("model_type", ""))
    tokenizer_class = None
    if class_name:
        tokenizer_class = getattr(transformers, class_name, None) or getattr(
            transformers, class_name.removesuffix("Fast"), None
        )
    if tokenizer_class is None:
        log.debug("No torch-free tokenizer class known for %s; using AutoTokenizer", model_dir)
        tokenizer_class = transformers.AutoTokenizer
    try:
        return tokenizer_class.from_pretrained(str(model_dir))
    except Exception as exc:  # a missing or corrupt tokenizer file surfaces as anything
        raise ModelError(f"cannot load the tokenizer of {model_dir}: {first_line(exc)}") from exc


class CTranslate2Engine:
    """A seq2seq model run by CTranslate2; see `Seq2SeqEngine`."""

    name = "ctranslate2"

    def __init__(
        self,
        model_dir: Path,
        model_name: str | None = None,
        device: str = "auto",
        quantization: str | None = None,
        threads: int | None = None,
    ) -> None:
        """Load (converting on first use) the checkpoint in `model_dir`.

        `threads` defaults to every core this process may use; `quantization` to int8
        on CPU and float16 on CUDA.
        """
        ct2 = import_ctranslate2()
        model_dir = Path(model_dir)
        self.model_name = model_name or str(model_dir)
        self.device = pick_device(device)
        self.quantization = quantization or default_quantization(self.device)
        self.threads = threads or machine_threads()
        config = read_json(model_dir / "config.json")
        if not config:
            raise ModelError(
                f"model directory {model_dir} has no config.json", "give a directory that save_pretrained wrote"
            )
        self.tokenizer = load_tokenizer(model_dir)
        converted = convert_model(model_dir, self.model_name, self.device, self.quantization)
        try:
            self.translator = ct2.Translator(
                str(converted),
                device=self.device,
                compute_type=self.quantization,
                # One translation at a time, all cores on it: batches are already large.
                inter_threads=1,
                intra_threads=self.threads if self.device == "cpu" else 0,
            )
        except Exception as exc:
            raise ModelError(
                f"cannot load the CTranslate2 model of {self.model_name}: {first_line(exc)}", USE_TRANSFORMERS
            ) from exc

        self.max_input_tokens, self.max_output_tokens = token_limits(
            config.get("max_position_embeddings"), getattr(self.tokenizer, "model_max_length", None)
        )
        generation = read_json(model_dir / "generation_config.json") or config
        self._generation = generation
        # BART-style models must begin with <s> (forced_bos_token_id); Marian has none.
        forced_bos = generation.get("forced_bos_token_id")
        self._prefix = [self.tokenizer.convert_ids_to_tokens(forced_bos)] if forced_bos is not None else None
        # transformers spends the last allowed step on a forced </s> (forced_eos_token_id);
        # CTranslate2 just stops, so one step fewer gives the same words.
        self._forced_eos = generation.get("forced_eos_token_id") is not None
        log.info(
            "Loaded %s with CTranslate2 on %s (%s, %d threads, input limit %d tokens)",
            self.model_name,
            self.device,
            self.quantization,
            self.threads,
            self.max_input_tokens,
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source tokens of each text, special tokens included."""
        if not texts:
            return []
        return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]]

    def default_options(self) -> DecodeOptions:
        """Decoding settings from the model's generation_config.json (as transformers reads it)."""
        return options_from_generation_config(self._generation)

    def generate(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Generate an output for each text, batched by length, returned in order."""
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
        lengths = [len(ids) for ids in encoded]
        refuse_long_inputs(lengths, self.max_input_tokens)
        outputs: list[str] = [""] * len(texts)
        for batch in length_sorted_batches(lengths, options.batch_tokens):
            sources = [self.tokenizer.convert_ids_to_tokens(encoded[i]) for i in batch]
            limit = min(options.output_limit(max(lengths[i] for i in batch)), self.max_output_tokens)
            if self._forced_eos:
                limit = max(1, limit - 1)
            results = self.translator.translate_batch(
                sources,
                target_prefix=[self._prefix] * len(batch) if self._prefix else None,
                beam_size=options.num_beams,
                length_penalty=options.length_penalty,
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                max_decoding_length=limit,
                min_decoding_length=min(options.min_new_tokens, limit),
                # The batch is already sized by our token budget; 0 disables CTranslate2's
                # own input truncation (1024 tokens by default), which would lose text.
                max_batch_size=0,
                max_input_length=0,
                return_scores=False,
            )
            for index, result in zip(batch, results):
                ids = self.tokenizer.convert_tokens_to_ids(result.hypotheses[0])
                outputs[index] = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
            if progress:
                progress(len(batch))
        return outputs
