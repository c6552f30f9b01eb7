"""The server's limits on a real socket: what a client sees when it sends too much or too
slowly, and what happens to the work of a client that leaves.

Each test talks to uvicorn on 127.0.0.1 (tests/serving.py) with the standard library,
as Python clients such as libretranslatepy do.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Iterator

import pytest

from serving import CallRecordingEngine, recording_service, running_server

LIMIT = 1_000_000


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running_server(recording_service(max_bytes=LIMIT)) as address:
        yield address


def _post(url: str, data: object, headers: dict[str, str]) -> urllib.error.HTTPError:
    request = urllib.request.Request(url, data=data, headers=headers)  # type: ignore[arg-type]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    return refused.value


@pytest.mark.parametrize("size", [5_000_000, 30_000_000], ids=["5MB", "30MB"])
def test_urllib_sees_the_413_of_a_body_over_the_limit(url: str, size: int) -> None:
    body = json.dumps({"text": "a" * size}).encode()
    refused = _post(url + "/v1/translate", body, {"Content-Type": "application/json"})
    assert refused.code == 413
    assert "1,000,000-byte limit" in json.loads(refused.read())["error"]


def test_urllib_sees_the_413_of_a_chunked_body_counted_as_it_arrives(url: str) -> None:
    chunks = (b"a" * 65536 for _ in range(480))  # 30 MB with no Content-Length: sent chunked
    refused = _post(url + "/v1/translate", chunks, {"Content-Type": "text/plain"})
    assert refused.code == 413


def _answer_to_headers(url: str, headers: bytes) -> tuple[bytes, float]:
    """Send a request's headers and no body; the answer's head and how long it took."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(headers)
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer, time.monotonic() - started


def test_a_wrong_header_key_is_refused_before_the_body_is_read() -> None:
    from translate_sum.server.app import AppSettings

    with running_server(recording_service(), AppSettings(api_keys=("team-key",))) as url:
        answer, seconds = _answer_to_headers(
            url,
            b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 500000\r\nX-API-Key: guess\r\n\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 403"), answer
    assert seconds < 2


def test_a_client_waiting_for_100_continue_gets_the_413_without_sending_the_body(url: str) -> None:
    answer, seconds = _answer_to_headers(
        url,
        b"POST /v1/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 20000000\r\nExpect: 100-continue\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413")
    assert seconds < 2, "the refusal came at once, without waiting for a body"


@pytest.fixture(scope="module")
def impatient_url() -> Iterator[str]:
    from translate_sum.server.app import AppSettings

    with running_server(recording_service(), AppSettings(body_timeout=1.0), header_timeout=1.0) as address:
        yield address


def _trickle(url: str, head: bytes, drip: bytes, seconds: float) -> tuple[bytes, float]:
    """Send `head`, then `drip` a byte every 0.1 s for up to `seconds`; what came back and when."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=seconds + 5) as sock:
        started = time.monotonic()
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        for byte in drip[: int(seconds / 0.1)]:
            try:
                sock.send(bytes([byte]))
                answer += sock.recv(4096)
            except BlockingIOError:
                pass
            except OSError:  # closed by the server
                break
            if answer:
                break
            time.sleep(0.1)
        return answer, time.monotonic() - started


def test_a_body_sent_a_byte_at_a_time_is_refused_with_408_at_the_body_timeout(impatient_url: str) -> None:
    head = (
        b"POST /v1/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    answer, seconds = _trickle(impatient_url, head, b"a" * 1000, seconds=10)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert seconds < 3, f"held for {seconds:.1f} s"


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off_at_the_header_timeout(impatient_url: str) -> None:
    answer, seconds = _trickle(impatient_url, b"GET /health HTTP/1.1\r\n", b"X-Slow: " + b"a" * 1000, seconds=10)
    assert answer == b""
    assert seconds < 3, f"held for {seconds:.1f} s"


def test_a_normal_request_on_the_impatient_server_is_answered(impatient_url: str) -> None:
    with urllib.request.urlopen(impatient_url + "/health", timeout=10) as response:
        assert json.loads(response.read())["status"] == "ok"


class SlowEngine(CallRecordingEngine):
    """Translates one text at a time, slowly, reporting progress after each: a long article."""

    def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
        outputs = []
        for text in texts:
            time.sleep(0.02)
            outputs.append(f"EN({text})")
            self.calls.append([text])
            if progress:
                progress(1)
        return outputs


@pytest.mark.parametrize("stream", [False, True], ids=["answer", "stream"])
def test_a_client_that_leaves_cancels_its_work(stream: bool) -> None:
    engine = SlowEngine()
    service = recording_service(engine)
    article = "\n\n".join(f"Paragraphe {i} : le conseil municipal a voté le budget." for i in range(300))  # 6 s of work
    body = json.dumps({"text": article, "stream": stream}).encode()
    with running_server(service) as url:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                b"POST /v1/translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            deadline = time.monotonic() + 10
            while not engine.calls:  # the work has started
                assert time.monotonic() < deadline
                time.sleep(0.02)
        # The client is gone. Its work stops within a batch or two.
        time.sleep(0.5)
        settled = len(engine.calls)
        time.sleep(0.5)
        assert len(engine.calls) == settled < 300, f"{len(engine.calls)} of 300 paragraphs translated for nobody"
        assert service.in_flight == 0
