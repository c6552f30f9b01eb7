"""The HTTP application: the web page, our `/v1` API, health, metrics and docs.

Routes: `GET /` (the web page; its assets under `/static`, nothing from elsewhere),
`POST /v1/translate`, `/v1/brief`, `/v1/audit` (JSON, form or file upload; answers the
CLI's `--format json` document, or md/txt/html), `GET /v1/info`, `GET /health`,
`GET /metrics` (Prometheus text), `GET /openapi.json` with `/docs` (Swagger UI) and
`/redoc`, served from local files. LibreTranslate's routes are in `libretranslate.py`.

Every error is `{"error": "<one line>"}` with a 4xx status (5xx only for our own bugs
or a refused load): bad input 400, wrong key 403, body too large 413, queue full 503
with `Retry-After`, time limit 504.

Limits: API keys are compared as given (no hashing, no per-key quotas); CORS is off
unless origins are named; the body limit counts bytes as they arrive, so a client
that lies about Content-Length is cut off at the limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any, Awaitable, Callable, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from translate_sum import __version__
from translate_sum.errors import InputError, TranslateSumError
from translate_sum.options import DEFAULT_SEGMENT_TOKENS, SEGMENT_TOKENS_RANGE
from translate_sum.server.metrics import Metrics
from translate_sum.server.service import ArticleRequest, Busy, Service, TooSlow

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

REQUEST_FIELDS = {
    "strict_language": "strict",
    "max_segment_tokens": "segment_tokens",
    "keep_all": "keep_all",
    "audit": "audit",
    "summarizer": "summarizer",
    "length": "length",
    "format": "format",
}
"""Library setting names (errors' hints) that a request can set, and the field that does."""

MISSING_KEY = "Please contact the server operator to get an API key"
INVALID_KEY = "Invalid API key"
"""LibreTranslate's words for a missing and a wrong key (400 and 403)."""


def name_option(option: str, value: str | None) -> str:
    """Spell a hint's setting for an API user: a request field, or a server option."""
    field = REQUEST_FIELDS.get(option)
    if field is not None:
        if value is None:
            return f'the "{field}" field'
        shown = value if value in ("true", "false") or value.isdigit() else json.dumps(value)
        return f'"{field}": {shown}'
    flag = "--" + option.replace("_", "-")
    return f"the server option {flag}" + (f" {value}" if value is not None else "")


class ApiError(Exception):
    """An error answered as `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# -- request bodies (these models are the OpenAPI description and the validation) -------


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TranslateBody(_Fields):
    """Options of `POST /v1/translate`; give the article as `text` or as a `file` upload."""

    text: str | None = Field(None, description="The French article; paragraphs separated by blank lines.")
    format: Literal["json", "md", "txt", "html"] = Field("json", description="Answer format, as the CLI's --format.")
    bilingual: bool = Field(False, description="md/txt: each French paragraph followed by its English.")
    show_skipped: bool = Field(False, description="md/txt: list skipped paragraphs and their reason.")
    segment_tokens: int = Field(DEFAULT_SEGMENT_TOKENS, ge=SEGMENT_TOKENS_RANGE[0], le=SEGMENT_TOKENS_RANGE[1], description="Most model tokens per segment.")
    keep_all: bool = Field(False, description="Translate page furniture and duplicates too.")
    strict: bool = Field(False, description="Refuse English input instead of passing it through.")
    audit: bool = Field(True, description="Flag paragraphs to double-check.")
    stream: bool = Field(
        False,
        description='Answer NDJSON: {"progress": {"done", "total"}} lines, then {"result": <the JSON>, '
        '"markdown": <md>, "html": <the side-by-side view>} (or {"error": ...}).',
    )
    api_key: str | None = Field(None, description="Needed when the server was started with --api-key.")

    def article_request(self) -> ArticleRequest:
        return ArticleRequest(self.segment_tokens, self.keep_all, self.strict, self.audit)


class BriefBody(TranslateBody):
    """Options of `POST /v1/brief`: those of translate, plus the summary's."""

    format: Literal["json", "md", "txt", "html"] = Field("json", description="Answer format, as the CLI's --format.")
    summarizer: Literal["abstractive", "extractive"] | None = Field(
        None, description="Default: abstractive when the server loaded a summary model, else extractive."
    )
    length: Literal["short", "medium", "long"] = Field("medium", description="Summary length.")
    with_translation: bool = Field(False, description="md/txt: append the full translation.")

    def article_request(self) -> ArticleRequest:
        return ArticleRequest(self.segment_tokens, self.keep_all, self.strict, self.audit, self.summarizer, self.length)


class AuditBody(_Fields):
    """`POST /v1/audit`: a French `source` and its English `translation`, as text or files."""

    source: str | None = Field(None, description="The French text (or upload source_file).")
    translation: str | None = Field(None, description="The English text (or upload translation_file).")
    format: Literal["json", "md"] = Field("json", description="Report format.")
    api_key: str | None = None


def _form_schema(model: type[BaseModel], files: tuple[str, ...]) -> dict[str, Any]:
    schema = model.model_json_schema()
    properties = dict(schema.get("properties", {}))
    for name in files:
        properties[name] = {"type": "string", "format": "binary", "description": f"Upload instead of the {name.split('_')[0]} text."}
    return {"type": "object", "properties": properties}


def _body_doc(model: type[BaseModel], files: tuple[str, ...]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": model.model_json_schema()},
                "multipart/form-data": {"schema": _form_schema(model, files)},
                "application/x-www-form-urlencoded": {"schema": model.model_json_schema()},
            },
        }
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input; the one-line reason in `error`."},
    403: {"description": "Wrong API key."},
    413: {"description": "Request body over the server's --max-bytes."},
    503: {"description": "Queue full; retry after `Retry-After` seconds."},
    504: {"description": "The request ran past the server's time limit."},
}


