"""What operators and their tools ask a running server: health, info and metrics.

`GET /health` answers while the engine works (liveness, with the requests in
flight); `GET /v1/info` names the models, summarizers and limits; `GET /metrics` is
Prometheus text: request counts and durations by route (`Metrics`, fed by the
`CountRequests` middleware), the scheduler's queue and throughput gauges, and the
translation memory's hits and misses (when the server has one).

Limits: `/v1/info` asks for the API key when the server has one (it names paths on
this machine); `/metrics` asks for the metrics key when one is set (serve
--metrics-key: give it to Prometheus as its bearer token, it cannot translate),
else for the API key; keys come in a header; `/health` never asks (it reveals
nothing); counters start at zero with each process.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from translate_sum.server.metrics import Metrics
from translate_sum.server.access import Keys
from translate_sum.server.service import Service
from translate_sum.version import __version__


def add_ops_routes(app: FastAPI, service: Service, keys: Keys, metrics_keys: Keys, metrics: Metrics) -> None:
    """Add `/health`, `/v1/info` (needs an API key) and `/metrics` (needs one of `metrics_keys`)."""

    @app.get("/health", tags=["server"], summary="Liveness: answers while the engine works")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "in_flight": service.in_flight}

    @app.get("/v1/info", tags=["server"], summary="Models, summarizers and limits of this server")
    async def info(request: Request) -> dict[str, Any]:
        keys.check(request)  # it names the models' paths on this machine
        summarizers = ["abstractive", "extractive"] if service.summarizer == "abstractive" else ["extractive"]
        return {
            "version": __version__,
            "models": service.models,
            "summarizers": summarizers,
            "summarizer": service.summarizer,
            "max_bytes": service.limits.max_bytes,
            "api_key_required": bool(keys.keys),
        }

    @app.get("/metrics", tags=["server"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics_page(request: Request) -> PlainTextResponse:
        metrics_keys.check(request)
        return PlainTextResponse(metrics.render(_gauges(service)), media_type="text/plain; version=0.0.4")


def _gauges(service: Service) -> dict[str, tuple[str, str, Callable[[], float]]]:
    """The scheduler's figures, each read when /metrics is asked: name → (type, help, read)."""
    scheduler = service.scheduler
    return {
        "translate_sum_queue_requests": ("gauge", "Requests being worked on or waiting.", lambda: service.in_flight),
        "translate_sum_queue_segments": ("gauge", "Segments waiting for the engine.", lambda: scheduler.pending_inputs),
        "translate_sum_segments_total": ("counter", "Segments translated or summarized.", lambda: scheduler.segments_done),
        "translate_sum_engine_calls_total": ("counter", "Shared engine calls made.", lambda: scheduler.calls),
        "translate_sum_segments_per_second": (
            "gauge",
            "Segments per second over the last minute.",
            lambda: scheduler.segments_per_second(),
        ),
        **_memory_gauges(service),
    }


def _memory_gauges(service: Service) -> dict[str, tuple[str, str, Callable[[], float]]]:
    """The translation memory's hits and misses since start, when the server has one."""
    from translate_sum.memory import NoMemory

    memory = service.memory
    if memory is None or isinstance(memory, NoMemory):
        return {}
    return {
        "translate_sum_memory_hits_total": (
            "counter", "Segments the translation memory answered (imported human ones included).", lambda: memory.totals().hits
        ),
        "translate_sum_memory_misses_total": (
            "counter",
            "Segments the translation memory did not have, so the model translated them.",
            lambda: memory.totals().decoded + memory.totals().repeats,
        ),
    }
