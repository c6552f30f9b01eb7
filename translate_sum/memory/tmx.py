"""The memory as TMX 1.4, the interchange format translation tools read and write.

Export writes one translation unit (`<tu>`) per entry: the French `<tuv>` and the
English one, the last use as `lastusagedate`, and properties a CAT tool ignores but our
import reads back: `x-origin` (human or machine), `x-context` (the key's context digest,
described once in the header by a `x-context:DIGEST` property holding its JSON) and,
where the audit replaced the engine's words, `x-decoded` (the engine's own answer; the
`<seg>` holds what the run gave). Export then import gives back the same memory.

Import reads units with a French and an English variant (`xml:lang`, or TMX 1.1's
`lang`; any region: fr-FR, en-GB). A unit our export marked as machine, with a context
the file describes, comes back as that machine entry; every other unit (a memory made
elsewhere) is a human translation, which takes precedence over the machine's. Inline
markup is reduced to its text: `<hi>` keeps its words, the native codes of `<bpt>`,
`<ept>`, `<it>`, `<ph>`, `<ut>` and their `<sub>` flows are dropped.

The file is parsed as a stream, without resolving entities, reading a DTD or touching
the network; a document that declares entities (how an "XML bomb" or an external entity
attack starts; TMX needs none) is refused before its body is read.

Limits: no segmentation rules (SRX) are applied: a unit answers only a segment whose
text equals its French text (surrounding whitespace aside). Text XML cannot carry
(control characters) is left out of an export, and counted.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from translate_sum.errors import InputError, OutputError
from translate_sum.memory.records import Entry

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_LANGUAGE = "fr"
TARGET_LANGUAGE = "en"
_CODES = frozenset({"bpt", "ept", "it", "ph", "ut", "sub"})
"""Inline elements whose content is native markup, not text."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DATE = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    units: int
    skipped: int  # entries whose text XML cannot carry


def export_tmx(entries: Iterable[Entry], path: Path, tool_version: str) -> ExportResult:
    """Write `entries` to `path` as TMX 1.4, atomically (a temporary file, then a rename).

    Entries are read once, as a stream: the header describes the contexts the units
    use, so the units go to a spool file first and are copied after the header.
    `OutputError` when the file cannot be written.
    """
    from lxml import etree

    path = Path(path)
    contexts: dict[str, dict[str, Any]] = {}
    units = skipped = 0
    try:
        with tempfile.TemporaryFile(dir=path.parent if path.parent.is_dir() else None) as spool:
            with etree.xmlfile(spool, encoding="utf-8") as xml:
                with xml.element("body"):
                    for entry in entries:
                        if _NOT_XML.search(entry.source + entry.translation + (entry.given or "")):
                            skipped += 1
                            continue
                        if not entry.human:
                            contexts.setdefault(entry.context, entry.description)
                        xml.write(_unit(entry), pretty_print=True)
                        units += 1
            spool.seek(0)
            _write_atomic(path, lambda out: _document(out, spool, contexts, tool_version))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; check the folder exists and is writable") from exc
    return ExportResult(path, units, skipped)


def _unit(entry: Entry) -> Any:
    """One `<tu>` element for `entry`."""
    from lxml import etree

    tu = etree.Element("tu", lastusagedate=time.strftime(_DATE, time.gmtime(entry.used)))
    etree.SubElement(tu, "prop", type="x-origin").text = "human" if entry.human else "machine"
    if not entry.human:
        etree.SubElement(tu, "prop", type="x-context").text = entry.context
        if entry.given is not None:
            etree.SubElement(tu, "prop", type="x-decoded").text = entry.translation
    for language, text in ((SOURCE_LANGUAGE, entry.source), (TARGET_LANGUAGE, entry.given or entry.translation)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: language})
        etree.SubElement(tuv, "seg").text = text
    return tu


