"""Folder runs: many articles in, translations, briefs, a report and a digest out.

The package splits a run by responsibility, data flowing one way:

- `discover`: which files to read and where each one's outputs go;
- `options`: the run's settings and the models it names (`ModelSpec`);
- `state`: what each input has become, in SQLite (hashes, options, outputs), for resuming;
- `work`: one group of articles read, translated, briefed and written;
- `follow`: when INPUT follows feeds, their new articles as the run's work, the
  feed state kept, the feed digest and feed.xml (`translate_sum.feeds` does the rest);
- `run`: the bookkeeping every driver shares (`Driver`) and the local run (`run_batch`);
- `cluster`: the same run on Ray workers (`run_on_ray`), imported only when used;
- `ray_join`: joining (or starting) Ray, with the checks that fail before any output;
- `report`: the results, `report.json`'s rows and the exit status;
- `digest`: `index.md` (and `index.html`) rendered from a report (a feed run's too).

Limits: see `run` (one machine), `cluster` (a shared filesystem) and `state` (how
resume decides, what a crash forgets).
"""

from translate_sum.batch.discover import DEFAULT_PATTERNS, HTML_PATTERNS, INDEX_NAME, REPORT_NAME, TEXT_PATTERNS, discover, output_paths
from translate_sum.batch.options import GROUP_SIZE, BatchOptions, BriefMaker, ModelLoader, Models, ModelSpec
from translate_sum.batch.report import ArticleResult, BatchReport, Status, exit_status
from translate_sum.batch.run import BatchProgress, run_batch
from translate_sum.batch.state import STATE_NAME, Ledger, file_sha256, options_fingerprint
from translate_sum.batch.work import ENGLISH_NOTE

__all__ = [
    "DEFAULT_PATTERNS", "HTML_PATTERNS", "INDEX_NAME", "REPORT_NAME", "TEXT_PATTERNS", "discover", "output_paths",
    "GROUP_SIZE", "BatchOptions", "BriefMaker", "ModelLoader", "Models", "ModelSpec",
    "ArticleResult", "BatchReport", "Status", "exit_status",
    "BatchProgress", "run_batch", "STATE_NAME", "Ledger", "file_sha256", "options_fingerprint", "ENGLISH_NOTE",
]
