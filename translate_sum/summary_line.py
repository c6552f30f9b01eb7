"""The one line said after an article is translated or briefed: what was done, what not.

'Translated 7 paragraphs (181 French words) in 3.1 s; 4 skipped (page furniture or
duplicates, --show-skipped lists them); 2 paragraphs flagged, see "Check these".'

When the translation memory gave some segments, the line says how many ('; 12 of 40
segments from the memory').

The counts are the article's `Stats` (paragraphs translated and their French words,
skipped ones apart), the same the footers, the JSON and the web page show. Settings
are named by their field names (``show_skipped``) through `Hint`, so the command
line spells them as flags and a library user as fields.

Limits: English only; one article per line.
"""

from __future__ import annotations

from typing import Callable

from translate_sum.document import TranslatedArticle
from translate_sum.errors import Hint

_WHERE_FLAGS_ARE = {
    "json": 'see each paragraph\'s "flags"',
    "html": "see the highlighted paragraphs",
    "docx": "`translate-sum audit` of the input and the output lists them",
    "odt": "`translate-sum audit` of the input and the output lists them",
}
"""Where each output format shows the flagged paragraphs..."""
_CHECK_LIST = 'see "Check these"'
"""...txt and md list them at the end (`writers.render_flags`)."""


def summary_line(
    command: str,
    translated: TranslatedArticle,
    seconds: float,
    *,
    show_skipped: bool = False,
    fmt: str = "txt",
    name_option: Callable[[str, str | None], str] | None = None,
) -> str:
    """The line for `command` ("translate" or "brief") about `translated`.

    `show_skipped` says the skipped paragraphs are already in the output (so the line
    does not suggest asking for them); `fmt` is the output's format, which decides
    where flagged paragraphs are to be found; `name_option` spells a setting, as for
    `Hint.render`.
    """
    stats = translated.stats
    count = _paragraphs(stats.paragraphs)
    if translated.source.language == "en":
        done = "Brief of English text" if command == "brief" else "English text"
        text = f"{done} passed through untranslated: {count} ({stats.source_words:,} words)"
    else:
        done = "Brief of" if command == "brief" else "Translated"
        text = f"{done} {count} ({stats.source_words:,} French words)"
    text += f" in {seconds:.1f} s"
    if stats.from_memory:
        text += f"; {_segments_from_memory(stats.from_memory, stats.segments, stats.human)}"
    if stats.skipped:
        shown = "listed in the output" if show_skipped else Hint("{option} lists them", "show_skipped").render(name_option)
        if fmt in ("docx", "odt"):
            # A document written back keeps them (duplicates take their twin's
            # translation); a new .docx (from a PDF, a text) leaves them out.
            written_back = translated.source.format == fmt
            shown = "kept as they were, duplicates translated like their twin" if written_back else "left out of the document"
        text += f"; {stats.skipped} skipped (page furniture or duplicates, {shown})"
    flagged = sum(1 for p in translated.paragraphs if p.flags)
    if flagged:
        text += f"; {_paragraphs(flagged)} flagged, {_WHERE_FLAGS_ARE.get(fmt, _CHECK_LIST)}"
    return text + "."


def _segments_from_memory(count: int, segments: int, human: int) -> str:
    """'12 of 40 segments from the memory (2 human translations)'."""
    of = f"all {segments}" if count == segments else f"{count} of {segments}"
    humans = f" ({human} human translation{'s' if human != 1 else ''})" if human else ""
    return f"{of} segment{'s' if segments != 1 else ''} from the memory{humans}"


def _paragraphs(count: int) -> str:
    return f"{count} paragraph{'s' if count != 1 else ''}"
