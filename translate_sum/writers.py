"""Turn results into text (txt, Markdown, JSON) and write files atomically.

Writers are pure: they take the document model and return a string. `write_atomic`
is the one way the tool writes a file: a temporary file beside the target, then a
rename, so no reader ever sees half a file under the final name. A symbolic link is
kept and its target written that way; a character device or a named pipe (`-o
/dev/null`, `-o fifo`) is written into, never replaced. `write_stdout` writes to
standard output. `check_writable` finds an output that cannot be written before any
model work starts.

Limits: `check_writable` asks the system for permission and cannot foresee a full
disk or a folder removed while the work runs; `write_atomic` and `write_stdout` then
raise `OutputError`. A write into a device or a pipe is not atomic (there is nothing
to rename onto), and opening a pipe waits until something reads it.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence, TextIO

from translate_sum.document import Brief, Paragraph, SourceInfo, Stats, TranslatedArticle
from translate_sum.errors import Hint, OutputError
from translate_sum.footer import footer_parts

FORMATS = ("txt", "md", "json")
TEXT_FORMATS = ("txt", "md", "json", "html")
"""What a file name's extension may ask for unless a command takes more (translate: docx, odt)."""
_EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".json": "json", ".html": "html", ".htm": "html",
    ".docx": "docx", ".odt": "odt",
}


def format_for_path(path: str | Path | None, default: str = "txt", formats: Sequence[str] = TEXT_FORMATS) -> str:
    """The output format a file name implies (`.md` → md); `default` otherwise.

    `formats` are those the command writes: another extension is an `OutputError`.
    """
    if path is None or str(path) == "-":
        return default
    suffix = Path(path).suffix.lower()
    if suffix and _EXTENSIONS.get(suffix) not in formats:
        shown = ["." + f for f in formats]
        names = ", ".join(shown[:-1]) + " or " + shown[-1] if len(shown) > 1 else shown[0]
        raise OutputError(f"cannot tell the output format from '{suffix}'", Hint(f"name the file {names}, or pass {{option}}", "format"))
    return _EXTENSIONS.get(suffix, default)


def source_to_dict(source: SourceInfo) -> dict[str, Any]:
    data: dict[str, Any] = {"path": source.path, "title": source.title, "encoding": source.encoding}
    for key in ("format", "date", "author", "language"):
        value = getattr(source, key)
        if value and not (key == "format" and value == "text"):
            data[key] = value
    return data


def paragraph_to_dict(paragraph: Paragraph) -> dict[str, Any]:
    data: dict[str, Any] = {
        "index": paragraph.index,
        "source": paragraph.source,
        "translation": paragraph.translation,
        "segments": [{"source": s.source, "translation": s.translation, "origin": s.origin} for s in paragraph.segments],
        "flags": [flag.to_dict() for flag in paragraph.flags],
    }
    if paragraph.skipped:
        data["skipped"] = True
        data["reason"] = paragraph.reason
    return data


def stats_to_dict(stats: Stats) -> dict[str, Any]:
    """Paragraphs translated and their French words, paragraphs skipped, seconds (`Stats`)."""
    return {"paragraphs": stats.paragraphs, "source_words": stats.source_words, "skipped": stats.skipped, "seconds": stats.seconds}


def memory_to_dict(stats: Stats) -> dict[str, int]:
    """Segments translated, and how many the translation memory gave (human ones among them)."""
    return {"segments": stats.segments, "from_memory": stats.from_memory, "human": stats.human}


