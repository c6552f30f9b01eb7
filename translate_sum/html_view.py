"""The side-by-side view as HTML: French and English paragraph by paragraph.

One renderer serves three uses: `translate`/`brief --format html` write a whole page
(`translation_page`, `brief_page`: one self-contained file, the style sheet inline,
no script, nothing fetched), the server's web page inserts the same markup
(`translation_view`, `brief_view`) under the same style sheet, and `batch --format
html` links every article's page from an index (`index_page`, which
`batch.digest.render_index_html` fills from a run's report).

What the view shows: the brief (summary, key points whose [¶N] link to their
paragraph), then a table with one row per paragraph; a flagged row is highlighted
and says its flags in words; a skipped row (page furniture, duplicate) is greyed,
with its reason and no translation. Every text is HTML-escaped: an article cannot
inject markup. Pure: takes the document model, returns a string.

Limits: right-to-left and vertical scripts are not laid out specially; the style
sheet targets current browsers (CSS grid, custom properties) and prints plainly.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from importlib import resources
from typing import Sequence

from translate_sum.document import Brief, Flag, Paragraph, TranslatedArticle
from translate_sum.footer import footer_parts

FLAG_WORDS = {
    "number": "Number",
    "name": "Name",
    "repetition": "Repeated words",
    "length": "Length",
    "untranslated": "Untranslated",
    "paragraphs": "Paragraph alignment",
}
"""How the view names each kind of audit flag."""


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


@functools.lru_cache(maxsize=1)
def style_sheet() -> str:
    """The view's CSS (translate_sum/static/view.css), shared with the web page."""
    return resources.files("translate_sum").joinpath("static/view.css").read_text(encoding="utf-8")


def paragraph_anchor(index: int) -> str:
    """The id of paragraph `index`'s row: key points link to `#p-N`."""
    return f"p-{index}"


def _cite(indexes: Sequence[int]) -> str:
    links = ", ".join(f'<a href="#{paragraph_anchor(i)}">¶{i}</a>' for i in indexes)
    return f'<span class="cite">[{links}]</span>'


def _flag_item(flag: Flag) -> str:
    kind = FLAG_WORDS.get(flag.kind, flag.kind.capitalize())
    return f'<li class="flag severity-{_e(flag.severity)}"><strong>{_e(kind)}</strong> ({_e(flag.severity)}): {_e(flag.detail)}</li>'


def _text(text: str) -> str:
    # Paragraphs may hold line breaks (verse, lists): keep them visible.
    return _e(text).replace("\n", "<br>")


def _row(paragraph: Paragraph) -> str:
    anchor = paragraph_anchor(paragraph.index)
    classes = ["para"]
    if paragraph.is_title:
        classes.append("title")
    if paragraph.skipped:
        classes.append("skipped")
        english = f'<p class="reason">Not translated: {_e(paragraph.reason)}</p>'
    else:
        english = f"<p>{_text(paragraph.translation)}</p>"
    if paragraph.flags:
        classes.append("flagged")
        english += (
            '<div class="flags"><p class="flags-heading">Check this paragraph:</p><ul>'
            + "".join(_flag_item(flag) for flag in paragraph.flags)
            + "</ul></div>"
        )
    return (
        f'<tr id="{anchor}" class="{" ".join(classes)}" tabindex="-1">'
        f'<th scope="row"><a href="#{anchor}" aria-label="Paragraph {paragraph.index}">¶{paragraph.index}</a></th>'
        f'<td lang="fr" data-label="Français"><p>{_text(paragraph.source)}</p></td>'
        f'<td lang="en" data-label="English">{english}</td></tr>'
    )


