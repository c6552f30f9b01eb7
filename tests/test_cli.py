"""The command line: outputs, formats, stdin, and one-line errors with non-zero exits."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from prerequisites import missing, require_module
from translate_sum.cli import main

ARTICLE = """Le festival de jazz de Marciac attend 250 000 visiteurs

La 48e édition s'ouvre vendredi avec un concert gratuit sur la place centrale.

Les organisateurs ont prévu 60 concerts en deux semaines, dont 12 sous le grand chapiteau.
"""


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "festival.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def test_translate_writes_json_chosen_by_extension(article: Path, tmp_path: Path, tiny_marian_dir: Path) -> None:
    out = tmp_path / "out.json"
    result = run("translate", str(article), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [p["index"] for p in data["paragraphs"]] == [1, 2, 3]
    assert data["source"]["path"] == str(article)


def test_translate_reads_standard_input(tiny_marian_dir: Path) -> None:
    result = run("translate", "-", "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "--format", "json", "-q", input=ARTICLE)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"]["path"] == "-"
    assert len(data["paragraphs"]) == 3


def test_bilingual_markdown_shows_every_french_paragraph(article: Path, tiny_marian_dir: Path) -> None:
    result = run("translate", str(article), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "--format", "md", "--bilingual", "-q")
    assert result.exit_code == 0, result.output
    for paragraph in ARTICLE.strip().split("\n\n"):
        assert paragraph in result.stdout


def test_brief_extractive_markdown_has_title_summary_and_cited_points(article: Path, tiny_marian_dir: Path) -> None:
    result = run("brief", str(article), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "--summarizer", "extractive", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# ")
    assert "## Key points" in result.stdout
    assert "[¶" in result.stdout


def test_missing_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = run("translate", str(tmp_path / "absent.txt"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {tmp_path / 'absent.txt'}: no such file; check the path"]


def test_uncached_model_offline_is_one_line_and_exit_1(article: Path) -> None:
    result = run("translate", str(article), "--translation-model", "nobody/absent-model")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "translate-sum models download nobody/absent-model" in lines[0]
    assert "Traceback" not in result.output


def test_missing_model_directory_is_one_line_and_exit_1(article: Path, tmp_path: Path) -> None:
    result = run("translate", str(article), "--translation-model", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert "does not exist" in result.output and len(result.output.strip().splitlines()) == 1


def test_library_hints_are_spelled_as_flags(article: Path, tmp_path: Path) -> None:
    missing = run("translate", str(article), "--translation-model", str(tmp_path / "nope"))
    assert "check --translation-model or give a Hub id" in missing.output
    english = tmp_path / "english.txt"
    english.write_text("The city council voted the budget on Tuesday evening after a long debate.\n", encoding="utf-8")
    strict = run("translate", str(english), "--strict")
    assert strict.exit_code == 1 and "drop --strict to pass it through untranslated" in strict.output
    too_big = run("audit", str(article), str(english), "--max-bytes", "10")
    assert too_big.exit_code == 2 and "raise --max-bytes" in too_big.output


def test_flag_defaults_are_the_library_defaults() -> None:
    from translate_sum import options
    from translate_sum.cli import translate

    defaults = {p.name: p.default for p in translate.params}
    assert defaults["max_bytes"] == options.DEFAULT_MAX_BYTES
    assert defaults["max_segment_tokens"] == options.DEFAULT_SEGMENT_TOKENS
    assert (defaults["engine"], defaults["device"]) == (options.DEFAULT_ENGINE, options.DEFAULT_DEVICE)
    # The settings keep the library's field names, so nothing is renamed on the way down.
    names = {f.name for f in dataclasses.fields(options.TranslateOptions)} - {"decode"}
    assert names <= set(defaults)


def test_output_onto_the_input_is_refused_and_input_kept(article: Path) -> None:
    result = run("translate", str(article), "-o", str(article))
    assert result.exit_code == 2
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_models_lists_the_registry_with_local_status() -> None:
    result = run("models")
    assert result.exit_code == 0
    assert "Helsinki-NLP/opus-mt-fr-en" in result.output
    assert "not downloaded" in result.output


def test_help_does_not_import_torch_or_transformers() -> None:
    code = (
        "import sys\n"
        "from translate_sum.cli import main\n"
        "for args in (['--help'], ['translate', '--help'], ['brief', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "translate_sum", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "translate-sum" in done.stdout


FRENCH_PAIR = "Le budget atteint 3,5 millions d'euros.\n\nLa mairie de Lyon a voté le texte mardi.\n"
ENGLISH_PAIR = "The budget reaches 3.5 million euros.\n\nLyon city hall passed the text on Tuesday.\n"


def write_pair(tmp_path: Path, english: str) -> tuple[Path, Path]:
    source, translation = tmp_path / "fr.txt", tmp_path / "en.txt"
    source.write_text(FRENCH_PAIR, encoding="utf-8")
    translation.write_text(english, encoding="utf-8")
    return source, translation


def test_audit_of_a_faithful_translation_exits_0(tmp_path: Path) -> None:
    result = run("audit", *map(str, write_pair(tmp_path, ENGLISH_PAIR)))
    assert result.exit_code == 0, result.output


def test_audit_of_a_changed_number_exits_1_and_reports_it_in_json(tmp_path: Path) -> None:
    result = run("audit", *map(str, write_pair(tmp_path, ENGLISH_PAIR.replace("3.5", "5.3"))), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["paragraphs"][0]["flags"][0]["kind"] == "number"
    assert set(data) == {"paragraphs", "totals"}


def test_audit_of_a_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run("audit", str(tmp_path / "absent.txt"), str(tmp_path / "absent.txt"))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_translate_help_lists_expert_options_such_as_engine_after_the_everyday_ones() -> None:
    result = run("translate", "--help")
    everyday, expert = result.output.split("\nExpert options:\n", 1)
    assert "--engine" in expert and "--device" in expert and "--segment-tokens" in expert
    assert "--engine" not in everyday
    assert "--output" in everyday.split("\nOptions:\n", 1)[1] and "--show-skipped" in everyday


@pytest.mark.parametrize("command", ["translate", "brief", "batch", "audit", "serve"])
def test_help_never_says_furniture_without_saying_what_it_is(command: str) -> None:
    # The trade's word "page furniture" means nothing to most readers: the help
    # either avoids it or names examples right after it.
    text = " ".join(run(command, "--help").output.split())
    for found in re.finditer(r"furniture", text, re.I):
        assert "credits" in text[found.end() : found.end() + 40], text[found.start() - 40 : found.end() + 40]


def test_batch_help_states_the_exit_statuses() -> None:
    result = run("batch", "--help")
    assert "1 any article failed" in result.output


def test_batch_translates_a_folder_and_reports_failures(tmp_path: Path, tiny_marian_dir: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "festival.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = run("batch", str(folder), "-o", str(out), "--translation-model", str(tiny_marian_dir),
                 "--engine", "transformers", "--summarizer", "extractive", "-q")
    assert result.exit_code == 1, result.output
    assert (out / "sub" / "festival.en.md").is_file() and (out / "sub" / "festival.brief.md").is_file()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {a["input"]: a["status"] for a in report["articles"]} == {"empty.txt": "failed", "sub/festival.txt": "done"}


def test_batch_names_each_failed_file_and_its_reason_on_stderr_even_when_quiet(tmp_path: Path, tiny_marian_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "festival.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    result = run("batch", str(folder), "-o", str(tmp_path / "out"), "--translation-model", str(tiny_marian_dir),
                 "--engine", "transformers", "--summarizer", "extractive", "-q")
    assert result.exit_code == 1, result.output
    failures = result.stderr.split("Failed (1):\n", 1)[1].splitlines()
    assert failures[0].strip().startswith("empty.txt: empty")  # the name once, then the reason
    assert "festival.txt" not in result.stderr


def test_batch_says_when_ray_took_the_input_folder_as_its_address(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    result = run("batch", "--ray", str(folder), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"--ray took '{folder}' as its address; write --ray=ADDRESS or put --ray last" in result.output
    assert not (tmp_path / "out").exists()


class FakeTerminal(io.StringIO):
    """stderr as a terminal: the progress bar draws itself into this buffer."""

    def isatty(self) -> bool:
        return True


def test_a_warning_logged_under_the_progress_bar_gets_a_clean_line_and_the_bar_is_redrawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from translate_sum.cli.progress import ProgressDisplay

    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    handler = logging.StreamHandler(terminal)  # what the CLI's logging.basicConfig installs
    logging.getLogger().addHandler(handler)
    try:
        with ProgressDisplay("Articles", quiet=False) as update:
            assert update is not None
            update(0, 3, "a.txt")
            logging.getLogger("translate_sum.batch.test").warning("b.txt: cannot read the file")
            after_warning = terminal.getvalue()
            update(1, 3, "b.txt")
        assert logging.getLogger().handlers[-1] is handler  # put back when the bar ends
    finally:
        logging.getLogger().removeHandler(handler)
    before, after = after_warning.split("b.txt: cannot read the file\n")
    bar_line = before.rstrip("\r").rsplit("\r", 1)[-1]
    assert before.endswith("\r") and bar_line.strip() == ""  # the bar's line blanked first
    assert "Articles" in after  # and drawn again below the warning


def test_models_convert_caches_a_conversion_once(tiny_marian_dir: Path) -> None:
    first = run("models", "convert", str(tiny_marian_dir))
    second = run("models", "convert", str(tiny_marian_dir))
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    converted = Path(first.stdout.split(": ", 1)[1].strip())
    assert (converted / "model.bin").is_file()


def test_corpus_briefs_have_title_summary_and_three_to_five_cited_points(
    corpus_dir: Path, tiny_marian_echo_dir: Path
) -> None:
    # The echo model copies its input, so the "translation" has real sentences to pick.
    import re

    articles = sorted((corpus_dir / "articles" / "fr").glob("*.txt"))
    if not articles:
        missing(f"no articles under {corpus_dir / 'articles' / 'fr'}")
    for article in articles:
        result = run("brief", str(article), "--translation-model", str(tiny_marian_echo_dir),
                     "--summarizer", "extractive", "--format", "json", "--no-audit", "-q")
        assert result.exit_code == 0, result.output
        brief = json.loads(result.stdout)
        indexes = {p["index"] for p in brief["paragraphs"]}
        assert brief["title"] and brief["summary"], article.name
        assert 3 <= len(brief["key_points"]) <= 5, article.name
        for point in brief["key_points"]:
            assert set(point["paragraphs"]) <= indexes - {1}
            assert point["text"] in " ".join(p["translation"] for p in brief["paragraphs"])
        markdown = run("brief", str(article), "--translation-model", str(tiny_marian_echo_dir),
                       "--summarizer", "extractive", "--no-audit", "-q").stdout
        bullets = [line for line in markdown.splitlines() if line.startswith("- ")]
        assert bullets and all(re.search(r"\[¶\d+(, ¶\d+)*\]$", b) for b in bullets)


def test_audit_reads_our_own_markdown_without_its_check_section(tmp_path: Path) -> None:
    source, translation = write_pair(tmp_path, ENGLISH_PAIR.replace("3.5", "5.3"))
    ours = tmp_path / "ours.md"
    ours.write_text(translation.read_text(encoding="utf-8") + "\n## Check these\n\n- ¶1: number (3,5 missing)\n", encoding="utf-8")
    result = run("audit", str(source), str(ours), "--format", "json")
    data = json.loads(result.stdout)
    assert len(data["paragraphs"]) == 2
    assert not any(f["kind"] == "paragraphs" for p in data["paragraphs"] for f in p["flags"])


def test_quiet_hides_the_conversion_notice_but_not_without_quiet(
    article: Path, tmp_path: Path, tiny_marian_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    require_module("ctranslate2")
    for quiet, cache in ((True, "ct2-quiet"), (False, "ct2-loud")):
        monkeypatch.setenv("TRANSLATE_SUM_CT2_CACHE", str(tmp_path / cache))
        caplog.clear()
        extra = ["-q"] if quiet else []
        result = run("translate", str(article), "--translation-model", str(tiny_marian_dir), "--engine", "ctranslate2", *extra)
        assert result.exit_code == 0, result.output
        assert ("Converting" in caplog.text) is not quiet, caplog.text


FURNITURE_ARTICLE = ARTICLE + "\nCrédit photo : AFP\n\nLire aussi : Le festival de Vienne\n"
ENGLISH_ARTICLE = (
    "The Marciac jazz festival expects 250,000 visitors\n\n"
    "The 48th edition opens on Friday with a free concert on the central square.\n\n"
    "The organisers have planned 60 concerts over two weeks, twelve of them under the big top.\n"
)


def test_summary_line_counts_only_translated_paragraphs_and_says_how_many_were_skipped(
    tmp_path: Path, tiny_marian_dir: Path
) -> None:
    source = tmp_path / "furniture.txt"
    source.write_text(FURNITURE_ARTICLE, encoding="utf-8")
    result = run("translate", str(source), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 0, result.output
    line = result.stderr.strip().splitlines()[-1]
    words = sum(len(p.split()) for p in ARTICLE.strip().split("\n\n"))
    assert line.startswith(f"Translated 3 paragraphs ({words} French words) in "), line
    assert "; 2 skipped" in line


def test_summary_line_names_show_skipped_as_a_flag_and_only_when_it_was_not_given(
    tmp_path: Path, tiny_marian_dir: Path
) -> None:
    source = tmp_path / "furniture.txt"
    source.write_text(FURNITURE_ARTICLE, encoding="utf-8")
    lines = []
    for extra in ([], ["--show-skipped"]):
        result = run("translate", str(source), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "-o", str(tmp_path / "out.txt"), *extra)
        assert result.exit_code == 0, result.output
        lines.append(result.stderr.strip().splitlines()[-1])
    assert "2 skipped (page furniture or duplicates, --show-skipped lists them)" in lines[0]
    assert "2 skipped (page furniture or duplicates, listed in the output)" in lines[1] and "--show-skipped" not in lines[1]


def test_summary_line_says_english_was_passed_through_not_french_words(tmp_path: Path, tiny_marian_dir: Path) -> None:
    source = tmp_path / "english.txt"
    source.write_text(ENGLISH_ARTICLE, encoding="utf-8")
    result = run("translate", str(source), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 0, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert "passed through untranslated" in line and "French" not in line, line


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Downloads allowed, but the Hub cannot be reached (as on a machine without DNS)."""
    import socket

    import huggingface_hub
    from huggingface_hub.errors import LocalEntryNotFoundError

    def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        # How huggingface_hub reports a machine without DNS: three layers deep.
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise LocalEntryNotFoundError("An error happened while trying to locate the files on the Hub...") from exc

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", unreachable)