def translation_to_dict(translated: TranslatedArticle, elements: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The translate command's JSON document (field names are a public contract).

    `elements` are a document's element outcomes (`ElementOutcome.to_dict()`: kind,
    where, status, reason, formatting_lost); each goes into its paragraph's entry,
    by index, as "element".
    """
    by_index = {element["index"]: {k: v for k, v in element.items() if k != "index"} for element in elements}
    paragraphs = []
    for paragraph in translated.paragraphs:
        entry = paragraph_to_dict(paragraph)
        if paragraph.index in by_index:
            entry["element"] = by_index[paragraph.index]
        paragraphs.append(entry)
    return {
        "source": source_to_dict(translated.source),
        "title": translated.title,
        "paragraphs": paragraphs,
        "models": dict(translated.models),
        "decoding": dict(translated.decoding),
        "stats": stats_to_dict(translated.stats),
        "memory": memory_to_dict(translated.stats),
    }


def render_translation(
    translated: TranslatedArticle,
    fmt: str = "txt",
    *,
    bilingual: bool = False,
    show_skipped: bool = False,
    title_heading: str = "#",
    flags: bool = True,
    elements: Sequence[dict[str, Any]] = (),
) -> str:
    """The translation as txt, md or json text (ends with a newline).

    `title_heading` is the Markdown mark of the title; `flags` adds the "Check these"
    section to txt and md (a brief that embeds the translation has its own);
    `elements` go into the JSON (see `translation_to_dict`).
    """
    if fmt == "json":
        return to_json(translation_to_dict(translated, elements))
    if fmt == "html":
        from translate_sum.html_view import translation_page

        return translation_page(translated)
    if fmt not in FORMATS:
        raise OutputError(f"unknown output format '{fmt}'; choose one of {', '.join(FORMATS)}")
    markdown = fmt == "md"
    blocks: list[str] = []
    for paragraph in translated.paragraphs:
        if paragraph.skipped:
            if show_skipped:
                note = f"{SKIPPED_NOTE}{paragraph.reason}] {paragraph.source}"
                blocks.append(f"> _{note}_" if markdown else note)
            continue
        english = paragraph.translation
        if paragraph.is_title and markdown:
            english = f"{title_heading} {english}"
        if bilingual:
            french = paragraph.source
            if markdown:
                french = f"> {french}"
            blocks.append(f"{french}\n\n{english}" if markdown else f"{french}\n{english}")
        else:
            blocks.append(english)
    # The list of what to check comes in plain text too: a reader of the default output
    # must see it (`audit` and `without_check_section` leave it out when reading back).
    flagged = [p for p in translated.paragraphs if p.flags]
    if flagged and flags:
        blocks.append(render_flags(flagged, _hidden(translated, show_skipped), markdown=markdown))
    return "\n\n".join(blocks) + "\n"


CHECK_HEADING = "Check these"


OPENING_CHARS = 40
"""How much of a flagged paragraph's English the "Check these" list quotes."""


def render_flags(paragraphs: list[Paragraph], hidden: Sequence[int] = (), *, markdown: bool = True) -> str:
    """A short "Check these" section, Markdown or plain text: one line per flagged paragraph.

    A line gives the paragraph's index (¶N, as in the JSON and the key points), its
    flags and its opening words, which find it in the text shown. `hidden` are the
    indexes of skipped paragraphs left out of that text: ¶N counts them, and a note
    says so, since counting the paragraphs shown would land past the right one.
    """
    from translate_sum.audit import flag_summary
    from translate_sum.audit.quote import quoted

    lines = [f"## {CHECK_HEADING}" if markdown else f"{CHECK_HEADING}:", ""]
    if hidden:
        count = f"{len(hidden)} skipped paragraph{'s' if len(hidden) != 1 else ''}"
        note = f"¶ numbers count every paragraph of the French, the {count} not shown included ({_cite(tuple(hidden))[1:-1]})."
        lines += [f"_{note}_" if markdown else note, ""]
    for paragraph in paragraphs:
        lines.append(f"- ¶{paragraph.index}: {flag_summary(paragraph.flags)} — {quoted(paragraph.translation, OPENING_CHARS)}")
    return "\n".join(lines)


def _hidden(translated: TranslatedArticle, show_skipped: bool) -> list[int]:
    """Indexes of the skipped paragraphs a txt/md rendering leaves out."""
    return [] if show_skipped else [p.index for p in translated.paragraphs if p.skipped]


SKIPPED_NOTE = "[skipped: "
"""How a skipped paragraph shown with `show_skipped` starts: `[skipped: reason] French`."""


