"""Turn results into text (txt, Markdown, JSON) and write files atomically.

Writers are pure: they take the document model and return a string. `write_atomic`
is the one way the tool writes a file: a temporary file beside the target, then a
rename, so no reader ever sees half a file under the final name.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from translate_sum.document import Paragraph, SourceInfo, TranslatedArticle
from translate_sum.errors import OutputError

FORMATS = ("txt", "md", "json")
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".json": "json"}


def format_for_path(path: str | Path | None, default: str = "txt") -> str:
    """The output format a file name implies (`.md` → md); `default` otherwise."""
    if path is None or str(path) == "-":
        return default
    return _EXTENSIONS.get(Path(path).suffix.lower(), default)


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


def translation_to_dict(translated: TranslatedArticle) -> dict[str, Any]:
    """The translate command's JSON document (field names are a public contract)."""
    return {
        "source": source_to_dict(translated.source),
        "title": translated.title,
        "paragraphs": [paragraph_to_dict(p) for p in translated.paragraphs],
        "models": dict(translated.models),
        "stats": {
            "paragraphs": translated.stats.paragraphs,
            "source_words": translated.stats.source_words,
            "seconds": translated.stats.seconds,
        },
    }


def render_translation(
    translated: TranslatedArticle,
    fmt: str = "txt",
    *,
    bilingual: bool = False,
    show_skipped: bool = False,
) -> str:
    """The translation as txt, md or json text (ends with a newline)."""
    if fmt == "json":
        return to_json(translation_to_dict(translated))
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
            english = f"# {english}"
        if bilingual:
            french = paragraph.source
            if markdown:
                french = f"> {french}"
            blocks.append(f"{french}\n\n{english}" if markdown else f"{french}\n{english}")
        else:
            blocks.append(english)
    flagged = [p for p in translated.paragraphs if p.flags]
    if flagged:
        blocks.append(render_flags(flagged, markdown))
    return "\n\n".join(blocks) + "\n"


def render_flags(paragraphs: list[Paragraph], markdown: bool) -> str:
    """A short "Check these" section: one line per flag, with its ¶N reference."""
    heading = "## Check these" if markdown else "Check these:"
    lines = [heading, ""] if markdown else [heading]
    for paragraph in paragraphs:
        for flag in paragraph.flags:
            lines.append(f"- [¶{paragraph.index}] {flag.kind}: {flag.detail}")
    return "\n".join(lines)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        raise