def test_models_download_without_network_says_why_in_words_and_not_to_run_itself(no_network: None) -> None:
    result = run("models", "download", "Helsinki-NLP/opus-mt-fr-de")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Name or service not known" in lines[0] and "check the network" in lines[0]
    assert "Error" not in lines[0].removeprefix("Error: ") and "models download" not in lines[0]


def test_brief_without_network_says_what_to_run_and_which_options_need_no_download(article: Path, no_network: None) -> None:
    result = run("brief", str(article), "--translation-model", "nobody/absent-translator", "--summary-model", "nobody/absent-summarizer")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Name or service not known" in lines[0]
    assert "translate-sum models download nobody/absent-translator nobody/absent-summarizer" in lines[0]
    assert "--translation-model DIR" in lines[0] and "--summarizer extractive" in lines[0]


def test_brief_offline_names_both_missing_models_in_one_line(article: Path) -> None:
    result = run("brief", str(article), "--translation-model", "nobody/absent-translator", "--summary-model", "nobody/absent-summarizer")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].index("translation model 'nobody/absent-translator'") < lines[0].index("summary model 'nobody/absent-summarizer'")
    assert "translate-sum models download nobody/absent-translator nobody/absent-summarizer" in lines[0]
    assert "--translation-model DIR" in lines[0] and "--summarizer extractive needs no summary model" in lines[0]


