"""Audit a translation against its French article, expecting no translation of furniture.

`translate` leaves page furniture and duplicates untranslated (`clean.mark_furniture`:
bylines, timestamps, captions, hashtags...). Auditing its output paragraph by
paragraph against every French paragraph flagged each of them "no translation for
this paragraph". `audit_article` applies the same rules to the French first: when
the translation has exactly as many paragraphs as the French keeps once furniture
and duplicates are set aside, it is checked against the kept ones, pair by pair, and
the report still numbers paragraphs as the French does (furniture gets no flags).
Give the English as read back by `writers.without_check_section`, which also sets
aside the notes a `show_skipped` output adds (`[skipped: reason] French`).

Limits: a translation with any other paragraph count (a paragraph lost or added, or
furniture translated too, as `keep_all` does) is aligned against every French
paragraph (`audit_texts`), where furniture left untranslated is flagged like any
other paragraph. The title is never furniture, as in `translate`.
"""

from __future__ import annotations

from typing import Sequence

from translate_sum.audit.report import AuditReport, ParagraphAudit, audit_texts
from translate_sum.clean import mark_furniture
from translate_sum.document import Article


def audit_article(article: Article, translation: Sequence[str]) -> AuditReport:
    """Audit the English `translation` paragraphs of `article` as `translate` made them."""
    english = list(translation)
    french = [p.source for p in article.paragraphs]
    kept = [i for i, p in enumerate(mark_furniture(article).paragraphs) if not p.skipped]
    if len(kept) == len(french) or len(english) != len(kept):
        return audit_texts(french, english)
    report = audit_texts([french[i] for i in kept], english)
    flags = {kept[p.index - 1]: p.flags for p in report.paragraphs}
    return AuditReport(
        paragraphs=tuple(ParagraphAudit(i + 1, flags.get(i, ())) for i in range(len(french))),
        source_paragraphs=len(french),
        translation_paragraphs=len(english),
    )
