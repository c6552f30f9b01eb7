"""Writers: the Markdown "Check these" list points at paragraphs a reader can find."""

from __future__ import annotations

import re

from translate_sum.document import Flag, Paragraph, SourceInfo, Stats, TranslatedArticle
from translate_sum.writers import render_translation

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
