"""How audit details quote text: in typographic quotes, cut between words.

A flag's detail is read by a person, in a terminal, a Markdown list or a batch
digest. Python's `repr` showed `'"C\\'est…` for a quotation; a cut at a fixed
character count split words in two. Every check quotes through `quoted`, and the
one-line digest shortens through `shorten`.

Limits: widths count characters, not display columns (a wide CJK character counts
as one); a single word longer than the width is cut inside it, with an ellipsis.
"""

from __future__ import annotations

QUOTE_CHARS = 50
"""Most characters of quoted text in a detail, ellipsis included."""

ELLIPSIS = "…"


def shorten(text: str, width: int) -> str:
    """`text` with its whitespace collapsed, cut after a whole word to fit `width`
    characters, an ellipsis marking the cut."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    room = flat[: width - len(ELLIPSIS) + 1]
    cut = room.rfind(" ")
    kept = room[:cut] if cut > 0 else room[: width - len(ELLIPSIS)]
    return kept.rstrip(" ,;:") + ELLIPSIS


def quoted(text: str, width: int = QUOTE_CHARS) -> str:
    """`text` shortened to `width` and put in typographic quotes: “Union européenne”."""
    return f"“{shorten(text, width)}”"
