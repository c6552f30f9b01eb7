"""Where CTranslate2's decoding time goes, and which batch shape and thread layout is fastest.

Runs on the random-weight opus-mt-fr-en that `bench.py` builds (run it first; same
--workdir), with one real article cut into the pipeline's segments, forcing a number
of target tokens per segment.

  --sweep (default)  our engine (CTranslate2Engine.generate) at each thread layout
                     (batches in parallel x threads each) and batch cost budget
                     (DecodeOptions.batch_tokens), at each --new-tokens: the
                     measurement behind engines/core.py's default_batch_cost and
                     thread_layout. Kernel seconds and page faults show what
                     engines/heap.py saves (compare TRANSLATE_SUM_KEEP_FREED_MEMORY=0).
  --article-mode     the whole translation of the --tuning-articles at each thread
                     layout, every segment given the engine's own output bound
                     (1.5 x input + 10; random weights run to it): what
                     engines/base.py's decoding_batches plans for.
  --compute-types    the raw translator at int8, int8_float32 and float32, 1 and 4
                     beams, and the time of the encoder plus one decoding step.

Tune on one article (--article, default the first), report on others: bench.py
runs the articles you name.

    python benchmarks/ct2_profile.py --corpus ../shared/corpus/articles/fr --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's translate_sum, not an installed one

DEFAULT_WORKDIR = Path.home() / ".cache" / "translate-sum" / "bench"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def kernel_and_faults() -> tuple[float, int]:
    """Seconds this process spent in the kernel, and its page faults, so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_stime, usage.ru_minflt


def segments_of(corpus: Path, article_index: int, engine) -> list[str]:
    from translate_sum.reader import read_article
    from translate_sum.segment import segment_paragraph

    article = read_article(sorted(corpus.glob("*.txt"))[article_index])
    return [s for p in article.paragraphs for s in segment_paragraph(p.source, engine.count_tokens, 128)]


def sweep(args: argparse.Namespace, model: Path) -> None:
    from translate_sum.engines.base import DecodeOptions, decoding_batches
    from translate_sum.engines.core import machine_threads
    from translate_sum.engines.ctranslate2_engine import CTranslate2Engine

    cores = machine_threads()
    layouts = sorted({p for p in (1, 2, 4, cores) if p <= cores})
    print(f"{cores} cores; beams {args.beams}; layouts {layouts} batches in parallel")
    print("| new tokens | batches in parallel x threads | batch cost budget | batches | tokens/s | tokens/CPU-s | kernel s | page faults |")
    print("|---|---|---|---|---|---|---|---|")
    for parallel in layouts:
        engine = CTranslate2Engine(model, model.name, device="cpu", parallel_batches=parallel)
        segments = segments_of(args.corpus, args.article, engine)
        lengths = engine.count_tokens(segments)
        for new in args.new_tokens:
            for budget in args.budgets:
                options = DecodeOptions(
                    num_beams=args.beams, max_new_tokens=new, min_new_tokens=new, max_length_ratio=None, batch_tokens=budget
                )
                batches = len(decoding_batches(lengths, options, budget, workers=engine.parallel))
                started, cpu, (kernel, faults) = time.perf_counter(), cpu_seconds(), kernel_and_faults()
                engine.generate(segments, options)
                seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
                kernel, faults = (now - before for now, before in zip(kernel_and_faults(), (kernel, faults)))
                produced = new * len(segments)  # forced: every output is exactly `new` tokens
                print(
                    f"| {new} | {engine.parallel} x {max(1, cores // engine.parallel)} | {budget} | {batches} "
                    f"| {produced / seconds:.0f} | {produced / cpu:.0f} | {kernel:.1f} | {faults} |",
                    flush=True,
                )


def article_mode(args: argparse.Namespace, model: Path) -> None:
    from translate_sum.engines.core import machine_threads
    from translate_sum.engines.ctranslate2_engine import CTranslate2Engine
    from translate_sum.options import TranslateOptions
    from translate_sum.pipeline import Translator

    cores = machine_threads()
    articles = [sorted(args.corpus.glob("*.txt"))[i] for i in args.tuning_articles]
    print(f"{cores} cores; articles {', '.join(a.name for a in articles)}; audit off")
    print("| batches in parallel x threads | s/article | kernel s | page faults |")
    print("|---|---|---|---|")
    for parallel in sorted({p for p in (1, 2, 4, cores) if p <= cores}):
        engine = CTranslate2Engine(model, model.name, device="cpu", parallel_batches=parallel)
        translator = Translator(engine, TranslateOptions(audit=False))
        started, (kernel, faults) = time.perf_counter(), kernel_and_faults()
        for article in articles:
            translator.translate_file(article)
        seconds = (time.perf_counter() - started) / len(articles)
        kernel, faults = (now - before for now, before in zip(kernel_and_faults(), (kernel, faults)))
        print(f"| {engine.parallel} x {max(1, cores // engine.parallel)} | {seconds:.1f} | {kernel:.1f} | {faults} |", flush=True)


def compute_types(args: argparse.Namespace, model: Path) -> None:
    import ctranslate2

    from translate_sum.engines.convert import convert_model
    from translate_sum.engines.core import machine_threads
    from translate_sum.engines.subwords import load_subwords

    tokenizer = load_subwords(model)

    class Counter:
        def count_tokens(self, texts):
            return [len(ids) for ids in tokenizer.encode(texts)]

    segments = segments_of(args.corpus, args.article, Counter())
    tokens = [tokenizer.to_tokens(ids) for ids in tokenizer.encode(segments)]
    print(f"{len(segments)} segments, {sum(map(len, tokens))} source tokens, {machine_threads()} threads")
    new = args.new_tokens[0]

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
            produced, seconds = run(translator, beams, new)
            print(f"{compute_type:13s} beams={beams}: {produced / seconds:6.0f} target tokens/s ({seconds:.2f} s)")
        _, seconds = run(translator, 4, 1)
        print(f"{compute_type:13s} encoder + first step, 4 beams: {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("TRANSLATE_SUM_CORPUS"), help="folder of French .txt articles")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="bench.py's work directory")
    parser.add_argument("--article", type=int, default=0, help="which article (in name order) to tune on")
    parser.add_argument("--new-tokens", type=lambda s: [int(x) for x in s.split(",")], default=[32, 128])
    parser.add_argument("--budgets", type=lambda s: [int(x) for x in s.split(",")], default=[2048, 4096, 8192, 65536])
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--compute-types", action="store_true", help="profile compute types instead of sweeping")
    parser.add_argument("--article-mode", action="store_true", help="time whole translations at each thread layout instead")
    parser.add_argument(
        "--tuning-articles", type=lambda s: [int(x) for x in s.split(",")], default=[0, 1],
        help="--article-mode: which articles (in name order); bench.py --pick 5 is the held-out one",
    )
    args = parser.parse_args()
    if args.corpus is None:
        parser.error("give --corpus (a folder of French .txt articles) or set TRANSLATE_SUM_CORPUS")
    args.corpus = Path(args.corpus)
    os.environ.setdefault("TRANSLATE_SUM_CT2_CACHE", str(args.workdir / "ct2"))
    model = args.workdir / "opus-mt-fr-en-random"
    if not (model / "config.json").is_file():
        parser.error(f"{model} is missing: run benchmarks/bench.py with the same --workdir first")
    if args.compute_types:
        compute_types(args, model)
    elif args.article_mode:
        article_mode(args, model)
    else:
        sweep(args, model)


if __name__ == "__main__":
    main()
