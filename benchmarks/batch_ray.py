"""Articles per minute of a folder run: the local batch against Ray with 1 and 2 workers.

Each system runs in its own process on the same folder (corpus articles copied, with
new names, until there are `--articles` of them), with the same models:

  local     run_batch in one process, the engine on every core
  local-N   the same, the engine on N threads
  ray-N     run_on_ray on a Ray instance of N CPUs started in the process: N workers,
            one engine thread each

Models load before the clock starts (locally: loaded and handed to run_batch; on
Ray: a one-article run first, whose workers stay warm), so the figures are steady
throughput; model loading is reported apart. Peak memory is the resident set
(ru_maxrss) of the process, and of each Ray worker as the run's report gives it.

The default model is the tests' tiny echo Marian (it copies its input: no real
translation cost), with extractive briefs; `--model DIR` takes any model folder
(e.g. the full-size random Marian bench.py builds) for figures closer to real use.

Usage:
  TRANSLATE_SUM_CORPUS=../shared/corpus python benchmarks/batch_ray.py --articles 24
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_folder(corpus: Path, count: int, target: Path) -> Path:
    articles = sorted(corpus.glob("*.txt"))
    if not articles:
        raise SystemExit(f"no .txt articles in {corpus}; give --corpus or set TRANSLATE_SUM_CORPUS")
    target.mkdir(parents=True)
    for i in range(count):
        source = articles[i % len(articles)]
        shutil.copyfile(source, target / f"{i:04d}-{source.name}")
    return target


def child(args: argparse.Namespace) -> dict:
    from translate_sum.batch import BatchOptions, ModelSpec, run_batch
    from translate_sum.engines.base import DecodeOptions
    from translate_sum.pipeline import TranslateOptions

    options = TranslateOptions(decode=DecodeOptions(num_beams=1) if args.greedy else None)
    spec = ModelSpec(str(args.model), summarizer="extractive", engine=args.engine, device="cpu", options=options)
    batch_options = BatchOptions(models=spec.names(), translate_options=spec.options)
    work = Path(args.workdir)
    row: dict = {"system": args.child}
    if args.child.startswith("local"):
        threads = int(args.child.split("-")[1]) if "-" in args.child else None
        if threads:
            import torch

            torch.set_num_threads(threads)
            spec = dataclasses.replace(spec, threads=threads)
        started = time.perf_counter()
        translator, briefer = spec.load()
        row["load s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        report = run_batch(work / "in", work / f"out-{args.child}", batch_options, translator, briefer)
        seconds = time.perf_counter() - started
        row["threads each"] = threads or os.cpu_count()
        row["peak MB per worker"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    else:
        import ray

        from translate_sum.batch.cluster import run_on_ray

        workers = int(args.child.split("-")[1])
        ray.init(num_cpus=workers, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
        warm = work / f"warm-{workers}"
        warm.mkdir()
        shutil.copyfile(next((work / "in").iterdir()), warm / "warm.txt")
        started = time.perf_counter()
        run_on_ray(warm, work / f"out-warm-{workers}", batch_options, spec)
        row["load s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        report = run_on_ray(work / "in", work / f"out-{args.child}", batch_options, spec)
        seconds = time.perf_counter() - started
        row["threads each"] = 1
        row["peak MB per worker"] = " / ".join(str(round(w["peak_rss_mb"])) for w in report.workers)
        row["driver peak MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        ray.shutdown()
    assert report.count("done") == args.articles, report.summary_line()
    row["articles"] = report.count("done")
    row["seconds"] = round(seconds, 1)
    row["articles/min"] = round(report.count("done") / seconds * 60, 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=None, help="folder of French .txt articles (default: $TRANSLATE_SUM_CORPUS/articles/fr)")
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--model", type=Path, default=None, help="translation model folder (default: the tests' tiny echo Marian)")
    parser.add_argument("--engine", default="transformers")
    parser.add_argument("--greedy", action="store_true", help="one beam instead of the model's own setting")
    parser.add_argument("--systems", default="local,local-1,ray-1,ray-2")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    corpus = args.corpus or Path(os.environ.get("TRANSLATE_SUM_CORPUS", "../shared/corpus")) / "articles" / "fr"
    work = Path(tempfile.mkdtemp(prefix="ts-batch-ray-"))
    try:
        make_folder(corpus, args.articles, work / "in")
        if args.model is None:
            from tests.tiny_models import build_tiny_marian

            args.model = build_tiny_marian(work / "echo", echo=True)
        rows = []
        for system in args.systems.split(","):
            command = [sys.executable, __file__, "--child", system, "--workdir", str(work), "--articles", str(args.articles),
                       "--model", str(args.model), "--engine", args.engine] + (["--greedy"] if args.greedy else [])
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                raise SystemExit(f"{system} failed:\n{done.stderr[-3000:]}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(rows[-1], file=sys.stderr, flush=True)
        columns = ["system", "articles", "seconds", "articles/min", "threads each", "load s", "peak MB per worker", "driver peak MB"]
        print("| " + " | ".join(columns) + " |")
        print("|" + "---|" * len(columns))
        for row in rows:
            print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
