"""Folder runs on Ray: same outputs as the local batch, workers that die, Ctrl-C.

One local Ray instance (2 CPUs, no dashboard) serves every test of this module:
starting Ray costs seconds. The models are a tiny echo Marian (it copies its input)
loaded by each worker through the same `ModelSpec` as the local run, so outputs can
be compared byte for byte. Skipped when ray is not installed (fails under CI=true).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest

from prerequisites import require_module

ray = require_module("ray")

from tests.ray_helpers import DyingSpec  # noqa: E402
from tests.test_batch import make_folder, make_many  # noqa: E402
from translate_sum.batch import STATE_NAME, BatchOptions, ModelSpec, exit_status, run_batch  # noqa: E402
from translate_sum.batch.cluster import WORKER_NAME, RayOptions, plan_workers, run_on_ray  # noqa: E402
from translate_sum.engines.base import DecodeOptions  # noqa: E402
from translate_sum.pipeline import TranslateOptions  # noqa: E402


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def spec(tiny_marian_echo_dir: Path) -> ModelSpec:
    """The echo model, greedy (fast); a worker dies on "Tchernobyl" (see DyingSpec).

    One spec for every test, so the workers (kept warm between runs of a process that
    started Ray itself) load their models once for the whole module.
    """
    options = TranslateOptions(decode=DecodeOptions(num_beams=1, max_new_tokens=64))
    return DyingSpec(str(tiny_marian_echo_dir), summarizer="extractive", engine="transformers", device="cpu", options=options)


def local_options(spec: ModelSpec, **settings: object) -> BatchOptions:
    return BatchOptions(models=spec.names(), translate_options=spec.options, **settings)  # type: ignore[arg-type]


def outputs_of(folder: Path) -> dict[str, str]:
    """Every output's text, with what a clock decides (seconds) masked."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(STATE_NAME) or path.name == "report.json":
            continue
        text = path.read_text(encoding="utf-8")
        texts[path.relative_to(folder).as_posix()] = re.sub(r"· \d+\.\d s_", "· N s_", text)
    return texts


def report_without_clock(folder: Path) -> dict:
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    report["totals"].pop("seconds")
    report.pop("workers", None)
    for entry in report["articles"]:
        entry.pop("seconds")
    return report


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.tmp")]


def test_a_ray_run_writes_the_same_files_as_a_local_run(tmp_path: Path, local_ray: None, spec: ModelSpec) -> None:
    source = make_folder(tmp_path)
    run_batch(source, tmp_path / "local", local_options(spec), load=spec.load)
    report = run_on_ray(source, tmp_path / "ray", BatchOptions(), spec)

    assert exit_status(report) == 1  # the empty and the binary file fail, as locally
    assert outputs_of(tmp_path / "ray") == outputs_of(tmp_path / "local")
    assert report_without_clock(tmp_path / "ray") == report_without_clock(tmp_path / "local")
    assert len(outputs_of(tmp_path / "ray")) == 7  # three articles, two outputs each, and index.md
    workers = json.loads((tmp_path / "ray" / "report.json").read_text(encoding="utf-8"))["workers"]
    assert len(workers) == 2 and all(w["peak_rss_mb"] > 0 for w in workers)


def test_a_ray_rerun_skips_what_a_local_run_finished(tmp_path: Path, local_ray: None, spec: ModelSpec) -> None:
    source = make_many(tmp_path, 3)
    run_batch(source, tmp_path / "out", local_options(spec), load=spec.load)
    report = run_on_ray(source, tmp_path / "out", BatchOptions(), spec)
    assert report.count("skipped") == 3 and report.count("done") == 0
    assert report.workers == []  # nothing to do: no worker started, no model loaded


