"""The fast engine: a Hugging Face seq2seq checkpoint converted to CTranslate2.

The checkpoint is converted once (int8 on CPU, float16 on CUDA; see `convert`) and
run with `ctranslate2.Translator`. Tokenization reads the checkpoint's own
SentencePiece or BPE files (`subwords`), giving transformers' ids without importing
it: once the model is converted, this path runs on CTranslate2, sentencepiece and
tokenizers alone, which starts faster and takes far less memory than the
transformers engine.

On CPU, inputs are cut into the batches that decode in the least time
(`base.decoding_batches`), several decode in parallel, one per core
(`core.thread_layout`), and malloc keeps freed memory for the next step (`heap`); on
a GPU one large batch runs at a time.

CTranslate2 does not read `generation_config.json`, so the decoding settings are read
from it here (BART: 4 beams, length penalty 2, no repeated trigram, min/max length)
and passed explicitly, exactly as the transformers engine reads them.

Limits: only encoder-decoder checkpoints that `TransformersConverter` supports (Marian,
BART, M2M100, NLLB, T5, ...); the decoder is the model's, so outputs match the
transformers engine's up to int8 rounding, not token for token.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from translate_sum.engines.base import DecodeOptions, ProgressCallback, TokenIds, decoding_batches
from translate_sum.engines.convert import convert_model, default_quantization, import_ctranslate2
from translate_sum.engines.core import (
    USE_TRANSFORMERS,
    default_batch_cost,
    first_line,
    machine_threads,
    options_from_generation_config,
    read_json,
    refuse_long_inputs,
    resolve_device,
    step_overhead,
    thread_layout,
    token_limits,
)
from translate_sum.engines.heap import keep_freed_memory
from translate_sum.engines.subwords import load_subwords, token_join
from translate_sum.errors import ModelError

log = logging.getLogger(__name__)

def pick_device(device: str) -> str:
    """Resolve "auto" to "cuda" when CTranslate2 sees a CUDA GPU, else "cpu"."""
    return resolve_device(device, import_ctranslate2().get_cuda_device_count(), "CTranslate2")


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
        parallel_batches: int | None = None,
    ) -> None:
        """Load (converting on first use) the checkpoint in `model_dir`.

        `threads` defaults to every core this process may use; `parallel_batches`
        (how many batches decode at once on CPU, the threads shared among them) to
        `thread_layout`'s choice; `quantization` to int8 on CPU and float16 on CUDA.
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
        self.tokenizer = load_subwords(model_dir)
        self.token_join = token_join(self.tokenizer, self.encode)
        converted = convert_model(model_dir, self.model_name, self.device, self.quantization)
        # On CPU several batches decode at once, one per group of cores; a GPU takes
        # one large batch at a time.
        self.parallel, threads_each = thread_layout(self.threads) if self.device == "cpu" else (1, 0)
        if parallel_batches and self.device == "cpu":
            self.parallel = max(1, min(parallel_batches, self.threads))
            threads_each = max(1, self.threads // self.parallel)
        if self.device == "cpu":
            keep_freed_memory()
        try:
            self.translator = ct2.Translator(
                str(converted),
                device=self.device,
                compute_type=self.quantization,
                inter_threads=self.parallel,
                intra_threads=threads_each,
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
        self._width = int(config.get("d_model") or config.get("hidden_size") or 512)
        # BART-style models must begin with <s> (forced_bos_token_id); Marian has none.
        forced_bos = generation.get("forced_bos_token_id")
        self._prefix = self.tokenizer.to_tokens([forced_bos]) if forced_bos is not None else None
        # transformers spends the last allowed step on a forced </s> (forced_eos_token_id);
        # CTranslate2 just stops, so one step fewer gives the same words.
        self._forced_eos = generation.get("forced_eos_token_id") is not None
        log.info(
            "Loaded %s with CTranslate2 on %s (%s, %d batches in parallel, input limit %d tokens)",
            self.model_name,
            self.device,
            self.quantization,
            self.parallel,
            self.max_input_tokens,
        )

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, special tokens included."""
        if not texts:
            return []
        return [list(ids) for ids in self.tokenizer.encode(texts)]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source tokens of each text, special tokens included."""
        return [len(ids) for ids in self.encode(texts)]

    def default_options(self) -> DecodeOptions:
        """Decoding settings from the model's generation_config.json (as transformers reads it)."""
        return options_from_generation_config(self._generation)

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

        Batches are sized by their decoding cost (`decoding_batches`) and queued so
        that `self.parallel` of them decode at the same time; outputs are collected in
        order as their batches finish. One batch more than there are workers is queued
        at a time, so no worker waits, and Ctrl-C waits for those batches only, not for
        the rest of the article.
        """
        if not texts:
            return []
        encoded = [list(found) for found in ids] if ids is not None else self.encode(texts)
        lengths = [len(ids) for ids in encoded]
        refuse_long_inputs(lengths, self.max_input_tokens)
        budget = options.batch_tokens or default_batch_cost(self.device, self._width)
        waiting = iter(decoding_batches(lengths, options, budget, self.parallel, step_overhead(self.device)))
        queued: deque[tuple[list[int], list[Any]]] = deque()

        def queue_next() -> None:
            batch = next(waiting, None)
            if batch is not None:
                queued.append((batch, self._submit([encoded[i] for i in batch], options)))

        for _ in range(self.parallel + 1):
            queue_next()
        outputs: list[str] = [""] * len(texts)
        while queued:
            batch, results = queued.popleft()
            for index, result in zip(batch, results):
                outputs[index] = self.tokenizer.decode(result.result().hypotheses[0]).strip()
            queue_next()
            if progress:
                progress(len(batch))
        return outputs

    def _submit(self, encoded: list[list[int]], options: DecodeOptions) -> list[Any]:
        """Queue one batch; its results (one per input) are ready with `.result()`."""
        limit = min(options.output_limit(max(len(ids) for ids in encoded)), self.max_output_tokens)
        if self._forced_eos:
            limit = max(1, limit - 1)
        return self.translator.translate_batch(
            [self.tokenizer.to_tokens(ids) for ids in encoded],
            target_prefix=[self._prefix] * len(encoded) if self._prefix else None,
            beam_size=options.num_beams,
            length_penalty=options.length_penalty,
            repetition_penalty=options.repetition_penalty,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            max_decoding_length=limit,
            min_decoding_length=min(options.min_new_tokens, limit),
            # The batch is already sized by our budget; 0 disables CTranslate2's own
            # input truncation (1024 tokens by default), which would lose text.
            max_batch_size=0,
            max_input_length=0,
            return_scores=False,
            asynchronous=True,
        )
