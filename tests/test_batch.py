"""Folder runs: discovery, outputs, report and digest, resuming, failures, interrupts.

Most tests use a fake engine wrapped in a real `Translator` and `Briefer` (extractive
summaries), so they exercise the real pipeline, writers and batch code in
milliseconds. The corpus test uses a tiny real Marian model and runs only when
TRANSLATE_SUM_CORPUS points at the shared corpus.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Sequence

import pytest

from prerequisites import missing
from translate_sum.batch import (
    ArticleResult,
    DEFAULT_PATTERNS,
    BatchOptions,
    STATE_NAME,
    BatchReport,
    discover,
    exit_status,
    file_sha256,
    output_paths,
    run_batch,
)
from translate_sum.engines.base import DecodeOptions
from translate_sum.errors import InputError
from translate_sum.pipeline import Briefer, TranslateOptions, Translator

# Written for these tests; three short articles, a title first.
ARTICLE_A = """La mairie rénove la piscine municipale

Les travaux de la piscine municipale commenceront en mars et dureront huit mois.

Le conseil municipal a voté un budget de 2,4 millions d'euros pour le chantier.
"""

ARTICLE_B = """Un nouveau marché couvert ouvre ses portes

Le marché couvert du quartier nord accueille quarante commerçants depuis samedi.

Les habitants attendaient ce marché depuis plus de dix ans.
"""

ARTICLE_C = """La ligne de tramway prolongée jusqu'à la gare

La ligne B du tramway desservira la gare routière à partir de septembre.

Trois nouvelles stations seront construites le long du boulevard.
"""


class FakeEngine:
    """A stand-in translation engine: "translates" by tagging the text.

    `interrupt_on_call` makes the n-th `generate` call raise KeyboardInterrupt, as a
    Ctrl-C during inference does; `fail_on` makes any text containing it raise.
    """

    name = "fake"
    model_name = "fake-fr-en"
    max_input_tokens = 512

    def __init__(self, interrupt_on_call: int | None = None, fail_on: str | None = None) -> None:
        self.calls = 0
        self.interrupt_on_call = interrupt_on_call
        self.fail_on = fail_on
        self.texts_per_call: list[int] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 1 for t in texts]

    def default_options(self) -> DecodeOptions:
        return DecodeOptions(num_beams=1)

    def generate(self, texts: Sequence[str], options: DecodeOptions, progress=None) -> list[str]:
        self.calls += 1
        self.texts_per_call.append(len(texts))
        if self.interrupt_on_call is not None and self.calls == self.interrupt_on_call:
            raise KeyboardInterrupt
        if self.fail_on is not None and any(self.fail_on in t for t in texts):
            raise RuntimeError(f"cannot translate text containing {self.fail_on!r}")
        if progress:
            progress(len(texts))
        return [f"EN {t.strip()}." if not t.strip().endswith(".") else f"EN {t.strip()}" for t in texts]


def make_models(engine: FakeEngine | None = None) -> tuple[Translator, Briefer]:
    translator = Translator(engine or FakeEngine())
    return translator, Briefer(translator)


def make_folder(root: Path) -> Path:
    """Two good articles at the top, one in a subfolder, an empty and a binary file."""
    source = root / "in"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (source / "b.md").write_text("# " + ARTICLE_B, encoding="utf-8")
    (source / "sub" / "c.txt").write_text(ARTICLE_C, encoding="utf-8")
    (source / "empty.txt").write_bytes(b"")
    (source / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return source


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Content and mtime of every file under `folder`, to prove inputs are untouched."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes().hex(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def files_under(folder: Path) -> set[str]:
    """Every file under `folder` but the run's state database (which every run keeps)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(STATE_NAME)}


def read_report(output: Path) -> dict:
    return json.loads((output / "report.json").read_text(encoding="utf-8"))


def statuses(report: dict) -> dict[str, str]:
    return {a["input"]: a["status"] for a in report["articles"]}


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------


