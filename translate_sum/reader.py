"""Read a French article from a file or standard input into an `Article`.

What it handles: UTF-8 with or without BOM, UTF-16 with or without a BOM, UTF-32 with
one, legacy single-byte encodings (cp1252, ISO-8859-1/15) through charset-normalizer,
CRLF and CR line ends, `.txt`, `.md` and saved web pages (`.html`/`.htm`, or any file
that starts like HTML: the article is extracted with trafilatura, see `html.py`), and
pages given by an http(s) address (fetched by `fetch.py`, then read the same way).
Word (.docx), OpenDocument (.odt) and PDF files, by extension or by their first bytes
(or, by address, by their declared type), are read by `documents` (one paragraph per
text-bearing element, in reading order), within `DocumentLimits`; `read_source` gives
the document with its article, for writing the translation back into it.
Paragraphs are blocks separated by blank lines; inside a block, `layout.py` tells
hard-wrapped lines (joined with one space) from one-paragraph-per-line pasted text
(`text.split_paragraphs`, the one paragraph splitter).
French typographic spaces (U+00A0, U+202F) are kept.

What it refuses, with one line saying why: a missing path, a directory, a file over
the size limit, an empty or whitespace-only text, binary data, undecodable bytes.
It never modifies its input, and never reads more than the size limit (plus one
byte) of any input: a pipe, a device or a process substitution included.

Limits: the title is a guess (a short first paragraph without a final period); a
legacy encoding is detected among those French text uses (cp1252, ISO-8859-1/15,
Mac Roman, cp850), not every code page; an article must fit in memory.
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import logging
import os
import re
import stat
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from translate_sum.document import Article, Paragraph, SourceInfo
from translate_sum.errors import Hint, InputError
from translate_sum.options import DEFAULT_MAX_BYTES
from translate_sum.text import split_paragraphs

if TYPE_CHECKING:
    from translate_sum.documents import DocumentLimits, SourceDocument
    from translate_sum.fetch import FetchedPage

log = logging.getLogger(__name__)

RAISE_MAX_BYTES = Hint("split it or raise {option}", "max_bytes")

TITLE_MAX_WORDS = 25
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t]+")
# A text whose first line is a Markdown heading ("# Titre"); "#MeToo" is a hashtag.
_MARKDOWN_FIRST_HEADING = re.compile(r"\A\s*#{1,6}[ \t]+\S")
# Control characters other than tab and line breaks do not occur in text files.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ArticleSource:
    """What was read: the article, and the document it came from when it is one.

    `document` is the Word, OpenDocument or PDF file as read (`documents`), which
    writing the translation back needs; None for text, Markdown and web pages.
    """

    article: Article
    document: "SourceDocument | None" = None


def read_article(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float | None = None, limits: "DocumentLimits | None" = None
) -> Article:
    """Read the article at `path`: a file, "-" for standard input, or an http(s) address.

    An address is fetched (`fetch.fetch`, within `timeout` seconds, default
    `fetch.DEFAULT_TIMEOUT`) and read like a saved page, or a document, of that type.
    `limits` bound a document's pages, paragraphs and unpacked size (its `max_bytes`
    is this function's). See `read_source` for the document itself.
    """
    return read_source(path, max_bytes=max_bytes, timeout=timeout, limits=limits).article


def read_source(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float | None = None, limits: "DocumentLimits | None" = None
) -> ArticleSource:
    """`read_article`, with the document the article came from (to write it back in English)."""
    name = str(path)
    from translate_sum.fetch import DEFAULT_TIMEOUT, fetch, is_url

    if isinstance(path, str) and is_url(name):
        page = fetch(name.strip(), max_bytes=max_bytes, timeout=timeout or DEFAULT_TIMEOUT)
        if page.document_format is not None:
            return _source_from_document(page.data, _document_name(page, name.strip()), limits)
        text = _page_text(page)
        encoding = page.charset if isinstance(text, str) else None
        return parse_source(text, path=name.strip(), markdown=page.is_markdown, html=page.is_html, encoding=encoding)
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        _check_size(data, name, max_bytes)
        return parse_source(data, path="-", limits=limits)
    file = Path(path)
    if not file.exists():
        raise InputError(f"{name}: no such file; check the path")
    if file.is_dir():
        raise InputError(f"{name}: is a directory; give a file, or use `translate-sum batch` for a folder")
    data = _read_bounded(file, name, max_bytes)
    suffix = file.suffix.lower()
    return parse_source(data, path=name, markdown=suffix in MARKDOWN_SUFFIXES, html=suffix in HTML_SUFFIXES, limits=limits)


def _document_name(page: "FetchedPage", address: str) -> str:
    """How a fetched document is named: its address, whose extension must not contradict
    the format its server declared (the reader checks a name's extension against the bytes)."""
    from translate_sum.documents.container import format_for_name

    named = format_for_name(urllib.parse.urlsplit(page.url).path)
    if named in (None, page.document_format) and format_for_name(address) in (None, page.document_format):
        return address
    return f"{address} ({page.document_format})"


def _read_bounded(file: Path, name: str, max_bytes: int) -> bytes:
    """The bytes of `file`, never more than `max_bytes` of them: an `InputError` past that.

    A pipe, a device (`/dev/zero`) or a process substitution (`<(...)`) has no size
    to ask, and a file can grow after its size was asked: every input is read with a
    bound of `max_bytes` + 1, so an endless one costs that much memory and no more.
    A regular file already over the limit is refused by its size, unread.
    """
    try:
        with file.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if stat.S_ISREG(status.st_mode) and status.st_size > max_bytes:
                raise InputError(f"{name}: file is {status.st_size:,} bytes, over the {max_bytes:,}-byte limit", RAISE_MAX_BYTES)
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc}); check its permissions") from exc
    _check_size(data, name, max_bytes)
    return data


