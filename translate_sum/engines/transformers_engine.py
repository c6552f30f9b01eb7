"""The reference engine: a Hugging Face seq2seq model run with PyTorch.

Tokenizer + `AutoModelForSeq2SeqLM` + `generate` (transformers 5 has no translation or
summarization pipeline). Inputs are sorted by length and batched under a decoding
cost budget (`base.decoding_batches`), then outputs are put back in input order.
Each input is tokenized once: `generate` takes the ids its caller counted with
(`ids`), else tokenizes the inputs in one call, and pads batches from those ids.
Decoding settings default to the model's own generation config (opus-mt: 4 beams).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from translate_sum.engines.base import DecodeOptions, ProgressCallback, TokenIds, decoding_batches
from translate_sum.engines.core import (
    default_batch_cost,
    first_line,
    options_from_generation_config,
    refuse_long_inputs,
    resolve_device,
    step_overhead,
    token_limits,
)
from translate_sum.errors import ModelError

log = logging.getLogger(__name__)


def pick_device(device: str) -> str:
    """Resolve "auto" to "cuda" when PyTorch sees a CUDA GPU, else "cpu"."""
    import torch

    return resolve_device(device, torch.cuda.device_count() if torch.cuda.is_available() else 0, "PyTorch")


class TransformersEngine:
    """A seq2seq model loaded with transformers; see `Seq2SeqEngine`."""

    name = "transformers"

    def __init__(self, model_dir: Path, model_name: str | None = None, device: str = "auto") -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        self.model_name = model_name or str(model_dir)
        self.device = pick_device(device)
        # A bar for reading weights from local disk is noise on the user's terminal.
        bars_were_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
            # Half precision halves memory and is much faster on a GPU; CPUs gain nothing.
            dtype = torch.float16 if self.device == "cuda" else torch.float32
            self.model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=dtype)
        except Exception as exc:  # corrupt weights, missing tokenizer files, wrong architecture...
            raise ModelError(
                f"cannot load model {self.model_name} ({type(exc).__name__}: {first_line(exc)})",
                "is the download complete? `translate-sum models download` fetches it again",
            ) from exc
        finally:
            if bars_were_on:
                hf_logging.enable_progress_bar()
        self.model.to(self.device).eval()
        self.max_input_tokens, self.max_output_tokens = token_limits(
            getattr(self.model.config, "max_position_embeddings", None),
            getattr(self.tokenizer, "model_max_length", None),
        )
        from translate_sum.engines.subwords import token_join

        self.token_join = token_join(self.tokenizer, self.encode)
        log.info("Loaded %s on %s (input limit %d tokens)", self.model_name, self.device, self.max_input_tokens)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, special tokens included, in one tokenizer call."""
        if not texts:
            return []
        return [list(ids) for ids in self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source tokens of each text, special tokens included."""
        return [len(ids) for ids in self.encode(texts)]

    def default_options(self) -> DecodeOptions:
        """Decoding settings from the model's generation config."""
        return options_from_generation_config(self.model.generation_config.to_dict())

    def generate(
        self,
        texts: Sequence[str],
        options: DecodeOptions,
        progress: ProgressCallback | None = None,
        ids: Sequence[TokenIds] | None = None,
    ) -> list[str]:
        """Generate an output for each text, batched by length, returned in order.

        `ids`: the texts' token ids, when the caller has them (`encode`, or joined by
        `token_join`); else the texts are tokenized here, once.
        """
        import torch

        encoded = [list(found) for found in ids] if ids is not None else self.encode(texts)
        lengths = [len(found) for found in encoded]
        refuse_long_inputs(lengths, self.max_input_tokens)
        outputs: list[str] = [""] * len(texts)
        width = getattr(self.model.config, "d_model", None) or getattr(self.model.config, "hidden_size", 512)
        budget = options.batch_tokens or default_batch_cost(self.device, width)
        for batch in decoding_batches(lengths, options, budget, overhead=step_overhead(self.device)):
            # Padded as the tokenizer pads its own output: the same tensors, no second tokenizing.
            padded = self.tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt")
            padded = padded.to(self.device)
            limit = min(options.output_limit(max(lengths[i] for i in batch)), self.max_output_tokens)
            with torch.inference_mode():
                generated = self.model.generate(
                    **padded,
                    num_beams=options.num_beams,
                    max_new_tokens=limit,
                    min_new_tokens=min(options.min_new_tokens, limit),
                    length_penalty=options.length_penalty,
                    no_repeat_ngram_size=options.no_repeat_ngram_size,
                    repetition_penalty=options.repetition_penalty,
                    # Stop the beams once enough have finished; the search result is kept.
                    early_stopping=True,
                )
            decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, decoded):
                outputs[index] = text.strip()
            if progress:
                progress(len(batch))
        return outputs
