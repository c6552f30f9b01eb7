"""Benchmark `translate-sum serve`: requests/s and latency with and without the shared scheduler.

Builds (once, in --workdir) a random-weight model with exactly the architecture of
Helsinki-NLP/opus-mt-fr-en (see bench.py; no download), starts the server in a child
process on 127.0.0.1 with the CTranslate2 engine, and sends LibreTranslate requests
(`POST /translate`, one corpus sentence each) from 1, 8 and 32 concurrent clients.
Two servers are compared, identical but for the scheduler, each level measured on
one right after the other:

  shared        the scheduler gathers the segments of every waiting request (until
                none came for 5 ms, at most 20 ms) into one engine call: what
                `translate-sum serve` does, with its defaults
  one-at-a-time each engine call holds one request's segments (max_inputs=1): the
                server a plain request handler around the library would be

Random weights never stop on their own, so every input decodes exactly
--new-tokens tokens with 4 beams (as bench.py's throughput mode): the work per
request is the same in both servers, and what differs is how it is batched.

Usage:
  python benchmarks/serve_bench.py --sentences ../shared/corpus/sentences/newstest2013.fr \
      --corpus ../shared/corpus/articles/fr --out results-serve.md
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SYSTEMS = {"shared": {}, "one-at-a-time": {"max_wait": 0.0, "max_gather": 0.0, "max_inputs": 1}}


def serve_child(model: str, system: str, new_tokens: int, engine: str, ready: "multiprocessing.Queue[str]", stop: "multiprocessing.Event") -> None:
    """The server process: load the model once, serve until `stop` is set."""
    import uvicorn

    from translate_sum.engines.base import DecodeOptions
    from translate_sum.pipeline import TranslateOptions, load_translator
    from translate_sum.server.app import create_app
    from translate_sum.server.run import bind, url_of
    from translate_sum.server.service import Service, ServiceLimits

    decode = DecodeOptions(num_beams=4, max_new_tokens=new_tokens, min_new_tokens=new_tokens, max_length_ratio=None)
    translator = load_translator(model, engine=engine, device="cpu", options=TranslateOptions(decode=decode, audit=False))
    service = Service(translator, None, ServiceLimits(queue_size=256, request_timeout=600, **SYSTEMS[system]))
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(service), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    ready.put(url_of(sock).rstrip("/"))
    stop.wait()
    server.should_exit = True
    thread.join(60)


def run_clients(url: str, sentences: list[str], clients: int, requests: int) -> dict:
    """`requests` requests from `clients` threads; throughput and latency percentiles."""
    import httpx

    local = threading.local()

    def one(i: int) -> float:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=600)
        started = time.perf_counter()
        response = local.client.post(f"{url}/translate", data={"q": sentences[i % len(sentences)], "source": "fr", "target": "en"})
        response.raise_for_status()
        assert response.json()["translatedText"].strip()
        return time.perf_counter() - started

    # One warm-up request per client: connections open, caches warm.
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(clients)))
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = sorted(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": requests,
        "req/s": requests / elapsed,
        "p50 s": statistics.median(latencies),
        "p95 s": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
    }


def engine_ceiling(model: str, engine: str, sentences: list[str], new_tokens: int, count: int) -> dict:
    """The engine alone, no server: `count` sentences in one call against one call each.

    Batching's own gain on this machine, the most the shared scheduler can give.
    """
    from translate_sum.engines.base import DecodeOptions
    from translate_sum.pipeline import load_translator

    decode = DecodeOptions(num_beams=4, max_new_tokens=new_tokens, min_new_tokens=new_tokens, max_length_ratio=None)
    loaded = load_translator(model, engine=engine, device="cpu").engine
    texts = sentences[:count]
    loaded.generate(texts[:2], decode)  # warm-up
    started = time.perf_counter()
    loaded.generate(texts, decode)
    together = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts:
        loaded.generate([text], decode)
    alone = time.perf_counter() - started
    return {"sentences": count, "one call s": together, "one each s": alone, "ratio": alone / together}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=Path, required=True, help="French sentences, one a line (e.g. newstest2013.fr)")
    parser.add_argument("--corpus", type=Path, default=None, help="French .txt articles to train the benchmark tokenizer on (default: the sentences)")
    parser.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "translate-sum-bench")
    parser.add_argument("--engine", default="ctranslate2", choices=("ctranslate2", "transformers"))
    parser.add_argument("--new-tokens", type=int, default=32, help="tokens decoded per input (forced)")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--requests-per-client", type=int, default=4, help="requests per client at each level (at least 16 in all)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from bench import build_marian, paragraphs

    sentences = [line.strip() for line in args.sentences.read_text(encoding="utf-8").splitlines() if len(line.split()) >= 8][:400]
    model = args.workdir / "opus-mt-fr-en-random"
    if not (model / "model.safetensors").is_file():
        texts = [p for a in sorted(args.corpus.glob("*.txt")) for p in paragraphs(a)] if args.corpus else sentences
        build_marian(model, texts)
    os.environ.setdefault("TRANSLATE_SUM_CT2_CACHE", str(args.workdir / "ct2"))

    levels = [int(c) for c in args.clients.split(",")]
    ceiling = engine_ceiling(str(model), args.engine, sentences, args.new_tokens, max(levels))
    print(f"engine alone: {ceiling['sentences']} sentences in one call {ceiling['one call s']:.1f} s, "
          f"one call each {ceiling['one each s']:.1f} s: {ceiling['ratio']:.1f}x", flush=True)
    rows = []
    context = multiprocessing.get_context("spawn")
    # Both servers run side by side (an idle one costs no CPU) and each level is
    # measured on one right after the other, so a busy machine slows both alike.
    servers = {}
    for system in SYSTEMS:
        ready, stop = context.Queue(), context.Event()
        child = context.Process(target=serve_child, args=(str(model), system, args.new_tokens, args.engine, ready, stop))
        child.start()
        servers[system] = (child, stop, ready.get(timeout=600))
    try:
        for clients in levels:
            for system, (_, _, url) in servers.items():
                row = run_clients(url, sentences, clients, max(16, clients * args.requests_per_client))
                rows.append({"system": system, **row})
                print(f"{system:14} {clients:3} clients: {row['req/s']:6.2f} req/s  p50 {row['p50 s']:.2f} s  p95 {row['p95 s']:.2f} s", flush=True)
    finally:
        for child, stop, _ in servers.values():
            stop.set()
            child.join(120)

    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {args.engine}, 4 beams, {args.new_tokens} tokens per input",
        "",
        "| server | clients | requests | requests/s | p50 s | p95 s | vs one-at-a-time |",
        "|---|---|---|---|---|---|---|",
    ]
    base = {r["clients"]: r["req/s"] for r in rows if r["system"] == "one-at-a-time"}
    for r in sorted(rows, key=lambda r: (list(SYSTEMS).index(r["system"]), r["clients"])):
        ratio = r["req/s"] / base[r["clients"]] if base.get(r["clients"]) else float("nan")
        lines.append(f"| {r['system']} | {r['clients']} | {r['requests']} | {r['req/s']:.2f} | {r['p50 s']:.2f} | {r['p95 s']:.2f} | {ratio:.1f}x |")
    lines += [
        "",
        f"Engine alone (no server): {ceiling['sentences']} sentences in one call {ceiling['one call s']:.1f} s, "
        f"one call each {ceiling['one each s']:.1f} s: batching gives {ceiling['ratio']:.1f}x on this machine.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        args.out.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
