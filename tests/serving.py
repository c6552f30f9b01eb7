"""Test helpers for the server: engines with behaviour, and a real server in a thread."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from helpers import RecordingEngine
from translate_sum.engines.base import DecodeOptions, ProgressCallback
from translate_sum.pipeline import Briefer, Translator
from translate_sum.server.app import AppSettings, create_app
from translate_sum.server.service import Service, ServiceLimits


@dataclass
class CallRecordingEngine(RecordingEngine):
    """A RecordingEngine that also records each `generate` call's inputs, can be slowed
    down (`delay` seconds per call) and fails any call holding a text with `poison`."""

    calls: list[list[str]] = field(default_factory=list)
    delay: float = 0.0
    poison: str = "POISON"

    def generate(
        self, texts: Sequence[str], options: DecodeOptions, progress: ProgressCallback | None = None
    ) -> list[str]:
        self.calls.append(list(texts))
        if any(self.poison in text for text in texts):
            raise RuntimeError("the engine choked on a poisoned input")
        if self.delay:
            time.sleep(self.delay)
        return super().generate(texts, options, progress)


def recording_service(engine: Any = None, **limits: Any) -> Service:
    """A Service over a recording engine, extractive briefs."""
    translator = Translator(engine if engine is not None else CallRecordingEngine())
    return Service(translator, Briefer(translator), ServiceLimits(**limits))


@contextlib.contextmanager
def running_server(service: Service, settings: AppSettings | None = None, **config: Any) -> Iterator[str]:
    """Serve `service` with uvicorn on 127.0.0.1 (a free port) in a thread; yields the URL.

    `config`: keyword arguments of `run.server_config` (`header_timeout`...).
    """
    import uvicorn

    from translate_sum.server.run import bind, server_config, url_of

    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(server_config(create_app(service, settings), **config))
    # Outside the main thread uvicorn leaves signals alone; it stops through should_exit.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield url_of(sock).rstrip("/")
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()
