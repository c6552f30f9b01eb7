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
from translate_sum.summary_line import summary_line
from translate_sum.writers import (
    check_writable,
    footer_parts,
    render_brief,
    render_translation,
    translation_to_dict,
    without_check_section,
    write_atomic,
    write_stdout,
)

MISSING = (Flag("number", "number 3,5 missing in translation", "warning"),)


def article_with_skipped_paragraphs() -> TranslatedArticle:
    paragraphs = (
        Paragraph(1, "Le budget", is_title=True, translation="The budget"),
        Paragraph(2, "Crédit photo : AFP", skipped=True, reason="photo credit"),
        Paragraph(3, "Lire aussi : la dette", skipped=True, reason="related link"),
        Paragraph(4, "Le maire a présenté 3,5 millions.", translation="The mayor presented millions.", flags=MISSING),
    )
    return TranslatedArticle(SourceInfo("a.txt"), paragraphs, {"translation": "m"}, Stats.of(paragraphs, 1.0))


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


# ---------------------------------------------------------------------------
# The default (txt) outputs list what to check; the summary line says so
# ---------------------------------------------------------------------------


def every_paragraph_flagged() -> TranslatedArticle:
    paragraphs = tuple(
        Paragraph(i, f"Le conseil a voté {i},5 millions.", translation="The council voted millions.", flags=MISSING)
        for i in range(1, 4)
    )
    return TranslatedArticle(SourceInfo("a.txt"), paragraphs, {"translation": "m"}, Stats.of(paragraphs, 1.0))


def test_plain_text_translation_ends_with_the_check_these_list() -> None:
    text = render_translation(every_paragraph_flagged(), "txt")
    section = text.split("\n\nCheck these:\n\n", 1)[1]
    assert [line.split(":")[0] for line in section.strip().splitlines()] == ["- ¶1", "- ¶2", "- ¶3"]
    assert "#" not in text and "_" not in text  # plain text, no Markdown marks


def test_plain_text_brief_lists_what_to_check() -> None:
    from translate_sum.document import Brief

    translated = every_paragraph_flagged()
    brief = Brief("Title", "The council voted.", (), translated, {"translation": "m", "summary": "s"}, translated.stats)
    text = render_brief(brief, "txt")
    assert "\n\nCheck these:\n\n- ¶1: " in text


def test_reading_our_plain_text_back_leaves_the_check_list_out() -> None:
    from translate_sum.reader import parse_article

    text = render_translation(every_paragraph_flagged(), "txt")
    paragraphs = without_check_section([p.source for p in parse_article(text).paragraphs])
    assert paragraphs == ["The council voted millions."] * 3


def test_summary_line_says_how_many_paragraphs_are_flagged_and_where_to_look() -> None:
    line = summary_line("translate", every_paragraph_flagged(), 1.0)
    assert line == 'Translated 3 paragraphs (18 French words) in 1.0 s; 3 paragraphs flagged, see "Check these".'  # 3 x 6 words


def test_summary_line_suggests_show_skipped_only_when_it_was_not_given() -> None:
    translated = article_with_skipped_paragraphs()
    assert "show_skipped lists them" in summary_line("translate", translated, 1.0)
    given = summary_line("translate", translated, 1.0, show_skipped=True)
    assert "2 skipped (page furniture or duplicates, listed in the output)" in given and "show_skipped" not in given


def test_one_count_for_summary_line_footer_and_json() -> None:
    translated = article_with_skipped_paragraphs()
    kept = [p for p in translated.paragraphs if not p.skipped]
    words = sum(len(p.source.split()) for p in kept)
    stats = translation_to_dict(translated)["stats"]
    assert (stats["paragraphs"], stats["source_words"], stats["skipped"]) == (len(kept), words, 2)
    assert f"Translated 2 paragraphs ({words} French words)" in summary_line("translate", translated, 1.0)
    assert f"{words} French words" in footer_parts(translated, {}, 1.0)
