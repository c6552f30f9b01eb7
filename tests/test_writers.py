"""Writers: the "Check these" list points at paragraphs a reader can find; outputs that
are devices, pipes or symbolic links are written into, never replaced."""

from __future__ import annotations

import os
import re
import stat
import threading
from pathlib import Path

import pytest
from helpers import FULL_DEVICE, NULL_DEVICE, make_device

from translate_sum.document import Flag, Paragraph, SourceInfo, Stats, TranslatedArticle
from translate_sum.errors import OutputError
from translate_sum.writers import check_writable, render_translation, write_atomic, write_stdout

MISSING = (Flag("number", "number 3,5 missing in translation", "warning"),)


def article_with_skipped_paragraphs() -> TranslatedArticle:
    paragraphs = (
        Paragraph(1, "Le budget", is_title=True, translation="The budget"),
        Paragraph(2, "Crédit photo : AFP", skipped=True, reason="photo credit"),
        Paragraph(3, "Lire aussi : la dette", skipped=True, reason="related link"),
        Paragraph(4, "Le maire a présenté 3,5 millions.", translation="The mayor presented millions.", flags=MISSING),
    )
    return TranslatedArticle(SourceInfo("a.txt"), paragraphs, {"translation": "m"}, Stats(4, 12, 1.0))


def test_check_these_says_its_numbers_count_hidden_skipped_paragraphs() -> None:
    markdown = render_translation(article_with_skipped_paragraphs(), "md")
    section = markdown.split("## Check these", 1)[1]
    assert "2 skipped paragraphs not shown included (¶2, ¶3)" in section
    assert "- ¶4: number (3,5 missing) — “The mayor presented millions.”" in section


def test_check_these_has_no_note_when_skipped_paragraphs_are_shown() -> None:
    markdown = render_translation(article_with_skipped_paragraphs(), "md", show_skipped=True)
    section = markdown.split("## Check these", 1)[1]
    assert "not shown" not in section
    # With the skipped ones shown, ¶4 is the fourth block of the text.
    blocks = markdown.split("## Check these", 1)[0].strip().split("\n\n")
    assert blocks[3] == "The mayor presented millions." and re.search(r"- ¶4: ", section)


# ---------------------------------------------------------------------------
# Outputs that are not plain files: devices, pipes, symbolic links
# ---------------------------------------------------------------------------


def test_writing_onto_a_null_device_writes_into_it_and_keeps_the_device(tmp_path: Path) -> None:
    node = make_device(tmp_path / "null", NULL_DEVICE)
    check_writable(node)
    write_atomic(node, "The translation.\n")
    assert stat.S_ISCHR(os.stat(node).st_mode)
    assert os.listdir(tmp_path) == ["null"]  # no temporary file left beside it


def test_writing_onto_a_full_device_is_an_output_error_and_keeps_the_device(tmp_path: Path) -> None:
    node = make_device(tmp_path / "full", FULL_DEVICE)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(node, "The translation.\n")
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_writing_onto_a_named_pipe_feeds_its_reader_and_keeps_the_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    check_writable(fifo)
    write_atomic(fifo, "The translation.\n")
    reader.join(timeout=10)
    assert received == [b"The translation.\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_writing_onto_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.md"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "out.md")  # relative, as `ln -s` makes them
    check_writable(link)
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "out.md")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(os.listdir(tmp_path)) == ["link.md", "real"] and os.listdir(tmp_path / "real") == ["out.md"]


def test_a_symlink_to_a_missing_file_creates_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "made.md")
    check_writable(link)
    write_atomic(link, "new\n")
    assert link.is_symlink() and (tmp_path / "made.md").read_text(encoding="utf-8") == "new\n"


def test_a_symlink_loop_is_refused_before_and_at_writing(tmp_path: Path) -> None:
    loop = tmp_path / "loop.md"
    loop.symlink_to(tmp_path / "loop.md")
    with pytest.raises(OutputError, match="symbolic links"):
        check_writable(loop)
    with pytest.raises(OutputError, match="symbolic links"):
        write_atomic(loop, "text\n")
    assert loop.is_symlink()


def test_a_symlink_into_a_missing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "absent" / "out.md")
    with pytest.raises(OutputError, match="does not exist"):
        check_writable(link)


def test_writing_to_standard_output_on_a_full_device_is_an_output_error(tmp_path: Path) -> None:
    node = make_device(tmp_path / "full", FULL_DEVICE)
    with open(node, "w", encoding="utf-8") as stream:
        with pytest.raises(OutputError, match="cannot write to standard output: No space left on device"):
            write_stdout("The translation.\n", stream)
        # Nothing is left in the buffer for the interpreter's last flush to fail on.
        stream.flush()