def without_check_section(paragraphs: list[str]) -> list[str]:
    """Paragraphs of a text we wrote, minus what we add to the translation: the
    trailing "Check these" section and the notes of skipped paragraphs.

    Lets `audit` read our own txt and Markdown output: the section lists flags and a
    note shows French left untranslated on purpose; neither is translation.
    """
    for i, paragraph in enumerate(paragraphs):
        if paragraph.strip().lstrip("#").strip().rstrip(":") == CHECK_HEADING:
            paragraphs = paragraphs[:i]
            break
    return [p for p in paragraphs if not p.strip().removeprefix(">").strip().lstrip("_").startswith(SKIPPED_NOTE)]


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def check_writable(path: str | Path, *, folder: bool = False, option: str = "output") -> None:
    """Raise `OutputError` unless `path` can be written, before any work is done.

    A file (`folder=False`) is written into its parent folder, which must exist: a
    mistyped folder is refused rather than created. A symbolic link is judged by its
    target, which is what gets written. A character device or a named pipe (FIFO) is
    written into, so it must be writable itself; a block device or a socket is
    refused. A folder (`folder=True`) may be missing; it is created later, so its
    nearest existing ancestor must be a writable folder. `option` is the setting the
    hint names (``output``, ``output_dir``). Permissions are asked of the system
    (`os.access`), so a read-only mount is refused too; root passes where the system
    lets root write.
    """
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise OutputError(f"cannot write into {target}: it is a file, not a folder", Hint("choose another {option}", option))
        parent = _nearest_existing(target)
    else:
        kind = _special_kind(target, option)
        if kind in _STREAMS:
            if not os.access(target, os.W_OK):
                raise OutputError(f"cannot write {target}: the {kind} is not writable", Hint("choose another {option}", option))
            return
        if kind is not None:
            raise OutputError(f"cannot write {target}: it is a {kind}, not a file", Hint("choose another {option}", option))
        if target.is_symlink():
            target = Path(os.path.realpath(target))  # the link stays; its target is written
        if target.is_dir():
            raise OutputError(f"cannot write {target}: it is a folder", Hint("give a file name to {option}", option))
        parent = target.parent
        if not parent.exists():
            parent = _nearest_existing(parent)
            if parent.is_dir():
                raise OutputError(
                    f"cannot write {target}: folder {target.parent} does not exist",
                    Hint("create it first, or choose another {option}", option),
                )
    if not parent.is_dir():
        raise OutputError(f"cannot write {target}: {parent} is a file, not a folder", Hint("choose another {option}", option))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write {target}: folder {parent} is not writable", Hint("choose another {option}", option)
        )


_STREAMS = ("character device", "named pipe (FIFO)")
"""What an output is written into rather than replaced: `-o /dev/null` discards,
`-o fifo` feeds the pipe's reader, as a shell's `>` would."""


def _special_kind(target: Path, option: str = "output") -> str | None:
    """What `target` (its link followed) is when it is not a file, a folder or missing.

    A symbolic link loop is an `OutputError`: no file can be written through it.
    """
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None  # missing (a link to a missing file too): the checks of a new file apply
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}", Hint("choose another {option}", option)) from exc
    if stat.S_ISCHR(mode):
        return _STREAMS[0]
    if stat.S_ISFIFO(mode):
        return _STREAMS[1]
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return None


def _nearest_existing(path: Path) -> Path:
    """`path` or its closest ancestor that exists (`Path('.')` for a relative path)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write `text` (UTF-8) or bytes (a .docx) to `path` through a temporary file and a rename.

    A symbolic link is kept: its target is written, atomically (the temporary file
    goes beside the target). A character device or a named pipe is written into,
    not replaced (`/dev/null` stays a device); a block device or a socket is refused.
    """
    target = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    kind = _special_kind(target)
    if kind in _STREAMS:
        _write_into(target, data)
        return
    if kind is not None:
        raise OutputError(f"cannot write {target}: it is a {kind}, not a file", Hint("choose another {option}", "output"))
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}; check the folder exists and is writable") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file readable by its owner only; outputs follow the umask.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        raise


