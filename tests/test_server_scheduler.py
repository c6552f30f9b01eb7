"""The batch scheduler: shared engine calls, own outputs, isolation, a free event loop."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from serving import CallRecordingEngine, recording_service
from translate_sum.engines.base import DecodeOptions
from translate_sum.pipeline import Translator
from translate_sum.server.app import create_app
from translate_sum.server.scheduler import BatchScheduler, CancelToken, JobCancelled

FIRST = "Le premier article parle du budget.\n\nIl compte deux paragraphes courts."
SECOND = "Le second article parle des transports.\n\nLe métro ouvre demain.\n\nLa gare aussi."


@pytest.fixture
def scheduler() -> Any:
    # A long gathering window so that two threads started together surely meet.
    running = BatchScheduler(max_wait=0.5)
    running.start()
    yield running
    running.stop()


def _translate_together(scheduler: BatchScheduler, engine: CallRecordingEngine, texts: list[str]) -> list[Any]:
    barrier = threading.Barrier(len(texts))

    def work(text: str) -> Any:
        translator = Translator(scheduler.wrap(engine))
        barrier.wait()
        return translator.translate_text(text)

    with ThreadPoolExecutor(len(texts)) as pool:
        futures = [pool.submit(work, text) for text in texts]
        return [future.exception() or future.result() for future in futures]


def test_two_concurrent_requests_share_one_engine_call_and_get_their_own_outputs(scheduler: BatchScheduler) -> None:
    engine = CallRecordingEngine()
    first, second = _translate_together(scheduler, engine, [FIRST, SECOND])
    assert len(engine.calls) == 1
    assert len(engine.calls[0]) == 5  # 2 + 3 paragraphs, one segment each
    assert [p.translation for p in first.paragraphs] == [f"EN({p})" for p in FIRST.split("\n\n")]
    assert [p.translation for p in second.paragraphs] == [f"EN({p})" for p in SECOND.split("\n\n")]


def test_a_request_that_breaks_the_engine_fails_alone(scheduler: BatchScheduler) -> None:
    engine = CallRecordingEngine()
    poisoned = "Ce texte contient POISON pour le moteur.\n\nEt un autre paragraphe."
    good, bad = _translate_together(scheduler, engine, [FIRST, poisoned])
    assert isinstance(bad, RuntimeError)
    assert [p.translation for p in good.paragraphs] == [f"EN({p})" for p in FIRST.split("\n\n")]
    assert len(engine.calls[0]) == 4, "the first call held both requests"


def test_different_decoding_settings_go_to_separate_calls(scheduler: BatchScheduler) -> None:
    engine = CallRecordingEngine()
    barrier = threading.Barrier(2)

    def run(options: DecodeOptions) -> list[str]:
        shared = scheduler.wrap(engine)
        barrier.wait()
        return shared.generate(["Un texte.", "Deux textes."], options)

    with ThreadPoolExecutor(2) as pool:
        a = pool.submit(run, DecodeOptions(num_beams=1, batch_tokens=64))
        b = pool.submit(run, DecodeOptions(num_beams=5, batch_tokens=64))
        assert a.result() == b.result() == ["EN(Un texte.)", "EN(Deux textes.)"]
    assert len(engine.calls) == 2


def test_progress_of_each_request_reaches_its_own_total(scheduler: BatchScheduler) -> None:
    engine = CallRecordingEngine()
    seen: list[tuple[int, int]] = []
    translator = Translator(scheduler.wrap(engine))
    translator.translate_text(SECOND, lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_cancelled_request_is_dropped_before_its_call_starts() -> None:
    engine = CallRecordingEngine(delay=0.5)
    scheduler = BatchScheduler(max_wait=0.0)
    scheduler.start()
    try:
        busy = threading.Thread(target=lambda: scheduler.wrap(engine).generate(["Occupé."], DecodeOptions()))
        busy.start()
        time.sleep(0.1)  # the first call is running now
        cancel = CancelToken()
        cancel.cancel()
        with pytest.raises(JobCancelled):
            scheduler.wrap(engine, cancel).generate(["Abandonné."], DecodeOptions())
        busy.join()
    finally:
        scheduler.stop()
    assert engine.calls == [["Occupé."]]


def test_a_cancelled_request_stops_while_its_article_is_segmented(scheduler: BatchScheduler) -> None:
    cancel = CancelToken()
    shared = scheduler.wrap(CallRecordingEngine(), cancel)
    assert shared.count_tokens(["Le maire a parlé."]) == [5]
    cancel.cancel()
    with pytest.raises(JobCancelled):
        shared.count_tokens(["Le maire a parlé."])


def test_a_running_call_stops_at_its_next_batch_once_every_request_gave_up(scheduler: BatchScheduler) -> None:
    class Batched(CallRecordingEngine):
        def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
            outputs = []
            for text in texts:  # one text per batch
                time.sleep(0.02)
                self.calls.append([text])
                outputs.append(f"EN({text})")
                if progress:
                    progress(1)
            return outputs

    engine = Batched()
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(JobCancelled):
        scheduler.wrap(engine, cancel).generate([f"Phrase {i}." for i in range(200)], DecodeOptions())
    assert len(engine.calls) < 50, "the call went on after its only request gave up"


def test_health_answers_while_a_long_translation_runs() -> None:
    service = recording_service(CallRecordingEngine(delay=1.5))
    with TestClient(create_app(service)) as client, ThreadPoolExecutor(1) as pool:
        long_request = pool.submit(client.post, "/v1/translate", json={"text": SECOND})
        deadline = time.monotonic() + 5
        while service.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        health = client.get("/health")
        answered_in = time.monotonic() - started
        assert health.status_code == 200 and health.json()["in_flight"] == 1
        assert answered_in < 1.0
        assert not long_request.done()
        assert long_request.result().status_code == 200


def test_concurrent_abstractive_briefs_share_the_summary_model_and_keep_their_own_summary() -> None:
    from translate_sum.pipeline import Briefer
    from translate_sum.server.service import ArticleRequest, Service, ServiceLimits
    from translate_sum.summarize import AbstractiveSummarizer

    summary_engine = CallRecordingEngine(model_name="fake-summary")
    translator = Translator(CallRecordingEngine())
    service = Service(translator, Briefer(translator, AbstractiveSummarizer(summary_engine)), ServiceLimits(max_wait=0.3))
    service.start()
    barrier = threading.Barrier(2)

    def brief(text: str) -> Any:
        article = service.article(text, None)
        barrier.wait()
        return service.brief(article, ArticleRequest())

    try:
        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(brief, [FIRST, SECOND])
    finally:
        service.stop()
    assert len(summary_engine.calls) == 1 and len(summary_engine.calls[0]) == 2
    assert "premier article" in first.summary and "second article" in second.summary
    assert first.models["summary"] == second.models["summary"] == "fake-summary"


@dataclass
class IdsEngine(CallRecordingEngine):
    """A CallRecordingEngine that gives token ids and records those `generate` is handed."""

    given: list[Any] = field(default_factory=list)

    def encode(self, texts: Any) -> list[list[int]]:
        return [list(range(n)) for n in self.count_tokens(texts)]

    def generate(self, texts: Any, options: Any, progress: Any = None, ids: Any = None) -> list[str]:  # type: ignore[override]
        self.given.append(ids)
        return super().generate(texts, options, progress)


def test_the_ids_counted_by_concurrent_requests_reach_the_shared_engine_call(scheduler: BatchScheduler) -> None:
    engine = IdsEngine()
    _translate_together(scheduler, engine, [FIRST, SECOND])
    (call,), (ids,) = engine.calls, engine.given
    assert [len(found) for found in ids] == engine.count_tokens(call)
