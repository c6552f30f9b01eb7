"""`translate-sum serve` as a real process on 127.0.0.1: address printed, graceful stop."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent

LONG_ARTICLE = "\n\n".join(
    f"Le conseil municipal a voté le budget numéro {i} mardi soir, après un long débat sur les transports." for i in range(60)
)


def _start(model: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "translate_sum", "serve", "--port", "0", "--translation-model", str(model),
         "--engine", "transformers", "--device", "cpu", "--summarizer", "extractive", *extra],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+/)", line)
        if found:
            return process, found.group(1).rstrip("/")
    process.kill()
    raise AssertionError("the server printed no address:\n" + "".join(lines))


def test_sigterm_lets_the_request_in_flight_finish_then_refuses_new_ones(tiny_marian_dir: Path) -> None:
    process, url = _start(tiny_marian_dir)
    try:
        assert httpx.get(f"{url}/health", timeout=10).json()["status"] == "ok"
        answer: dict[str, object] = {}

        def long_request() -> None:
            response = httpx.post(f"{url}/v1/translate", json={"text": LONG_ARTICLE}, timeout=120)
            answer["status"] = response.status_code
            answer["paragraphs"] = len(response.json().get("paragraphs", []))

        thread = threading.Thread(target=long_request)
        thread.start()
        deadline = time.monotonic() + 30
        while "translate_sum_queue_requests 1" not in httpx.get(f"{url}/metrics", timeout=10).text:
            assert time.monotonic() < deadline, "the request never reached the server"
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        assert thread.is_alive(), "the request was still in flight when the signal came"
        thread.join(120)
        assert answer == {"status": 200, "paragraphs": 60}
        assert process.wait(60) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/health", timeout=5)
        assert process.stderr is not None and "Stopped." in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_port_in_use_is_one_line_and_exit_1(tiny_marian_dir: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "translate_sum", "serve", "--port", str(port), "--translation-model", str(tiny_marian_dir),
             "--engine", "transformers", "--summarizer", "extractive"],
            cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: cannot listen on 127.0.0.1")
    assert "Traceback" not in result.stderr


def test_a_loopback_server_answers_only_to_its_own_names_and_the_allowed_ones(tiny_marian_dir: Path) -> None:
    # DNS rebinding: a page on rebind.example that resolves its name to 127.0.0.1
    # still sends "Host: rebind.example"; the server must not answer it.
    process, url = _start(tiny_marian_dir, "--allowed-host", "translate.example.org")
    port = url.rsplit(":", 1)[1]
    try:
        rebound = httpx.get(f"{url}/v1/info", headers={"Host": f"rebind.example:{port}"}, timeout=10)
        assert rebound.status_code == 421 and "--allowed-host" in rebound.json()["error"]
        for name in (f"localhost:{port}", f"127.0.0.1:{port}", "translate.example.org"):
            assert httpx.get(f"{url}/v1/info", headers={"Host": name}, timeout=10).status_code == 200, name
    finally:
        process.terminate()
        process.wait(60)