def test_translate_offline_names_the_option_for_a_local_copy_and_not_the_summarizer(article: Path) -> None:
    result = run("translate", str(article), "--translation-model", "nobody/absent-model")
    assert "--translation-model DIR" in result.output and "--summarizer" not in result.output


def test_a_summary_model_given_as_the_translation_model_is_refused(article: Path, tiny_bart_dir: Path) -> None:
    result = run("translate", str(article), "--translation-model", str(tiny_bart_dir), "--engine", "transformers")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "is a summary model (bart" in lines[0] and "--translation-model" in lines[0], result.output


def test_a_translation_model_given_as_the_summary_model_is_refused(article: Path, tiny_marian_dir: Path) -> None:
    result = run("brief", str(article), "--translation-model", str(tiny_marian_dir), "--summary-model", str(tiny_marian_dir), "--engine", "transformers")
    assert result.exit_code == 1 and "is a translation model (marian" in result.output and "--summary-model" in result.output, result.output


def test_models_lists_the_environment_overrides_in_use(tiny_marian_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSLATE_SUM_TRANSLATION_MODEL", str(tiny_marian_dir))
    monkeypatch.setenv("TRANSLATE_SUM_SUMMARY_MODEL", "nobody/absent-summarizer")
    result = run("models")
    assert result.exit_code == 0, result.output
    assert f"In use for translation: {tiny_marian_dir} (present), set by TRANSLATE_SUM_TRANSLATION_MODEL" in result.output
    assert "In use for summary: nobody/absent-summarizer (not on this machine)" in result.output


def test_audit_of_translates_txt_output_with_or_without_skipped_notes_flags_no_furniture(tmp_path: Path) -> None:
    from test_audit import WIRE, WIRE_ENGLISH

    source = tmp_path / "wire.txt"
    source.write_text(WIRE, encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("\n\n".join(WIRE_ENGLISH) + "\n", encoding="utf-8")
    # --show-skipped output: each skipped paragraph in place, as a note with its French.
    shown = tmp_path / "shown.txt"
    french = WIRE.strip().split("\n\n")
    notes = {1: "agency byline or code", 2: "publication or update timestamp", 4: "photo caption with credit", 6: "hashtag line"}
    english = iter(WIRE_ENGLISH)
    shown.write_text(
        "\n\n".join(f"[skipped: {notes[i]}] {p}" if i in notes else next(english) for i, p in enumerate(french)) + "\n",
        encoding="utf-8",
    )
    for translation in (plain, shown):
        result = run("audit", str(source), str(translation))
        assert result.exit_code == 0, result.output
        assert "Nothing to check" in result.stdout
