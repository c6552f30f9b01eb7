"""Turn results into text (txt, Markdown, JSON) and write files atomically.

Writers are pure: they take the document model and return a string. `write_atomic`
is the one way the tool writes a file: a temporary file beside the target, then a
rename, so no reader ever sees half a file under the final name. `check_writable`
finds an output that cannot be written before any model work starts.

Limits: `check_writable` asks the system for permission and cannot foresee a full
disk or a folder removed while the work runs; `write_atomic` then raises.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

from translate_sum.document import Brief, Paragraph, SourceInfo, Stats, TranslatedArticle
from translate_sum.errors import Hint, OutputError
from translate_sum.footer import footer_parts

FORMATS = ("txt", "md", "json")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".json": "json", ".html": "html", ".htm": "html"}


def format_for_path(path: str | Path | None, default: str = "txt") -> str:
    """The output format a file name implies (`.md` → md); `default` otherwise."""
    if path is None or str(path) == "-":
        return default
    suffix = Path(path).suffix.lower()
    if suffix and suffix not in _EXTENSIONS:
        raise OutputError(f"cannot tell the output format from '{suffix}'", Hint("name the file .txt, .md, .json or .html, or pass {option}", "format"))
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
        "segments": [{"source": s.source, "translation": s.translation} for s in paragraph.segments],
        "flags": [flag.to_dict() for flag in paragraph.flags],
    }
    if paragraph.skipped:
        data["skipped"] = True
        data["reason"] = paragraph.reason
    return data


def stats_to_dict(stats: Stats) -> dict[str, Any]:
    return {"paragraphs": stats.paragraphs, "source_words": stats.source_words, "seconds": stats.seconds}


def translation_to_dict(translated: TranslatedArticle) -> dict[str, Any]:
    """The translate command's JSON document (field names are a public contract)."""
    return {
        "source": source_to_dict(translated.source),
        "title": translated.title,
        "paragraphs": [paragraph_to_dict(p) for p in translated.paragraphs],
        "models": dict(translated.models),
        "stats": stats_to_dict(translated.stats),
    }


def render_translation(
    translated: TranslatedArticle,
    fmt: str = "txt",
    *,
    bilingual: bool = False,
    show_skipped: bool = False,
    title_heading: str = "#",
    flags: bool = True,
) -> str:
    """The translation as txt, md or json text (ends with a newline).

    `title_heading` is the Markdown mark of the title; `flags` adds the "Check these"
    section to Markdown (a brief that embeds the translation has its own).
    """
    if fmt == "json":
        return to_json(translation_to_dict(translated))
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
                note = f"[skipped: {paragraph.reason}] {paragraph.source}"
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
    # Plain text stays the translation alone, so it can be piped on; flags are in md and json.
    flagged = [p for p in translated.paragraphs if p.flags]
    if flagged and markdown and flags:
        blocks.append(render_flags(flagged, _hidden(translated, show_skipped)))
    return "\n\n".join(blocks) + "\n"


CHECK_HEADING = "Check these"


OPENING_CHARS = 40
"""How much of a flagged paragraph's English the "Check these" list quotes."""


def render_flags(paragraphs: list[Paragraph], hidden: Sequence[int] = ()) -> str:
    """A short Markdown "Check these" section: one line per flagged paragraph.

    A line gives the paragraph's index (¶N, as in the JSON and the key points), its
    flags and its opening words, which find it in the text shown. `hidden` are the
    indexes of skipped paragraphs left out of that text: ¶N counts them, and a note
    says so, since counting the paragraphs shown would land past the right one.
    """
    from translate_sum.audit import flag_summary
    from translate_sum.audit.quote import quoted

    lines = [f"## {CHECK_HEADING}", ""]
    if hidden:
        count = f"{len(hidden)} skipped paragraph{'s' if len(hidden) != 1 else ''}"
        lines += [f"_¶ numbers count every paragraph of the French, the {count} not shown included ({_cite(tuple(hidden))[1:-1]})._", ""]
    for paragraph in paragraphs:
        lines.append(f"- ¶{paragraph.index}: {flag_summary(paragraph.flags)} — {quoted(paragraph.translation, OPENING_CHARS)}")
    return "\n".join(lines)


def _hidden(translated: TranslatedArticle, show_skipped: bool) -> list[int]:
    """Indexes of the skipped paragraphs a txt/md rendering leaves out."""
    return [] if show_skipped else [p.index for p in translated.paragraphs if p.skipped]


def without_check_section(paragraphs: list[str]) -> list[str]:
    """Paragraphs of a text we wrote, minus our trailing "Check these" section.

    Lets `audit` read our own Markdown output: the section lists flags, it is not
    part of the translation.
    """
    for i, paragraph in enumerate(paragraphs):
        if paragraph.strip().lstrip("#").strip().rstrip(":") == CHECK_HEADING:
            return paragraphs[:i]
    return paragraphs


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def check_writable(path: str | Path, *, folder: bool = False, option: str = "output") -> None:
    """Raise `OutputError` unless `path` can be written, before any work is done.

    A file (`folder=False`) is written into its parent folder, which must exist: a
    mistyped folder is refused rather than created. A folder (`folder=True`) may be
    missing; it is created later, so its nearest existing ancestor must be a
    writable folder. `option` is the setting the hint names (``output``,
    ``output_dir``). Permissions are asked of the system (`os.access`), so a
    read-only mount is refused too; root passes where the system lets root write.
    """
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise OutputError(f"cannot write into {target}: it is a file, not a folder", Hint("choose another {option}", option))
        parent = _nearest_existing(target)
    else:
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


def _nearest_existing(path: Path) -> Path:
    """`path` or its closest ancestor that exists (`Path('.')` for a relative path)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}; check the folder exists and is writable") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
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


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """The brief command's JSON document; `paragraphs` is the translate JSON's list."""
    translation = translation_to_dict(brief.translation)
    return {
        "source": translation["source"],
        "title": brief.title,
        "summary": brief.summary,
        "key_points": [{"text": k.text, "paragraphs": list(k.paragraphs)} for k in brief.key_points],
        "paragraphs": translation["paragraphs"],
        "models": dict(brief.models),
        "stats": stats_to_dict(brief.stats),
    }


def render_brief(
    brief: Brief,
    fmt: str = "md",
    *,
    with_translation: bool = False,
    bilingual: bool = False,
    show_skipped: bool = False,
) -> str:
    """The brief as md, txt or json text (ends with a newline)."""
    if fmt == "json":
        return to_json(brief_to_dict(brief))
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
    if flagged and markdown:
        blocks.append(render_flags(flagged, _hidden(brief.translation, show_skipped)))
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
