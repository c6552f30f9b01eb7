"""What the translation memory saves, what it costs, and that it changes no word.

Four measurements, each a subcommand (all of them by default):

folder    A folder of articles in which the same wire appears in several outlets'
          versions, built in a temporary folder (never in the repository) from the
          corpus's French articles: for every corpus article (a "wire") and every
          outlet k of `--outlets`, outlet 0 publishes it as it is; outlet k > 0
          under its own headline ("<Outlet> : <headline>"), the same body
          paragraphs, and a closing line of its own ("Article publié par <Outlet>
          le <date>."). With 2 outlets about half the paragraphs are repeats (the
          exact share is printed). Files are named outlet first, so a wire's
          repeats come in later groups, as in a newsroom's archive.
          Runs, through the library (`Translator.translate_many` over groups of
          `--group` articles, like `batch`), one loaded engine for all:
            off      no memory
            cold     a new memory file
            warm     the same folder again (a `--force --translate-only` rerun)
            brief    the finished folder rerun with briefs and another summary
                     length (short), with no memory and with the warm one
          Each row: wall seconds, segments the engine decoded, and whether every
          article's JSON (translation or brief, timings left out) is byte for byte
          the no-memory run's.
requests  LibreTranslate-like requests (one paragraph each, `keep_all`, as
          `Service.translate_texts` does) sent 10 times: requests per second and
          median latency, with and without the memory. Library level, no HTTP: a
          request's `Translator` over the `MemoryEngine`, as the server builds it
          (the memory outside its scheduler, `Service.translator_for`).
lookup    A memory of `--entries` (1,000,000) entries of news-length text: build
          time, file size, and lookup time per segment (hits and misses, batches of
          100 as an article's call makes), after reopening the file.
bounds    What one output bound per batch costs (`engines.base.decoding_batches`,
          bounds rounded to `options.OUTPUT_BOUND_STEP`): the batches of the
          corpus's segments planned with mixed bounds (as before), exact bounds,
          and bounds rounded to 8, 16 and 32 tokens, timed by the cost model of
          `decoding_batches` on CPU (2 workers) and GPU (overhead 64, unmeasured),
          for outputs that stop at the input's length and outputs that all loop,
          and decoded for real with the tiny models.

Models: the real checkpoints are not available here, so the tiny models of
tests/tiny_models.py stand in (built into `--work` once): `echo` copies its input and
stops (outputs as long as a translation's), `loop` has random weights and runs every
output to its bound (the worst case, and the audit retries every paragraph); `full`
is bench.py's random-weight model with opus-mt-fr-en's exact size (slow: use
`--wires 3`). Decoding with tiny models is cheap, so the pipeline's own work (reading,
cleaning, sentence splitting, audit) weighs far more in their ratios than with the
real model.

Usage:
  python benchmarks/memory_bench.py folder --model echo --corpus ../shared/corpus
  python benchmarks/memory_bench.py folder --model full --wires 3
  python benchmarks/memory_bench.py lookup --entries 1000000
  python benchmarks/memory_bench.py bounds requests
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

OUTLETS = ["La Dépêche du Centre", "Ouest-Matin", "Le Courrier alpin", "Midi Soir", "L'Écho du Nord"]


# --------------------------------------------------------------------------- inputs


def wires(corpus: Path, count: int | None) -> list[list[str]]:
    """The corpus's French articles as lists of paragraphs (headline first)."""
    paths = sorted((corpus / "articles" / "fr").glob("*.txt")) or sorted(corpus.glob("*.txt"))
    if not paths:
        sys.exit(f"no French articles in {corpus} (give --corpus, the shared corpus folder)")
    articles = []
    for path in paths[:count]:
        text = path.read_text(encoding="utf-8")
        articles.append([" ".join(p.split()) for p in text.split("\n\n") if p.strip()])
    return articles


