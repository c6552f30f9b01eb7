"""Where CTranslate2's decoding time goes: compute types, beams, encoder vs decoder.

Runs on the random-weight opus-mt-fr-en that `bench.py` builds (run it first; same
--workdir), with one real article cut into the pipeline's segments, forcing
`--new-tokens` target tokens per segment. Prints target tokens/s for int8,
int8_float32 and float32 at 1 and 4 beams, and the time of the encoder plus one
decoding step, which `bench.py`'s table cannot separate.

    python benchmarks/ct2_profile.py --corpus ../shared/corpus/articles/fr
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

DEFAULT_WORKDIR = Path.home() / ".cache" / "translate-sum" / "bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("TRANSLATE_SUM_CORPUS"), help="folder of French .txt articles")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="bench.py's work directory")
    parser.add_argument("--new-tokens", type=int, default=32)
    args = parser.parse_args()
    if args.corpus is None:
        parser.error("give --corpus (a folder of French .txt articles) or set TRANSLATE_SUM_CORPUS")

    import ctranslate2

    from translate_sum.engines.convert import convert_model
    from translate_sum.engines.ctranslate2_engine import load_tokenizer, machine_threads
    from translate_sum.reader import read_article
    from translate_sum.segment import segment_paragraph

    model = args.workdir / "opus-mt-fr-en-random"
    if not (model / "config.json").is_file():
        parser.error(f"{model} is missing: run benchmarks/bench.py with the same --workdir first")
    tokenizer = load_tokenizer(model)
    article = read_article(sorted(Path(args.corpus).glob("*.txt"))[0])

    def count(texts: list[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(list(texts))["input_ids"]]

    segments = [s for p in article.paragraphs for s in segment_paragraph(p.source, count, 128)]
    tokens = [tokenizer.convert_ids_to_tokens(tokenizer(s)["input_ids"]) for s in segments]
    print(f"{len(segments)} segments, {sum(map(len, tokens))} source tokens, {machine_threads()} threads")

    def run(translator: ctranslate2.Translator, beams: int, new: int) -> tuple[int, float]:
        started = time.perf_counter()
        results = translator.translate_batch(
            tokens, beam_size=beams, max_batch_size=32, min_decoding_length=new, max_decoding_length=new
        )
        return sum(len(r.hypotheses[0]) for r in results), time.perf_counter() - started

    for compute_type in ("int8", "int8_float32", "float32"):
        converted = convert_model(model, model.name, "cpu", compute_type)
        translator = ctranslate2.Translator(str(converted), compute_type=compute_type, intra_threads=machine_threads())
        for beams in (1, 4):
            produced, seconds = run(translator, beams, args.new_tokens)
            print(f"{compute_type:13s} beams={beams}: {produced / seconds:6.0f} target tokens/s ({seconds:.2f} s)")
        _, seconds = run(translator, 4, 1)
        print(f"{compute_type:13s} encoder + first step, 4 beams: {seconds:.2f} s")


if __name__ == "__main__":
    main()