def _write_into(target: Path, data: bytes) -> None:
    """Write `data` into a device or a pipe that is already there (no temporary file,
    no rename: there is nothing to replace). Opening a pipe waits for its reader."""
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_stdout(text: str, stream: TextIO | None = None) -> None:
    """Write `text` to standard output (or `stream`), or raise `OutputError`.

    A full disk or a closed pipe behind standard output is an `OutputError`, not a
    traceback. The bytes go straight to the file descriptor, after whatever was
    waiting in the stream's buffer: nothing of `text` stays buffered after a failure,
    so the interpreter's last flush at exit has nothing left to fail on.
    """
    stream = stream if stream is not None else sys.stdout
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None  # a stream in memory (tests, an embedding program)
    try:
        if fd is None:
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        _write_all(fd, text.encode(getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"))
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from exc


def brief_to_dict(brief: Brief, elements: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The brief command's JSON document; `paragraphs` is the translate JSON's list
    (with a document's `elements`, as in `translation_to_dict`)."""
    translation = translation_to_dict(brief.translation, elements)
    return {
        "source": translation["source"],
        "title": brief.title,
        "summary": brief.summary,
        "key_points": [{"text": k.text, "paragraphs": list(k.paragraphs)} for k in brief.key_points],
        "paragraphs": translation["paragraphs"],
        "models": dict(brief.models),
        "decoding": translation["decoding"],
        "stats": stats_to_dict(brief.stats),
        "memory": translation["memory"],
    }


def render_brief(
    brief: Brief,
    fmt: str = "md",
    *,
    with_translation: bool = False,
    bilingual: bool = False,
    show_skipped: bool = False,
    elements: Sequence[dict[str, Any]] = (),
) -> str:
    """The brief as md, txt or json text (ends with a newline); `elements` go into the
    JSON (see `translation_to_dict`)."""
    if fmt == "json":
        return to_json(brief_to_dict(brief, elements))
    if fmt == "html":
        from translate_sum.html_view import brief_page

        return brief_page(brief)
    if fmt not in FORMATS:
        raise OutputError(f"unknown output format '{fmt}'; choose one of {', '.join(FORMATS)}")
    markdown = fmt == "md"
    title = brief.title or "Brief"
    blocks = [f"# {title}" if markdown else f"{title}\n{'=' * len(title)}", brief.summary or "(no summary: the article has no body text)"]
    if brief.key_points:
        points = "\n".join(f"- {k.text} {_cite(k.paragraphs)}" for k in brief.key_points)
        blocks.append(("## Key points\n\n" if markdown else "Key points:\n") + points)
    flagged = [p for p in brief.translation.paragraphs if p.flags]
    if flagged:
        blocks.append(render_flags(flagged, _hidden(brief.translation, show_skipped), markdown=markdown))
    footer = _footer(brief)
    blocks.append(f"---\n_{footer}_" if markdown else f"-- {footer}")
    if with_translation:
        heading = "## Translation" if markdown else "Translation\n-----------"
        if bilingual and markdown:
            body = _side_by_side(brief.translation.paragraphs, show_skipped)
        else:
            body = render_translation(
                brief.translation, fmt, bilingual=bilingual, show_skipped=show_skipped, title_heading="###", flags=False
            ).rstrip()
        blocks.append(f"{heading}\n\n{body}")
    return "\n\n".join(blocks) + "\n"


def _cite(indexes: tuple[int, ...]) -> str:
    return "[" + ", ".join(f"¶{i}" for i in indexes) + "]"


def _footer(brief: Brief) -> str:
    models = {role: brief.models.get(role, "?") for role in ("translation", "summary")}
    return " · ".join(footer_parts(brief.translation, models, brief.stats.seconds))


def _side_by_side(paragraphs: tuple[Paragraph, ...], show_skipped: bool) -> str:
    """A Markdown table, French and English of each paragraph on one row."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    rows = ["| ¶ | Français | English |", "|---|---|---|"]
    for p in paragraphs:
        if p.skipped and not show_skipped:
            continue
        english = f"_(skipped: {p.reason})_" if p.skipped else p.translation
        rows.append(f"| {p.index} | {cell(p.source)} | {cell(english)} |")
    return "\n".join(rows)
