"""TMX export and import, and the `memory` commands the CLI will call."""

from __future__ import annotations

import sqlite3

import pytest

from translate_sum.errors import InputError, OutputError
from translate_sum.memory import EngineIdentity, Entry, MemoryContext, MemoryOptions, TranslationMemory
from translate_sum.memory.commands import (
    clear_memory,
    describe_clear,
    describe_stats,
    export_memory,
    import_memory,
    memory_stats,
)
from translate_sum.memory.tmx import read_tmx
from translate_sum.options import DecodeOptions

CONTEXT = MemoryContext(
    EngineIdentity(engine="fake", model="m" * 32, compute_type="int8", device="cpu", runtime="none"), DecodeOptions()
)

ELSEWHERE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SomeCAT" creationtoolversion="9" segtype="sentence" o-tmf="x"
          adminlang="en-US" srclang="fr-FR" datatype="plaintext"/>
  <body>
    <tu creationdate="20240102T030405Z">
      <tuv xml:lang="fr-FR"><seg>Le <bpt i="1">&lt;b&gt;</bpt>chat<ept i="1">&lt;/b&gt;</ept> dort.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>The <hi type="b">cat</hi> is asleep.</seg></tuv>
    </tu>
    <tu>
      <tuv lang="FR"><seg>Il pleut.</seg></tuv>
      <tuv lang="EN"><seg>It is raining.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="fr"><seg>Sans traduction anglaise.</seg></tuv>
      <tuv xml:lang="de"><seg>Ohne englische Übersetzung.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def _options(tmp_path, name="m.sqlite3") -> MemoryOptions:
    return MemoryOptions(path=tmp_path / name)


def _contents(path) -> set[tuple]:
    return {(e.source, e.translation, e.human, e.context, e.given, e.used) for e in TranslationMemory(path).entries()}


def test_export_then_import_gives_back_the_same_memory(tmp_path):
    first = TranslationMemory(tmp_path / "a.sqlite3", clock=lambda: 1_700_000_000)
    first.store_many(CONTEXT, [("Un.", "One."), ("Deux & « trois ».", "Two & \"three\"."), ("Boucle.", "loop loop")])
    first.record_given(CONTEXT, [("Boucle.", "Loop.")])
    first.import_entries([Entry("Le chien.", "The dog.", True, "", {}, 1_600_000_000)])
    exported = export_memory(_options(tmp_path, "a.sqlite3"), tmp_path / "out.tmx")

    imported = import_memory(_options(tmp_path, "b.sqlite3"), tmp_path / "out.tmx")

    assert (exported.units, imported.human, imported.machine) == (4, 1, 3)
    assert _contents(tmp_path / "b.sqlite3") == _contents(tmp_path / "a.sqlite3")
    assert TranslationMemory(tmp_path / "b.sqlite3").recall(CONTEXT, ["Un."])[0].translation == "One."


def test_the_export_gives_a_cat_tool_what_the_run_finally_gave(tmp_path):
    memory = TranslationMemory(tmp_path / "a.sqlite3")
    memory.store_many(CONTEXT, [("Boucle.", "loop loop loop")])
    memory.record_given(CONTEXT, [("Boucle.", "Loop.")])
    export_memory(_options(tmp_path, "a.sqlite3"), tmp_path / "out.tmx")

    from lxml import etree

    segs = [seg.text for seg in etree.parse(str(tmp_path / "out.tmx")).iter("seg")]
    assert segs == ["Boucle.", "Loop."]


def test_units_made_elsewhere_come_in_as_human_translations_and_win(tmp_path):
    (tmp_path / "cat.tmx").write_text(ELSEWHERE, encoding="utf-8")
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Le chat dort.", "The cat sleeps (machine).")])

    result = import_memory(_options(tmp_path), tmp_path / "cat.tmx")

    assert (result.human, result.machine) == (2, 0)
    cat, rain = TranslationMemory(tmp_path / "m.sqlite3").recall(CONTEXT, ["Le chat dort. ", "Il pleut."])
    assert (cat.translation, cat.human) == ("The cat is asleep.", True)
    assert rain.translation == "It is raining."


