"""The facts a page's footer gives about how it was made, shared by every writer.

The Markdown and text writers (`writers`) join them with " · " under a brief; the
HTML view (`html_view`) puts them under the title. Living below both, this module
lets either writer be read, and changed, without the other.

Limits: English wording only; the facts come from the document model, so a fact the
model does not carry (the machine, the user) cannot appear.
"""

from __future__ import annotations

from translate_sum.document import TranslatedArticle


def footer_parts(translated: TranslatedArticle, models: dict[str, str], seconds: float) -> list[str]:
    """The facts a brief's footer gives, in order: the source (and its author and date),
    its French words, each model by role, and the seconds the work took."""
    source = translated.source
    parts = [f"Source: {'standard input' if source.path == '-' else source.path}"]
    if source.author:
        parts.append(f"by {source.author}")
    if source.date:
        parts.append(source.date)
    parts.append(f"{translated.stats.source_words} French words")
    parts.extend(f"{role}: {model}" for role, model in models.items())
    parts.append(f"{seconds:.1f} s")
    return parts