def build_folder(articles: list[list[str]], outlets: int, folder: Path) -> dict[str, float]:
    """Write each wire in `outlets` versions (see the module doc); the share of repeats."""
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    total = repeated = 0
    for k in range(outlets):
        outlet = OUTLETS[k % len(OUTLETS)]
        for w, (headline, *body) in enumerate(articles):
            if k == 0:
                paragraphs = [headline, *body]
            else:
                closing = f"Article publié par {outlet} le {1 + w % 28} mars 2013."
                paragraphs = [f"{outlet} : {headline}", *body, closing]
            for paragraph in paragraphs:
                total += 1
                repeated += paragraph in seen
                seen.add(paragraph)
            (folder / f"{k}-{outlet.split()[-1].lower()}-{w:02d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return {"paragraphs": total, "repeated": repeated, "share": repeated / total}


# --------------------------------------------------------------------------- models


def model_dir(kind: str, work: Path, corpus_texts: list[str]) -> Path:
    """The model directory for `kind` (echo, loop, full), built into `work` once."""
    target = work / f"model-{kind}"
    if (target / "model.safetensors").is_file():
        return target
    if kind == "full":
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench import build_marian

        build_marian(target, corpus_texts)
    else:
        from tiny_models import build_tiny_marian

        build_tiny_marian(target, echo=kind == "echo")
    return target


class Counting:
    """An engine proxy counting the texts it is asked to decode."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.decoded = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def generate(self, texts: Sequence[str], options: Any, progress: Any = None) -> list[str]:
        self.decoded += len(texts)
        return self.engine.generate(texts, options, progress)


def load(kind: str, work: Path, corpus_texts: list[str], engine: str) -> tuple[Any, Path]:
    from translate_sum.engines import load_engine
    from translate_sum.models import ResolvedModel

    path = model_dir(kind, work, corpus_texts)
    return load_engine(ResolvedModel(f"bench-{kind}", path), engine=engine, device="cpu"), path


# --------------------------------------------------------------------------- folder


def json_of(result: Any) -> str:
    """An article's JSON output without what says how it was made (timings, the memory's
    counts, the model hash the memory adds to `decoding`): what must not change."""
    from translate_sum import writers

    data = writers.brief_to_dict(result) if hasattr(result, "key_points") else writers.translation_to_dict(result)
    for key in ("stats", "memory", "decoding"):
        data.pop(key, None)
    return writers.to_json(data)


def folder_run(engine: Any, paths: list[Path], group: int, length: str | None) -> tuple[float, list[str]]:
    """Translate (and brief, with `length`) the articles in groups; seconds and JSON outputs."""
    from translate_sum.pipeline import Briefer, Translator
    from translate_sum.reader import read_article

    started = time.perf_counter()
    outputs = []
    for start in range(0, len(paths), group):
        translator = Translator(engine)
        articles = [read_article(path) for path in paths[start : start + group]]
        translated = translator.translate_many(articles)
        if length:
            briefer = Briefer(translator)
            outputs += [json_of(briefer.brief(t, length)) for t in translated]
        else:
            outputs += [json_of(t) for t in translated]
    return time.perf_counter() - started, outputs


def bench_folder(args: argparse.Namespace) -> list[dict[str, Any]]:
    from translate_sum.memory import TranslationMemory, with_memory

    articles = wires(args.corpus, args.wires)
    folder = args.work / f"folder-{args.outlets}x{len(articles)}"
    share = build_folder(articles, args.outlets, folder)
    paths = sorted(folder.glob("*.txt"))
    print(f"folder {folder}: {len(paths)} articles, {share['paragraphs']} paragraphs, "
          f"{share['repeated']} repeats ({share['share']:.0%}); model {args.model}, engine {args.engine}", flush=True)
    base, path = load(args.model, args.work, [p for a in articles for p in a], args.engine)
    folder_run(base, paths[:2], args.group, "short")  # warm-up, not timed: every stage's first-call costs
    memory_file = args.work / f"memory-{args.model}-{os.getpid()}.sqlite3"
    rows = []

    def run(name: str, memory: bool, length: str | None, reference: list[str] | None) -> list[str]:
        counting = Counting(base)
        engine = with_memory(counting, path, TranslationMemory(memory_file)) if memory else counting
        seconds, outputs = folder_run(engine, paths, args.group, length)
        same = "-" if reference is None else ("yes" if outputs == reference else "NO")
        rows.append({"run": name, "seconds": round(seconds, 2), "decoded": counting.decoded, "identical": same})
        print(f"  {name:28s} {seconds:7.2f} s  {counting.decoded:5d} segments decoded  identical: {same}", flush=True)
        return outputs

    off = run("off", False, None, None)
    run("memory cold", True, None, off)
    run("memory warm (--force rerun)", True, None, off)
    briefs = run("briefs, length short, off", False, "short", None)
    run("briefs, length short, warm", True, "short", briefs)
    for row in rows:
        row["vs off"] = round(rows[0]["seconds"] / row["seconds"], 2) if "brief" not in row["run"] else round(rows[3]["seconds"] / row["seconds"], 2)
    for suffix in ("", "-wal", "-shm"):
        Path(str(memory_file) + suffix).unlink(missing_ok=True)
    return rows


# --------------------------------------------------------------------------- requests


def bench_requests(args: argparse.Namespace) -> list[dict[str, Any]]:
    from translate_sum.memory import TranslationMemory, with_memory
    from translate_sum.options import TranslateOptions
    from translate_sum.pipeline import Translator
    from translate_sum.reader import parse_article

    articles = wires(args.corpus, args.wires)
    texts = [p for a in articles for p in a[1:]][: args.requests]
    base, path = load(args.model, args.work, [p for a in articles for p in a], args.engine)
    memory_file = args.work / f"requests-{os.getpid()}.sqlite3"
    rows = []
    for name, memory in (("off", False), ("memory", True)):
        engine = with_memory(base, path, TranslationMemory(memory_file)) if memory else base
        latencies = []
        started = time.perf_counter()
        for _ in range(args.rounds):
            for text in texts:
                begun = time.perf_counter()
                Translator(engine, TranslateOptions(keep_all=True)).translate_many([parse_article(text)])
                latencies.append(time.perf_counter() - begun)
        seconds = time.perf_counter() - started
        row = {"run": name, "requests": len(latencies), "per second": round(len(latencies) / seconds, 1),
               "p50 ms": round(statistics.median(latencies) * 1000, 1)}
        rows.append(row)
        print(f"  {name:8s} {row['requests']} requests  {row['per second']} /s  p50 {row['p50 ms']} ms", flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(memory_file) + suffix).unlink(missing_ok=True)
    return rows


# --------------------------------------------------------------------------- lookup


def bench_lookup(args: argparse.Namespace) -> list[dict[str, Any]]:
    from translate_sum.memory import EngineIdentity, MemoryContext, TranslationMemory
    from translate_sum.options import DecodeOptions

    words = " ".join(" ".join(a) for a in wires(args.corpus, None)).split()
    rng = random.Random(0)
    context = MemoryContext(EngineIdentity("bench", "0" * 32, "int8", "cpu", "none"), DecodeOptions())
    path = args.work / f"lookup-{args.entries}.sqlite3"
    memory = TranslationMemory(path, max_bytes=2**40)

    def sentence(i: int) -> str:  # about 100 characters, like a news segment's sentence
        return f"{i} " + " ".join(rng.choice(words) for _ in range(14))

    started = time.perf_counter()
    have = memory.report().entries
    for start in range(have, args.entries, 10_000):
        memory.store_many(context, [(sentence(i), sentence(i)) for i in range(start, min(start + 10_000, args.entries))])
    built = time.perf_counter() - started
    memory.close()
    memory = TranslationMemory(path, max_bytes=2**40)
    sources = [e.source for e, _ in zip(memory.entries(page=5000), range(20_000))]
    rng.shuffle(sources)
    rows = []
    for name, batch_of in (("hits", lambda b: sources[b * 100 : (b + 1) * 100]), ("misses", lambda b: [f"absent {b} {i}" for i in range(100)])):
        times = []
        for b in range(200):
            batch = batch_of(b)
            begun = time.perf_counter()
            found = memory.recall(context, batch)
            times.append((time.perf_counter() - begun) / len(batch))
            assert all(f is not None for f in found) if name == "hits" else not any(found)
        row = {"lookup": name, "entries": memory.report().entries, "median us/segment": round(statistics.median(times) * 1e6, 1),
               "p99 us/segment": round(sorted(times)[int(len(times) * 0.99)] * 1e6, 1)}
        rows.append(row)
        print(f"  {name:7s} {row}", flush=True)
    size = sum(p.stat().st_size for p in args.work.glob(path.name + "*"))
    rows.append({"lookup": "build", "entries": args.entries, "seconds (this run)": round(built, 1), "file MB": round(size / 2**20, 1)})
    print(f"  build: {rows[-1]}", flush=True)
    return rows


# --------------------------------------------------------------------------- bounds


def mixed_bound_batches(lengths: Sequence[int], options: Any, budget: int, workers: int, overhead: float) -> list[list[int]]:
    """The batches `decoding_batches` planned before one bound per batch (inputs of any
    bound together, the batch decoding to its longest input's): its exact search,
    without the cut at every change of bound."""
    from translate_sum.engines import base

    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    costs = [options.decoding_cost(lengths[i]) for i in order]
    steps = [options.output_limit(lengths[i]) for i in order]
    budgets = [budget]
    if workers > 1 and len(order) <= base._PLANNED_INPUTS:
        while budgets[-1] > costs[0]:
            budgets.append(budgets[-1] * 3 // 4)
    plans = []
    for each in budgets:
        least, cut = [(0.0, 0.0)] + [(float("inf"), 0.0)] * len(order), [0] * (len(order) + 1)
        for start in range(len(order)):
            for end in range(start + 1, min(len(order), start + base._LONGEST_BATCH) + 1):
                if end - start > 1 and costs[start] * (end - start) > each:
                    break
                t = steps[start] * (end - start + overhead)
                candidate = (least[start][0] + t, least[start][1] + t * t)
                if candidate < least[end]:
                    least[end], cut[end] = candidate, start
        cuts, end = [], len(order)
        while end:
            cuts.append((cut[end], end))
            end = cut[end]
        plans.append(cuts[::-1])
    best = min(plans, key=lambda cuts: base._finish_time(cuts, steps, workers, overhead))
    return [order[a:b] for a, b in best]


def rounded_limit(step: int) -> Callable[[Any, int], int]:
    """`DecodeOptions.output_limit` with bounds rounded up to `step` tokens (1: exact)."""

    def limit(self: Any, input_tokens: int) -> int:
        if self.max_length_ratio is None:
            return self.max_new_tokens
        bound = int(self.max_length_ratio * input_tokens) + self.max_length_offset
        bound = -(-bound // step) * step
        return max(self.min_new_tokens + 1, min(self.max_new_tokens, bound))

    return limit


def finish(batches: list[list[int]], steps: Sequence[int], workers: int, overhead: float) -> float:
    """The cost model's time: each worker takes the next batch; a batch runs its longest steps."""
    free = [0.0] * workers
    for batch in batches:
        heapq.heapreplace(free, free[0] + max(steps[i] for i in batch) * (len(batch) + overhead))
    return max(free)


def bound_plans() -> dict[str, tuple[Callable, Callable]]:
    from translate_sum.engines.base import decoding_batches

    return {
        "mixed bounds (before)": (mixed_bound_batches, rounded_limit(1)),
        "one bound, exact": (decoding_batches, rounded_limit(1)),
        "one bound, rounded to 8": (decoding_batches, rounded_limit(8)),
        "one bound, rounded to 16 (now)": (decoding_batches, rounded_limit(16)),
        "one bound, rounded to 32": (decoding_batches, rounded_limit(32)),
    }


def bench_bounds(args: argparse.Namespace) -> list[dict[str, Any]]:
    import translate_sum.engines.ctranslate2_engine as ct2_engine
    from translate_sum.options import DecodeOptions, TranslateOptions
    from translate_sum.pipeline import Translator
    from translate_sum.prepare import prepare_article
    from translate_sum.reader import read_article

    articles = wires(args.corpus, args.wires)
    paths = (sorted((args.corpus / "articles" / "fr").glob("*.txt")) or sorted(args.corpus.glob("*.txt")))[: args.wires]
    original_limit, original_batches = DecodeOptions.output_limit, ct2_engine.decoding_batches
    rows = []
    try:
        echo, _ = load("echo", args.work, [p for a in articles for p in a], "ctranslate2")
        loop, _ = load("loop", args.work, [p for a in articles for p in a], "ctranslate2")
        translator = Translator(echo, TranslateOptions(audit=False))
        prepared = [prepare_article(read_article(p), translator.options) for p in paths]
        segments = [s.source for a in prepared for p in translator._segment_all(list(a.paragraphs)) for s in p]
        lengths = echo.count_tokens(segments)
        options = DecodeOptions(num_beams=4)  # opus-mt's beams
        print(f"  {len(segments)} segments of {len(paths)} articles, {min(lengths)}-{max(lengths)} tokens", flush=True)
        for name, (plan, limit) in bound_plans().items():
            DecodeOptions.output_limit = limit
            row: dict[str, Any] = {"plan": name}
            bounds = [options.output_limit(n) for n in lengths]
            for device, workers, budget, overhead in (("cpu", 2, 16384, 1.0), ("gpu", 1, 65536, 64.0)):
                batches = plan(lengths, options, budget, workers, overhead)
                natural = finish(batches, [min(n + 1, b) for n, b in zip(lengths, bounds)], workers, overhead)
                looping = finish(batches, bounds, workers, overhead)
                row[f"{device} batches"] = len(batches)
                row[f"{device} model, stops"] = natural
                row[f"{device} model, loops"] = looping
            rows.append(row)
        # Decoded for real, the plans in turn at every repeat (a shared machine's load
        # drifts), the best time of each kept.
        for _ in range(args.repeats):
            for row, (plan, limit) in zip(rows, bound_plans().values()):
                DecodeOptions.output_limit, ct2_engine.decoding_batches = limit, plan
                for kind, engine in (("echo", echo), ("loop", loop)):
                    begun = time.perf_counter()
                    engine.generate(segments, engine.default_options())
                    seconds = time.perf_counter() - begun
                    row[f"tiny {kind} s"] = round(min(seconds, row.get(f"tiny {kind} s", seconds)), 2)
    finally:
        DecodeOptions.output_limit, ct2_engine.decoding_batches = original_limit, original_batches
    for key in [k for k in rows[0] if "model" in k]:
        reference = rows[0][key]
        for row in rows:
            row[key] = f"x{row[key] / reference:.2f}"
    for row in rows:
        print("  " + "  ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    return rows


# --------------------------------------------------------------------------- main


def table(rows: list[dict[str, Any]]) -> str:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="*", default=["folder", "requests", "lookup", "bounds"],
                        choices=["folder", "requests", "lookup", "bounds"])
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("TRANSLATE_SUM_CORPUS", ROOT.parent / "shared" / "corpus")))
    parser.add_argument("--work", type=Path, default=None, help="models and folders are built here (default: a new folder in the temp dir)")
    parser.add_argument("--model", choices=["echo", "loop", "full"], default="echo")
    parser.add_argument("--engine", choices=["ctranslate2", "transformers"], default="ctranslate2")
    parser.add_argument("--wires", type=int, default=None, help="corpus articles to use (default: all)")
    parser.add_argument("--outlets", type=int, default=2, help="versions of each wire in the folder")
    parser.add_argument("--group", type=int, default=8, help="articles per engine call, as batch's groups")
    parser.add_argument("--requests", type=int, default=50, help="distinct LibreTranslate-like requests")
    parser.add_argument("--rounds", type=int, default=10, help="times each request is sent")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="timed decodes per plan (bounds), the best kept")
    parser.add_argument("--out", type=Path, default=None, help="also write the tables (markdown) here")
    args = parser.parse_args()
    args.work = args.work or Path(tempfile.mkdtemp(prefix="memory-bench-"))
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TRANSLATE_SUM_CT2_CACHE", str(args.work / "ct2"))
    print(f"work folder: {args.work}", flush=True)
    sections = []
    for what in args.what:
        print(f"== {what}", flush=True)
        rows = {"folder": bench_folder, "requests": bench_requests, "lookup": bench_lookup, "bounds": bench_bounds}[what](args)
        sections.append(f"## {what}\n\n{table(rows)}\n")
    text = "\n".join(sections)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    (args.work / "results.json").write_text(json.dumps(sections, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
