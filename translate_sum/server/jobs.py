"""A request's work in the service: refused at once when the queue is full, failures
answered as `ApiError`, and cancelled when the client leaves.

`run_job` is what a route awaits; `admit` and `job_result` split it for a stream,
which must be refused (503) before its 200 starts.

Limits: a client that leaves is noticed when its connection closes, not when it
merely stops reading; its work stops at its next token count while the article is
segmented, or at the next engine batch (a batch under way finishes, and a call is
stopped only when no other request shares it); reading and cleaning run to their end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Awaitable, Callable, TypeVar

from fastapi import Request

from translate_sum.server.protocol import ApiError, describe_failure
from translate_sum.server.service import Admitted, Service

log = logging.getLogger(__name__)

T = TypeVar("T")

CLIENT_LEFT = 499
"""nginx's status for a request whose client closed the connection: counted, never sent."""


def admit(service: Service, work: Callable[..., T]) -> Admitted[T]:
    """`work(cancel)` admitted and started now; a full queue raised as its 503."""
    try:
        return service.submit(work)
    except Exception as exc:
        raise describe_failure(exc) from exc


async def job_result(admitted: Admitted[T]) -> T:
    """The admitted work's result; any failure raised as its `ApiError`."""
    try:
        return await admitted.result()
    except Exception as exc:
        raise describe_failure(exc) from exc


async def run_job(service: Service, request: Request, work: Callable[..., T]) -> T:
    """`work(cancel)` run by the service and awaited until done or until the client leaves."""
    return await until_client_leaves(request, job_result(admit(service, work)))


async def until_client_leaves(request: Request, awaitable: Awaitable[T]) -> T:
    """`awaitable`'s result; if the client disconnects first, it is cancelled (so its
    work is dropped) and an `ApiError` with `CLIENT_LEFT` is raised."""
    task = asyncio.ensure_future(awaitable)
    watcher = asyncio.ensure_future(_client_left(request.receive))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ApiError):
                await task
    if task.cancelled():
        log.info("%s: the client left; its work was cancelled", request.url.path)
        raise ApiError(CLIENT_LEFT, "the client left before the answer was ready")
    return task.result()


async def _client_left(receive: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    """Return once the client has disconnected (its request body was read before)."""
    while (await receive())["type"] != "http.disconnect":
        pass