def _page_text(page: "FetchedPage") -> bytes | str:
    """A fetched page's text in the charset its server declared, else its bytes to sniff."""
    if page.charset:
        try:
            return page.data.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            log.info("%s: not valid %s as declared; detecting the encoding", page.url, page.charset)
    return page.data


def parse_article(
    data: bytes | str, *, path: str = "-", markdown: bool = False, html: bool = False, encoding: str | None = None,
    limits: "DocumentLimits | None" = None,
) -> Article:
    """Build an `Article` from raw bytes (decoded here) or from text.

    HTML is recognised by `html=True` or by its content, whatever the file name, and
    Markdown by `markdown=True` or by a heading (`# Titre`) on the first line; Word,
    OpenDocument and PDF bytes by their name or first bytes (`documents`, within
    `limits`). `encoding` names the encoding text was decoded from (default utf-8).
    Bytes are hashed (`SourceInfo.sha256`), so the version read can be told from another.
    """
    return parse_source(data, path=path, markdown=markdown, html=html, encoding=encoding, limits=limits).article


def parse_source(
    data: bytes | str, *, path: str = "-", markdown: bool = False, html: bool = False, encoding: str | None = None,
    limits: "DocumentLimits | None" = None,
) -> ArticleSource:
    """`parse_article`, with the document the article came from when it is one."""
    digest = None
    if isinstance(data, str):
        text, encoding = data, _canonical_encoding(encoding) if encoding else "utf-8"
    elif _is_document(path, data):
        return _source_from_document(data, path, limits)
    else:
        text, encoding = decode(data, path)
        digest = hashlib.sha256(data).hexdigest()
    from translate_sum.html import looks_like_html

    if html or looks_like_html(text):
        return ArticleSource(_article_from_html(text, path, encoding, digest))
    # Markdown pasted or piped has no .md name to tell it: a heading first tells it.
    markdown = markdown or _MARKDOWN_FIRST_HEADING.match(text) is not None
    if markdown:
        text = "\n".join(_MARKDOWN_HEADING.sub("", line) for line in text.splitlines())
    blocks = split_paragraphs(text)
    if not blocks:
        raise InputError(f"{where(path)}: empty, or only whitespace; give an article with text")
    has_title = len(blocks) > 1 and looks_like_title(blocks[0])
    paragraphs = tuple(
        Paragraph(index=i, source=block, is_title=(i == 1 and has_title))
        for i, block in enumerate(blocks, start=1)
    )
    source = SourceInfo(
        path=path,
        encoding=encoding,
        format="markdown" if markdown else "text",
        title=blocks[0] if has_title else None,
        sha256=digest,
    )
    return ArticleSource(Article(source=source, paragraphs=paragraphs))


def _is_document(path: str, data: bytes) -> bool:
    from translate_sum.documents import is_document

    return is_document(path, data)


def _source_from_document(data: bytes, path: str, limits: "DocumentLimits | None") -> ArticleSource:
    """A Word, OpenDocument or PDF file's text-bearing elements as paragraphs (`documents`).

    The caller has bounded the size already; the document's own limits (pages,
    paragraphs, unpacked size) still apply.
    """
    from translate_sum.documents import DocumentLimits, document_article, parse_document

    limits = limits or DocumentLimits()
    limits = dataclasses.replace(limits, max_bytes=max(len(data), limits.max_bytes))
    document = parse_document(data, where(path), limits=limits)
    article = document_article(document)
    source = dataclasses.replace(article.source, sha256=hashlib.sha256(data).hexdigest())
    return ArticleSource(dataclasses.replace(article, source=source), document)


