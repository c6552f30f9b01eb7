"""The web page in a real browser: Debian's chromium driven by Playwright, offline.

Skips where chromium or Playwright is missing, and fails there under CI=true
(`.ci/run` installs chromium; Playwright drives it directly, no chromium-driver). Set
SCREENSHOT_DIR=DIR to keep the screenshots (desktop and phone width).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from prerequisites import require_chromium, require_module
from serving import running_server
from translate_sum.pipeline import Briefer, load_translator
from translate_sum.server.app import AppSettings
from translate_sum.server.service import Service

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = require_chromium()
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def echo_translator(tiny_marian_echo_dir: Path) -> Any:
    return load_translator(str(tiny_marian_echo_dir), engine="transformers", device="cpu")


@pytest.fixture(scope="module")
def server_url(echo_translator: Any) -> Iterator[str]:
    with running_server(Service(echo_translator, Briefer(echo_translator))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield launched
        launched.close()


def _screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _brief_in_page(page: Any, url: str, text: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "/")
    page.get_by_label("Paste a French article").fill(text)
    page.get_by_label("Paste a French article").press("Control+Enter")  # the keyboard alone is enough
    page.wait_for_selector("#result table.side-by-side", timeout=120_000)
    outside = [r for r in requests if not r.startswith((url, "data:", "blob:"))]
    assert outside == [], f"the page fetched from elsewhere: {outside}"


def test_pasted_article_gets_brief_and_side_by_side_view(browser: Any, server_url: str, tmp_path: Path) -> None:
    text = (FIXTURES / "pasted" / "agence.txt").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _brief_in_page(page, server_url, text)

    rows = page.locator("#result tr.para")
    assert rows.count() == len([block for block in text.split("\n") if block.strip()])
    assert page.locator("#result .summary").inner_text().strip()
    assert page.locator("#result tr.para.skipped .reason").count() > 0, "furniture is greyed with its reason"
    assert "Not translated:" in page.locator("#result tr.para.skipped .reason").first.inner_text()

    links = page.locator("#result .key-points a")
    assert links.count() > 0
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert page.locator(f"#result tr{target}").count() == 1, f"{target} has no paragraph row"
    links.first.click()
    assert page.evaluate("document.activeElement.id") == links.first.get_attribute("href").lstrip("#")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download JSON").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["summary"] and len(data["paragraphs"]) == rows.count()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download Markdown").click()
    assert Path(download_info.value.path()).read_text(encoding="utf-8").startswith("# ")

    page.screenshot(path=str(_screenshot_dir(tmp_path) / "desktop.png"), full_page=True)
    page.close()


def test_a_word_file_chosen_in_the_page_gets_its_brief_with_every_element(browser: Any, server_url: str, tmp_path: Path) -> None:
    import document_samples as samples
    from translate_sum.documents import parse_document

    source = tmp_path / "conseil.docx"
    source.write_bytes(samples.french_docx().data)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server_url + "/")
    assert ".docx" in (page.locator("#file").get_attribute("accept") or "")
    page.locator("#file").set_input_files(str(source))
    page.get_by_role("button", name="Translate and brief").click()
    page.wait_for_selector("#result table.side-by-side", timeout=120_000)
    assert page.locator("#result tr.para").count() == len(parse_document(source.read_bytes(), str(source)).elements)
    page.close()


def test_page_reads_at_phone_width_without_sideways_scrolling(browser: Any, server_url: str, tmp_path: Path) -> None:
    text = (FIXTURES / "pasted" / "agence.txt").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    _brief_in_page(page, server_url, text)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    french = page.locator("#result tr.para td[lang=fr]").nth(4).bounding_box()
    english = page.locator("#result tr.para td[lang=en]").nth(4).bounding_box()
    assert english["y"] >= french["y"] + french["height"] - 1, "at phone width English comes below French"
    assert page.locator("#progress-box").is_hidden(), "the progress bar goes once the brief is shown"
    caption = page.locator("#result table.side-by-side caption").bounding_box()
    table = page.locator("#result table.side-by-side").bounding_box()
    assert caption["width"] >= table["width"] * 0.9, "the caption spans the table, not one narrow column"
    page.screenshot(path=str(_screenshot_dir(tmp_path) / "phone.png"), full_page=False)
    page.locator("#result tr#p-5").scroll_into_view_if_needed()
    page.screenshot(path=str(_screenshot_dir(tmp_path) / "phone-paragraphs.png"), full_page=False)
    page.close()


def test_a_server_with_a_key_opens_the_key_field_and_says_so(browser: Any, echo_translator: Any) -> None:
    settings = AppSettings(api_keys=("team-key",))
    with running_server(Service(echo_translator, Briefer(echo_translator)), settings) as url:
        page = browser.new_page()
        page.goto(url + "/")
        alert = page.get_by_role("alert")
        alert.wait_for(timeout=30_000)
        assert alert.inner_text() == "This server needs an API key: enter it under Options."
        assert page.get_by_label("API key").is_visible(), "the key field is open, not hidden in closed Options"
        page.get_by_label("API key").fill("team-key")
        page.get_by_label("API key").dispatch_event("change")
        page.get_by_label("Paste a French article").fill("Le maire a présenté mardi un plan pour les transports.")
        page.get_by_role("button", name="Translate and brief").click()
        page.wait_for_selector("#result table.side-by-side", timeout=120_000)
        assert alert.is_hidden()
        page.close()


def test_bad_input_shows_the_one_line_reason(browser: Any, server_url: str) -> None:
    page = browser.new_page()
    page.goto(server_url + "/")
    page.get_by_label("Paste a French article").fill("Guten Tag, wie geht es Ihnen heute? Das Wetter ist schön. " * 5)
    page.get_by_role("button", name="Translate and brief").click()
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=60_000)
    assert "German" in alert.inner_text()
    page.close()


def test_api_docs_render_with_no_internet(browser: Any, server_url: str) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server_url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=60_000)
    assert "/v1/translate" in page.content()
    outside = [r for r in requests if not r.startswith((server_url, "data:", "blob:"))]
    assert outside == [], f"the docs fetched from elsewhere: {outside}"
    page.close()
