"""The translation memory's SQLite file: keys, precedence, size bound, sharing, failures."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path


from translate_sum.memory import (
    EngineIdentity,
    Entry,
    MemoryContext,
    MemoryOptions,
    NoMemory,
    TranslationMemory,
    open_memory,
)
from translate_sum.memory.store import entry_key
from translate_sum.options import DecodeOptions

IDENTITY = EngineIdentity(engine="fake", model="m" * 32, compute_type="int8", device="cpu", runtime="none")
CONTEXT = MemoryContext(IDENTITY, DecodeOptions(num_beams=4))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_stored_translation_is_recalled_for_the_same_context_and_exact_source(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Bonjour le monde. ", "Hello world.")])

    found = memory.recall(CONTEXT, ["Bonjour le monde. ", "Bonjour le monde.", "Autre chose."])

    assert [f.translation if f else None for f in found] == ["Hello world.", None, None]


def test_other_decoding_settings_or_another_model_miss(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Un texte.", "A text.")])
    stricter = MemoryContext(IDENTITY, DecodeOptions(num_beams=4, repetition_penalty=1.3))
    other_model = MemoryContext(dataclasses.replace(IDENTITY, model="n" * 32), CONTEXT.options)
    float32 = MemoryContext(dataclasses.replace(IDENTITY, compute_type="float32"), CONTEXT.options)

    assert [memory.recall(c, ["Un texte."])[0] for c in (stricter, other_model, float32)] == [None, None, None]


def test_batch_size_is_not_part_of_the_key():
    bigger_batches = MemoryContext(IDENTITY, dataclasses.replace(CONTEXT.options, batch_tokens=65536))

    assert bigger_batches.digest == CONTEXT.digest


def test_a_hash_collision_is_a_miss_never_another_sentences_translation(tmp_path):
    path = tmp_path / "m.sqlite3"
    memory = TranslationMemory(path)
    memory.store_many(CONTEXT, [("Phrase B.", "Sentence B.")])
    with sqlite3.connect(path) as db:  # pretend "Phrase A." hashed to B's row
        db.execute("UPDATE entries SET key = ?", (entry_key(CONTEXT.digest, "Phrase A."),))

    assert memory.recall(CONTEXT, ["Phrase A."]) == [None]


def test_a_human_translation_wins_over_the_machine_one_whatever_the_whitespace(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Le chat dort. ", "The cat sleeps (machine).")])
    human = Entry("Le chat dort.", "The cat is asleep.", True, "", {}, 0)
    memory.import_entries([human])

    found = memory.recall(CONTEXT, ["Le chat dort. "])[0]

    assert (found.translation, found.human) == ("The cat is asleep.", True)


def test_the_file_stays_under_its_bound_and_recently_used_entries_survive(tmp_path):
    clock = Clock()
    memory = TranslationMemory(tmp_path / "m.sqlite3", max_bytes=256 * 1024, clock=clock, touch_seconds=0)
    memory.store_many(CONTEXT, [("Ancienne phrase gardée.", "Old kept sentence.")])
    memory.store_many(CONTEXT, [("Ancienne phrase oubliée.", "Old forgotten sentence.")])
    for batch in range(40):
        clock.now += 10
        memory.recall(CONTEXT, ["Ancienne phrase gardée."])  # used again: stays recent
        memory.store_many(CONTEXT, [(f"Phrase {batch}-{i} " + "x" * 200, "y" * 200) for i in range(50)])

    assert memory.used_bytes() <= 256 * 1024
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (tmp_path / "m.sqlite3").stat().st_size <= 256 * 1024 * 1.25  # freed pages are reused
    kept, forgotten = memory.recall(CONTEXT, ["Ancienne phrase gardée.", "Ancienne phrase oubliée."])
    assert kept is not None and forgotten is None
    assert memory.report().entries < 40 * 50


def test_hits_rewrite_their_last_use_only_when_it_is_stale(tmp_path):
    clock = Clock()
    path = tmp_path / "m.sqlite3"
    memory = TranslationMemory(path, clock=clock, touch_seconds=3600)
    memory.store_many(CONTEXT, [("Une phrase.", "A sentence.")])

    def used() -> int:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT used FROM entries").fetchone()[0]

    clock.now += 60
    memory.recall(CONTEXT, ["Une phrase."])
    assert used() == 1_000_000
    clock.now += 3600
    memory.recall(CONTEXT, ["Une phrase."])
    assert used() == 1_000_000 + 3660


def _write_many(path: str, worker: int, count: int) -> None:
    memory = TranslationMemory(Path(path), busy_seconds=20)
    for i in range(count):
        memory.store_many(CONTEXT, [(f"Processus {worker} phrase {i} lot {k}.", f"Process {worker} {i} {k}.") for k in range(5)])
    memory.close()
    if memory.problem != "closed":
        raise SystemExit(1)


def test_two_processes_writing_at_once_keep_every_entry(tmp_path):
    path = tmp_path / "m.sqlite3"
    TranslationMemory(path).close()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_many, args=(str(path), w, 60)) for w in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0]

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 2 * 60 * 5


def _write_forever(path: str, ready) -> None:
    memory = TranslationMemory(Path(path))
    i = 0
    while True:
        memory.store_many(CONTEXT, [(f"Phrase {i} {k}.", f"Sentence {i} {k}.") for k in range(20)])
        i += 1
        if i == 5:
            ready.set()


def test_a_writer_killed_mid_run_leaves_a_sound_memory_of_whole_calls(tmp_path):
    path = tmp_path / "m.sqlite3"
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    writer = context.Process(target=_write_forever, args=(str(path), ready))
    writer.start()
    assert ready.wait(30)
    time.sleep(0.2)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(timeout=10)

    memory = TranslationMemory(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert count >= 5 * 20 and count % 20 == 0  # every call stored whole, or not at all
    assert memory.recall(CONTEXT, ["Phrase 0 0."])[0].translation == "Sentence 0 0."


def test_a_file_that_is_not_a_memory_gives_one_warning_and_no_memory(tmp_path, caplog):
    path = tmp_path / "m.sqlite3"
    path.write_bytes(b"this is not a database, just some text " * 200)

    with caplog.at_level(logging.WARNING):
        memory = open_memory(MemoryOptions(path=path))

    assert isinstance(memory, NoMemory) and memory.problem
    assert [r.getMessage() for r in caplog.records if str(path) in r.getMessage()] == [memory.problem]
    assert memory.recall(CONTEXT, ["Un texte."]) == [None]
    assert memory.store_many(CONTEXT, [("Un texte.", "A text.")]) == 0


def test_an_unwritable_location_gives_one_warning_and_no_memory(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    with caplog.at_level(logging.WARNING):
        memory = open_memory(MemoryOptions(path=blocker / "memory.sqlite3"))

    assert isinstance(memory, NoMemory)
    assert len([r for r in caplog.records if "cannot be used" in r.getMessage()]) == 1


def test_a_memory_damaged_during_a_run_warns_once_then_misses_and_drops_stores(tmp_path, caplog):
    path = tmp_path / "m.sqlite3"
    memory = TranslationMemory(path)
    memory.store_many(CONTEXT, [(f"Phrase {i}.", f"Sentence {i}.") for i in range(200)])
    with open(path, "r+b") as handle:  # scribble over every page but the first
        handle.seek(4096)
        handle.write(os.urandom(os.path.getsize(path) - 4096))
    with sqlite3.connect(path) as db:  # move the pages out of the log into the scribbled file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write(os.urandom(os.path.getsize(path) - 4096))

    with caplog.at_level(logging.WARNING):
        first = memory.recall(CONTEXT, [f"Phrase {i}." for i in range(200)])
        memory.store_many(CONTEXT, [("Nouvelle.", "New.")])
        second = memory.recall(CONTEXT, ["Phrase 1."])

    assert memory.problem is not None
    assert second == [None] and len(first) == 200
    assert len([r for r in caplog.records if "cannot be used" in r.getMessage()]) == 1


def test_no_memory_option_opens_nothing(tmp_path):
    memory = open_memory(MemoryOptions(path=tmp_path / "m.sqlite3", enabled=False))

    assert isinstance(memory, NoMemory) and memory.problem is None
    assert not (tmp_path / "m.sqlite3").exists()


def test_closing_records_the_run_for_stats(tmp_path):
    from translate_sum.memory import MemoryStats

    path = tmp_path / "m.sqlite3"
    memory = TranslationMemory(path)
    memory.count(MemoryStats(hits=3, decoded=1, stored=1))
    memory.close()

    report = TranslationMemory(path).report()

    assert [(r.stats.hits, r.stats.decoded) for r in report.runs] == [(3, 1)]
    assert report.recent.hit_rate == 0.75


def test_record_given_keeps_the_engines_answer_and_notes_the_final_one(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Boucle.", "loop loop loop loop"), ("Calme.", "Calm.")])

    memory.record_given(CONTEXT, [("Boucle.", "Loop."), ("Calme.", "Calm.")])

    assert memory.recall(CONTEXT, ["Boucle."])[0].translation == "loop loop loop loop"
    given = {e.source: e.given for e in memory.entries()}
    assert given == {"Boucle.": "Loop.", "Calme.": None}


def test_only_a_damaged_memory_is_advised_to_be_cleared() -> None:
    from translate_sum.memory.records import MemoryUnusable

    damaged = str(MemoryUnusable(Path("m.sqlite3"), "file is not a database"))
    missing = str(MemoryUnusable(Path("/nope/m.sqlite3"), "no such file or directory"))
    assert "memory clear" in damaged
    assert "memory clear" not in missing and "can be written" in missing