def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_lost_or_duplicated(
    tmp_path: Path, local_ray: None, spec: ModelSpec, caplog: pytest.LogCaptureFixture
) -> None:
    source = make_many(tmp_path, 6)
    run_batch(source, tmp_path / "local", local_options(spec, group_size=1), load=spec.load)
    killed: list[str] = []

    def kill_one_worker(done: int, total: int, current: str) -> None:
        if done >= 2 and not killed:
            name = sorted(n for n in ray.util.list_named_actors() if n.startswith(WORKER_NAME))[0]
            ray.kill(ray.get_actor(name))
            killed.append(name)

    report = run_on_ray(source, tmp_path / "ray", BatchOptions(group_size=1), spec, progress=kill_one_worker)

    assert killed and "a Ray worker died" in caplog.text
    assert [a.input for a in report.articles] == [f"article{i:02d}.txt" for i in range(6)]
    assert {a.status for a in report.articles} == {"done"} and exit_status(report) == 0
    assert outputs_of(tmp_path / "ray") == outputs_of(tmp_path / "local")
    assert leftovers(tmp_path / "ray") == []


def test_an_article_whose_workers_keep_dying_is_failed_with_the_reason(tmp_path: Path, local_ray: None, spec: ModelSpec) -> None:
    source = make_many(tmp_path, 3)
    (source / "article01.txt").write_text(
        "Un anniversaire\n\nLa centrale de Tchernobyl a été fermée il y a vingt-cinq ans.\n", encoding="utf-8"
    )
    report = run_on_ray(source, tmp_path / "ray", BatchOptions(group_size=1), spec, RayOptions(max_attempts=2))

    by_input = {a.input: a for a in report.articles}
    assert by_input["article01.txt"].status == "failed"
    assert "the worker translating it died 2 times" in (by_input["article01.txt"].error or "")
    assert by_input["article00.txt"].status == by_input["article02.txt"].status == "done"
    assert exit_status(report) == 1 and leftovers(tmp_path / "ray") == []


def test_ctrl_c_on_the_driver_keeps_whole_articles_only_and_a_rerun_finishes(
    tmp_path: Path, local_ray: None, spec: ModelSpec
) -> None:
    source = make_many(tmp_path, 6)
    output = tmp_path / "ray"

    def interrupt_after_two(done: int, total: int, current: str) -> None:
        if done >= 2:
            raise KeyboardInterrupt

    first = run_on_ray(source, output, BatchOptions(group_size=1), spec, progress=interrupt_after_two)
    assert first.interrupted and exit_status(first) == 130
    on_disk = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert on_disk["totals"]["pending"] == len(on_disk["pending"]) > 0
    for entry in first.articles:
        assert all((output / o).is_file() for o in entry.outputs)
    written = {p.name for p in output.rglob("*.md")} - {"index.md"}
    assert written == {Path(o).name for a in first.articles for o in a.outputs}  # no half articles
    assert leftovers(output) == []

    # The state the Ray run left resumes like any other (a Ray rerun: the test above).
    second = run_batch(source, output, local_options(spec, group_size=1), load=spec.load)
    assert second.count("skipped") == len(first.articles) and second.count("done") == 6 - len(first.articles)
    assert exit_status(second) == 0


