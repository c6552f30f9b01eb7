"""Hostile inputs through the CLI: each works, or gets one line, a non-zero exit and no output file."""

from __future__ import annotations

import codecs
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from helpers import FULL_DEVICE, NULL_DEVICE, make_device

from translate_sum.cli import main

FRENCH = "Le tramway de Villebrune circulera dès lundi.\n\nLes travaux ont duré trois ans et coûté 120 millions d'euros.\n"


def translate(path: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["translate", str(path), "-o", str(out), "--engine", "transformers", *extra])


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n\n  \n", "empty"),
        ("image.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4, "binary"),
        ("odd-utf16.txt", codecs.BOM_UTF16_LE + "Bonjour".encode("utf-16-le") + b"\x00", "not valid utf-16"),
        ("german.txt", "Der Stadtrat hat am Dienstag den neuen Haushalt für das kommende Jahr beschlossen.".encode(), "German"),
    ],
    ids=["empty", "whitespace", "binary", "undecodable", "other-language"],
)
def test_bad_file_gets_one_line_exit_1_and_no_output(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out.json"
    result = translate(source, out)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], result.output
    assert not out.exists()
    assert source.read_bytes() == data


def test_directory_gets_one_line(tmp_path: Path) -> None:
    result = translate(tmp_path, tmp_path / "out.txt")
    assert result.exit_code == 1 and "is a directory" in result.output


def test_file_over_max_bytes_names_the_limit(tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    source.write_text(FRENCH * 50, encoding="utf-8")
    result = translate(source, tmp_path / "out.txt", "--max-bytes", "1000")
    assert result.exit_code == 1 and "1,000-byte limit" in result.output


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"], ids=["bom", "no-bom"])
def test_utf16_file_translates(tmp_path: Path, tiny_marian_dir: Path, encoding: str) -> None:
    source = tmp_path / "article.txt"
    source.write_bytes(FRENCH.encode(encoding))
    out = tmp_path / "out.json"
    result = translate(source, out, "--translation-model", str(tiny_marian_dir))
    assert result.exit_code == 0, result.output
    assert '"encoding": "utf-16' in out.read_text(encoding="utf-8")


def test_very_long_words_are_cut_not_lost(tmp_path: Path, tiny_marian_short_dir: Path) -> None:
    url = "https://exemple.fr/" + "a1b2c3d4" * 60
    blob = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=" * 30
    source = tmp_path / "article.txt"
    source.write_text(f"Voir {url} pour le détail.\n\nPièce jointe : {blob}\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = translate(source, out, "--translation-model", str(tiny_marian_short_dir))
    assert result.exit_code == 0, result.output
    import json

    for paragraph in json.loads(out.read_text(encoding="utf-8"))["paragraphs"]:
        assert "".join(s["source"] for s in paragraph["segments"]) == paragraph["source"]


def test_ten_thousand_lines_without_blank_lines_are_read_quickly(tmp_path: Path) -> None:
    from translate_sum.reader import read_article

    line = "Le conseil municipal a voté la rénovation de l'école primaire du quartier nord."
    source = tmp_path / "long.txt"
    source.write_text("\n".join(f"{line} ({i})" for i in range(10_000)), encoding="utf-8")
    article = read_article(source)
    assert sum(len(p.source.split()) for p in article.paragraphs) == 10_000 * (len(line.split()) + 1)


def test_short_article_made_mostly_of_a_url_is_translated(tmp_path: Path, tiny_marian_short_dir: Path) -> None:
    source = tmp_path / "link.txt"
    source.write_text("Lien : https://exemple.fr/" + "a1b2c3d4e5" * 40 + "\n", encoding="utf-8")
    result = translate(source, tmp_path / "out.json", "--translation-model", str(tiny_marian_short_dir))
    assert result.exit_code == 0, result.output


def test_damaged_model_is_one_line_not_a_traceback(tmp_path: Path, tiny_marian_dir: Path) -> None:
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_marian_dir, damaged)
    (damaged / "model.safetensors").write_bytes(b"\x00" * 100)
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    for engine in ("transformers", "auto"):
        result = CliRunner().invoke(main, ["translate", str(source), "--translation-model", str(damaged), "--engine", engine])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and result.output.strip().splitlines()[-1].startswith("Error: ")


def test_unknown_output_extension_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    result = translate(source, tmp_path / "out.pdf")
    assert result.exit_code == 1 and "--format" in result.output


# --- Outputs that cannot be written: refused before any model work ---


def test_output_in_a_missing_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    # No model option: a model load would fail differently, so this proves the check comes first.
    result = translate(source, tmp_path / "absent" / "out.md", "--translation-model", str(tmp_path / "no-model"))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0] and "-o/--output" in lines[0], result.output
    assert not (tmp_path / "absent").exists()


