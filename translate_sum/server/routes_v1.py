"""Our `/v1` API: translate, brief and audit an article, as the CLI does.

`POST /v1/translate` and `POST /v1/brief` are one handler shape (`ArticleRoute`): read
the request (JSON, form or file upload) into its body model and an `ArticleRequest`,
run the service's job on the article, and answer in the asked format: the CLI's
`--format json` document, md, txt, or an HTML page; with `stream`, NDJSON progress
lines then the result with its Markdown and side-by-side views. The two routes differ
only in their table row: the body model, the service method and the renderers.
`POST /v1/audit` checks an English text against its French source.

Errors are raised as `ApiError` (see `protocol.py`); the app answers them.

Limits: one article per request; a stream's progress counts segments, not seconds;
a stream is admitted to the queue before its 200 starts (a full queue is a 503), so
only a failure after that (bad input, its time limit) ends with an `{"error": ...}`
line under a 200. A request whose client leaves is cancelled (see `jobs.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
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

TEXT_TYPES = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8"}
"""The media type of each text format an article route answers in."""

@dataclass(frozen=True)
class ArticleRoute:
    """What one article route is: everything else the handler shape shares.

    `job` picks the service's method (`service.translate`, `service.brief`), called as
    `method(article, request, cancel, progress)`. `to_dict`, `page` and `view`
    give the JSON document, the whole HTML page and the page's markup (for a stream);
    `text` the md/txt answer for a request body, `stream_markdown` the Markdown a
    stream carries (the web page's "copy as Markdown").
    """

    name: str
    summary: str
    body: type[TranslateBody]
    job: Callable[[Service], Callable[..., Any]]
    to_dict: Callable[[Any], dict[str, Any]]
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

        def work(cancel: Any, progress: Progress | None = None) -> Any:
            # Read in the worker, so a slow parse counts against the time limit too.
            return route.job(service)(_article_of(service, body, upload), options, cancel, progress)

        if body.stream:
            return stream_job(service, lambda cancel, progress: _views(route, work(cancel, progress)))
        return _answer(route, await run_job(service, request, work), body)

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


def _article_of(service: Service, body: TranslateBody, upload: Upload | None) -> Any:
    if upload is not None:
        return service.article(upload.data, upload.name)
    return service.article(body.text, None)


def _answer(route: ArticleRoute, result: Any, body: TranslateBody) -> Response:
    if body.format == "json":
        return JSONResponse(route.to_dict(result))
    if body.format == "html":
        return HTMLResponse(route.page(result))
    return PlainTextResponse(route.text(result, body), media_type=TEXT_TYPES[body.format])


def _views(route: ArticleRoute, result: Any) -> dict[str, Any]:
    """A stream's last line: the JSON document, and what the web page shows of it."""
    return {"result": route.to_dict(result), "markdown": route.stream_markdown(result), "html": route.view(result)}


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
        page=html_view.brief_page,
        view=html_view.brief_view,
        text=text,
        stream_markdown=lambda result: writers.render_brief(
            result, "md", with_translation=True, bilingual=True, show_skipped=True
        ),
    )
