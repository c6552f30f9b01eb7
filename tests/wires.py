"""Score the cleaning of labelled agency wires (tests/fixtures/wires, see its README).

Each wire is read exactly as a pasted article is (`reader.parse_article`, so layout
decides the paragraphs) and marked by `clean.mark_furniture`; every labelled line is
then followed to the paragraph it ended up in. Run it to print the figures:

    python tests/wires.py

Limits: a line is scored by the paragraph it lands in, so a furniture line glued to
an article paragraph counts as missed furniture and as a wrong join, not as a removal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__":  # run as a script from anywhere: import this checkout's package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translate_sum.clean import mark_furniture  # noqa: E402
from translate_sum.reader import parse_article  # noqa: E402

WIRES = Path(__file__).parent / "fixtures" / "wires"
LABELS = ("A", "+", "F")


@dataclass(frozen=True)
class Score:
    """Counts over one or more wires; each `*_lines` list names the offending lines."""

    article_paragraphs: int = 0
    furniture_lines: int = 0
    continuations: int = 0
    removed: tuple[str, ...] = ()  # article paragraphs (first line) skipped
    missed: tuple[str, ...] = ()  # furniture lines left in the article
    cut: tuple[str, ...] = ()  # continuation lines left as a paragraph of their own
    glued: tuple[str, ...] = ()  # lines that start a paragraph but were joined to the one above

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(_fields(self), _fields(other))))


def _fields(score: Score) -> tuple:
    return (score.article_paragraphs, score.furniture_lines, score.continuations,
            score.removed, score.missed, score.cut, score.glued)


def read_wire(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """The pasted text of a labelled wire and its (label, line) pairs, blanks left out."""
    text_lines: list[str] = []
    labelled: list[tuple[str, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            text_lines.append("")
            continue
        label, bar, line = raw.partition("|")
        if label not in LABELS or not bar:
            raise ValueError(f"{path.name}:{number}: a line starts with A|, +| or F|")
        text_lines.append(line)
        labelled.append((label, line))
    return "\n".join(text_lines) + "\n", labelled


def _ink(text: str) -> int:
    return sum(not ch.isspace() for ch in text)


def score_wire(path: Path) -> Score:
    """Compare what the reader and the cleaner make of one wire with its labels."""
    text, labelled = read_wire(path)
    paragraphs = mark_furniture(parse_article(text)).paragraphs
    # Layout only joins lines, never drops a visible character: follow them by count.
    where: list[int] = []
    index, used = 0, 0
    for _, line in labelled:
        while index < len(paragraphs) and used >= _ink(paragraphs[index].source):
            index, used = index + 1, 0
        where.append(index)
        used += _ink(line)
    removed, missed, cut, glued = [], [], [], []
    articles = furniture = continuations = 0
    for i, (label, line) in enumerate(labelled):
        skipped = paragraphs[where[i]].skipped
        joined = i > 0 and where[i] == where[i - 1]
        if label == "A":
            articles += 1
            group = [where[i]] + [where[j] for j in range(i + 1, len(labelled)) if _continues_group(labelled, i, j)]
            if any(paragraphs[p].skipped for p in group):
                removed.append(line)
        elif label == "F":
            furniture += 1
            if not skipped:
                missed.append(line)
        else:
            continuations += 1
            if not joined:
                cut.append(line)
        if label != "+" and joined:
            glued.append(line)
    return Score(articles, furniture, continuations, tuple(removed), tuple(missed), tuple(cut), tuple(glued))


def _continues_group(labelled: list[tuple[str, str]], start: int, j: int) -> bool:
    """Whether line j is a continuation line of the paragraph starting at `start`."""
    return all(label == "+" for label, _ in labelled[start + 1 : j + 1])


def score_set(name: str) -> Score:
    """The summed score of every wire in `tuning` or `heldout`."""
    total = Score()
    for path in sorted((WIRES / name).glob("*.txt")):
        total = total + score_wire(path)
    return total


def _report(name: str, score: Score) -> str:
    lines = [
        f"{name}: {len(score.removed)} of {score.article_paragraphs} article paragraphs removed, "
        f"{len(score.missed)} of {score.furniture_lines} furniture lines missed, "
        f"{len(score.cut)} of {score.continuations} broken sentences left cut, "
        f"{len(score.glued)} lines wrongly joined"
    ]
    for kind in ("removed", "missed", "cut", "glued"):
        lines.extend(f"  {kind}: {line}" for line in getattr(score, kind))
    return "\n".join(lines)


if __name__ == "__main__":
    for set_name in sys.argv[1:] or ["tuning", "heldout"]:
        print(_report(set_name, score_set(set_name)))
