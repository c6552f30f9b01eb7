"""Load on a real server over loopback: 32 clients, hundreds of requests, nothing lost or mixed up."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from serving import CallRecordingEngine, recording_service, running_server

CLIENTS = 32
REQUESTS = 256
TIME_LIMIT = 120.0  # seconds for the whole run: a few on a quiet machine, far more on a busy one


def _article(i: int) -> str:
    return f"Article numéro {i} : le conseil municipal a voté.\n\nLe budget {i} compte {i * 7} euros."


def _ask(client: httpx.Client, url: str, i: int) -> tuple[int, int, object]:
    """Every third request goes through our API, the others through LibreTranslate's."""
    if i % 3 == 0:
        response = client.post(f"{url}/v1/translate", json={"text": _article(i)})
        body = response.json()
        answer = [p["translation"] for p in body["paragraphs"]] if response.status_code == 200 else body
    else:
        response = client.post(f"{url}/translate", data={"q": _article(i), "source": "fr", "target": "en"})
        answer = response.json().get("translatedText", response.json())
    return i, response.status_code, answer


def _expected(i: int, our_api: bool) -> object:
    paragraphs = [f"EN({p})" for p in _article(i).split("\n\n")]
    return paragraphs if our_api else "\n\n".join(paragraphs)


def test_32_clients_get_every_answer_and_only_their_own() -> None:
    engine = CallRecordingEngine(delay=0.002)
    with running_server(recording_service(engine, queue_size=64)) as url:
        started = time.monotonic()
        with httpx.Client(timeout=60) as client, ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda i: _ask(client, url, i), range(REQUESTS)))
        elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT
    assert len(results) == REQUESTS
    assert [status for _, status, _ in results] == [200] * REQUESTS
    for i, _, answer in results:
        assert answer == _expected(i, i % 3 == 0), f"request {i} got another request's answer"
    # The scheduler shared the engine: far fewer calls than requests.
    assert len(engine.calls) < REQUESTS / 2


def test_past_the_queue_size_requests_get_503_and_the_rest_are_answered() -> None:
    engine = CallRecordingEngine(delay=0.3)
    with running_server(recording_service(engine, queue_size=4)) as url:
        with httpx.Client(timeout=60) as client, ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda i: _ask(client, url, i), range(1, 17)))
            statuses = [status for _, status, _ in results]
            assert set(statuses) == {200, 503}
            refused = client.post(f"{url}/translate", data={"q": "x", "source": "fr", "target": "en"})
    assert statuses.count(200) >= 4
    for i, status, answer in results:
        if status == 200:
            assert answer == _expected(i, i % 3 == 0)
        else:
            assert isinstance(answer, dict) and "busy" in str(answer["error"])
    assert refused.status_code == 200, "once the queue drains, requests are served again"



def test_streams_past_the_queue_size_get_503_not_an_error_line_under_200() -> None:
    # All in one event loop, so every handler runs before any stream starts its work:
    # a check that only looks at the queue lets them all through.
    import asyncio

    from translate_sum.server.app import create_app

    service = recording_service(CallRecordingEngine(delay=0.3), queue_size=2)

    async def post_streams() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(service))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            texts = [_article(i) for i in range(6)]
            return await asyncio.gather(*(client.post("/v1/translate", json={"text": t, "stream": True}) for t in texts))

    service.start()
    try:
        responses = asyncio.run(post_streams())
    finally:
        service.stop()
    assert sorted(response.status_code for response in responses) == [200, 200, 503, 503, 503, 503]
    for response in responses:
        if response.status_code == 200:
            assert "result" in json.loads(response.text.splitlines()[-1]), "a 200 stream ends with its result"
        else:
            assert int(response.headers["retry-after"]) > 0