def _document(out: BinaryIO, body: BinaryIO, contexts: dict[str, dict[str, Any]], tool_version: str) -> None:
    """The whole file: the declaration, the header (contexts described) and the spooled body."""
    from lxml import etree

    header = etree.Element(
        "header",
        creationtool="translate-sum",
        creationtoolversion=tool_version,
        segtype="block",  # segments are sentences packed under a token budget
        adminlang="en",
        srclang=SOURCE_LANGUAGE,
        datatype="plaintext",
        creationdate=time.strftime(_DATE, time.gmtime()),
        **{"o-tmf": "translate-sum"},
    )
    for digest, description in sorted(contexts.items()):
        etree.SubElement(header, "prop", type=f"x-context:{digest}").text = json.dumps(description, sort_keys=True)
    out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<tmx version="1.4">\n')
    out.write(etree.tostring(header, encoding="utf-8", pretty_print=True))
    while chunk := body.read(2**20):
        out.write(chunk)
    out.write(b"\n</tmx>\n")


def _write_atomic(path: Path, write: Any) -> None:
    """Call `write(handle)` on a temporary file beside `path`, then rename it into place."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_tmx(path: Path, now: float | None = None) -> Iterator[Entry]:
    """The French→English entries of the TMX file at `path`, as a stream.

    `InputError` for a file that is missing, not well-formed XML, not TMX, or declares
    entities. Units without both a French and an English variant are passed over.
    """
    from lxml import etree

    path = Path(path)
    now = time.time() if now is None else now
    try:
        events = etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        contexts: dict[str, dict[str, Any]] = {}
        started = False
        for event, element in events:
            if not started:
                started = True
                _refuse_entities(path, element)
                if etree.QName(element).localname != "tmx":
                    raise InputError(f"{path} is not a TMX file (its root is <{etree.QName(element).localname}>)")
            if event != "end":
                continue
            tag = etree.QName(element).localname
            if tag == "header":
                contexts = _header_contexts(element)
            elif tag == "tu":
                entry = _entry(element, contexts, now)
                if entry is not None:
                    yield entry
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path} is not well-formed XML ({exc.msg}); export it again from its tool") from exc


def _refuse_entities(path: Path, root: Any) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{path} declares XML entities, which a TMX file never needs; refusing to read it")


def _header_contexts(header: Any) -> dict[str, dict[str, Any]]:
    """Contexts described in the header by our export (`x-context:DIGEST` properties)."""
    contexts = {}
    for prop in header.iter("prop"):
        kind = prop.get("type") or ""
        if kind.startswith("x-context:"):
            try:
                contexts[kind.removeprefix("x-context:")] = json.loads(prop.text or "")
            except ValueError:
                continue  # a damaged description: its units come back as human ones
    return contexts


def _entry(tu: Any, contexts: dict[str, dict[str, Any]], now: float) -> Entry | None:
    """The entry a `<tu>` holds, None without a French and an English text."""
    texts: dict[str, str] = {}
    for tuv in tu.iter("tuv"):
        language = (tuv.get(XML_LANG) or tuv.get("lang") or "").split("-")[0].split("_")[0].lower()
        seg = tuv.find("seg")
        if language in (SOURCE_LANGUAGE, TARGET_LANGUAGE) and seg is not None and language not in texts:
            texts[language] = _text(seg).strip()
    source, translation = texts.get(SOURCE_LANGUAGE), texts.get(TARGET_LANGUAGE)
    if not source or translation is None:
        return None
    props = {prop.get("type"): prop.text or "" for prop in tu.findall("prop")}
    used = _date(tu.get("lastusagedate") or tu.get("changedate") or tu.get("creationdate"), now)
    context = props.get("x-context", "")
    if props.get("x-origin") == "machine" and context in contexts:
        decoded = props.get("x-decoded")
        if decoded is not None:
            return Entry(source, decoded, False, context, contexts[context], used, given=translation)
        return Entry(source, translation, False, context, contexts[context], used)
    return Entry(source, translation, True, "", {"origin": "human"}, used)


def _text(element: Any) -> str:
    """The words of a `<seg>` (or of an inline `<hi>` in it): text, not native codes."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            parts.append(child.tail or "")
            continue
        if child.tag not in _CODES:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _date(value: str | None, default: float) -> int:
    """A TMX date (UTC, YYYYMMDDThhmmssZ) as Unix seconds; `default` when absent or malformed."""
    try:
        return calendar.timegm(time.strptime(value or "", _DATE))
    except ValueError:
        return int(default)


__all__ = ["ExportResult", "export_tmx", "read_tmx"]
