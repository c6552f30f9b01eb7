"""The HTTP application: the web page, our `/v1` API, health, metrics and docs.

Routes, each family in its own module: `page` (`GET /`, the web page, its assets
under `/static`, nothing from elsewhere), `routes_v1` (`POST /v1/translate`,
`/v1/brief`, `/v1/audit`: JSON, form or file upload; answers the CLI's `--format
json` document, or md/txt/html), `ops` (`GET /health`, `/v1/info`, `/metrics`),
`libretranslate` and `files` (LibreTranslate's routes, its file translation too);
`GET /openapi.json` with `/docs`
(Swagger UI) is served from local files. This module only assembles them with the
error answers and the middleware.

Every error is `{"error": "<one line>"}` (see `protocol.py`) with a 4xx status (5xx
only for our own bugs or a refused load): bad input 400, no key 401 (400 on
LibreTranslate's routes, as LibreTranslate answers), wrong key 403, body too
large 413, a body still coming after `body_timeout` 408, a Host header naming no allowed host 421, queue full 503 with
`Retry-After`, time limit 504. Keys and the Host check: see `access.py`.

Limits: CORS is off unless origins are named; the web page needs JavaScript (the
`--format html` files do not).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from translate_sum.server.access import AccessGuard, Keys
from translate_sum.server.files import add_file_routes
from translate_sum.server.libretranslate import add_libretranslate_routes
from translate_sum.server.metrics import Metrics
from translate_sum.server.middleware import BodyLimit, CountRequests
from translate_sum.settings import DEFAULT_BODY_TIMEOUT
from translate_sum.server.ops import add_ops_routes
from translate_sum.server.page import add_page_routes
from translate_sum.server.protocol import ApiError
from translate_sum.server.routes_v1 import add_v1_routes
from translate_sum.server.service import Service
from translate_sum.version import __version__

DESCRIPTION = (
    "French news articles into English: a faithful translation, paragraph by paragraph, "
    "and a short English brief, of articles and of Word, OpenDocument and PDF files. Also speaks "
    "LibreTranslate's API (`/translate`, `/translate_file`, `/languages`, `/detect`)."
)


@dataclass(frozen=True)
class AppSettings:
    """Who may call the server, from where, and how long a client may take to send.

    `allowed_hosts`: the names the Host header may carry (`access.allowed_hosts_for`
    gives those for a listening address); () accepts any. `metrics_keys`: the keys
    `/metrics` takes instead of the API keys (a scraper's own bearer token, which
    cannot translate); () leaves `/metrics` open.
    """

    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    metrics_keys: tuple[str, ...] | None = None  # None: /metrics takes the API keys
    body_timeout: float = DEFAULT_BODY_TIMEOUT  # seconds to send a whole request body (408 after)


def create_app(service: Service, settings: AppSettings | None = None) -> FastAPI:
    """The ASGI application over a loaded `Service` (its scheduler starts with the app)."""
    from fastapi_offline import FastAPIOffline

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
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url="/static/docs",
        # ReDoc's page fetches its logo from a CDN; Swagger UI (at /docs) fetches nothing.
        redoc_url=None,
    )
    app.state.service = service
    app.state.metrics = metrics
    _answer_errors_as_json(app)
    # The order of these calls is the order of the paths in /openapi.json.
    add_page_routes(app)
    api_keys = Keys(settings.api_keys)
    metrics_keys = api_keys if settings.metrics_keys is None else Keys(settings.metrics_keys)
    add_ops_routes(app, service, api_keys, metrics_keys, metrics)
    add_v1_routes(app, service, api_keys)
    libretranslate_keys = Keys(settings.api_keys, "libretranslate")
    add_libretranslate_routes(app, service, libretranslate_keys)
    add_file_routes(app, service, libretranslate_keys)
    _add_middleware(app, service, settings, metrics)
    return app


def _answer_errors_as_json(app: FastAPI) -> None:
    """Every refusal as `{"error": "<one line>"}` with its status, ours and FastAPI's."""

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


def _add_middleware(app: FastAPI, service: Service, settings: AppSettings, metrics: Metrics) -> None:
    """CORS when asked, the Host and key-in-address checks, the body limit, counting.

    The last added runs first: every answer is counted, and the refusals by headers
    go through the body limit, which drains what a refused client still sends.
    """
    routes = {route.path for route in app.routes if hasattr(route, "path")}
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"], allow_headers=["*"])
    app.add_middleware(AccessGuard, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(BodyLimit, limit=service.limits.max_bytes, timeout=settings.body_timeout)
    app.add_middleware(CountRequests, metrics=metrics, routes=routes)