def _table(paragraphs: Sequence[Paragraph]) -> str:
    rows = "".join(_row(p) for p in paragraphs)
    return (
        '<table class="side-by-side"><caption>French and English, paragraph by paragraph</caption>'
        '<thead><tr><th scope="col">¶</th><th scope="col" lang="fr">Français</th>'
        f'<th scope="col">English</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _check_list(paragraphs: Sequence[Paragraph]) -> str:
    flagged = [p for p in paragraphs if p.flags]
    if not flagged:
        return ""
    from translate_sum.audit import flag_summary

    items = "".join(
        f'<li><a href="#{paragraph_anchor(p.index)}">¶{p.index}</a>: {_e(flag_summary(p.flags))}</li>' for p in flagged
    )
    count = f"{len(flagged)} paragraph{'s' if len(flagged) != 1 else ''}"
    return f'<section class="check" aria-labelledby="check-h"><h2 id="check-h">Check these ({count})</h2><ul>{items}</ul></section>'


def _footer(translated: TranslatedArticle, models: dict[str, str], seconds: float) -> str:
    return f'<p class="meta">{_e(" · ".join(footer_parts(translated, models, seconds)))}</p>'


def _skipped_note(paragraphs: Sequence[Paragraph]) -> str:
    skipped = sum(1 for p in paragraphs if p.skipped)
    if not skipped:
        return ""
    noun = "paragraph was" if skipped == 1 else "paragraphs were"
    return f'<p class="note">{skipped} {noun} not translated (page furniture or duplicates); they are greyed below with the reason.</p>'


def translation_view(translated: TranslatedArticle) -> str:
    """The translation's markup (no page around it): title, checks, the table."""
    title = translated.title or "Translation"
    return (
        f'<article class="ts-view"><header><h1>{_e(title)}</h1>'
        f"{_footer(translated, translated.models, translated.stats.seconds)}</header>"
        f"{_check_list(translated.paragraphs)}"
        f'<section aria-labelledby="article-h"><h2 id="article-h">Article</h2>{_skipped_note(translated.paragraphs)}'
        f"{_table(translated.paragraphs)}</section></article>"
    )


def brief_view(brief: Brief) -> str:
    """The brief's markup (no page around it): summary, key points, checks, the table."""
    translated = brief.translation
    title = brief.title or "Brief"
    points = "".join(f"<li>{_e(k.text)} {_cite(k.paragraphs)}</li>" for k in brief.key_points)
    key_points = (
        f'<h2 id="points-h">Key points</h2><ul class="key-points" aria-labelledby="points-h">{points}</ul>' if points else ""
    )
    summary = brief.summary or "(no summary: the article has no body text)"
    return (
        f'<article class="ts-view"><header><h1>{_e(title)}</h1>{_footer(translated, brief.models, brief.stats.seconds)}</header>'
        f'<section class="brief" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
        f'<p class="summary">{_e(summary)}</p>{key_points}</section>'
        f"{_check_list(translated.paragraphs)}"
        f'<section aria-labelledby="article-h"><h2 id="article-h">Article</h2>{_skipped_note(translated.paragraphs)}'
        f"{_table(translated.paragraphs)}</section></article>"
    )


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="translate-sum">'
        f"<title>{_e(title)}</title><style>{style_sheet()}</style></head>"
        f'<body><main class="page">{body}</main></body></html>\n'
    )


def translation_page(translated: TranslatedArticle) -> str:
    """A whole self-contained HTML page of the translation (`translate --format html`)."""
    return _page(translated.title or "Translation", translation_view(translated))


def brief_page(brief: Brief) -> str:
    """A whole self-contained HTML page of the brief and the article (`brief --format html`)."""
    return _page(brief.title or "Brief", brief_view(brief))


@dataclass(frozen=True)
class IndexEntry:
    """One article of a folder run, as the index lists it.

    `href` is the article's page relative to the index; `error` says why an article
    failed (then `href` may be empty), without its name, which the index shows beside
    it; `flagged` counts paragraphs to double-check; `note` is what a reader should
    know about a finished article (English passed through untranslated).
    """

    name: str
    href: str = ""
    title: str = ""
    summary: str = ""
    flagged: int = 0
    error: str = ""
    note: str = ""


def index_page(entries: Sequence[IndexEntry], heading: str = "Articles", *, digest_html: str = "") -> str:
    """An HTML index linking every article's page (`batch --format html`), failures last.

    `digest_html`, an HTML fragment whose text is escaped already (a feed run's digest),
    is shown in place of the list of the entries that did not fail.
    """
    done = [e for e in entries if not e.error]
    failed = [e for e in entries if e.error]
    items = []
    for entry in done:
        label = _e(entry.title or entry.name)
        link = f'<a href="{_e(entry.href)}">{label}</a>' if entry.href else label
        check = (
            f' <span class="badge">{entry.flagged} to check</span>' if entry.flagged else ""
        )
        summary = f'<p class="summary">{_e(entry.summary)}</p>' if entry.summary else ""
        note = f'<p class="note">{_e(entry.note)}</p>' if entry.note else ""
        items.append(f'<li><h2>{link}{check}</h2><p class="meta">{_e(entry.name)}</p>{summary}{note}</li>')
    body = f'<h1>{_e(heading)}</h1><p class="meta">{len(done)} article{"s" if len(done) != 1 else ""}'
    body += f", {len(failed)} failed" if failed else ""
    body += f'</p>{digest_html}' if digest_html else f'</p><ol class="index">{"".join(items)}</ol>'
    if failed:
        rows = "".join(f"<li><strong>{_e(e.name)}</strong>: {_e(e.error)}</li>" for e in failed)
        body += f'<section class="check"><h2>Failed</h2><ul>{rows}</ul></section>'
    return _page(heading, f'<div class="ts-view">{body}</div>')