def _article_from_html(text: str, path: str, encoding: str, digest: str | None = None) -> Article:
    from translate_sum.html import extract_article

    try:
        from translate_sum.fetch import is_url

        page = extract_article(text, url=path if is_url(path) else None)
    except InputError as exc:
        raise InputError(f"{where(path)}: {exc}") from exc
    blocks = ([page.title] if page.title else []) + page.paragraphs
    paragraphs = tuple(
        Paragraph(index=i, source=block, is_title=(i == 1 and page.title is not None))
        for i, block in enumerate(blocks, start=1)
    )
    source = SourceInfo(
        path=path,
        encoding=encoding,
        format="html",
        title=page.title,
        date=page.date,
        author=page.author,
        sha256=digest,
    )
    return Article(source=source, paragraphs=paragraphs)


def decode(data: bytes, path: str = "-") -> tuple[str, str]:
    """Decode bytes to text; return the text and the encoding's name."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with(data, encoding, path), encoding.replace("-sig", "")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode_with(data, utf16, path), utf16
    if b"\x00" in data:
        raise InputError(f"{where(path)}: looks like a binary file (it contains NUL bytes), not text; give a .txt, .md or .html article")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        mostly = _mostly_utf8(data, path, exc)
        text, encoding = mostly if mostly else _detect(data, path)
    _reject_binary_text(text, path)
    return text, encoding


def looks_like_title(paragraph: str) -> bool:
    """A headline is short and does not end like a sentence with a period."""
    stripped = paragraph.rstrip()
    return len(stripped.split()) <= TITLE_MAX_WORDS and not stripped.endswith((".", ":", ";", ","))


def where(path: str) -> str:
    """How messages name an input: its path, or "standard input" for "-"."""
    return "standard input" if path == "-" else path


def _check_size(data: bytes, name: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise InputError(f"{where(name)}: input is over the {max_bytes:,}-byte limit", RAISE_MAX_BYTES)


def _decode_with(data: bytes, encoding: str, path: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where(path)}: not valid {encoding} text ({exc.reason} at byte {exc.start}); re-save it as UTF-8") from exc
    _reject_binary_text(text, path)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of Latin text."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.6 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.6 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


# French text in a legacy file is almost always one of these; letting the detector
# consider every code page makes it pick cp775 or cp1250 for short texts.
_LEGACY_CANDIDATES = ["cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850"]
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_ISO_8859_15_ONLY = re.compile(rb"[\xa4\xbc\xbd]")  # €, Œ, œ there; ¤, ¼, ½ in cp1252


# Text pasted from several sources is UTF-8 with a stray Windows-1252 byte or two
# (a ’ or an œ); rejecting the whole article for one byte would help nobody. The
# text is UTF-8 when its valid multi-byte characters (é, à, ’) outnumber the stray
# bytes: a Windows-1252 file of French has hundreds of lone accented bytes and
# almost never a valid UTF-8 pair (that takes a capital like Ã or É followed by a
# symbol byte like © or «).
_STRAY_BYTES_PER_MILLE = 1


def _mostly_utf8(data: bytes, path: str, first_error: UnicodeDecodeError) -> tuple[str, str] | None:
    """UTF-8 with a few stray cp1252 bytes, decoded; None when it is not that."""
    stray = []

    def from_cp1252(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        bad = error.object[error.start : error.end]
        stray.append(error.start)
        return bad.decode("cp1252", errors="replace"), error.end

    codecs.register_error("translate_sum_cp1252", from_cp1252)
    text = data.decode("utf-8", errors="translate_sum_cp1252")
    utf8_characters = sum(1 for character in text if ord(character) > 0x7F) - len(stray)
    few = len(stray) * 1000 <= max(len(data), 1000) * _STRAY_BYTES_PER_MILLE
    if not few and len(stray) > utf8_characters:
        return None
    log.warning(
        "%s: UTF-8 with %d stray byte(s) (first at byte %d), read as Windows-1252 characters",
        where(path), len(stray), first_error.start,
    )
    return text, "utf-8"


def _detect(data: bytes, path: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=_LEGACY_CANDIDATES)
    best = matches.best()
    if best is None:
        raise InputError(f"{where(path)}: not UTF-8 and no legacy French encoding fits; re-save it as UTF-8")
    encoding = best.encoding
    # cp1252 and ISO-8859-15 decode the same bytes equally well; they differ on œ and €,
    # which French uses and ¼, ½, ¤ (their cp1252 readings) which it hardly does.
    if encoding == "cp1252" and not _C1_BYTES.search(data) and _ISO_8859_15_ONLY.search(data):
        encoding = "iso8859_15"
    log.info("%s: not UTF-8, read as %s", path, encoding)
    return data.decode(encoding), _canonical_encoding(encoding)


def _canonical_encoding(name: str) -> str:
    return codecs.lookup(name).name


def _reject_binary_text(text: str, path: str) -> None:
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise InputError(f"{where(path)}: looks like a binary file (control characters), not text; give a .txt, .md or .html article")
