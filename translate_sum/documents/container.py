"""Tell what a document file really is, from its bytes, and refuse what cannot be read.

`sniff(data, name)` returns "docx", "odt" or "pdf", or raises an `InputError` that says
in one line what the file is and what to do: a corrupt or password-protected zip, a
Word file with macros (.docm, vbaProject.bin), an OpenDocument file with Basic
macros, a legacy binary .doc, an encrypted Office file, an Excel or PowerPoint file,
text or a web page named .docx, a zip that unpacks past the limit. The name's
extension must agree with the content (a PDF named .docx is refused, not guessed at,
since the output would take the wrong format); a name without a known extension
(standard input, an address) takes the content's format.

Encrypted and scanned PDFs are refused later, by `pdf.py`, which opens them.

Limits: the unpacked size comes from the zip directory, which a hostile file can
understate (every entry is then read once to check it: the XML parser's own limits
still apply).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePath

from translate_sum.settings import DEFAULT_MAX_UNPACKED_BYTES
from translate_sum.errors import Hint, InputError

SUFFIXES = {".docx": "docx", ".docm": "docx", ".odt": "odt", ".pdf": "pdf"}
"""File extensions read as documents, and the format each one names."""

MEDIA_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/pdf": "pdf",
}
"""Content types (e.g. of a fetched address) of the formats read here."""

FORMAT_NAMES = {"docx": "a Word document (.docx)", "odt": "an OpenDocument text (.odt)", "pdf": "a PDF"}

_ODT_MEDIA_TYPE = b"application/vnd.oasis.opendocument.text"
_OTHER_ODF = {
    b"application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    b"application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)",
    b"application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing (.odg)",
}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .doc, or an encrypted .docx
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = "open it in Word or LibreOffice and save it as .docx or .odt"


def format_for_name(name: str) -> str | None:
    """The format an extension names ("docx", "odt", "pdf"), or None."""
    return SUFFIXES.get(PurePath(name).suffix.lower())


def sniff(data: bytes, name: str, *, max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES) -> str:
    """The format of a document's bytes ("docx", "odt" or "pdf"); `InputError` if none fits."""
    if not data.strip():
        raise InputError(f"{name}: empty file; give a document with text")
    expected = format_for_name(name)
    if PurePath(name).suffix.lower() == ".docm":
        raise InputError(f"{name}: a Word document with macros (.docm) is not read; save it as .docx without macros")
    found = _content_format(data, name, max_unpacked_bytes)
    if expected is not None and found != expected:
        raise InputError(
            f"{name}: the name says {FORMAT_NAMES[expected]} but the file is {FORMAT_NAMES[found]}; "
            f"rename it to .{found}"
        )
    return found


def _content_format(data: bytes, name: str, max_unpacked_bytes: int) -> str:
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise InputError(f"{name}: the document is password-protected (encrypted); remove the password in Word and save again")
        raise InputError(f"{name}: an old binary Office file (.doc, .xls, .ppt), not read; {_SAVE_AS}")
    if not data.startswith(b"PK"):
        kind = "a web page" if data.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html")) else "not a document"
        raise InputError(f"{name}: {kind}, neither Word (.docx), OpenDocument (.odt) nor PDF; give one of those, or a .txt")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(f"{name}: the file is damaged (not a readable zip container: {exc}); {_SAVE_AS} again") from exc
    with archive:
        return _zip_format(archive, entries, name, max_unpacked_bytes)


def _zip_format(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], name: str, max_unpacked_bytes: int) -> str:
    names = {entry.filename for entry in entries}
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise InputError(f"{name}: the document is password-protected (encrypted zip); remove the password and save again")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked_bytes:
        raise InputError(
            f"{name}: its parts unpack to {unpacked:,} bytes, over the {max_unpacked_bytes:,}-byte limit",
            Hint("split the document or raise {option}", "max_unpacked_bytes"),
        )
    try:
        broken = archive.testzip()  # every entry read once: a damaged one fails here, not mid-write
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise InputError(f"{name}: the file is damaged ({exc}); {_SAVE_AS} again") from exc
    if broken is not None:
        raise InputError(f"{name}: the file is damaged ({broken} fails its checksum); {_SAVE_AS} again")
    if "mimetype" in names:
        media_type = _read(archive, "mimetype", name).strip()
        if media_type in _OTHER_ODF:
            raise InputError(f"{name}: {_OTHER_ODF[media_type]}, not a text document; give an .odt, .docx or .pdf")
        if media_type.startswith(_ODT_MEDIA_TYPE):
            if any(n.startswith(("Basic/", "Scripts/")) and not n.endswith("/") for n in names):
                raise InputError(f"{name}: the document contains macros, which are not read; save a copy without macros")
            if "content.xml" not in names:
                raise InputError(f"{name}: the file is damaged (no content.xml); save it again as .odt")
            return "odt"
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in _read(archive, "[Content_Types].xml", name, missing=b""):
        raise InputError(f"{name}: a Word document with macros (vbaProject.bin) is not read; save it as .docx without macros")
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise InputError(f"{name}: an Excel workbook, not a text document; give a .docx, .odt or .pdf")
    if any(n.startswith("ppt/") for n in names):
        raise InputError(f"{name}: a PowerPoint presentation, not a text document; give a .docx, .odt or .pdf")
    raise InputError(f"{name}: a zip archive, but neither a Word (.docx) nor an OpenDocument (.odt) file; give one of those")


def _read(archive: zipfile.ZipFile, member: str, name: str, missing: bytes | None = None) -> bytes:
    try:
        with archive.open(member) as handle:
            return handle.read(1_000_000)
    except KeyError:
        if missing is not None:
            return missing
        raise InputError(f"{name}: the file is damaged (no {member}); save it again") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        raise InputError(f"{name}: the file is damaged ({exc}); save it again") from exc