def test_discover_is_recursive_sorted_and_matches_default_extensions(tmp_path: Path) -> None:
    names = ["z.txt", "a.md", "page.html", "old.htm", "notes.docx", "cr.odt", "sub/bulletin.PDF", "notes.rtf", "sub/b.TXT", "sub/deeper/c.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.as_posix() for p in discover(tmp_path)]
    assert found == ["a.md", "cr.odt", "notes.docx", "old.htm", "page.html", "sub/b.TXT", "sub/bulletin.PDF", "sub/deeper/c.txt", "z.txt"]
    assert {"*.html", "*.htm", "*.docx", "*.odt", "*.pdf"} <= set(DEFAULT_PATTERNS)


def test_discover_without_recursion_reads_only_the_top_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "top.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub" / "inner.txt").write_text("x", encoding="utf-8")
    assert [p.as_posix() for p in discover(tmp_path, recursive=False)] == ["top.txt"]


def test_discover_ignores_hidden_files_temp_files_and_our_outputs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("x", encoding="utf-8")
    for name in [".hidden.txt", ".a.en.md.abc123.tmp", "a.en.md", "a.brief.md", "keep.txt"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.as_posix() for p in discover(tmp_path)] == ["keep.txt"]


def test_discover_ignores_our_html_outputs(tmp_path: Path) -> None:
    for name in ["a.en.html", "a.brief.html", "page.html"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.as_posix() for p in discover(tmp_path)] == ["page.html"]


def test_discover_applies_a_custom_glob(tmp_path: Path) -> None:
    for name in ["a.txt", "b.md", "c.text"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.as_posix() for p in discover(tmp_path, ["*.text", "*.md"])] == ["b.md", "c.text"]


def test_output_paths_mirror_subfolders_and_keep_same_stem_inputs_apart() -> None:
    inputs = [Path("a.txt"), Path("a.md"), Path("sub/b.txt")]
    paths = output_paths(inputs, BatchOptions())
    assert [p.as_posix() for p in paths[Path("sub/b.txt")]] == ["sub/b.en.md", "sub/b.brief.md"]
    assert [p.as_posix() for p in paths[Path("a.txt")]] == ["a.txt.en.md", "a.txt.brief.md"]
    assert [p.as_posix() for p in paths[Path("a.md")]] == ["a.md.en.md", "a.md.brief.md"]
    json_only = output_paths([Path("b.txt")], BatchOptions(fmt="json", translate_only=True))
    assert [p.as_posix() for p in json_only[Path("b.txt")]] == ["b.en.json"]


# ---------------------------------------------------------------------------
# A run
# ---------------------------------------------------------------------------


