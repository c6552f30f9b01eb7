"""Which files a folder run reads, and where each one's outputs go.

Pure path work: no file is opened here except to list folders. The order of the
inputs is sorted, so a run, its report and its resume are the same on every machine.

Limits: symbolic links to folders are not followed; patterns match names with
`fnmatch` (no `**`), case-insensitively.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from pathlib import Path
from typing import Iterable, Protocol, Sequence

log = logging.getLogger(__name__)

TEXT_PATTERNS = ("*.txt", "*.md")
HTML_PATTERNS = ("*.html", "*.htm")
DOCUMENT_PATTERNS = ("*.docx", "*.odt", "*.pdf")
DEFAULT_PATTERNS = TEXT_PATTERNS + HTML_PATTERNS + DOCUMENT_PATTERNS
"""What a folder run reads by default; HTML pages go through the reader's HTML path,
Word, OpenDocument and PDF files through `documents` (their outputs are md/json/html too)."""

REPORT_NAME = "report.json"
INDEX_NAME = "index.md"

# Our own output names: never read back as input, even from a folder we don't know
# (.en.docx and .en.odt: what `translate -o` writes, as the README names them).
OUTPUT_SUFFIXES = (".en.md", ".brief.md", ".en.json", ".brief.json", ".en.html", ".brief.html", ".en.docx", ".en.odt", ".tmp")


class OutputChoice(Protocol):
    """What naming the outputs reads of a run's options (`BatchOptions` has both).

    A protocol rather than `BatchOptions` itself: batch.options imports this module
    for `DEFAULT_PATTERNS`, and the arrow stays one way.
    """

    @property
    def fmt(self) -> str: ...

    @property
    def translate_only(self) -> bool: ...


def discover(
    input_dir: Path,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    *,
    recursive: bool = True,
    exclude: Sequence[Path] = (),
) -> list[Path]:
    """Input files under `input_dir`, relative to it, in a stable sorted order.

    Skipped: hidden files and folders (names starting with "."; this covers our own
    temporary files), the folders in `exclude` (the output folder), any folder holding
    a previous run's report.json and index.md, and files named like our outputs.
    Entries that match but are not regular files (a named pipe, a device, a symbolic
    link that is broken or loops) are listed: the run reports why each is not read.
    Patterns match the file name, case-insensitively (`*.txt` finds `A.TXT`); a
    pattern with a "/" matches the path relative to `input_dir`.
    """
    root = input_dir.resolve()
    excluded = {p.resolve() for p in exclude}
    lowered = [p.lower() for p in patterns]
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        kept = []
        for name in dirnames:
            sub = here / name
            if name.startswith(".") or sub.resolve() in excluded or _is_output_folder(sub):
                log.debug("not reading %s: hidden, or an output folder", sub)
                continue
            kept.append(name)
        dirnames[:] = sorted(kept) if recursive else []
        for name in filenames:
            if name.startswith(".") or name.lower().endswith(OUTPUT_SUFFIXES):
                continue
            relative = (here / name).relative_to(root)
            # Named pipes, devices, broken links and link loops are listed too: the run
            # gives each a report entry saying why it was not read, instead of silence.
            if _matches(relative, lowered):
                found.append(relative)
    return sorted(found, key=lambda p: p.parts)


def listed_addresses(list_file: Path, options: OutputChoice) -> dict[str, list[Path]]:
    """The http(s) addresses a text file lists, in order, each with its outputs.

    Outputs mirror the site (`www.exemple.fr/politique/le-vote.en.md`, see
    `fetch.url_input_path`); two addresses that would share a name get `-2`, `-3`.
    """
    from translate_sum.fetch import read_url_list, url_input_path

    urls = read_url_list(list_file)
    paths = dict(zip(urls, distinct_names([Path(url_input_path(url)) for url in urls])))
    outputs = output_paths(list(paths.values()), options)
    return {url: outputs[path] for url, path in paths.items()}


_OUTPUT_SUFFIX = re.compile(r"\.(en|brief)\.[a-z]+$")
"""What `output_paths` adds to a name (`.en.md`, `.brief.html`): taken off, the stem is left."""


def distinct_names(paths: Sequence[Path], taken_outputs: Iterable[str] = ()) -> list[Path]:
    """`paths` in order, a later one that would share an earlier one's outputs renamed
    `-2`, `-3` (`a/x.html`, `a/x.htm` give `a/x.html`, `a/x-2.htm`); so is one whose
    outputs would be among `taken_outputs` (`a/x.en.md`: another input's, from an
    earlier run)."""
    taken = {_OUTPUT_SUFFIX.sub("", Path(output).as_posix()).lower() for output in taken_outputs}
    distinct: list[Path] = []
    for path in paths:
        stem, number = path.stem, 1
        while (path.parent / path.stem).as_posix().lower() in taken:
            number += 1
            path = path.with_name(f"{stem}-{number}{path.suffix}")
        taken.add((path.parent / path.stem).as_posix().lower())
        distinct.append(path)
    return distinct


def _matches(relative: Path, patterns: Sequence[str]) -> bool:
    name = relative.name.lower()
    posix = relative.as_posix().lower()
    return any(fnmatch.fnmatchcase(posix if "/" in p else name, p) for p in patterns)


def _is_output_folder(folder: Path) -> bool:
    return (folder / REPORT_NAME).is_file() and (folder / INDEX_NAME).is_file()


def output_paths(inputs: Sequence[Path], options: OutputChoice) -> dict[Path, list[Path]]:
    """Each input's outputs, relative to the output folder: translation first.

    `sub/name.txt` gives `sub/name.en.md` and `sub/name.brief.md`. When two inputs of
    a folder share a stem (`a.txt`, `a.md`) their whole names are used instead
    (`a.txt.en.md`, `a.md.en.md`) so neither overwrites the other.
    """
    stems: dict[tuple[Path, str], int] = {}
    for path in inputs:
        key = (path.parent, path.stem.lower())
        stems[key] = stems.get(key, 0) + 1
    extension = {"json": "json", "html": "html"}.get(options.fmt, "md")
    outputs: dict[Path, list[Path]] = {}
    for path in inputs:
        base = path.stem if stems[(path.parent, path.stem.lower())] == 1 else path.name
        names = [f"{base}.en.{extension}"]
        if not options.translate_only:
            names.append(f"{base}.brief.{extension}")
        outputs[path] = [path.parent / n for n in names]
    return outputs