def test_a_model_that_cannot_load_fails_the_run_with_the_librarys_error(
    tmp_path: Path, local_ray: None, spec: ModelSpec
) -> None:
    from translate_sum.errors import TranslateSumError

    source = make_many(tmp_path, 2)
    missing = ModelSpec(str(tmp_path / "no-such-model"), summarizer="extractive", engine="transformers", device="cpu")
    with pytest.raises(TranslateSumError, match="no-such-model"):
        run_on_ray(source, tmp_path / "ray", BatchOptions(), missing)
    report = json.loads((tmp_path / "ray" / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["pending"] == 2 and report["articles"] == []


def test_ray_workers_share_the_drivers_memory_so_a_forced_rerun_decodes_nothing(
    tmp_path: Path, local_ray: None, spec: ModelSpec
) -> None:
    from translate_sum.memory import MemoryOptions, TranslationMemory

    source = make_many(tmp_path, 3)
    memory = MemoryOptions(path=tmp_path / "memory.sqlite3")
    run_batch(source, tmp_path / "local", local_options(spec), load=spec.load)
    cold = run_on_ray(source, tmp_path / "ray", BatchOptions(), spec, memory=memory)
    segments = cold.to_dict()["totals"]["memory"]["segments"]
    assert segments > 0 and exit_status(cold) == 0

    warm = run_on_ray(source, tmp_path / "ray", BatchOptions(force=True), spec, memory=memory)
    assert warm.to_dict()["totals"]["memory"] == {"segments": segments, "from_memory": segments, "human": 0}
    assert outputs_of(tmp_path / "ray") == outputs_of(tmp_path / "local"), "the same bytes, memory cold, warm or off"
    kept = TranslationMemory(memory.path).report()  # the driver's file holds what the workers translated
    assert kept.entries > 0 and [run.stats.hits for run in kept.runs] == [segments, 0]


def test_a_ray_run_whose_memory_cannot_be_opened_warns_once_and_goes_on_without_it(
    tmp_path: Path, local_ray: None, spec: ModelSpec, caplog: pytest.LogCaptureFixture
) -> None:
    from translate_sum.memory import MemoryOptions

    source = make_many(tmp_path, 2)
    damaged = tmp_path / "memory.sqlite3"
    damaged.write_bytes(b"not a database" * 100)
    report = run_on_ray(source, tmp_path / "ray", BatchOptions(), spec, memory=MemoryOptions(path=damaged))
    assert exit_status(report) == 0 and report.to_dict()["totals"]["memory"]["from_memory"] == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and str(damaged) in r.getMessage()]
    assert len(warnings) == 1 and "going on without it" in warnings[0]


def test_workers_follow_the_cluster_cpus_or_gpus() -> None:
    assert plan_workers({"CPU": 8.0}, RayOptions(), "auto") == (8, 1, 0.0)
    assert plan_workers({"CPU": 8.0}, RayOptions(cpus_per_worker=4), "cpu") == (2, 4, 0.0)
    assert plan_workers({"CPU": 8.0, "GPU": 2.0}, RayOptions(), "auto") == (2, 1, 1.0)
    assert plan_workers({"CPU": 8.0, "GPU": 2.0}, RayOptions(), "cpu") == (8, 1, 0.0)
    assert plan_workers({"CPU": 8.0}, RayOptions(workers=3), "auto") == (3, 1, 0.0)
    assert plan_workers({"CPU": 1.0}, RayOptions(cpus_per_worker=4), "auto") == (1, 4, 0.0)


def test_the_command_line_takes_ray_with_or_without_an_address(tmp_path: Path, local_ray: None, spec: ModelSpec) -> None:
    from click.testing import CliRunner

    from translate_sum.cli import main

    source = make_many(tmp_path, 2)
    output = tmp_path / "out"
    model = ["--translation-model", spec.translation_model or "", "--summarizer", "extractive", "--engine", "transformers"]
    first = CliRunner().invoke(main, ["batch", str(source), "-o", str(output), *model])
    assert first.exit_code == 0, first.output
    for ray_flag in (["--ray"], ["--ray=auto"]):
        # Everything is done already: the run joins Ray (here, this process's) but starts no worker.
        result = CliRunner().invoke(main, ["batch", str(source), "-o", str(output), *model, *ray_flag])
        assert result.exit_code == 0, result.output
        assert json.loads((output / "report.json").read_text(encoding="utf-8"))["totals"]["skipped"] == 2


def test_an_address_where_nothing_answers_is_refused_at_once_and_makes_no_output(tmp_path: Path, spec: ModelSpec) -> None:
    import socket
    import time

    from translate_sum.errors import EngineUnavailable

    with socket.socket() as probe:  # a port nothing listens on once the probe closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    output = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}"):
        run_on_ray(make_many(tmp_path, 2), output, BatchOptions(translate_only=True), spec, RayOptions(address=f"127.0.0.1:{port}"))
    assert time.monotonic() - started < 10
    assert not output.exists()


def test_a_ray_client_address_without_rays_client_names_the_extra_and_makes_no_output(
    tmp_path: Path, spec: ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from translate_sum.errors import EngineUnavailable

    monkeypatch.setitem(sys.modules, "ray.util.client.worker", None)  # as without grpcio: the import fails
    output = tmp_path / "out"
    with pytest.raises(EngineUnavailable, match=r"ray:// address needs Ray's client.*translate-sum\[ray\]"):
        run_on_ray(make_many(tmp_path, 2), output, BatchOptions(translate_only=True), spec, RayOptions(address="ray://127.0.0.1:10001"))
    assert not output.exists()


def test_a_named_cluster_that_cannot_be_joined_fails_before_the_output_folder_is_made(
    tmp_path: Path, spec: ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate_sum.batch import cluster
    from translate_sum.errors import EngineUnavailable

    def no_cluster(address: str | None) -> bool:  # what `ray.init(address="auto")` meets with no cluster running
        raise EngineUnavailable(f"cannot join the Ray cluster at {address} (Could not find any running Ray instance)")

    monkeypatch.setattr(cluster, "connect", no_cluster)
    output = tmp_path / "out"
    with pytest.raises(EngineUnavailable, match="cannot join the Ray cluster at auto"):
        run_on_ray(make_many(tmp_path, 2), output, BatchOptions(translate_only=True), spec, RayOptions(address="auto"))
    assert not output.exists()


def test_rays_token_authentication_notice_is_dropped_when_on_and_one_plain_line_when_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from ray._private.authentication import authentication_token_setup as ray_auth

    from translate_sum.batch.ray_join import RAY_AUTH_LOGGER, reword_auth_notice

    shown: list[logging.LogRecord] = []
    catch = logging.Handler()
    catch.emit = shown.append  # type: ignore[method-assign]
    assert ray_auth.logger.name == RAY_AUTH_LOGGER
    level = ray_auth.logger.level
    ray_auth.logger.setLevel(logging.WARNING)  # as at a start; ray.init(logging_level=ERROR) above raised it
    ray_auth.logger.addHandler(catch)
    try:
        reword_auth_notice()
        with caplog.at_level(logging.WARNING, logger="translate_sum"):
            ray_auth._warn_token_auth_enabled()  # what Ray logs as a local instance starts
            ray_auth._warn_token_auth_disabled()
    finally:
        ray_auth.logger.removeHandler(catch)
        ray_auth.logger.setLevel(level)
    assert shown == []  # Ray's own lines (timestamp, file:line, link) are not printed
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("translate_sum")]
    assert len(ours) == 1 and "RAY_AUTH_MODE=token" in ours[0]


SAVED_FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>La Gazette</title>
<link>https://gazette.invalid/</link><description>Actualités</description>
<item><guid>tram</guid><title>Le tramway circulera dès lundi</title><pubDate>Tue, 02 Jul 2024 08:00:00 GMT</pubDate>
<description>Après trois ans de travaux, la première ligne du tramway sera mise en service lundi matin. Les rames
circuleront toutes les six minutes entre la gare et le campus.</description></item>
<item><guid>piscine</guid><title>La piscine ferme pour l'été</title><pubDate>Tue, 02 Jul 2024 10:00:00 GMT</pubDate>
<description>La piscine municipale fermera du 15 juillet au 31 août pour des travaux d'isolation. Les nageurs iront
au centre aquatique de la commune voisine.</description></item>
</channel></rss>
"""


def test_a_feed_run_on_ray_writes_the_same_files_as_a_local_run(tmp_path: Path, local_ray: None, spec: ModelSpec) -> None:
    saved = tmp_path / "gazette.xml"  # items without links: their feed text is translated, nothing is fetched
    saved.write_text(SAVED_FEED, encoding="utf-8")
    local = run_batch(saved, tmp_path / "local", local_options(spec), load=spec.load)
    report = run_on_ray(saved, tmp_path / "ray", BatchOptions(), spec)
    assert exit_status(report) == exit_status(local) == 0 and report.count("done") == 2
    ray_files, local_files = outputs_of(tmp_path / "ray"), outputs_of(tmp_path / "local")
    for files in (ray_files, local_files):
        files.pop("feed.xml")  # stamped with the time it was written
    assert ray_files == local_files and len(ray_files) == 5  # two items, two outputs each, and index.md
    assert report_without_clock(tmp_path / "ray") == report_without_clock(tmp_path / "local")
