"""What a folder run costs per article besides the article's own work: the bookkeeping.

Bookkeeping is everything the driver does for an input whatever the models: discover
it, hash it, look it up in the state database, record its result, and write
report.json and index.md. This script measures it with no model and no reading: a
null worker stands in for `work.process_group` and records every article as done.

For N synthetic tiny files (a few hundred bytes each, in 100 folders) it times:

  first run   discovery, hashing, lookups, one row per article, the final reports
  rerun       the same folder again: every article skipped (lookups, output checks)

and, for comparison, what the state cost before SQLite: report.json rewritten after
every article (simulated: the same JSON, written atomically once per article), which
grows with the square of the folder; it is measured up to 2,000 inputs and only
extrapolated beyond.

Usage:
  python benchmarks/batch_bookkeeping.py --inputs 100 100000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from translate_sum import writers  # noqa: E402
from translate_sum.batch import ArticleResult, BatchOptions  # noqa: E402
from translate_sum.batch.run import Driver  # noqa: E402
from translate_sum.batch.state import options_fingerprint  # noqa: E402
from translate_sum.pipeline import TranslateOptions  # noqa: E402

TEXT = "Le conseil municipal a voté le budget de la piscine, numéro {i}.\n\nLes travaux commencent en mars.\n"


def make_inputs(root: Path, count: int) -> Path:
    source = root / "in"
    for i in range(count):
        folder = source / f"d{i % 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i:06d}.txt").write_text(TEXT.format(i=i), encoding="utf-8")
    return source


def one_run(source: Path, output: Path) -> tuple[float, int, int]:
    """Seconds, articles done, articles skipped, for a run with a null worker."""
    options = BatchOptions(models={"translation": "none", "summary": "extractive"}, translate_options=TranslateOptions())
    started = time.perf_counter()
    driver = Driver(source, output, options, options_fingerprint(options), TranslateOptions())
    for group in driver.groups():
        for item in group:
            driver.record(ArticleResult(item.input, "done", None, list(item.outputs), 0.0, item.sha256, "Title", "Summary."))
    report = driver.save(False)
    driver.close()
    return time.perf_counter() - started, report.count("done"), report.count("skipped")


def touch_outputs(source: Path, output: Path) -> None:
    """Create every article's outputs (empty), so the rerun finds them and skips."""
    for path in source.rglob("*.txt"):
        relative = path.relative_to(source)
        target = output / relative.parent
        target.mkdir(parents=True, exist_ok=True)
        for suffix in (".en.md", ".brief.md"):
            (target / (relative.stem + suffix)).touch()


def legacy_report_cost(count: int, root: Path) -> float:
    """Seconds to rewrite a report.json of i articles after each article i (the old state)."""
    entry = ArticleResult("d00/a000000.txt", "done", None, ["d00/a000000.en.md", "d00/a000000.brief.md"], 0.1, "0" * 64, "Title", "Summary.").to_dict()
    articles: list[dict] = []
    started = time.perf_counter()
    for _ in range(count):
        articles.append(dict(entry))
        writers.write_atomic(root / "report.json", writers.to_json({"articles": articles}))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--legacy-up-to", type=int, default=2000, help="largest folder for the report.json-per-article comparison")
    args = parser.parse_args()
    print("| inputs | first run s | per article ms | rerun (all skipped) s | per article ms | report.json per article (before) ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count in args.inputs:
        root = Path(tempfile.mkdtemp(prefix="ts-bookkeeping-"))
        try:
            source = make_inputs(root, count)
            output = root / "out"
            touch_outputs(source, output)
            first, done, _ = one_run(source, output)
            again, _, skipped = one_run(source, output)
            assert done == count and skipped == count, (done, skipped)
            if count <= args.legacy_up_to:
                legacy = f"{legacy_report_cost(count, root) / count * 1000:.2f}"
            else:
                # Quadratic: per-article cost grows with the folder; scale the largest measured.
                measured = legacy_report_cost(args.legacy_up_to, root) / args.legacy_up_to
                legacy = f"~{measured * count / args.legacy_up_to * 1000:.0f} (extrapolated)"
            print(f"| {count:,} | {first:.2f} | {first / count * 1000:.3f} | {again:.2f} | {again / count * 1000:.3f} | {legacy} |", flush=True)
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
