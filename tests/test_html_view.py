"""The side-by-side HTML view: links, flags, skipped rows, escaping, self-contained pages."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from helpers import RecordingEngine
from translate_sum.cli import main
from translate_sum.document import Flag
from translate_sum.html_view import IndexEntry, brief_page, index_page, translation_page
from translate_sum.pipeline import Briefer, TranslateOptions, Translator

FIXTURES = Path(__file__).parent / "fixtures"

ARTICLE = """Le festival de jazz de Marciac attend 250 000 visiteurs

La 48e édition s'ouvre vendredi avec un concert gratuit sur la place centrale.

Les organisateurs ont prévu 60 concerts en deux semaines, dont 12 sous le grand chapiteau.

Le maire a salué « une fierté pour toute la région » lors de la présentation du programme."""


class _Collect(HTMLParser):
    """Ids, links and external references of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            value = values.get(name) or ""
            if tag != "a" and value and not value.startswith(("#", "data:")):
                self.external.append(value)


def _parse(page: str) -> _Collect:
    collector = _Collect()
    collector.feed(page)
    return collector


def _brief(text: str = ARTICLE):  # type: ignore[no-untyped-def]
    translator = Translator(RecordingEngine())
    return Briefer(translator).brief(translator.translate_text(text))


def test_every_key_point_links_to_a_paragraph_row_of_the_page() -> None:
    brief = _brief()
    page = _parse(brief_page(brief))
    cited = {f"p-{i}" for point in brief.key_points for i in point.paragraphs}
    assert cited, "the brief has key points"
    assert cited <= page.ids
    assert {f"#{anchor}" for anchor in cited} <= set(page.hrefs)


def test_page_has_one_row_per_paragraph_with_french_and_english() -> None:
    brief = _brief()
    page = brief_page(brief)
    for paragraph in brief.translation.paragraphs:
        row = re.search(rf'<tr id="p-{paragraph.index}"[^>]*>(.*?)</tr>', page, re.S)
        assert row is not None
        assert 'lang="fr"' in row.group(1) and 'lang="en"' in row.group(1)


def test_page_is_self_contained_with_no_script_and_nothing_fetched() -> None:
    page = brief_page(_brief())
    collected = _parse(page)
    assert collected.external == []
    assert collected.scripts == 0
    assert "<style>" in page


def test_flagged_paragraph_is_highlighted_and_says_its_flag_in_words() -> None:
    translated = Translator(RecordingEngine(), TranslateOptions(audit=False)).translate_text(ARTICLE)
    flag = Flag("number", "number 60 missing in translation", "error")
    paragraphs = tuple(
        dataclasses.replace(p, flags=(flag,)) if p.index == 3 else p for p in translated.paragraphs
    )
    page = translation_page(dataclasses.replace(translated, paragraphs=paragraphs))
    row = re.search(r'<tr id="p-3" class="([^"]*)"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None and "flagged" in row.group(1).split()
    assert "Number" in row.group(2) and "number 60 missing in translation" in row.group(2)
    assert 'href="#p-3"' in page.split("<table", 1)[0], "the check list links to the flagged row"


def test_skipped_paragraph_is_greyed_with_its_reason_and_no_translation() -> None:
    text = (FIXTURES / "pasted" / "agence.txt").read_text(encoding="utf-8")
    translated = Translator(RecordingEngine()).translate_text(text)
    skipped = [p for p in translated.paragraphs if p.skipped]
    assert skipped
    page = translation_page(translated)
    for paragraph in skipped:
        row = re.search(rf'<tr id="p-{paragraph.index}" class="([^"]*)"[^>]*>(.*?)</tr>', page, re.S)
        assert row is not None and "skipped" in row.group(1).split()
        assert paragraph.reason.replace("'", "&#x27;") in row.group(2)
        assert "EN(" not in row.group(2)


def test_article_text_cannot_inject_markup() -> None:
    translated = Translator(RecordingEngine()).translate_text(
        "Un titre <script>alert(1)</script>\n\nLe texte <img src=x onerror=alert(2)> continue ici."
    )
    page = translation_page(translated)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


def test_index_links_every_article_and_lists_failures_last() -> None:
    page = index_page(
        [
            IndexEntry("a.txt", "a.brief.html", "First title", "A summary.", flagged=2),
            IndexEntry("broken.txt", error="empty, or only whitespace"),
            IndexEntry("b.txt", "sub/b.brief.html", "Second title"),
        ]
    )
    collected = _parse(page)
    assert collected.hrefs == ["a.brief.html", "sub/b.brief.html"]
    assert page.index("Second title") < page.index("broken.txt") < page.index("empty, or only whitespace")
    assert "2 to check" in page


def test_cli_brief_writes_an_html_page_chosen_by_extension(tmp_path: Path, tiny_marian_dir: Path) -> None:
    source = tmp_path / "festival.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "festival.html"
    result = CliRunner().invoke(
        main,
        ["brief", str(source), "--translation-model", str(tiny_marian_dir), "--engine", "transformers",
         "--summarizer", "extractive", "-q", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<tr id="p-') == 4
    assert _parse(page).external == []


def test_cli_translate_format_html_goes_to_stdout(tmp_path: Path, tiny_marian_dir: Path) -> None:
    source = tmp_path / "festival.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["translate", str(source), "--translation-model", str(tiny_marian_dir), "--engine", "transformers", "--format", "html", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count('<tr id="p-') == 4
    assert "Le festival de jazz de Marciac" in result.stdout


def test_batch_html_writes_a_page_per_article_and_an_index_linking_them(tmp_path: Path) -> None:
    from translate_sum.batch import BatchOptions, run_batch

    source, output = tmp_path / "in", tmp_path / "out"
    (source / "sub").mkdir(parents=True)
    (source / "festival.txt").write_text(ARTICLE, encoding="utf-8")
    (source / "sub" / "agence.txt").write_text((FIXTURES / "pasted" / "agence.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (source / "empty.txt").write_text("", encoding="utf-8")
    translator = Translator(RecordingEngine())
    run_batch(source, output, BatchOptions(fmt="html"), translator, Briefer(translator))
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    assert pages == ["festival.brief.html", "festival.en.html", "index.html", "sub/agence.brief.html", "sub/agence.en.html"]
    index = (output / "index.html").read_text(encoding="utf-8")
    assert set(_parse(index).hrefs) == {"festival.brief.html", "sub/agence.brief.html"}
    assert "empty.txt" in index.split("Failed", 1)[1]
    assert '<tr id="p-1"' in (output / "festival.en.html").read_text(encoding="utf-8")


def test_batch_index_html_names_a_failed_file_once_and_notes_english_passed_through(tmp_path: Path) -> None:
    from translate_sum.batch import ENGLISH_NOTE, BatchOptions, run_batch

    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "festival.txt").write_text(ARTICLE, encoding="utf-8")
    (source / "english.txt").write_text(
        "The council approved the budget\n\nThe mayor said the new tram line would open next spring.\n", encoding="utf-8"
    )
    (source / "empty.txt").write_text("", encoding="utf-8")
    translator = Translator(RecordingEngine())
    run_batch(source, output, BatchOptions(fmt="html"), translator, Briefer(translator))
    index = (output / "index.html").read_text(encoding="utf-8")
    done, failed = index.split("<h2>Failed</h2>", 1)
    assert failed.count("empty.txt") == 1 and "empty, or only whitespace" in failed
    english = done.split("english.txt", 1)[1].split("</li>", 1)[0]  # the English article's entry
    assert ENGLISH_NOTE in english and ENGLISH_NOTE not in done.split("festival.txt", 1)[1].split("</li>", 1)[0]