def test_output_under_a_file_says_the_file_is_not_a_folder(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    result = translate(source, source / "out.md")
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.output and "File exists" not in result.output
    assert source.read_text(encoding="utf-8") == FRENCH


def test_check_writable_refuses_a_folder_as_the_output_file(tmp_path: Path) -> None:
    from translate_sum.errors import OutputError
    from translate_sum.writers import check_writable

    with pytest.raises(OutputError, match="it is a folder"):
        check_writable(tmp_path)


def _succeeds(*command: str) -> bool:
    """True when `command` exists and exits 0 (its output is not shown)."""
    try:
        return subprocess.run(command, capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """An empty folder that no one, root included, may write into; writable again afterwards.

    Root ignores permission bits, so as root the folder is made immutable (`chattr +i`,
    from e2fsprogs, where the filesystem supports it) or else gets a small tmpfs mounted
    read-only on it, unmounted afterwards. Only this test's own temporary folder is touched.
    """
    folder = tmp_path / "ro"
    folder.mkdir()
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
    elif _succeeds("chattr", "+i", str(folder)):
        try:
            yield folder
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    elif _succeeds("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)):
        try:
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        pytest.skip("as root, a folder root cannot write needs chattr +i or a mount, and neither is permitted here")


def test_output_in_a_read_only_folder_is_refused_before_the_model_loads(tmp_path: Path, read_only_folder: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    result = translate(source, read_only_folder / "out.md", "--translation-model", str(tmp_path / "no-model"))
    assert result.exit_code == 1 and "not writable" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output, result.output
    assert list(read_only_folder.iterdir()) == []


def test_check_writable_refuses_a_folder_below_a_file(tmp_path: Path) -> None:
    from translate_sum.errors import OutputError
    from translate_sum.writers import check_writable

    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_writable(blocker / "batch-out", folder=True, option="output_dir")
    with pytest.raises(OutputError, match="it is a file"):
        check_writable(blocker, folder=True)


def test_check_writable_accepts_a_missing_folder_to_create(tmp_path: Path) -> None:
    from translate_sum.writers import check_writable

    check_writable(tmp_path / "new" / "deeper", folder=True)
    check_writable(tmp_path / "out.md")
    assert not (tmp_path / "new").exists()


def test_check_writable_refuses_a_folder_the_system_says_is_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too, where permission bits are bypassed: the system's answer decides.
    from translate_sum.errors import OutputError
    from translate_sum.writers import check_writable

    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(OutputError, match="not writable"):
        check_writable(tmp_path / "out.md")
    with pytest.raises(OutputError, match="not writable"):
        check_writable(tmp_path / "new-batch-folder", folder=True, option="output_dir")


def test_batch_output_folder_below_a_file_is_one_line_before_any_work(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(FRENCH, encoding="utf-8")
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(blocker / "out"), "--translation-model", str(tmp_path / "no-model")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "is a file, not a folder" in lines[0] and "--output-dir" in lines[0], result.output


def test_batch_with_a_mistyped_model_directory_is_one_line_and_makes_no_output_folder(
    tmp_path: Path, tiny_marian_dir: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(FRENCH, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["batch", str(folder), "-o", str(out), "--translation-model", str(tiny_marian_dir), "--summary-model", str(tmp_path / "no-model")],
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "summary model directory" in lines[0] and "--summary-model" in lines[0], result.output
    assert not out.exists()


# --- Outputs that are devices, pipes or links: written into, never replaced ---


def test_output_onto_a_null_device_discards_and_keeps_the_device(tmp_path: Path, tiny_marian_dir: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    node = make_device(tmp_path / "null", NULL_DEVICE)
    result = translate(source, node, "--translation-model", str(tiny_marian_dir), "-q")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_output_onto_a_full_device_is_one_line_and_exit_1(tmp_path: Path, tiny_marian_dir: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(FRENCH, encoding="utf-8")
    node = make_device(tmp_path / "full", FULL_DEVICE)
    result = translate(source, node, "--translation-model", str(tiny_marian_dir), "-q")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], result.output
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_standard_output_on_a_full_device_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    french = tmp_path / "fr.txt"
    french.write_text(FRENCH, encoding="utf-8")
    english = tmp_path / "en.txt"
    english.write_text("The Villebrune tram will run from Monday.\n\nThe works took three years and cost 120 million euros.\n", encoding="utf-8")
    node = make_device(tmp_path / "full", FULL_DEVICE)
    with open(node, "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "translate_sum", "audit", str(french), str(english)],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == ["Error: cannot write to standard output: No space left on device"], done.stderr
