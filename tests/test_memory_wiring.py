"""The translation memory as the commands use it: on by default, same words, counted.

Each test names its own memory file (`--memory`), so no test sees another's entries.
The model is the tiny echo Marian (it copies its French input), run by transformers:
fast, and its outputs differ per input so a wrong answer from the memory would show.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from helpers import RecordingEngine
from translate_sum.cli import main
from translate_sum.memory import MemoryEngine, MemoryOptions, TranslationMemory, open_memory, with_memory
from translate_sum.pipeline import Translator

ARTICLE = """Le festival de jazz de Marciac attend 250 000 visiteurs

La 48e édition s'ouvre vendredi avec un concert gratuit sur la place centrale.

Les organisateurs ont prévu 60 concerts en deux semaines, dont 12 sous le grand chapiteau.
"""

HUMAN_SOURCE = "La 48e édition s'ouvre vendredi avec un concert gratuit sur la place centrale."
HUMAN_TRANSLATION = "The 48th festival opens on Friday with a free concert on the main square."


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def translate(tiny_marian_echo_dir: Path) -> Callable[..., Any]:
    """`translate ARTICLE --memory MEMORY -o OUTPUT EXTRA...` with the echo model."""

    def translate(article: Path, memory: Path, output: Path, *extra: str) -> Any:
        return run("translate", str(article), "--translation-model", str(tiny_marian_echo_dir), "--engine", "transformers",
                   "--memory", str(memory), "-o", str(output), *extra)

    return translate


def without_clock(text: str) -> str:
    """An output with the seconds of its footer masked."""
    return re.sub(r"\d+\.\d s", "N s", text)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "festival.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_a_second_translate_takes_every_segment_from_the_memory_and_gives_the_same_bytes(article: Path, tmp_path: Path, translate: Callable[..., Any]) -> None:
    memory = tmp_path / "memory.sqlite3"
    cold = translate(article, memory, tmp_path / "cold.json")
    warm = translate(article, memory, tmp_path / "warm.json")
    assert cold.exit_code == 0 and warm.exit_code == 0, cold.output + warm.output

    first = json.loads((tmp_path / "cold.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "warm.json").read_text(encoding="utf-8"))
    segments = sum(len(p["segments"]) for p in second["paragraphs"])
    assert first["memory"] == {"segments": segments, "from_memory": 0, "human": 0}
    assert second["memory"] == {"segments": segments, "from_memory": segments, "human": 0}
    assert {s["origin"] for p in second["paragraphs"] for s in p["segments"]} == {"machine"}
    assert second["paragraphs"] == first["paragraphs"]
    assert f"all {segments} segments from the memory" in warm.stderr.strip().splitlines()[-1]
    assert "from the memory" not in cold.stderr

    # The same words, byte for byte, with the memory warm and without it.
    assert translate(article, memory, tmp_path / "warm.txt").exit_code == 0
    assert translate(article, memory, tmp_path / "none.txt", "--no-memory").exit_code == 0
    assert (tmp_path / "warm.txt").read_bytes() == (tmp_path / "none.txt").read_bytes()


def test_the_json_says_what_produced_the_words(
    article: Path, tmp_path: Path, translate: Callable[..., Any], tiny_marian_echo_dir: Path
) -> None:
    assert translate(article, tmp_path / "m.sqlite3", tmp_path / "out.json").exit_code == 0
    decoding = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["decoding"]
    assert decoding["engine"] == "transformers" and decoding["model"] == str(tiny_marian_echo_dir)
    assert decoding["device"] == "cpu" and decoding["compute_type"] == "float32"
    assert decoding["num_beams"] >= 1 and len(decoding["model_hash"]) == 32


def test_no_memory_leaves_the_memory_file_alone(article: Path, tmp_path: Path, translate: Callable[..., Any]) -> None:
    memory = tmp_path / "m.sqlite3"
    assert translate(article, memory, tmp_path / "out.json", "--no-memory").exit_code == 0
    assert not memory.exists()


def test_a_batch_rerun_with_force_decodes_nothing(tmp_path: Path, tiny_marian_echo_dir: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(ARTICLE, encoding="utf-8")
    # Another outlet's version of the same wire: a new headline, the same body.
    (source / "b.txt").write_text("Marciac ouvre son festival\n\n" + ARTICLE.split("\n\n", 1)[1], encoding="utf-8")
    memory = tmp_path / "m.sqlite3"

    def batch(output: str, *extra: str) -> dict:
        result = run("batch", str(source), "-o", str(tmp_path / output), "--translate-only", "--translation-model", str(tiny_marian_echo_dir),
                     "--engine", "transformers", "--memory", str(memory), "-q", *extra)
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / output / "report.json").read_text(encoding="utf-8"))

    cold = batch("out")
    cold_texts = {name: without_clock((tmp_path / "out" / name).read_text(encoding="utf-8")) for name in ("a.en.md", "b.en.md")}
    by_input = {a["input"]: a["memory"] for a in cold["articles"]}
    assert by_input["a.txt"]["from_memory"] == 0
    # b.txt's body repeats a.txt's, in the same engine call: decoded once, not taken from the memory.
    assert cold["totals"]["memory"]["from_memory"] == 0

    again = batch("out", "--force")
    totals = again["totals"]["memory"]
    assert totals["segments"] == cold["totals"]["memory"]["segments"] > 0
    assert totals["from_memory"] == totals["segments"], "a forced rerun decodes nothing"
    assert all(a["memory"]["from_memory"] == a["memory"]["segments"] for a in again["articles"])

    fresh = batch("fresh", "--no-memory")
    assert fresh["totals"]["memory"]["from_memory"] == 0
    for name, text in cold_texts.items():
        assert without_clock((tmp_path / "out" / name).read_text(encoding="utf-8")) == text, "warm: the same words"
        assert without_clock((tmp_path / "fresh" / name).read_text(encoding="utf-8")) == text, "no memory: the same words"


def write_tmx(path: Path, pairs: list[tuple[str, str]]) -> Path:
    """A TMX file as a CAT tool writes one: French and English variants, no properties of ours."""
    units = "".join(
        f'<tu><tuv xml:lang="fr-FR"><seg>{fr}</seg></tuv><tuv xml:lang="en-GB"><seg>{en}</seg></tuv></tu>' for fr, en in pairs
    )
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="fr-FR" segtype="sentence" '
        f'creationtool="x" creationtoolversion="1" adminlang="en" datatype="plaintext" o-tmf="x"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    return path


def test_an_imported_human_translation_is_given_and_marked_human_in_the_json(article: Path, tmp_path: Path, translate: Callable[..., Any]) -> None:
    memory = tmp_path / "m.sqlite3"
    tmx = write_tmx(tmp_path / "desk.tmx", [(HUMAN_SOURCE, HUMAN_TRANSLATION)])
    imported = run("memory", "import", str(tmx), "--memory", str(memory))
    assert imported.exit_code == 0 and "1 human" in imported.output, imported.output

    result = translate(article, memory, tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    [paragraph] = [p for p in data["paragraphs"] if p["source"].strip() == HUMAN_SOURCE]
    assert paragraph["translation"] == HUMAN_TRANSLATION
    assert [s["origin"] for s in paragraph["segments"]] == ["human"]
    others = [s["origin"] for p in data["paragraphs"] if p is not paragraph for s in p["segments"]]
    assert others and set(others) == {"machine"}
    assert data["memory"]["human"] == 1 and data["memory"]["from_memory"] == 1


def test_a_corrupt_memory_file_gives_one_warning_and_the_run_succeeds(
    article: Path, tmp_path: Path, translate: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    memory = tmp_path / "m.sqlite3"
    memory.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        result = translate(article, memory, tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("translate_sum.memory")]
    assert len(warnings) == 1 and str(memory) in warnings[0].getMessage()
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["memory"]["from_memory"] == 0
    assert memory.read_bytes() == b"this is not a database" * 100, "the damaged file is left as it was"


def test_the_memory_commands_report_export_import_and_clear(article: Path, tmp_path: Path, translate: Callable[..., Any]) -> None:
    memory = tmp_path / "m.sqlite3"
    assert translate(article, memory, tmp_path / "out.json").exit_code == 0
    segments = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["memory"]["segments"]

    stats = run("memory", "stats", "--memory", str(memory))
    assert stats.exit_code == 0 and f"entries: {segments} (0 human)" in stats.output, stats.output
    assert "last 1 run(s)" in stats.output

    tmx = tmp_path / "export.tmx"
    exported = run("memory", "export", str(tmx), "--memory", str(memory))
    assert exported.exit_code == 0 and f"Exported {segments} translation units" in exported.output
    assert tmx.read_text(encoding="utf-8").count("<tu ") == segments

    cleared = run("memory", "clear", "--memory", str(memory))
    assert cleared.exit_code == 0 and f"{segments} entries removed" in cleared.output
    assert "entries: 0 " in run("memory", "stats", "--memory", str(memory)).output

    imported = run("memory", "import", str(tmx), "--memory", str(memory))
    assert imported.exit_code == 0 and f"({0} human, {segments} machine)" in imported.output
    again = translate(article, memory, tmp_path / "again.json")
    assert again.exit_code == 0
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["memory"]["from_memory"] == segments


def test_memory_import_of_a_file_that_is_not_tmx_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text("<html><body>no</body></html>", encoding="utf-8")
    result = run("memory", "import", str(bad), "--memory", str(tmp_path / "m.sqlite3"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {bad} is not a TMX file (its root is <html>)"]


def test_a_human_translation_the_audit_doubts_is_not_retried(tmp_path: Path) -> None:
    engine = RecordingEngine()
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    write_tmx(tmp_path / "loop.tmx", [(HUMAN_SOURCE, "the the the the the the the the the the the the")])
    from translate_sum.memory.tmx import read_tmx

    memory.import_entries(read_tmx(tmp_path / "loop.tmx"))
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")
    translator = Translator(with_memory(engine, tmp_path / "model", memory))
    assert isinstance(translator.engine, MemoryEngine)

    result = translator.translate_text(HUMAN_SOURCE)
    assert any(flag.kind == "repetition" for flag in result.paragraphs[0].flags)
    assert engine.batches == [], "the human translation was neither decoded nor retried"
    assert result.paragraphs[0].segments[0].origin == "human"
    memory.close()


def test_open_memory_off_gives_a_pass_through() -> None:
    engine = RecordingEngine()
    assert with_memory(engine, Path("."), open_memory(MemoryOptions(enabled=False))) is engine


def metric(page: str, name: str) -> float:
    [value] = [line.split()[-1] for line in page.splitlines() if line.startswith(name + " ")]
    return float(value)


def test_the_server_answers_repeats_from_the_memory_without_the_scheduler_and_counts_them(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from serving import CallRecordingEngine
    from translate_sum.pipeline import Briefer
    from translate_sum.server.app import create_app
    from translate_sum.server.service import Service

    engine = CallRecordingEngine()
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")
    translator = Translator(with_memory(engine, tmp_path / "model", memory))
    service = Service(translator, Briefer(translator), memory=memory)
    with TestClient(create_app(service)) as client:
        answers = [client.post("/translate", json={"q": HUMAN_SOURCE, "source": "fr", "target": "en"}) for _ in range(3)]
        calls_after = service.scheduler.calls
        page = client.get("/metrics").text
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["translatedText"] for a in answers}) == 1
    assert len(engine.calls) == 1 and calls_after == 1, "the repeats reached neither the engine nor the scheduler"
    assert metric(page, "translate_sum_memory_hits_total") == 2
    assert metric(page, "translate_sum_memory_misses_total") == 1
    assert memory.problem == "closed", "the server closes the memory when it stops"
    assert TranslationMemory(tmp_path / "m.sqlite3").report().runs[0].stats.hits == 2


@dataclass
class TakesIds(RecordingEngine):
    """A recording engine whose `generate` takes the texts' token ids, and keeps them."""

    given: list = field(default_factory=list)

    def generate(self, texts, options, progress=None, ids=None):  # type: ignore[no-untyped-def]
        self.given.append(ids)
        return super().generate(texts, options, progress)


def test_the_memory_hands_the_misses_token_ids_on_to_an_engine_that_takes_them(tmp_path: Path) -> None:
    from translate_sum.memory import generate

    engine = TakesIds()
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")
    remembered = with_memory(engine, tmp_path / "model", TranslationMemory(tmp_path / "m.sqlite3"))
    options = engine.default_options()
    generate(remembered, ["Un.", "Deux."], options)  # "Un." is now in the memory
    generation = generate(remembered, ["Un.", "Trois.", "Trois."], options, ids=[[1], [3], [3]])
    assert engine.given[-1] == [[3]], "only the miss, once, with its own ids"
    assert generation.origins == ("memory", "decoded", "decoded")
    assert generate(remembered, ["Quatre."], options).outputs == ("EN(Quatre.)",) and engine.given[-1] is None