def test_inline_codes_are_dropped_and_dates_read(tmp_path):
    (tmp_path / "cat.tmx").write_text(ELSEWHERE, encoding="utf-8")

    first = next(read_tmx(tmp_path / "cat.tmx"))

    assert (first.source, first.translation) == ("Le chat dort.", "The cat is asleep.")
    assert first.used == 1704164645  # 2024-01-02 03:04:05 UTC


BOMB = """<?xml version="1.0"?>
<!DOCTYPE tmx [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<tmx version="1.4"><header/><body>
<tu><tuv xml:lang="fr"><seg>&d;</seg></tuv><tuv xml:lang="en"><seg>&d;</seg></tuv></tu>
</body></tmx>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<tmx version="1.4"><header/><body>
<tu><tuv xml:lang="fr"><seg>&secret;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>
</body></tmx>
"""


@pytest.mark.parametrize("document", [BOMB, EXTERNAL], ids=["entity-expansion", "external-entity"])
def test_a_document_declaring_entities_is_refused_and_nothing_imported(tmp_path, document):
    (tmp_path / "evil.tmx").write_text(document, encoding="utf-8")

    with pytest.raises(InputError, match="declares XML entities"):
        import_memory(_options(tmp_path), tmp_path / "evil.tmx")

    assert TranslationMemory(tmp_path / "m.sqlite3").report().entries == 0


@pytest.mark.parametrize(
    "document, message",
    [("<tmx version='1.4'><body><tu>", "not well-formed"), ("<xliff version='1.2'/>", "not a TMX file")],
)
def test_a_broken_or_foreign_file_is_one_clear_input_error(tmp_path, document, message):
    (tmp_path / "bad.tmx").write_text(document, encoding="utf-8")

    with pytest.raises(InputError, match=message):
        import_memory(_options(tmp_path), tmp_path / "bad.tmx")


def test_text_xml_cannot_carry_is_left_out_of_an_export_and_counted(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Bip\x07.", "Beep\x07."), ("Normal.", "Normal.")])

    result = export_memory(_options(tmp_path), tmp_path / "out.tmx")

    assert (result.units, result.skipped) == (1, 1)


def test_an_export_into_a_missing_folder_is_an_output_error(tmp_path):
    TranslationMemory(tmp_path / "m.sqlite3").store_many(CONTEXT, [("Un.", "One.")])

    with pytest.raises(OutputError, match="cannot write"):
        export_memory(_options(tmp_path), tmp_path / "missing" / "out.tmx")


def test_stats_report_entries_size_and_recent_hit_rate(tmp_path):
    from translate_sum.memory import MemoryStats

    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [("Un.", "One."), ("Deux.", "Two.")])
    memory.count(MemoryStats(hits=1, decoded=3))
    memory.close()

    report = memory_stats(_options(tmp_path))
    text = describe_stats(report)

    assert (report.entries, report.contexts, len(report.runs)) == (2, 1, 1)
    assert "entries: 2 (0 human)" in text and "25.0%" in text


def _on_disk(folder) -> int:
    return sum(path.stat().st_size for path in folder.glob("m.sqlite3*"))


def test_clear_empties_the_memory_and_gives_the_space_back(tmp_path):
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    memory.store_many(CONTEXT, [(f"Phrase {i}." + "x" * 500, "y" * 500) for i in range(2000)])
    before = _on_disk(tmp_path)

    result = clear_memory(_options(tmp_path))

    assert (result.removed, result.replaced) == (2000, False)
    assert memory_stats(_options(tmp_path)).entries == 0
    assert _on_disk(tmp_path) < before / 10
    assert "2,000 entries removed" in describe_clear(result)


def test_clear_replaces_a_file_that_is_not_a_memory(tmp_path):
    (tmp_path / "m.sqlite3").write_bytes(b"garbage " * 1000)

    result = clear_memory(_options(tmp_path))

    assert result.replaced
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 0


def test_stats_on_a_file_that_is_not_a_memory_say_how_to_start_afresh(tmp_path):
    (tmp_path / "m.sqlite3").write_bytes(b"garbage " * 1000)

    with pytest.raises(OutputError) as raised:
        memory_stats(_options(tmp_path))

    assert "memory clear" in str(raised.value) and raised.value.hint.option == "memory"
