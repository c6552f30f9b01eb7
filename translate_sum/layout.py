"""Line structure of plain text: which line breaks end a paragraph.

Blank lines always separate paragraphs. Inside a block of consecutive lines, two
habits produce single line breaks:

- **copy-pasted web text**: one paragraph per line. Lines are of any length, often
  longer than 100 characters, and end with sentence-final punctuation.
- **hard-wrapped text** (e-mail, a text editor, `fmt`): lines of similar width,
  typically 60-80 characters, broken mid-sentence.

A block is judged hard-wrapped when its lines are narrow (the 90th percentile of
their lengths is at most `MAX_WRAP_WIDTH`), most of them fill that width, and many
end mid-sentence. In a hard-wrapped block a line ends its paragraph when the next
line's first word would have fitted on it (the wrapper would have put it there; a
line without final punctuation needs a few characters to spare, which catches
headlines of any length), when it is a short unpunctuated subhead between a full
stop and a capital, or when the next line is indented or a bullet.
Otherwise (pasted text, and any line longer than the wrap width) every line is a
paragraph, except that a line which cannot end a sentence is joined to the next: one
that stops on a comma, an article, a preposition, a conjunction or an opening quote
("qualifiant ces initiatives de" + "\"cruciales pour la sécurité\"."), or one without
final punctuation followed by a line starting in lower case (after an opening
quotation mark, perhaps) when it is not short or closes a quotation.

Known limits: in hard-wrapped text, a paragraph whose last line happens to fill the
width looks like a sentence ending mid-paragraph; it is joined to the next paragraph
(nothing is lost, the translation only gets a longer paragraph). So is a subhead that
follows a paragraph ending without a full stop (a URL). In pasted text a byline in
lower case ("par Jean Dupont") under a headline without final punctuation is joined
to it, and a two- or three-line block can be taken for hard-wrapped text. Of the
nine corpus articles wrapped at 72 columns with single line breaks, six come back
exactly.

Lines are stripped and joined with one space, or with none after a word's hyphen
("dit-" + "il" gives "dit-il", "exem-" + "ple" gives "exem-ple"); no character other
than whitespace is ever added or dropped. Runs in linear time (one sort per block for
the percentile; each line is looked at with its neighbours only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Past this width nobody hard-wraps text: such blocks are one paragraph per line.
MAX_WRAP_WIDTH = 100
# Share of non-final lines that must fill at least `_FULL_LINE` of the width, and share
# that must end mid-sentence, for a block to count as hard-wrapped.
_FULL_LINE = 0.7
_MIN_FULL_SHARE = 0.5
_MIN_MIDSENTENCE_SHARE = 0.3
# In a wrapped block, a line this much shorter than the width is a paragraph's last
# line or a heading, even without final punctuation.
_SHORT_LINE = 0.6

# In a wrapped block, room left on a line without final punctuation beyond the next
# word before its break is taken as deliberate (a headline).
_FIT_MARGIN = 4

# In pasted text, only a line at least this long can run on into the next one.
_MIN_CONTINUED_CHARS = 40

_SENTENCE_END = re.compile(r"[.!?…:;]['\"»”’)\]]*$")
# A line that stops on one of these cannot end a sentence, headline or label: a comma,
# an article or determiner, a preposition that needs its object, a conjunction, an
# opening quotation mark. Words a sentence may end on
# ("contre", "après", "depuis": "il a voté contre") are left out.
_OPEN_WORDS = (
    "le la les l un une des du de d au aux ce cet cette ces son sa ses mon ma mes ton ta "
    "tes notre nos votre vos leurs à a en dans par pour sur sous chez vers entre parmi dès "
    "avec sans selon afin et ou ni mais car que qu qui dont où lorsque puisque tandis "
    "the of to and a an for with by"
).split()
_OPEN_END = re.compile(
    r"(?:,|(?:^|(?<=[\s'’(«\"“]))(?i:" + "|".join(_OPEN_WORDS) + r"))$"
    r"|[«“(\[]\s*$"
)
# How a line that carries on a sentence starts: in lower case, possibly after an
# opening quotation mark ("« grillées » depuis", "\"cruciales pour la sécurité\".").
_FIRST_LETTER = re.compile(r"[«\"“‘'(\[]?\s*([^\W\d_])")
_CLOSING_QUOTE = re.compile(r"[»\"”’]$")
# A line ending on an open word joins the next one from this length: "(AFP)" or a
# desk code never does, but a quotation on its own line ("« Nous refusons »,") may.
_MIN_OPEN_CHARS = 12
_FULL_STOP = re.compile(r"[.!?…]['\"»”’)\]]*$")
_BULLET = re.compile(r"[-–—•*·▪►]\s|\d{1,3}[.)]\s")


def paragraphs_from_lines(lines: Sequence[str]) -> list[str]:
    """Group the lines of a text into paragraphs, each joined with single spaces.

    Blank (whitespace-only) lines separate paragraphs; single line breaks separate
    them too in pasted web text, and are joined inside hard-wrapped paragraphs.
    """
    paragraphs: list[str] = []
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line)
        elif block:
            paragraphs.extend(_block_paragraphs(block))
            block = []
    if block:
        paragraphs.extend(_block_paragraphs(block))
    return paragraphs


def _block_paragraphs(raw_lines: list[str]) -> list[str]:
    """Split one block of non-blank lines into paragraphs."""
    lines = [line.strip() for line in raw_lines]
    if len(lines) == 1:
        return lines
    width = _wrap_width(lines)
    wrapped = _is_hard_wrapped(lines, width)
    indents = [_indent(line) for line in raw_lines]
    usual_indent = sorted(indents)[len(indents) // 2]

    paragraphs: list[str] = []
    current: list[str] = [lines[0]]
    for i in range(1, len(lines)):
        previous, line = lines[i - 1], lines[i]
        if wrapped and len(previous) <= width:
            new_paragraph = (
                _ends_wrapped_paragraph(previous, line, width)
                or _is_heading_after_paragraph(lines, i, width)
                or indents[i] > usual_indent
                # A list item; a dash after a mid-sentence break is an incise, not an item.
                or bool(_BULLET.match(line) and _SENTENCE_END.search(previous))
            )
        else:
            # Pasted text, or a line longer than the wrap width inside a wrapped block:
            # no wrapper made it, so it ends like a pasted line (a lede pasted among
            # short credit lines made a wire look wrapped).
            new_paragraph = not _continues(previous, line)
        if new_paragraph:
            paragraphs.append(_join(current))
            current = [line]
        else:
            current.append(line)
    paragraphs.append(_join(current))
    return paragraphs


_BROKEN_AT_HYPHEN = re.compile(r"\w-$")


def _join(lines: list[str]) -> str:
    """The lines as one paragraph: a space between lines, none after a word's hyphen.

    Wrappers that break at hyphens (Python's textwrap, browsers) turn "dit-il" into
    "dit-" + "il"; gluing them back keeps the compound whole ("exem-" + "ple" gives
    "exem-ple", no worse for a translator than "exem- ple").
    """
    parts = [lines[0]]
    for previous, line in zip(lines, lines[1:]):
        if not (_BROKEN_AT_HYPHEN.search(previous[-2:]) and line[:1].isalnum()):
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def _wrap_width(lines: list[str]) -> int:
    """The width the block was wrapped at, robust to a few over-long lines (URLs)."""
    lengths = sorted(len(line) for line in lines)
    return lengths[-(-9 * (len(lengths) - 1) // 10)]  # 90th percentile, rounded up


def _is_hard_wrapped(lines: list[str], width: int) -> bool:
    if width > MAX_WRAP_WIDTH:
        return False
    body = lines[:-1]  # the last line of a paragraph is short by nature
    full = sum(len(line) >= _FULL_LINE * width for line in body)
    midsentence = sum(not _SENTENCE_END.search(line) for line in body)
    return full >= _MIN_FULL_SHARE * len(body) and midsentence >= _MIN_MIDSENTENCE_SHARE * len(body)


def _ends_wrapped_paragraph(previous: str, line: str, width: int) -> bool:
    """In hard-wrapped text: did the writer end `previous` on purpose?

    The wrapper only breaks a line when the next word does not fit, so a line that had
    room for the next line's first word ended on purpose: at a sentence's end, on a
    short last line, or on a headline ("Scandales immobiliers au Québec" followed by
    "Des fonctionnaires..."). Without final punctuation the room must exceed the word by
    `_FIT_MARGIN`, in case the width is misjudged (wrappers that count bytes, not
    characters, leave accented lines a little short).
    """
    needed = len(previous) + 1 + len(_first_chunk(line))
    if needed > width or _starts_lower(line) or _OPEN_END.search(previous):
        return False
    if _SENTENCE_END.search(previous) or len(previous) < _SHORT_LINE * width:
        return True
    return needed <= width - _FIT_MARGIN


def _is_heading_after_paragraph(lines: list[str], i: int, width: int) -> bool:
    """Is `lines[i]` a subhead standing between two paragraphs?

    A short line without final punctuation, after a line that ends a sentence and
    before a capitalized line, is a subhead ("Prévenir la maladie") even when the
    paragraph above ends on a full line and so seems to run on.
    """
    line = lines[i]
    return (
        i + 1 < len(lines)
        and len(line) < _SHORT_LINE * width
        and not _SENTENCE_END.search(line)
        and not _starts_lower(line)
        # A full stop, not a colon: "Titre : \n La suite du titre" is one headline.
        and bool(_FULL_STOP.search(lines[i - 1]))
        and lines[i + 1][:1].isupper()
    )


def _first_chunk(line: str) -> str:
    """The first word as a wrapper sees it: up to an ASCII space or tab, so that a
    non-breaking space ("«\u00a0Nous") does not split it."""
    return re.match(r"[^ \t]*", line).group(0)


def _continues(previous: str, line: str) -> bool:
    """In one-paragraph-per-line text: is `line` the rest of `previous`'s sentence?

    Yes when `previous` cannot end a sentence (it stops on a comma, an article, a
    preposition, a conjunction: "qualifiant ces initiatives de" + "\"cruciales...\"")
    and `line` is no list item. Otherwise only when `line` starts in lower case (after
    an opening quotation mark, perhaps) and `previous` was long enough to have been
    broken by a width limit, or closes a quotation ("« Nous refusons »" + "a-t-il dit"):
    a short line without punctuation ("(AFP)", a heading) ends where its writer ended it.
    """
    if _SENTENCE_END.search(previous):
        return False
    if len(previous) >= _MIN_OPEN_CHARS and _OPEN_END.search(previous) and not _BULLET.match(line):
        return True
    return _starts_lower(line) and (len(previous) >= _MIN_CONTINUED_CHARS or bool(_CLOSING_QUOTE.search(previous)))


def _starts_lower(line: str) -> bool:
    """Whether the first letter, after an opening quotation mark, is lower case."""
    first_letter = _FIRST_LETTER.match(line)
    return first_letter is not None and first_letter.group(1).islower()


def _indent(line: str) -> int:
    stripped = line.lstrip()
    prefix = line[: len(line) - len(stripped)]
    return len(prefix.expandtabs(4))
