"""LibreTranslate's file translation: `POST /translate_file`, then `GET /download_file/<name>`.

A client uploads a file (multipart form: `file`, `source`, `target`, optional
`api_key`) and is answered `{"translatedFileUrl": "<server>/download_file/<id>.<name>"}`;
fetching that address gives the translated file as an attachment, as LibreTranslate
does, so its clients work unchanged. What comes back:

- .docx and .odt: the same document in English (`documents.translated_file`);
- .pdf: a new .docx with the PDF's headings and paragraphs, named so (LibreTranslate
  answers a PDF; we do not re-typeset one);
- .txt and .md: the text translated paragraph by paragraph, everything translated;
- .html and .htm: the page with every text node translated and every tag kept, as
  `/translate` with `format: html` does.

Translated files wait in memory (`FileStore`) for `FILE_LIFETIME` seconds, at most
`MAX_FILES` of them and `MAX_STORE_BYTES` in all; past that the oldest go first.
Their ids are 128 random bits, so only whoever was given an address can fetch it;
fetching needs no key, as in LibreTranslate (the upload needs one when the server
has keys).

Limits: files are lost when the server stops and are not shared between server
processes; a download after the file expired is a 404 that says to translate again.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from translate_sum.documents import DOCUMENT_SUFFIXES
from translate_sum.server.access import Keys
from translate_sum.server.jobs import run_job
from translate_sum.server.libretranslate import FILE_FORMATS, check_markup, check_pair, missing_parameter, translate_html
from translate_sum.server.protocol import ApiError, read_fields
from translate_sum.server.routes_v1 import DOCUMENT_TYPES, attachment
from translate_sum.server.service import ArticleRequest, Service

FILE_LIFETIME = 30 * 60.0
"""Seconds a translated file waits for its download."""
MAX_FILES = 256
"""Translated files kept at once; the oldest goes when another comes."""
MAX_STORE_BYTES = 512 * 1024 * 1024
"""Bytes of translated files kept at once, in all."""

TEXT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
}
_UNSAFE = re.compile(r"[^\w.-]+", re.ASCII)


@dataclass(frozen=True)
class StoredFile:
    """A translated file waiting for its download."""

    name: str  # the download's file name ("rapport.en.docx")
    media_type: str
    data: bytes
    expires: float  # the store's clock value past which it is gone


class FileStore:
    """Translated files by id, bounded in count, bytes and time; thread-safe."""

    def __init__(
        self,
        lifetime: float = FILE_LIFETIME,
        max_files: int = MAX_FILES,
        max_bytes: int = MAX_STORE_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lifetime, self.max_files, self.max_bytes, self.clock = lifetime, max_files, max_bytes, clock
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, name: str, media_type: str, data: bytes) -> str:
        """Keep a file; its new id (unguessable). Older files make room; one larger than
        the whole store is an `ApiError` 413."""
        if len(data) > self.max_bytes:
            raise ApiError(413, "the translated file is larger than this server keeps; send a smaller file")
        identifier = secrets.token_urlsafe(16)
        with self._lock:
            self._expire()
            while self._files and (len(self._files) >= self.max_files or self._bytes + len(data) > self.max_bytes):
                self._drop(next(iter(self._files)))
            self._files[identifier] = StoredFile(name, media_type, data, self.clock() + self.lifetime)
            self._bytes += len(data)
        return identifier

    def get(self, identifier: str) -> StoredFile | None:
        """The file with this id, or None when there is none (never was, or expired)."""
        with self._lock:
            self._expire()
            return self._files.get(identifier)

    def _expire(self) -> None:
        now = self.clock()
        for identifier in [i for i, f in self._files.items() if f.expires <= now]:
            self._drop(identifier)

    def _drop(self, identifier: str) -> None:
        self._bytes -= len(self._files.pop(identifier).data)


def translated_name(name: str, suffix: str) -> str:
    """`rapport.docx` → `rapport.en.docx`; `suffix` is the translation's (".docx" for a PDF)."""
    stem = PurePath(name).stem or "translation"
    return f"{stem}.en{suffix}"


def translate_upload(service: Service, data: bytes, name: str, cancel: Any) -> tuple[str, str, bytes]:
    """The translated file of an upload: its name, media type and bytes (in a worker)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:  # .docm too: the reader says why it is refused
        from translate_sum.documents import translated_file

        source = service.source(data, name)
        result = service.translate(source.article, ArticleRequest(), cancel)
        fmt = "odt" if suffix == ".odt" else "docx"
        file = translated_file(result, fmt, source.document)
        return translated_name(name, f".{fmt}"), DOCUMENT_TYPES[fmt], file.data
    if suffix in (".html", ".htm"):
        from translate_sum.reader import decode

        text, _ = decode(data, name)
        check_markup([text])
        english = translate_html(service, text, cancel)
    else:
        from translate_sum.writers import render_translation

        # Everything translated, as LibreTranslate's /translate does: no furniture set aside.
        result = service.translate(service.article(data, name), ArticleRequest(keep_all=True), cancel)
        english = render_translation(result, "md" if suffix == ".md" else "txt", flags=False)
    return translated_name(name, suffix), TEXT_TYPES[suffix], english.encode("utf-8")


def add_file_routes(app: FastAPI, service: Service, keys: Keys, store: FileStore | None = None) -> None:
    """Add `/translate_file` and `/download_file/{filename}` to `app` (LibreTranslate's keys)."""
    files = store or FileStore()

    @app.post("/translate_file", tags=["LibreTranslate"], summary="Translate a file (LibreTranslate)")
    async def translate_file(request: Request) -> JSONResponse:
        keys.check_headers(request)
        fields, uploads = await read_fields(request)
        keys.check(request, fields)
        upload = uploads.get("file")
        if upload is None or upload.name is None:
            raise missing_parameter("file")
        for name in ("source", "target"):
            if not isinstance(fields.get(name), str) or not fields[name]:
                raise missing_parameter(name)
        check_pair(fields["source"].lower(), fields["target"].lower())
        name = PurePath(upload.name.replace("\\", "/")).name or "upload"
        suffix = PurePath(name).suffix.lower()
        if suffix not in FILE_FORMATS and suffix not in DOCUMENT_SUFFIXES:
            raise ApiError(400, f"{suffix or name} format is not supported")
        data = upload.data
        out_name, media_type, out = await run_job(service, request, lambda cancel: translate_upload(service, data, name, cancel))
        identifier = files.put(out_name, media_type, out)
        url = request.url_for("download_file", filename=f"{identifier}.{_UNSAFE.sub('_', out_name)}")
        return JSONResponse({"translatedFileUrl": str(url)})

    @app.get("/download_file/{filename}", name="download_file", tags=["LibreTranslate"], summary="Download a translated file (LibreTranslate)")
    async def download_file(filename: str) -> Response:
        stored = files.get(filename.split(".", 1)[0])
        if stored is None:
            minutes = round(files.lifetime / 60)
            raise ApiError(404, f"no such file: translated files are kept {minutes} minutes; translate it again")
        return Response(stored.data, media_type=stored.media_type, headers={"Content-Disposition": attachment(stored.name)})
