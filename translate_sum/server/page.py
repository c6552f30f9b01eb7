"""The web page: `GET /` and its assets under `/static`, all served from the package.

The page (static/index.html, app.js, app.css) talks to the `/v1` API and shows the
side-by-side view with the same style sheet as `--format html` (static/view.css).
Nothing is fetched from elsewhere, so the page works on a machine with no internet.

Limits: the page needs JavaScript; the assets are read from the installed package
on each request (no caching headers beyond Starlette's own).
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles


def add_page_routes(app: FastAPI) -> None:
    """Mount the assets at `/static` and serve the page at `/`."""
    app.mount("/static", StaticFiles(directory=str(resources.files("translate_sum").joinpath("static"))), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        index = resources.files("translate_sum").joinpath("static/index.html").read_text(encoding="utf-8")
        return HTMLResponse(index)