def test_a_folder_run_writes_two_outputs_per_good_article_and_records_bad_ones(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    translator, briefer = make_models()
    report = run_batch(source, output, BatchOptions(), translator, briefer)

    assert statuses(read_report(output)) == {
        "a.txt": "done",
        "b.md": "done",
        "empty.txt": "failed",
        "image.txt": "failed",
        "sub/c.txt": "done",
    }
    assert files_under(output) == {
        "a.en.md", "a.brief.md", "b.en.md", "b.brief.md",
        "sub/c.en.md", "sub/c.brief.md", "report.json", "index.md",
    }
    assert exit_status(report) == 1
    assert (output / "a.en.md").read_text(encoding="utf-8").startswith("# EN La mairie")
    assert "Source: sub/c.txt" in (output / "sub/c.brief.md").read_text(encoding="utf-8")


def test_the_report_has_one_entry_per_input_with_hash_outputs_and_one_line_errors(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    report = read_report(output)
    by_input = {a["input"]: a for a in report["articles"]}

    assert [a["input"] for a in report["articles"]] == ["a.txt", "b.md", "empty.txt", "image.txt", "sub/c.txt"]
    for entry in report["articles"]:
        assert set(entry) >= {"input", "status", "error", "outputs", "seconds", "sha256"}
        assert len(entry["sha256"]) == 64 and entry["seconds"] >= 0
    assert by_input["sub/c.txt"]["outputs"] == ["sub/c.en.md", "sub/c.brief.md"]
    assert by_input["sub/c.txt"]["error"] is None
    assert "empty" in by_input["empty.txt"]["error"] and "\n" not in by_input["empty.txt"]["error"]
    assert by_input["image.txt"]["error"].startswith("image.txt: looks like a binary file")
    assert str(tmp_path) not in json.dumps(report["articles"])
    assert report["totals"] == {
        "articles": 5, "done": 3, "skipped": 0, "failed": 2, "pending": 0,
        "seconds": report["totals"]["seconds"], "interrupted": False, "memory": report["totals"]["memory"],
    }
    assert report["totals"]["memory"]["from_memory"] == 0 and report["totals"]["memory"]["segments"] > 0  # no memory given
    assert report["options"]["models"] == {"translation": "fake-fr-en", "summary": "extractive"}


def test_the_digest_lists_every_brief_in_order_with_links_and_failures_last(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    index = (output / "index.md").read_text(encoding="utf-8")

    titles = ["EN La mairie rénove", "EN Un nouveau marché", "EN La ligne de tramway"]
    positions = [index.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "[brief](sub/c.brief.md)" in index and "[translation](sub/c.en.md)" in index
    failures = index.index("## Failed (2)")
    assert failures > positions[-1]
    assert "`empty.txt`:" in index[failures:] and "`image.txt`:" in index[failures:]
    report = read_report(output)
    for entry in report["articles"]:
        if entry["status"] == "done":
            assert entry["summary"] and " ".join(entry["summary"].split()) in index


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    before = snapshot(source)
    run_batch(source, tmp_path / "out", BatchOptions(), *make_models())
    run_batch(source, tmp_path / "out", BatchOptions(force=True), *make_models())
    assert snapshot(source) == before


def test_an_output_folder_inside_the_input_folder_is_never_read(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = source / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    (output / "stray.txt").write_text(ARTICLE_A, encoding="utf-8")
    report = run_batch(source, output, BatchOptions(force=True), *make_models())
    assert not any(a.input.startswith("out/") for a in report.articles)
    assert report.total == 5


def test_a_previous_output_folder_under_the_input_is_not_read_with_another_output(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    run_batch(source, source / "old", BatchOptions(), *make_models())
    report = run_batch(source, tmp_path / "new", BatchOptions(), *make_models())
    assert [a.input for a in report.articles] == ["a.txt", "b.md", "empty.txt", "image.txt", "sub/c.txt"]


def test_the_output_folder_cannot_be_the_input_folder(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    with pytest.raises(InputError, match="output folder is the input folder"):
        run_batch(source, source, BatchOptions(), *make_models())


def test_translate_only_writes_only_translations_in_json(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    translator, _ = make_models()
    run_batch(source, output, BatchOptions(translate_only=True, fmt="json"), translator, None)
    assert files_under(output) == {"a.en.json", "b.en.json", "sub/c.en.json", "report.json", "index.md"}
    data = json.loads((output / "sub/c.en.json").read_text(encoding="utf-8"))
    assert data["source"]["path"] == "sub/c.txt"
    assert data["title"].startswith("EN La ligne")


def test_segments_of_several_articles_share_one_engine_call(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    engine = FakeEngine()
    run_batch(source, tmp_path / "out", BatchOptions(translate_only=True), Translator(engine), None)
    assert engine.calls == 1
    assert engine.texts_per_call == [9]  # three articles of three paragraphs each


def test_groups_bound_the_articles_per_engine_call(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    engine = FakeEngine()
    run_batch(source, tmp_path / "out", BatchOptions(translate_only=True, group_size=2), Translator(engine), None)
    assert engine.texts_per_call == [6, 3]


def test_progress_counts_every_article_up_to_the_total(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    calls: list[tuple[int, int, str]] = []
    run_batch(source, tmp_path / "out", BatchOptions(), *make_models(), progress=lambda *a: calls.append(a))
    assert calls[0] == (0, 5, "")
    assert calls[-1][:2] == (5, 5)
    done = [c[0] for c in calls]
    assert done == sorted(done)
    assert {c[2] for c in calls} >= {"a.txt", "b.md", "empty.txt", "image.txt", "sub/c.txt"}


def test_an_exception_in_one_article_fails_only_that_article(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = make_folder(tmp_path)
    engine = FakeEngine(fail_on="tramway")
    report = run_batch(source, tmp_path / "out", BatchOptions(), *make_models(engine))
    by_input = {a.input: a for a in report.articles}
    assert by_input["sub/c.txt"].status == "failed"
    assert by_input["sub/c.txt"].error == "RuntimeError: cannot translate text containing 'tramway'"
    assert by_input["a.txt"].status == by_input["b.md"].status == "done"
    assert "sub/c.txt: translation failed" in caplog.text


def test_an_article_in_another_language_fails_alone_before_translation(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    (source / "sub" / "d.txt").write_text(
        "Die Stadt baut eine neue Brücke\n\nDie Arbeiten an der Brücke beginnen im März und dauern "
        "ein ganzes Jahr. Der Stadtrat hat dafür zwei Millionen Euro bewilligt.\n",
        encoding="utf-8",
    )
    engine = FakeEngine()
    report = run_batch(source, tmp_path / "out", BatchOptions(), *make_models(engine))
    by_input = {a.input: a for a in report.articles}
    assert by_input["sub/d.txt"].status == "failed"
    assert by_input["sub/d.txt"].error.startswith("sub/d.txt: the text looks")
    assert engine.calls == 1  # the group was not split and retried


def test_a_briefer_exception_fails_that_article_and_leaves_none_of_its_outputs(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    translator, real = make_models()

    class Flaky:
        models = real.models

        def brief(self, translated, length="medium"):
            if "tramway" in (translated.title or ""):
                raise ValueError("summary model crashed")
            return real.brief(translated, length)

    report = run_batch(source, tmp_path / "out", BatchOptions(), translator, Flaky())
    failed = {a.input: a.error for a in report.articles if a.status == "failed"}
    assert failed["sub/c.txt"] == "ValueError: summary model crashed"
    assert not (tmp_path / "out" / "sub" / "c.en.md").exists()


# ---------------------------------------------------------------------------
# Resuming
# ---------------------------------------------------------------------------


def test_a_rerun_skips_finished_articles_and_retries_failed_ones(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    engine = FakeEngine()
    report = run_batch(source, output, BatchOptions(), *make_models(engine))
    assert statuses(read_report(output)) == {
        "a.txt": "skipped", "b.md": "skipped", "empty.txt": "failed", "image.txt": "failed", "sub/c.txt": "skipped",
    }
    assert engine.calls == 0
    index = (output / "index.md").read_text(encoding="utf-8")
    assert "EN La ligne de tramway" in index  # skipped briefs stay in the digest
    assert exit_status(report) == 1


def test_a_skipped_run_is_skipped_again(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    for _ in range(2):
        run_batch(source, output, BatchOptions(), *make_models())
    engine = FakeEngine()
    run_batch(source, output, BatchOptions(), *make_models(engine))
    assert engine.calls == 0


def test_a_changed_input_or_a_missing_output_is_redone(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    (source / "a.txt").write_text(ARTICLE_A + "\nUn paragraphe ajouté.\n", encoding="utf-8")
    (output / "sub" / "c.brief.md").unlink()
    report = run_batch(source, output, BatchOptions(), *make_models())
    assert {a.input: a.status for a in report.articles if a.status != "failed"} == {
        "a.txt": "done", "b.md": "skipped", "sub/c.txt": "done",
    }
    assert (output / "sub" / "c.brief.md").exists()


def test_changed_options_redo_every_article(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    report = run_batch(source, output, BatchOptions(length="short"), *make_models())
    assert report.count("done") == 3 and report.count("skipped") == 0
    assert read_report(output)["options"]["length"] == "short"


def test_force_redoes_finished_articles(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    engine = FakeEngine()
    report = run_batch(source, output, BatchOptions(force=True), *make_models(engine))
    assert report.count("done") == 3 and report.count("skipped") == 0
    assert engine.calls == 1


def test_lazy_models_load_once_when_needed_and_not_at_all_on_a_rerun_with_nothing_to_do(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    loads: list[int] = []

    def load():
        loads.append(1)
        return make_models()

    options = BatchOptions(models={"translation": "fake-fr-en", "summary": "extractive"}, translate_options=TranslateOptions())
    first = run_batch(source, output, options, load=load)
    assert first.count("done") == 3 and len(loads) == 1
    second = run_batch(source, output, options, load=load)
    assert second.count("skipped") == 3 and len(loads) == 1


def test_lazy_and_loaded_models_with_the_same_names_share_a_fingerprint(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    options = BatchOptions(models={"translation": "fake-fr-en", "summary": "extractive"}, translate_options=TranslateOptions())
    report = run_batch(source, output, options, load=lambda: pytest.fail("nothing should need the models"))
    assert report.count("skipped") == 3


# ---------------------------------------------------------------------------
# Interrupts
# ---------------------------------------------------------------------------


def make_many(root: Path, count: int) -> Path:
    source = root / "in"
    source.mkdir()
    for i in range(count):
        (source / f"article{i:02d}.txt").write_text(ARTICLE_C.replace("septembre", f"septembre {i}"), encoding="utf-8")
    return source


def test_an_interrupt_keeps_finished_outputs_and_leaves_a_consistent_report(tmp_path: Path) -> None:
    source = make_many(tmp_path, 5)
    output = tmp_path / "out"
    engine = FakeEngine(interrupt_on_call=2)
    report = run_batch(source, output, BatchOptions(group_size=2), *make_models(engine))

    assert report.interrupted and exit_status(report) == 130
    on_disk = read_report(output)
    assert statuses(on_disk) == {"article00.txt": "done", "article01.txt": "done"}
    assert on_disk["totals"]["pending"] == 3 and on_disk["totals"]["interrupted"] is True
    assert files_under(output) == {
        "article00.en.md", "article00.brief.md", "article01.en.md", "article01.brief.md", "report.json", "index.md",
    }
    assert "interrupted" in (output / "index.md").read_text(encoding="utf-8")


def test_a_rerun_after_an_interrupt_finishes_the_rest(tmp_path: Path) -> None:
    source = make_many(tmp_path, 5)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(group_size=2), *make_models(FakeEngine(interrupt_on_call=2)))
    report = run_batch(source, output, BatchOptions(group_size=2), *make_models())
    assert [a.status for a in report.articles] == ["skipped", "skipped", "done", "done", "done"]
    assert exit_status(report) == 0
    assert len([p for p in files_under(output) if p.endswith(".md") and p != "index.md"]) == 10


def test_an_interrupt_while_writing_takes_back_the_articles_half_written_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate_sum import writers

    source = make_many(tmp_path, 2)
    output = tmp_path / "out"
    real_write = writers.write_atomic
    written: list[str] = []

    def write_then_stop(path, text):
        if str(path).endswith("article01.brief.md"):
            raise KeyboardInterrupt
        real_write(path, text)
        written.append(Path(path).name)

    monkeypatch.setattr(writers, "write_atomic", write_then_stop)
    report = run_batch(source, output, BatchOptions(), *make_models())
    assert report.interrupted
    assert "article01.en.md" in written
    assert files_under(output) == {"article00.en.md", "article00.brief.md", "report.json", "index.md"}
    assert statuses(read_report(output)) == {"article00.txt": "done"}


# ---------------------------------------------------------------------------
# Exit status
# ---------------------------------------------------------------------------


def test_the_failure_list_names_ten_files_then_counts_the_rest_and_points_to_the_report() -> None:
    failed = [ArticleResult(f"f{n:02}.txt", "failed", f"f{n:02}.txt: empty\nsecond line") for n in range(13)]
    report = BatchReport("in", "out", {}, [ArticleResult("ok.txt", "done"), *failed], total=14)
    lines = report.failure_lines()
    assert lines[0] == "Failed (13):"
    assert [line.strip() for line in lines[1:11]] == [f"f{n:02}.txt: empty second line" for n in range(10)]
    assert lines[11].strip() == f"and 3 more, see {os.path.join('out', 'report.json')}"
    assert BatchReport("in", "out", {}, [ArticleResult("ok.txt", "done")], total=1).failure_lines() == []


@pytest.mark.parametrize(
    ("statuses_", "interrupted", "expected"),
    [
        (["done", "skipped"], False, 0),
        ([], False, 0),
        (["done", "failed"], False, 1),
        (["done"], True, 130),
    ],
)
def test_exit_status_is_0_when_all_succeed_1_when_any_failed_130_when_interrupted(
    statuses_: list[str], interrupted: bool, expected: int
) -> None:
    from translate_sum.batch import ArticleResult

    report = BatchReport("in", "out", {}, [ArticleResult(f"{i}.txt", s) for i, s in enumerate(statuses_)], len(statuses_))
    report.interrupted = interrupted
    assert exit_status(report) == expected


# ---------------------------------------------------------------------------
# The shared corpus, with a tiny real model
# ---------------------------------------------------------------------------


@pytest.fixture
def one_torch_thread():
    """A tiny model runs fastest on one thread; on a shared machine, many times faster."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_a_corpus_folder_with_two_bad_files_completes_and_a_rerun_skips_it_all(
    tmp_path: Path, corpus_dir: Path, one_torch_thread: None
) -> None:
    from tests.tiny_models import build_tiny_marian
    from translate_sum.pipeline import load_translator

    articles = corpus_dir / "articles" / "fr"
    if not articles.is_dir():
        missing(f"the corpus has no articles/fr folder ({articles})")
    source = tmp_path / "in"
    shutil.copytree(articles, source)
    (source / "empty.txt").write_bytes(b"")
    (source / "binary.txt").write_bytes(bytes(range(256)) * 4)
    before = snapshot(source)
    model = build_tiny_marian(tmp_path / "tiny-marian")
    # Random weights never stop on their own: greedy and short keeps the run to seconds.
    decode = DecodeOptions(num_beams=1, max_new_tokens=16)
    translator = load_translator(str(model), engine="transformers", device="cpu", options=TranslateOptions(decode=decode))
    output = tmp_path / "out"

    started = time.perf_counter()
    first = run_batch(source, output, BatchOptions(), translator, Briefer(translator))
    first_seconds = time.perf_counter() - started
    good = sorted(p.name for p in articles.glob("*.txt"))
    assert {a.input: a.status for a in first.articles} == {
        **{name: "done" for name in good}, "empty.txt": "failed", "binary.txt": "failed",
    }
    for name in good:
        stem = name[: -len(".txt")]
        assert (output / f"{stem}.en.md").stat().st_size > 0
        assert (output / f"{stem}.brief.md").stat().st_size > 0
    assert exit_status(first) == 1
    assert snapshot(source) == before

    started = time.perf_counter()
    second = run_batch(source, output, BatchOptions(), translator, Briefer(translator))
    second_seconds = time.perf_counter() - started
    assert second.count("skipped") == len(good) and second.count("done") == 0
    assert second_seconds < first_seconds / 5
    assert snapshot(source) == before


def test_audit_flags_reach_the_report_and_the_digest(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    # The fake leaves French in its "translation": the audit flags it as untranslated.
    run_batch(source, output, BatchOptions(), *make_models())
    entry = next(a for a in read_report(output)["articles"] if a["input"] == "a.txt")
    assert entry["flags"] and {"paragraph", "kind", "detail", "severity"} <= set(entry["flags"][0])
    assert re.search(r"^Check: \w+ ¶\d", (output / "index.md").read_text(encoding="utf-8"), re.M)


def test_english_article_is_done_with_a_note_in_report_and_digest(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "english.txt").write_text(
        "The council approved the budget\n\nThe mayor said the new tram line would open next spring.\n", encoding="utf-8"
    )
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    (entry,) = read_report(output)["articles"]
    assert entry["status"] == "done" and "English" in entry["note"]
    assert "passed through untranslated" in (output / "index.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# State in SQLite, reports from it, memory
# ---------------------------------------------------------------------------


def test_the_report_after_an_interrupt_lists_the_inputs_not_reached(tmp_path: Path) -> None:
    source = make_many(tmp_path, 5)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(group_size=2), *make_models(FakeEngine(interrupt_on_call=2)))
    assert read_report(output)["pending"] == ["article02.txt", "article03.txt", "article04.txt"]


def test_resuming_reads_the_state_database_not_report_json(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    (output / "report.json").unlink()
    engine = FakeEngine()
    report = run_batch(source, output, BatchOptions(), *make_models(engine))
    assert engine.calls == 0 and report.count("skipped") == 3
    assert (output / STATE_NAME).is_file()


def test_a_report_json_from_before_the_database_is_carried_over(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    (output / STATE_NAME).unlink()
    engine = FakeEngine()
    report = run_batch(source, output, BatchOptions(), *make_models(engine))
    assert engine.calls == 0 and report.count("skipped") == 3


def test_a_long_run_rewrites_its_report_as_it_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate_sum.batch import run

    # "Every so often" becomes "after every article".
    monkeypatch.setattr(run, "REPORT_SECONDS", 0.0)
    monkeypatch.setattr(run, "REPORT_COST_FACTOR", 0.0)
    source = make_many(tmp_path, 4)
    output = tmp_path / "out"
    seen: list[tuple[int, int]] = []

    def look(done: int, total: int, current: str) -> None:
        if done == 2 and not seen:
            report = read_report(output)
            seen.append((report["totals"]["done"], len(report["pending"])))

    run_batch(source, output, BatchOptions(group_size=1), *make_models(), progress=look)
    assert seen == [(2, 2)]


def test_an_output_folder_that_cannot_be_written_fails_before_any_model_loads(tmp_path: Path) -> None:
    from translate_sum.errors import OutputError

    source = make_folder(tmp_path)
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    options = BatchOptions(models={"translation": "fake-fr-en", "summary": "extractive"}, translate_options=TranslateOptions())
    with pytest.raises(OutputError, match="cannot keep the run's state"):
        run_batch(source, tmp_path / "file.txt" / "out", options, load=lambda: pytest.fail("no model should load"))


def test_articles_are_read_a_group_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from translate_sum.batch import work

    source = make_many(tmp_path, 6)
    reads: list[str] = []
    real_read = work.read_article
    monkeypatch.setattr(work, "read_article", lambda path, **kw: reads.append(Path(path).name) or real_read(path, **kw))
    reads_at_call: list[int] = []

    class Counting(FakeEngine):
        def generate(self, texts, options, progress=None):
            reads_at_call.append(len(reads))
            return super().generate(texts, options, progress)

    run_batch(source, tmp_path / "out", BatchOptions(group_size=2, translate_only=True), Translator(Counting()), None)
    assert reads_at_call == [2, 4, 6]


def test_a_large_article_is_translated_in_a_group_of_its_own(tmp_path: Path) -> None:
    source = make_many(tmp_path, 3)
    long_body = "\n\n".join(f"Le conseil a voté le point {i} du budget de la ville." for i in range(40))
    (source / "article01.txt").write_text("Un long article\n\n" + long_body + "\n", encoding="utf-8")
    engine = FakeEngine()
    size = (source / "article01.txt").stat().st_size
    run_batch(source, tmp_path / "out", BatchOptions(translate_only=True, group_bytes=size), Translator(engine), None)
    assert engine.texts_per_call == [3, 41, 3]


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


def test_the_ray_settings_are_refused_without_ray(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from translate_sum.cli import main

    source = make_folder(tmp_path)
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path / "out"), "--workers", "2"])
    assert result.exit_code == 2 and "--workers and --cpus-per-worker go with --ray" in result.output


def test_the_report_of_a_command_line_run_names_flags_in_its_errors(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from translate_sum.cli import main

    source = tmp_path / "in"
    source.mkdir()
    (source / "long.txt").write_text("Le conseil municipal a voté le budget. " * 20, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "--max-bytes", "100"])
    assert result.exit_code == 1
    [entry] = json.loads((out / "report.json").read_text(encoding="utf-8"))["articles"]
    assert entry["status"] == "failed"
    assert "--max-bytes" in entry["error"] and "max_bytes" not in entry["error"]


# ---------------------------------------------------------------------------
# What is recorded is what was translated; a full disk stops cleanly
# ---------------------------------------------------------------------------


def test_the_hash_recorded_is_that_of_the_bytes_translated_when_the_file_changes_after_queueing(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    output = tmp_path / "out"
    changed: list[str] = []

    def edit_once_queued(done: int, total: int, current: str) -> None:
        # Called as a.txt is handed over for translation, after its bytes were hashed.
        if current == "a.txt" and not changed:
            (source / "a.txt").write_text(ARTICLE_B, encoding="utf-8")
            changed.append(current)

    run_batch(source, output, BatchOptions(translate_only=True), *make_models(), progress=edit_once_queued)
    assert changed == ["a.txt"]
    recorded = read_report(output)["articles"][0]["sha256"]
    assert "EN Le marché couvert" in (output / "a.en.md").read_text(encoding="utf-8")  # the new text was translated
    assert recorded == file_sha256(source / "a.txt")  # and is the one recorded


def test_an_output_emptied_by_hand_is_redone(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    (output / "a.en.md").write_bytes(b"")
    report = run_batch(source, output, BatchOptions(), *make_models())
    assert {a.input: a.status for a in report.articles if a.status != "failed"} == {
        "a.txt": "done", "b.md": "skipped", "sub/c.txt": "skipped",
    }
    assert "EN La mairie" in (output / "a.en.md").read_text(encoding="utf-8")


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 1 MB tmpfs mounted for the test (root only), unmounted after it."""
    import subprocess

    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file into `folder` until its disk is full; the file, to free the space."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_fails_articles_in_one_line_each_then_stops_cleanly_and_loses_nothing(
    tmp_path: Path, small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from translate_sum.errors import OutputError

    source = make_many(tmp_path, 12)
    output = small_disk / "out"
    filled: list[Path] = []

    def fill_after_five(done: int, total: int, current: str) -> None:
        if done == 5 and not filled:
            filled.append(fill(small_disk))

    with caplog.at_level("ERROR"):
        try:
            run_batch(source, output, BatchOptions(group_size=1), *make_models(), progress=fill_after_five)
        except OutputError as exc:  # the state could not be written: one clear error, not sqlite3's
            assert "free space" in str(exc) or "No space left" in str(exc)
    assert filled
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    failed_lines = [r.getMessage() for r in caplog.records if r.name == "translate_sum.batch.work"]
    assert failed_lines and all("No space left on device" in line and "\n" not in line for line in failed_lines)
    finished = {p.name: p.read_bytes() for p in output.glob("*.en.md")}
    assert len(finished) == 5 and len(list(output.glob("*.brief.md"))) == 5  # done before the disk filled
    # Space back: a rerun does the rest (and redoes, word for word, what the state could not keep).
    filled[0].unlink()
    report = run_batch(source, output, BatchOptions(group_size=1), *make_models())
    assert report.count("failed") == 0 and report.count("done") + report.count("skipped") == 12
    assert all((output / name).read_bytes() == data for name, data in finished.items())
    assert (output / "report.json").is_file() and (output / "index.md").is_file()


def test_a_state_that_cannot_be_written_stops_the_run_and_still_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from translate_sum.batch.state import Ledger
    from translate_sum.errors import OutputError

    source = make_many(tmp_path, 6)
    output = tmp_path / "out"
    real_record = Ledger.record
    calls = [0]

    def record_until_full(self: Ledger, result, position: int) -> None:  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 4:
            self.db.execute("ROLLBACK")  # what SQLite may do on SQLITE_FULL
            raise self._unwritable(sqlite3.OperationalError("database or disk is full"))
        real_record(self, result, position)

    monkeypatch.setattr(Ledger, "record", record_until_full)
    with pytest.raises(OutputError, match=r"cannot record the run's progress \(database or disk is full\).*free space"):
        run_batch(source, output, BatchOptions(group_size=1), *make_models())
    report = read_report(output)
    assert report["totals"]["interrupted"] and report["totals"]["articles"] == 6
    assert (output / "index.md").is_file()


# ---------------------------------------------------------------------------
# Inputs that are not files, and names that are not one line
# ---------------------------------------------------------------------------


def test_a_fifo_a_broken_link_and_a_link_loop_each_get_a_failed_entry_saying_why(tmp_path: Path) -> None:
    source = make_folder(tmp_path)
    os.mkfifo(source / "pipe.txt")
    (source / "gone.txt").symlink_to(source / "deleted.txt")
    (source / "loop.txt").symlink_to(source / "loop.txt")
    output = tmp_path / "out"
    report = run_batch(source, output, BatchOptions(), *make_models())  # must not wait on the pipe
    errors = {a.input: a.error for a in report.articles if a.status == "failed"}
    assert "named pipe (FIFO)" in errors["pipe.txt"]
    assert "symbolic link to a missing file" in errors["gone.txt"]
    assert "symbolic link loop" in errors["loop.txt"]
    assert statuses(read_report(output))["a.txt"] == "done"
    index = (output / "index.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in index for name in ("pipe.txt", "gone.txt", "loop.txt"))


def test_a_newline_in_a_file_name_keeps_its_digest_entry_on_one_line(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "two\nlines.txt").write_text(ARTICLE_A, encoding="utf-8")
    (source / "bad\nname.txt").write_bytes(b"")
    output = tmp_path / "out"
    run_batch(source, output, BatchOptions(), *make_models())
    lines = (output / "index.md").read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.startswith(("lines.txt", "name.txt"))], lines
    assert any("source: `two\\nlines.txt`" in line for line in lines)
    assert any(line.startswith("- `bad\\nname.txt`: ") for line in lines)
