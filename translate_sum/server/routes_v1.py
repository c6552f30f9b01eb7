"""Our `/v1` API: translate, brief and audit an article, as the CLI does.

`POST /v1/translate` and `POST /v1/brief` are one handler shape (`ArticleRoute`): read
the request (JSON, form or file upload) into its body model and an `ArticleRequest`,
run the service's job on the article, and answer in the asked format: the CLI's
`--format json` document, md, txt, or an HTML page; with `stream`, NDJSON progress
lines then the result with its Markdown and side-by-side views. The two routes differ
only in their table row: the body model, the service method and the renderers.
`POST /v1/audit` checks an English text against its French source.

An uploaded Word, OpenDocument or PDF file is read as the CLI reads it; its JSON
gives each paragraph's "element" (kind, where, status, reason, formatting lost), and
`/v1/translate` with format docx or odt answers the document itself in English (a
PDF's or a text's translation as a new .docx), as a download.

Errors are raised as `ApiError` (see `protocol.py`); the app answers them.

Limits: one article per request; a document comes back as a file only without
`stream` (a stream's lines are JSON); a stream's progress counts segments, not seconds;
a stream is admitted to the queue before its 200 starts (a full queue is a 503), so
only a failure after that (bad input, its time limit) ends with an `{"error": ...}`
line under a 200. A request whose client leaves is cancelled (see `jobs.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse

from translate_sum.server.access import Keys
from translate_sum.server.protocol import (
    ERROR_RESPONSES,
    ApiError,
    AuditBody,
    BriefBody,
    TranslateBody,
    Upload,
    body_doc,
    read_fields,
    validate,
)
from translate_sum.server.jobs import admit, job_result, run_job
from translate_sum.server.service import Progress, Service
from translate_sum.settings import DOCUMENT_FORMATS

TEXT_TYPES = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8"}
"""The media type of each text format an article route answers in."""
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
"""The media type of each document format `/v1/translate` answers in."""


@dataclass(frozen=True)
class Done:
    """A finished article job: its result, a document's element report, and the file asked for.

    `elements` are `ElementOutcome.to_dict()`s (empty for a text); `file` is the
    document in English (`documents.TranslatedDocument`) when the format is docx or odt.
    """

    result: Any
    elements: list[dict[str, Any]] = field(default_factory=list)
    file: Any = None

@dataclass(frozen=True)
class ArticleRoute:
    """What one article route is: everything else the handler shape shares.

    `job` picks the service's method (`service.translate`, `service.brief`), called as
    `method(article, request, cancel, progress)`. `to_dict`, `page` and `view`
    give the JSON document (with a document's element report), the whole HTML page
    and the page's markup (for a stream); `text` the md/txt answer for a request
    body, `stream_markdown` the Markdown a stream carries (the web page's "copy as
    Markdown"); `translation` the result's `TranslatedArticle`.
    """

    name: str
    summary: str
    body: type[TranslateBody]
    job: Callable[[Service], Callable[..., Any]]
    to_dict: Callable[[Any, list[dict[str, Any]]], dict[str, Any]]
    translation: Callable[[Any], Any]
    page: Callable[[Any], str]
    view: Callable[[Any], str]
    text: Callable[[Any, Any], str]
    stream_markdown: Callable[[Any], str]

    @property
    def path(self) -> str:
        return f"/v1/{self.name}"


def add_v1_routes(app: FastAPI, service: Service, keys: Keys) -> None:
    """Add `/v1/translate`, `/v1/brief` and `/v1/audit` to `app`."""
    for route in (_translate_route(), _brief_route()):
        _add_article_route(app, service, keys, route)

    @app.post(
        "/v1/audit",
        tags=["translate-sum"],
        summary="Audit an English translation against its French source (the CLI's audit)",
        openapi_extra=body_doc(AuditBody, ("source_file", "translation_file")),
        responses=ERROR_RESPONSES,
    )
    async def audit(request: Request) -> Response:
        keys.check_headers(request)
        fields, uploads = await read_fields(request)
        keys.check(request, fields)
        body = validate(AuditBody, fields)
        texts = {}
        for name in ("source", "translation"):
            upload, text = uploads.get(f"{name}_file"), getattr(body, name)
            if (upload is None) == (text is None):
                raise ApiError(400, f'send the {name} as "{name}" text or as a "{name}_file" upload (one of them)')
            texts[name] = (upload.data, upload.name) if upload is not None else (text, None)
        result = await run_job(service, request, lambda cancel: _audit(service, texts))
        if body.format == "md":
            from translate_sum.audit import report_to_markdown

            return PlainTextResponse(report_to_markdown(result), media_type=TEXT_TYPES["md"])
        from translate_sum.audit import report_to_dict

        return JSONResponse(report_to_dict(result))


def _add_article_route(app: FastAPI, service: Service, keys: Keys, route: ArticleRoute) -> None:
    """The one handler shape: request → body and ArticleRequest → job → answer by format."""

    async def handle(request: Request) -> Response:
        body, upload = await _article_fields(request, route.body, keys)
        options = body.article_request()
        as_document = body.format in DOCUMENT_FORMATS
        if as_document and body.stream:
            raise ApiError(400, f'a .{body.format} comes back as a file, not in a stream; send "stream": false')

        def work(cancel: Any, progress: Progress | None = None) -> Done:
            # Read in the worker, so a slow parse counts against the time limit too.
            source = _source_of(service, body, upload)
            if as_document:
                _check_document_output(body.format, source.document)
            result = route.job(service)(source.article, options, cancel, progress)
            return _finish(route, result, source.document, body.format, body.stream)

        if body.stream:
            return stream_job(service, lambda cancel, progress: _views(route, work(cancel, progress)))
        return _answer(route, await run_job(service, request, work), body, upload)

    app.post(
        route.path,
        name=route.name,
        tags=["translate-sum"],
        summary=route.summary,
        openapi_extra=body_doc(route.body, ("file",)),
        responses=ERROR_RESPONSES,
    )(handle)


def stream_job(service: Service, work: Callable[[Any, Progress], dict[str, Any]]) -> StreamingResponse:
    """Run `work(cancel, progress)` and answer NDJSON: progress lines, then the result or the error.

    The work is admitted before the 200 starts, so a full queue is a 503 with
    Retry-After, not an error line under a 200. A client that leaves ends the
    stream (Starlette cancels it), and that cancels the work.
    """
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    def progress(done: int, total: int) -> None:
        loop.call_soon_threadsafe(lines.put_nowait, {"progress": {"done": done, "total": total}})

    admitted = admit(service, lambda cancel: work(cancel, progress))

    async def produce() -> None:
        try:
            await lines.put(await job_result(admitted))
        except ApiError as exc:
            await lines.put({"error": exc.message, "status": exc.status})
        finally:
            await lines.put(None)

    async def body() -> Any:
        task = asyncio.create_task(produce())
        try:
            while (line := await lines.get()) is not None:
                yield json.dumps(line, ensure_ascii=False) + "\n"
        finally:
            task.cancel()  # done already, or its client left: then its work is dropped
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return StreamingResponse(body(), media_type="application/x-ndjson")


async def _article_fields(request: Request, model: type[TranslateBody], keys: Keys) -> tuple[Any, Upload | None]:
    """The request's body model and its uploaded article; exactly one article must come."""
    keys.check_headers(request)  # a wrong header key is refused before the body is read
    fields, uploads = await read_fields(request)
    keys.check(request, fields)
    body = validate(model, fields)
    upload = uploads.get("file")
    if upload is None and body.text is None:
        raise ApiError(400, 'no article: send it as "text" or upload it as "file"')
    if upload is not None and body.text is not None:
        raise ApiError(400, 'both "text" and "file" were sent; send one article')
    return body, upload


def _source_of(service: Service, body: TranslateBody, upload: Upload | None) -> Any:
    """The article read (`reader.ArticleSource`: with its document when it is one)."""
    if upload is not None:
        return service.source(upload.data, upload.name)
    return service.source(body.text, None)


def _check_document_output(fmt: str, document: Any) -> None:
    """Refuse, before translating, a docx/odt answer this input cannot give (a 400)."""
    from translate_sum.documents import check_output_format
    from translate_sum.errors import OutputError
    from translate_sum.server.protocol import name_option

    try:
        check_output_format(fmt, document)
    except OutputError as exc:
        raise ApiError(400, exc.describe(name_option)) from None


def _finish(route: ArticleRoute, result: Any, document: Any, fmt: str, stream: bool) -> Done:
    """The job's result with what its answer needs of the document (in the worker: it costs)."""
    if fmt in DOCUMENT_FORMATS:
        from translate_sum.documents import translated_file

        return Done(result, file=translated_file(route.translation(result), fmt, document))
    if document is not None and (fmt == "json" or stream):
        from translate_sum.documents import element_report

        return Done(result, element_report(document, route.translation(result)))
    return Done(result)


def _answer(route: ArticleRoute, done: Done, body: TranslateBody, upload: Upload | None) -> Response:
    if done.file is not None:
        name = _download_name(upload.name if upload is not None else None, body.format)
        return Response(done.file.data, media_type=DOCUMENT_TYPES[body.format], headers={"Content-Disposition": attachment(name)})
    if body.format == "json":
        return JSONResponse(route.to_dict(done.result, done.elements))
    if body.format == "html":
        return HTMLResponse(route.page(done.result))
    return PlainTextResponse(route.text(done.result, body), media_type=TEXT_TYPES[body.format])


def _download_name(upload_name: str | None, fmt: str) -> str:
    """`rapport.docx` → `rapport.en.docx`; a PDF's → `name.en.docx`; pasted text's → `translation.en.docx`."""
    stem = PurePath((upload_name or "translation").replace("\\", "/")).stem or "translation"
    return f"{stem}.en.{fmt}"


def attachment(name: str) -> str:
    """A Content-Disposition for a download named `name`, any characters safe (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"


def _views(route: ArticleRoute, done: Done) -> dict[str, Any]:
    """A stream's last line: the JSON document, and what the web page shows of it."""
    result = done.result
    return {"result": route.to_dict(result, done.elements), "markdown": route.stream_markdown(result), "html": route.view(result)}


def _audit(service: Service, texts: dict[str, tuple[Any, str | None]]) -> Any:
    from translate_sum.audit import audit_texts
    from translate_sum.writers import without_check_section

    french = [p.source for p in service.article(*texts["source"]).paragraphs]
    english = without_check_section([p.source for p in service.article(*texts["translation"]).paragraphs])
    return audit_texts(french, english)


# The two article routes' rows. Renderers are imported when a route is built, so
# importing the server stays cheap for `translate-sum --help`.


def _translate_route() -> ArticleRoute:
    from translate_sum import html_view, writers

    def text(result: Any, body: TranslateBody) -> str:
        return writers.render_translation(result, body.format, bilingual=body.bilingual, show_skipped=body.show_skipped)

    return ArticleRoute(
        name="translate",
        summary="Translate an article (the CLI's translate)",
        body=TranslateBody,
        job=lambda service: service.translate,
        to_dict=writers.translation_to_dict,
        translation=lambda result: result,
        page=html_view.translation_page,
        view=html_view.translation_view,
        text=text,
        stream_markdown=lambda result: writers.render_translation(result, "md", bilingual=True, show_skipped=True),
    )


def _brief_route() -> ArticleRoute:
    from translate_sum import html_view, writers

    def text(result: Any, body: BriefBody) -> str:
        return writers.render_brief(
            result,
            body.format,
            with_translation=body.with_translation or body.bilingual,
            bilingual=body.bilingual,
            show_skipped=body.show_skipped,
        )

    return ArticleRoute(
        name="brief",
        summary="Translate and brief an article (the CLI's brief)",
        body=BriefBody,
        job=lambda service: service.brief,
        to_dict=writers.brief_to_dict,
        translation=lambda result: result.translation,
        page=html_view.brief_page,
        view=html_view.brief_view,
        text=text,
        stream_markdown=lambda result: writers.render_brief(
            result, "md", with_translation=True, bilingual=True, show_skipped=True
        ),
    )