# -- reading requests -------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An uploaded file, or (`name` None) a text/plain request body."""

    name: str | None
    data: bytes


async def read_fields(request: Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """The request's fields (JSON object, form or query) and its uploaded files."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
    if content_type == "application/json":
        body = await request.body()
        try:
            data = json.loads(body) if body.strip() else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        fields.update(data)
    elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            form = await request.form()
        except Exception as exc:  # a malformed multipart body
            raise ApiError(400, f"cannot read the form: {exc}") from None
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads[key] = Upload(value.filename or "upload", await value.read())
            elif value != "" or key not in fields:
                fields[key] = value
    elif content_type not in ("", "text/plain"):
        raise ApiError(415, f"unsupported content type {content_type}; send JSON, a form or a multipart upload")
    elif content_type == "text/plain":
        # Kept as bytes: the reader decodes and refuses binary as it does for files.
        uploads["file"] = Upload(None, await request.body())
    return fields, uploads


def validate(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    """`fields` checked against `model`; the first problem as a one-line 400."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        if first.get("type") == "extra_forbidden":
            raise ApiError(400, f"unknown field '{where}'; see /docs for the fields") from None
        raise ApiError(400, f"invalid '{where}': {first.get('msg', 'bad value')}") from None


def request_key(request: Request, fields: dict[str, Any]) -> str | None:
    """The API key given as a field, `X-API-Key` or `Authorization: Bearer`."""
    key = fields.get("api_key") or request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    return str(key) if key else None


def check_key(api_keys: tuple[str, ...], key: str | None) -> None:
    """Refuse as LibreTranslate does: no key 400, a wrong key 403."""
    if not api_keys:
        return
    if not key:
        raise ApiError(400, MISSING_KEY)
    if not any(secrets.compare_digest(key.encode(), known.encode()) for known in api_keys):
        raise ApiError(403, INVALID_KEY)


# -- middleware -------------------------------------------------------------------------


class BodyLimit:
    """Answer 413 to a request body over `limit` bytes, counted as it arrives."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _message(self) -> str:
        return f"the request body is over the server's {self.limit:,}-byte limit; send a shorter article"

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await JSONResponse({"error": self._message()}, status_code=413)(scope, receive, send)
                return
        received = 0
        started = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge()
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await JSONResponse({"error": self._message()}, status_code=413)(scope, receive, send)


class _TooLarge(Exception):
    pass


class CountRequests:
    """Record each answered request in `Metrics`, by route pattern and status."""

    def __init__(self, app: Any, metrics: Metrics, routes: set[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            path = scope.get("path", "")
            route = path if path in self.routes else "/static" if path.startswith("/static") else "other"
            self.metrics.record(route, status, time.perf_counter() - started)


# -- the application ----------------------------------------------------------------------


@dataclass(frozen=True)
class AppSettings:
    """Who may call the server and from where."""

    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()


def _static_dir() -> str:
    return str(resources.files("translate_sum").joinpath("static"))


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)


def describe_failure(exc: BaseException) -> ApiError:
    """The ApiError a failed piece of work is answered with (one line, no traceback)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, Busy):
        return ApiError(
            503,
            "the server is busy: its queue is full; retry in a few seconds",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, TooSlow):
        return ApiError(504, "the request ran past the server's time limit; send a shorter article, or ask the operator to raise --request-timeout")
    if isinstance(exc, InputError):
        return ApiError(400, exc.describe(name_option))
    if isinstance(exc, TranslateSumError):
        return ApiError(500, exc.describe(name_option))
    log.error("request failed", exc_info=exc)
    return ApiError(500, f"internal error ({type(exc).__name__}); the server log has the details")


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
    )
    app.state.service = service
    app.state.metrics = metrics
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

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
        openapi_extra=_body_doc(TranslateBody, ("file",)),
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
        openapi_extra=_body_doc(BriefBody, ("file",)),
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
        openapi_extra=_body_doc(AuditBody, ("source_file", "translation_file")),
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
