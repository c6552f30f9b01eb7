"""The HTTP application: the web page, our `/v1` API, health, metrics and docs.

Routes: `GET /` (the web page; its assets under `/static`, nothing from elsewhere),
`POST /v1/translate`, `/v1/brief`, `/v1/audit` (JSON, form or file upload; answers the
CLI's `--format json` document, or md/txt/html), `GET /v1/info`, `GET /health`,
`GET /metrics` (Prometheus text), `GET /openapi.json` with `/docs` (Swagger UI),
served from local files. LibreTranslate's routes are in `libretranslate.py`.

Every error is `{"error": "<one line>"}` (see `protocol.py`) with a 4xx status (5xx
only for our own bugs or a refused load): bad input 400, wrong key 403, body too
large 413, queue full 503 with `Retry-After`, time limit 504.

Limits: CORS is off unless origins are named; the web page needs JavaScript (the
`--format html` files do not).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from translate_sum.version import __version__
from translate_sum.server.metrics import Metrics
from translate_sum.server.middleware import BodyLimit, CountRequests
from translate_sum.server.protocol import (
    ERROR_RESPONSES,
    ApiError,
    AuditBody,
    BriefBody,
    TranslateBody,
    Upload,
    body_doc,
    check_key,
    describe_failure,
    read_fields,
    request_key,
    validate,
)
from translate_sum.server.service import Busy, Service

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppSettings:
    """Who may call the server and from where."""

    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()


def _static_dir() -> str:
    return str(resources.files("translate_sum").joinpath("static"))


def create_app(service: Service, settings: AppSettings | None = None) -> FastAPI:
    """The ASGI application over a loaded `Service` (its scheduler starts with the app)."""
    from contextlib import asynccontextmanager

    from fastapi_offline import FastAPIOffline

    from translate_sum.server.libretranslate import add_libretranslate_routes

    settings = settings or AppSettings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        service.start()
        try:
            yield
        finally:
            # Runs after the server stopped taking requests and those in flight finished.
            await asyncio.to_thread(service.stop)

    app = FastAPIOffline(
        title="translate-sum",
        version=__version__,
        description="French news articles into English: a faithful translation, paragraph by paragraph, "
        "and a short English brief. Also speaks LibreTranslate's API (`/translate`, `/languages`, `/detect`).",
        lifespan=lifespan,
        static_url="/static/docs",
        # ReDoc's page fetches its logo from a CDN; Swagger UI (at /docs) fetches nothing.
        redoc_url=None,
    )
    app.state.service = service
    app.state.metrics = metrics
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        return JSONResponse({"error": f"invalid request: {first.get('msg', 'bad input')}"}, status_code=400)

    async def run(work: Callable[..., Any]) -> Any:
        try:
            return await service.run(work)
        except BaseException as exc:
            if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt)):
                raise
            raise describe_failure(exc) from exc

    async def article_fields(request: Request, model: type[BaseModel]) -> tuple[Any, Upload | None]:
        fields, uploads = await read_fields(request)
        check_key(settings.api_keys, request_key(request, fields))
        body = validate(model, fields)
        upload = uploads.get("file")
        if upload is None and body.text is None:
            raise ApiError(400, 'no article: send it as "text" or upload it as "file"')
        if upload is not None and body.text is not None:
            raise ApiError(400, 'both "text" and "file" were sent; send one article')
        return body, upload

    def article_of(body: Any, upload: Upload | None) -> Any:
        if upload is not None:
            return service.article(upload.data, upload.name)
        return service.article(body.text, None)

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        index = resources.files("translate_sum").joinpath("static/index.html").read_text(encoding="utf-8")
        return HTMLResponse(index)

    @app.get("/health", tags=["server"], summary="Liveness: answers while the engine works")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "in_flight": service.in_flight}

    @app.get("/v1/info", tags=["server"], summary="Models, summarizers and limits of this server")
    async def info() -> dict[str, Any]:
        summarizers = ["abstractive", "extractive"] if service.summarizer == "abstractive" else ["extractive"]
        return {
            "version": __version__,
            "models": service.models,
            "summarizers": summarizers,
            "summarizer": service.summarizer,
            "max_bytes": service.limits.max_bytes,
            "api_key_required": bool(settings.api_keys),
        }

    @app.get("/metrics", tags=["server"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics_page(request: Request) -> PlainTextResponse:
        check_key(settings.api_keys, request_key(request, dict(request.query_params)))
        scheduler = service.scheduler
        gauges = {
            "translate_sum_queue_requests": ("gauge", "Requests being worked on or waiting.", lambda: service.in_flight),
            "translate_sum_queue_segments": ("gauge", "Segments waiting for the engine.", lambda: scheduler.pending_inputs),
            "translate_sum_segments_total": ("counter", "Segments translated or summarized.", lambda: scheduler.segments_done),
            "translate_sum_engine_calls_total": ("counter", "Shared engine calls made.", lambda: scheduler.calls),
            "translate_sum_segments_per_second": (
                "gauge",
                "Segments per second over the last minute.",
                lambda: scheduler.segments_per_second(),
            ),
        }
        return PlainTextResponse(metrics.render(gauges), media_type="text/plain; version=0.0.4")

    @app.post(
        "/v1/translate",
        tags=["translate-sum"],
        summary="Translate an article (the CLI's translate)",
        openapi_extra=body_doc(TranslateBody, ("file",)),
        responses=ERROR_RESPONSES,
    )
    async def translate(request: Request) -> Response:
        body, upload = await article_fields(request, TranslateBody)
        options = body.article_request()
        if body.stream:
            return _stream(lambda cancel, progress: _translate_views(service.translate(article_of(body, upload), options, cancel, progress)))
        result = await run(lambda cancel: service.translate(article_of(body, upload), options, cancel))
        return _render_translation(result, body)

    @app.post(
        "/v1/brief",
        tags=["translate-sum"],
        summary="Translate and brief an article (the CLI's brief)",
        openapi_extra=body_doc(BriefBody, ("file",)),
        responses=ERROR_RESPONSES,
    )
    async def brief(request: Request) -> Response:
        body, upload = await article_fields(request, BriefBody)
        options = body.article_request()
        if body.stream:
            return _stream(lambda cancel, progress: _brief_views(service.brief(article_of(body, upload), options, cancel, progress)))
        result = await run(lambda cancel: service.brief(article_of(body, upload), options, cancel))
        return _render_brief(result, body)

    @app.post(
        "/v1/audit",
        tags=["translate-sum"],
        summary="Audit an English translation against its French source (the CLI's audit)",
        openapi_extra=body_doc(AuditBody, ("source_file", "translation_file")),
        responses=ERROR_RESPONSES,
    )
    async def audit(request: Request) -> Response:
        fields, uploads = await read_fields(request)
        check_key(settings.api_keys, request_key(request, fields))
        body = validate(AuditBody, fields)
        texts = {}
        for name in ("source", "translation"):
            upload, text = uploads.get(f"{name}_file"), getattr(body, name)
            if (upload is None) == (text is None):
                raise ApiError(400, f'send the {name} as "{name}" text or as a "{name}_file" upload (one of them)')
            texts[name] = (upload.data, upload.name) if upload is not None else (text, None)
        result = await run(lambda cancel: _audit(service, texts))
        if body.format == "md":
            from translate_sum.audit import report_to_markdown

            return PlainTextResponse(report_to_markdown(result), media_type="text/markdown; charset=utf-8")
        from translate_sum.audit import report_to_dict

        return JSONResponse(report_to_dict(result))

    def _stream(work: Callable[[Any, Callable[[int, int], None]], dict[str, Any]]) -> StreamingResponse:
        """Run `work` and answer NDJSON: progress lines, then the result or the error."""
        if service.in_flight >= service.limits.queue_size:
            # Refused before the 200 starts, so clients see the 503 and its Retry-After.
            raise describe_failure(Busy())
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

        def progress(done: int, total: int) -> None:
            loop.call_soon_threadsafe(lines.put_nowait, {"progress": {"done": done, "total": total}})

        async def produce() -> None:
            try:
                result = await run(lambda cancel: work(cancel, progress))
                await lines.put(result)
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
                await task

        return StreamingResponse(body(), media_type="application/x-ndjson")

    add_libretranslate_routes(app, service, settings.api_keys)
    routes = {route.path for route in app.routes if hasattr(route, "path")}
    app.add_middleware(CountRequests, metrics=metrics, routes=routes)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"], allow_headers=["*"])
    # Outermost, so no other layer reads a body over the limit.
    app.add_middleware(BodyLimit, limit=service.limits.max_bytes)
    return app


def _audit(service: Service, texts: dict[str, tuple[Any, str | None]]) -> Any:
    from translate_sum.audit import audit_texts
    from translate_sum.writers import without_check_section

    french = [p.source for p in service.article(*texts["source"]).paragraphs]
    english = without_check_section([p.source for p in service.article(*texts["translation"]).paragraphs])
    return audit_texts(french, english)


def _translate_views(result: Any) -> dict[str, Any]:
    from translate_sum.html_view import translation_view
    from translate_sum.writers import render_translation, translation_to_dict

    return {
        "result": translation_to_dict(result),
        "markdown": render_translation(result, "md", bilingual=True, show_skipped=True),
        "html": translation_view(result),
    }


def _brief_views(result: Any) -> dict[str, Any]:
    from translate_sum.html_view import brief_view
    from translate_sum.writers import brief_to_dict, render_brief

    return {
        "result": brief_to_dict(result),
        "markdown": render_brief(result, "md", with_translation=True, bilingual=True, show_skipped=True),
        "html": brief_view(result),
    }


def _render_translation(result: Any, body: TranslateBody) -> Response:
    from translate_sum.writers import render_translation, translation_to_dict

    if body.format == "json":
        return JSONResponse(translation_to_dict(result))
    if body.format == "html":
        from translate_sum.html_view import translation_page

        return HTMLResponse(translation_page(result))
    text = render_translation(result, body.format, bilingual=body.bilingual, show_skipped=body.show_skipped)
    return PlainTextResponse(text, media_type=_TEXT_TYPES[body.format])


def _render_brief(result: Any, body: BriefBody) -> Response:
    from translate_sum.writers import brief_to_dict, render_brief

    if body.format == "json":
        return JSONResponse(brief_to_dict(result))
    if body.format == "html":
        from translate_sum.html_view import brief_page

        return HTMLResponse(brief_page(result))
    text = render_brief(
        result,
        body.format,
        with_translation=body.with_translation or body.bilingual,
        bilingual=body.bilingual,
        show_skipped=body.show_skipped,
    )
    return PlainTextResponse(text, media_type=_TEXT_TYPES[body.format])


_TEXT_TYPES = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8"}
