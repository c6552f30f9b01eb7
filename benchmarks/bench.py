"""Benchmark translation and summarization speed and memory, without downloading anything.

Builds random-weight models with exactly the architectures of Helsinki-NLP/opus-mt-fr-en
(MarianMT, 6+6 layers, d_model 512, vocabulary 59,514; about 75M parameters) and
sshleifer/distilbart-cnn-12-6 (BART, 12+6 layers, d_model 1024, vocabulary 50,264;
about 306M parameters), then measures on real French articles, side by side in one run:

  naive         transformers, one paragraph at a time, 4 beams (the loop most people write)
  transformers  our pipeline with the transformers engine (segmented, sorted, batched)
  ctranslate2   our pipeline with the CTranslate2 engine (int8 on CPU)
  brief-*       translate + abstractive summary with both full-size models in one process
  cli           the whole `python -m translate_sum translate --engine ctranslate2
                --no-audit` command on each article (article mode only)
  cli-audit     the same with the audit on: random output loops, so every paragraph
                is checked and its looping segments decoded again
  startup       the whole `translate` command on a 300-word cut of the first article
                with a tiny Marian (tests/tiny_models.py) already converted: start-up

Each system runs in its own process, so load time, peak RSS and the whole-process wall
time are its own. Random weights never emit </s>, so output length is set by the
limits: in throughput mode every input is forced to exactly N tokens (min = max), for
each N of `--new-tokens` (default 32, 64, 128); in article mode the engines use their
own bounds (1.5 x input + 10), the naive loop getting the same bound per paragraph.
Target tokens are counted as generated, from the model calls themselves.

`--audit-cost` instead counts what the audit's retry costs on the corpus: paragraphs
flagged for a loop or a bad length, the segments decoded again, and the seconds, with
the tiny echo model (output = input, like a faithful translation in length) and with
random weights (tiny, and the full-size model with `--audit-full`).

Tokenizers: a SentencePiece unigram model (Marian) and a byte-level BPE (BART) are
trained at bench time on the corpus text. The text is far too small for 59k or 50k
pieces, so the trainers stop at what it supports and the vocabularies are padded with
unused entries up to the architectures' exact sizes: the output layers (the largest
matmul per decoding step) have their real size, and source tokens per word stay close
to a real subword model's (printed with the results).

Usage:
  python benchmarks/bench.py --corpus ../shared/corpus/articles/fr --pick 5 --out results.md
  python benchmarks/bench.py --corpus ../shared/corpus/articles/fr --audit-cost
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARIAN_VOCAB = 59514
BART_VOCAB = 50264
SYSTEMS = ("naive", "transformers", "ctranslate2", "brief-transformers", "brief-ctranslate2", "cli", "cli-audit", "startup")
MODES = ("throughput", "article")
STARTUP_WORDS = 300


# --------------------------------------------------------------------------- models


def corpus_articles(corpus: Path, count: int, pick: list[int] | None = None) -> list[Path]:
    """The first `count` articles in name order, or those at the `pick` indexes."""
    paths = sorted(corpus.glob("*.txt"))
    if not paths:
        sys.exit(f"no .txt articles in {corpus}")
    return [paths[i] for i in pick] if pick else paths[:count]


def paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def english_for(path: Path) -> Path | None:
    """The English reference beside a French article (corpus layout fr/NAME, en/NAME)."""
    candidate = path.parent.parent / "en" / path.name
    return candidate if candidate.is_file() else None


def build_marian(out: Path, texts: list[str]) -> None:
    """Random-weight MarianMT with the opus-mt-fr-en architecture and a corpus-trained SentencePiece."""
    import io

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=model, model_type="unigram", vocab_size=8000,
        hard_vocab_limit=False, character_coverage=1.0, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        minloglevel=2,
    )
    (out / "source.spm").write_bytes(model.getvalue())
    (out / "target.spm").write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        if not (processor.is_control(i) or processor.is_unknown(i)):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    while len(vocab) < MARIAN_VOCAB - 1:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = MARIAN_VOCAB - 1  # opus-mt: pad last, also the decoder start
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    MarianTokenizer(
        source_spm=str(out / "source.spm"), target_spm=str(out / "target.spm"), vocab=str(out / "vocab.json"),
        source_lang="fr", target_lang="en", model_max_length=512,
    ).save_pretrained(out)
    pad = MARIAN_VOCAB - 1
    config = MarianConfig(
        vocab_size=MARIAN_VOCAB, d_model=512, encoder_layers=6, decoder_layers=6,
        encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
        max_position_embeddings=512, activation_function="swish", scale_embedding=True,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True,
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    # opus-mt's generation settings, minus forced_eos: that would spend the last
    # step on </s> and make forced-length token counts differ between engines.
    model.generation_config = GenerationConfig(
        num_beams=4, max_length=512, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
        bad_words_ids=[[pad]],
    )
    model.save_pretrained(out)


def build_bart(out: Path, texts: list[str]) -> None:
    """Random-weight BART with the distilbart-cnn-12-6 architecture and a corpus-trained byte-level BPE."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, GenerationConfig

    out.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        texts, vocab_size=BART_VOCAB, min_frequency=2, show_progress=False,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
    )
    bpe.save_model(str(out))
    pad_bpe_vocab(out / "vocab.json", BART_VOCAB)
    # Like the distilbart snapshot: vocab.json + merges.txt, the class known from config.json.
    (out / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 1024}), encoding="utf-8")
    config = BartConfig(
        vocab_size=BART_VOCAB, d_model=1024, encoder_layers=12, decoder_layers=6,
        encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096,
        max_position_embeddings=1024, activation_function="gelu", scale_embedding=False,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config)
    # distilbart-cnn-12-6's generation settings (forced_eos left out, as for Marian).
    model.generation_config = GenerationConfig(
        num_beams=4, length_penalty=2.0, max_length=142, min_length=56, no_repeat_ngram_size=3,
        early_stopping=True, pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0,
    )
    model.save_pretrained(out)


def pad_bpe_vocab(path: Path, size: int) -> None:
    """Fill vocab.json with unused entries up to the architecture's vocabulary size."""
    vocab = json.loads(path.read_text(encoding="utf-8"))
    while len(vocab) < size:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")


def prepare(args: argparse.Namespace, articles: list[Path]) -> dict:
    """Build the models (once, kept in the work directory) and convert them for CTranslate2."""
    work = args.workdir
    marian, bart = work / "opus-mt-fr-en-random", work / "distilbart-cnn-12-6-random"
    french = [p for a in sorted(args.corpus.glob("*.txt")) for p in paragraphs(a)]
    english = [p for a in sorted(args.corpus.glob("*.txt")) if english_for(a) for p in paragraphs(english_for(a))]
    info: dict = {}
    if not (marian / "model.safetensors").is_file():
        started = time.monotonic()
        build_marian(marian, french + english)
        info["build marian s"] = round(time.monotonic() - started, 1)
    if any(s.startswith("brief") for s in args.systems) and not (bart / "model.safetensors").is_file():
        started = time.monotonic()
        build_bart(bart, english or french)
        info["build bart s"] = round(time.monotonic() - started, 1)
    if any(s.endswith("ctranslate2") for s in args.systems):
        from translate_sum.engines.convert import convert_model

        for name, path in (("marian", marian), ("bart", bart)):
            if name == "bart" and "brief-ctranslate2" not in args.systems:
                continue
            started = time.monotonic()
            convert_model(path, path.name, "cpu", "int8")
            info[f"convert {name} s"] = round(time.monotonic() - started, 1)
    if "cli" in args.systems or "cli-audit" in args.systems:
        from translate_sum.engines.convert import convert_model

        convert_model(marian, str(marian), "cpu", "int8")  # the CLI names a directory by its path
    return {"marian": str(marian), "bart": str(bart), **info}


# --------------------------------------------------------------------------- children


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    On Linux, VmHWM: ru_maxrss survives fork + exec, so a child would report the
    parent's peak (the parent built the models with torch).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def forced_options(args: argparse.Namespace):
    from translate_sum.engines.base import DecodeOptions

    if args.mode == "throughput":
        new = args.new_tokens[0]
        return DecodeOptions(num_beams=4, max_new_tokens=new, min_new_tokens=new, max_length_ratio=None)
    return DecodeOptions(num_beams=4)


class TokenCounter:
    """Counts generated target tokens by wrapping the model call of an engine."""

    def __init__(self) -> None:
        self.tokens = 0

    def wrap_ctranslate2(self, engine) -> None:
        counter = self

        class Counted:
            """Stands in for the (read-only) ctranslate2.Translator, counting outputs."""

            def __init__(self, translator) -> None:
                self.translator = translator

            def __getattr__(self, name):
                return getattr(self.translator, name)

            def translate_batch(self, *a, **k):
                results = self.translator.translate_batch(*a, **k)
                # Hypotheses include BART's forced <s> prefix, which is given, not generated.
                skip = 1 if k.get("target_prefix") else 0
                if k.get("asynchronous"):
                    return [CountedResult(r, skip) for r in results]
                counter.tokens += sum(len(r.hypotheses[0]) - skip for r in results)
                return results

        class CountedResult:
            """An asynchronous result that counts its tokens when it is collected."""

            def __init__(self, pending, skip: int) -> None:
                self.pending, self.skip = pending, skip

            def result(self):
                done = self.pending.result()
                counter.tokens += len(done.hypotheses[0]) - self.skip
                return done

        engine.translator = Counted(engine.translator)

    def wrap_transformers(self, model) -> None:
        original = model.generate

        def counted(*a, **k):
            output = original(*a, **k)
            # The first column is the decoder start token; everything after was generated.
            self.tokens += int(output.shape[0] * (output.shape[1] - 1))
            return output

        model.generate = counted


def child(args: argparse.Namespace, models: dict, articles: list[Path]) -> dict:
    """Run one system in this (fresh) process and report its figures."""
    started = time.monotonic()
    result: dict = {"system": args.child}
    counter = TokenCounter()
    options = forced_options(args)
    if args.child == "naive":
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        result["import s"] = time.monotonic() - started
        tokenizer = AutoTokenizer.from_pretrained(models["marian"])
        model = AutoModelForSeq2SeqLM.from_pretrained(models["marian"]).eval()
        counter.wrap_transformers(model)
        result["load s"] = time.monotonic() - started - result["import s"]
        translate_seconds, translate_cpu = [], 0.0
        for article in articles:
            t, c = time.monotonic(), cpu_seconds()
            for paragraph in paragraphs(article):
                batch = tokenizer([paragraph], return_tensors="pt")
                n = batch["input_ids"].shape[1]
                limit = options.output_limit(n)
                with torch.no_grad():
                    out = model.generate(**batch, num_beams=4, max_new_tokens=limit, min_new_tokens=options.min_new_tokens)
                tokenizer.decode(out[0], skip_special_tokens=True)
            translate_seconds.append(time.monotonic() - t)
            translate_cpu += cpu_seconds() - c
        result["translate s/article"] = sum(translate_seconds) / len(translate_seconds)
        result["target tokens"] = counter.tokens
        result["tokens/s"] = counter.tokens / sum(translate_seconds)
        result["tokens/CPU-s"] = counter.tokens / translate_cpu
    else:
        engine_name = args.child.removeprefix("brief-")
        from translate_sum.engines import load_engine
        from translate_sum.models import ResolvedModel
        from translate_sum.pipeline import TranslateOptions, Translator

        result["import s"] = time.monotonic() - started
        t = time.monotonic()
        engine = load_engine(ResolvedModel("opus-mt-fr-en-random", Path(models["marian"])), engine=engine_name, device="cpu")
        if engine_name == "ctranslate2":
            counter.wrap_ctranslate2(engine)
        else:
            counter.wrap_transformers(engine.model)
        summarizer = None
        if args.child.startswith("brief"):
            from translate_sum.summarize import AbstractiveSummarizer

            bart = load_engine(ResolvedModel("distilbart-random", Path(models["bart"])), engine=engine_name, device="cpu")
            summary_counter = TokenCounter()
            if engine_name == "ctranslate2":
                summary_counter.wrap_ctranslate2(bart)
            else:
                summary_counter.wrap_transformers(bart.model)
            summarizer = AbstractiveSummarizer(bart)
        result["load s"] = time.monotonic() - t
        # No audit: random output always looks like a loop and would be retried,
        # doubling the work; real output rarely is. The naive loop has no retry either.
        translator = Translator(engine, TranslateOptions(decode=options, audit=False))
        translate_seconds, brief_seconds, segments = [], [], 0
        translate_cpu = 0.0
        for article in articles:
            t, c = time.monotonic(), cpu_seconds()
            translated = translator.translate_file(article)
            translate_seconds.append(time.monotonic() - t)
            translate_cpu += cpu_seconds() - c
            segments += sum(len(p.segments) for p in translated.paragraphs)
            if summarizer is not None:
                # Summarize the professional English translation: the random model's
                # output is gibberish, the reference has a real article's length.
                reference = english_for(article)
                text = paragraphs(reference) if reference else [p.translation or "" for p in translated.paragraphs]
                t = time.monotonic()
                summarizer.summarize(text)
                brief_seconds.append(time.monotonic() - t)
        result["segments"] = segments
        result["translate s/article"] = sum(translate_seconds) / len(translate_seconds)
        result["target tokens"] = counter.tokens
        result["tokens/s"] = counter.tokens / sum(translate_seconds)
        result["tokens/CPU-s"] = counter.tokens / translate_cpu
        if summarizer is not None:
            result["summary s/article"] = sum(brief_seconds) / len(brief_seconds)
            result["summary tokens/s"] = summary_counter.tokens / sum(brief_seconds)
    result["peak RSS MB"] = peak_rss_mb()
    return result


# --------------------------------------------------------------------------- whole commands


MEASURED_CLI = (
    "import runpy, sys\n"
    "from pathlib import Path\n"
    "sys.argv = ['translate-sum'] + sys.argv[1:]\n"
    "try:\n"
    "    runpy.run_module('translate_sum', run_name='__main__')\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "else:\n"
    "    code = 0\n"
    "peak = [l for l in Path('/proc/self/status').read_text().splitlines() if l.startswith('VmHWM:')]\n"
    "print('PEAK', int(peak[0].split()[1]) / 1024 if peak else 0, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
"""Runs the CLI as `python -m translate_sum` would, then reports the process's peak RSS."""


def run_cli(arguments: list[str], workdir: Path) -> dict:
    """One whole `translate-sum` process: wall seconds, its own translate seconds, peak RSS."""
    env = {**os.environ, "TRANSLATE_SUM_CT2_CACHE": str(workdir / "ct2"), "HF_HUB_OFFLINE": "1"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURED_CLI, *arguments], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        sys.exit(f"translate-sum {' '.join(arguments)} failed")
    found: dict = {"process s": seconds}
    for line in done.stderr.splitlines():
        if line.startswith("PEAK "):
            found["peak RSS MB"] = float(line.split()[1])
        elif line.startswith("Translated ") and " in " in line:
            found["translate s/article"] = float(line.rsplit(" in ", 1)[1].split()[0])
    return found


def cli_rows(args: argparse.Namespace, models: dict, articles: list[Path], audit: bool = False) -> list[dict]:
    """`translate --engine ctranslate2 --no-audit` (or with the audit) on each article, as a user runs it."""
    runs = []
    for article in articles:
        out = args.workdir / "cli-output.txt"
        runs.append(run_cli(["translate", str(article), "--translation-model", models["marian"], "--engine", "ctranslate2",
                             "--device", "cpu", "--audit" if audit else "--no-audit", "-o", str(out)], args.workdir))
    return [{
        "system": f"cli (ctranslate2, {'--audit' if audit else '--no-audit'})", "mode": "article",
        "translate s/article": sum(r.get("translate s/article", 0) for r in runs) / len(runs),
        "process s": sum(r["process s"] for r in runs),
        "peak RSS MB": max(r.get("peak RSS MB", 0) for r in runs),
    }]


def startup_rows(args: argparse.Namespace, articles: list[Path]) -> list[dict]:
    """A short article, a tiny Marian, its conversion cached: what starting up costs."""
    sys.path.insert(0, str(ROOT / "tests"))
    from tiny_models import build_tiny_marian

    tiny = args.workdir / "tiny-marian"
    if not (tiny / "model.safetensors").is_file():
        build_tiny_marian(tiny)
    words, kept = 0, []
    for paragraph in paragraphs(articles[0]):
        kept.append(paragraph)
        words += len(paragraph.split())
        if words >= STARTUP_WORDS:
            break
    short = args.workdir / "short-article.txt"
    short.write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    command = ["translate", str(short), "--translation-model", str(tiny), "--engine", "ctranslate2", "--device", "cpu",
               "-o", str(args.workdir / "short-output.txt")]
    run_cli(command, args.workdir)  # converts once (and unpacks the language model once)
    runs = sorted((run_cli(command, args.workdir) for _ in range(3)), key=lambda r: r["process s"])
    median = runs[1]
    return [{"system": f"startup: {words}-word article, tiny Marian, audit on (median of 3)", "mode": "article", **median}]


# --------------------------------------------------------------------------- audit cost


def audit_cost(args: argparse.Namespace) -> str:
    """What the audit's retry costs on every corpus article, per model."""
    import logging

    sys.path.insert(0, str(ROOT / "tests"))
    from tiny_models import build_tiny_marian

    from translate_sum.engines import load_engine
    from translate_sum.models import ResolvedModel
    from translate_sum.pipeline import TranslateOptions, Translator

    models = {
        "tiny echo (output = input)": build_tiny_marian(args.workdir / "tiny-marian-echo", echo=True)
        if not (args.workdir / "tiny-marian-echo" / "model.safetensors").is_file() else args.workdir / "tiny-marian-echo",
        "tiny random weights": build_tiny_marian(args.workdir / "tiny-marian")
        if not (args.workdir / "tiny-marian" / "model.safetensors").is_file() else args.workdir / "tiny-marian",
    }
    if args.audit_full:
        models["full-size random weights"] = Path(prepare(args, [])["marian"])
    retries: list[tuple[int, int, int]] = []

    class Retries(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("retrying"):
                retries.append(tuple(record.args))  # (segments retried, their paragraphs' segments, paragraphs)

    pipeline_log = logging.getLogger("translate_sum.pipeline")
    pipeline_log.setLevel(logging.INFO)
    pipeline_log.addHandler(Retries())
    articles = sorted(args.corpus.glob("*.txt"))
    lines = ["| model | articles | paragraphs translated | segments | paragraphs retried | segments retried "
             "(whole paragraphs: before) | first pass s | retry s |", "|---|---|---|---|---|---|---|---|"]
    for label, path in models.items():
        engine = load_engine(ResolvedModel(path.name, path), engine="ctranslate2", device="cpu")
        calls: list[tuple[int, float]] = []
        generate = engine.generate

        def timed(texts, options, progress=None, generate=generate, calls=calls):  # type: ignore[no-untyped-def]
            started = time.monotonic()
            outputs = generate(texts, options, progress)
            calls.append((len(texts), time.monotonic() - started))
            return outputs

        engine.generate = timed
        translator = Translator(engine, TranslateOptions())
        retries.clear()
        paragraph_count = segment_count = 0
        first_seconds = retry_seconds = 0.0
        for article in articles:
            calls.clear()
            result = translator.translate_file(article)
            paragraph_count += sum(1 for p in result.paragraphs if p.segments)
            segment_count += sum(len(p.segments) for p in result.paragraphs)
            first_seconds += calls[0][1] if calls else 0.0
            retry_seconds += sum(seconds for _, seconds in calls[1:])
        retried = sum(r[0] for r in retries)
        before = sum(r[1] for r in retries)
        flagged = sum(r[2] for r in retries)
        lines.append(f"| {label} | {len(articles)} | {paragraph_count} | {segment_count} | {flagged} | {retried} ({before}) "
                     f"| {first_seconds:.1f} | {retry_seconds:.1f} |")
        print(lines[-1], file=sys.stderr)
    return "\n".join(lines)


# --------------------------------------------------------------------------- table


COLUMNS = [
    ("system", "{}"),
    ("mode", "{}"),
    ("tokens/s", "{:.0f}"),
    ("tokens/CPU-s", "{:.0f}"),
    ("translate s/article", "{:.1f}"),
    ("summary s/article", "{:.1f}"),
    ("target tokens", "{}"),
    ("load s", "{:.1f}"),
    ("process s", "{:.1f}"),
    ("peak RSS MB", "{:.0f}"),
    ("tokens/s vs naive", "{:.1f}x"),
    ("process vs naive", "{:.1f}x"),
]


def table(rows: list[dict]) -> str:
    """Markdown table; each row compared with the naive loop in the same mode."""
    naive = {r["mode"]: r for r in rows if r["system"] == "naive"}
    for r in rows:
        base = naive.get(r["mode"])
        if base is None or r is base:
            continue
        if "tokens/s" in r and "tokens/s" in base:
            r["tokens/s vs naive"] = r["tokens/s"] / base["tokens/s"]
        if r["mode"] == "article" and not r["system"].startswith("startup"):
            r["process vs naive"] = base["process s"] / r["process s"]
    lines = ["| " + " | ".join(c for c, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(fmt.format(r[c]) if c in r else "" for c, fmt in COLUMNS) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cpu}, {cores} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}, load {load:.1f}"


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("TRANSLATE_SUM_CORPUS"), help="folder of French .txt articles (e.g. ../shared/corpus/articles/fr)")
    parser.add_argument("--articles", type=int, default=1, help="how many articles to run, in name order (default 1)")
    parser.add_argument("--pick", type=_ints, default=None, help="which articles instead, by index in name order (e.g. 5 or 2,5)")
    parser.add_argument("--modes", default="throughput,article", help="throughput and/or article (default both)")
    parser.add_argument("--new-tokens", type=_ints, default=[32, 64, 128], help="throughput mode: tokens forced per input (default 32,64,128)")
    parser.add_argument("--systems", default="naive,ctranslate2,cli,startup")
    parser.add_argument("--naive-modes", default=None, help="modes (and throughput:N) for the naive loop only, e.g. article,throughput:32")
    parser.add_argument("--audit-cost", action="store_true", help="count the audit's retries on every corpus article instead")
    parser.add_argument("--audit-full", action="store_true", help="with --audit-cost: the full-size random model too (slow)")
    parser.add_argument("--workdir", type=Path, default=None, help="where models are built and converted (kept between runs)")
    parser.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--models", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.corpus is None:
        sys.exit("give --corpus DIR (or TRANSLATE_SUM_CORPUS) with French .txt articles")
    args.corpus = Path(args.corpus)
    if args.workdir is None:
        from platformdirs import user_cache_dir

        args.workdir = Path(user_cache_dir("translate-sum")) / "bench"
    args.workdir.mkdir(parents=True, exist_ok=True)
    # Conversions of the random models stay beside them, out of the real cache.
    os.environ.setdefault("TRANSLATE_SUM_CT2_CACHE", str(args.workdir / "ct2"))
    # OpenMP threads (torch's) spin while they wait; on a machine other work shares,
    # the spinning takes the cores the other thread waits for and the naive loop ran
    # several times slower than its CPU time says. Waiting passively costs nothing on
    # a quiet machine and keeps the comparison fair on a busy one (children inherit it).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    args.systems = [s for s in args.systems.split(",") if s]
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown:
        sys.exit(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    articles = corpus_articles(args.corpus, args.articles, args.pick)

    if args.child:
        print(json.dumps(child(args, json.loads(args.models), articles)))
        return
    print(f"machine: {machine()}", file=sys.stderr)
    if args.audit_cost:
        text = f"Machine: {machine()}\nCommand: python benchmarks/bench.py {' '.join(sys.argv[1:])}\n\n{audit_cost(args)}\n"
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        return

    models = prepare(args, articles)
    print(f"prepared: {models}", file=sys.stderr)
    runs = [(mode, n) for mode in args.modes.split(",") if mode for n in (args.new_tokens if mode == "throughput" else [0])]
    naive_runs = runs
    if args.naive_modes:
        naive_runs = [(m.split(":")[0], int(m.split(":")[1]) if ":" in m else 0) for m in args.naive_modes.split(",")]
    rows = []
    for system in args.systems:
        if system in ("cli", "cli-audit", "startup"):
            continue
        for mode, new in naive_runs if system == "naive" else runs:
            if mode == "throughput" and new == 0:
                continue
            command = [sys.executable, __file__, "--corpus", str(args.corpus), "--articles", str(args.articles),
                       "--mode", mode, "--new-tokens", str(new or 64), "--workdir", str(args.workdir),
                       "--models", json.dumps(models), "--child", system]
            if args.pick:
                command += ["--pick", ",".join(map(str, args.pick))]
            started = time.monotonic()
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr[-3000:], file=sys.stderr)
                sys.exit(f"{system} failed")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["process s"] = time.monotonic() - started
            row["mode"] = f"throughput {new}" if mode == "throughput" else "article"
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    for system in ("cli", "cli-audit"):
        if system in args.systems and "article" in args.modes:
            rows += cli_rows(args, models, articles, audit=system == "cli-audit")
            print(json.dumps(rows[-1]), file=sys.stderr)
    if "startup" in args.systems:
        rows += startup_rows(args, articles)
        print(json.dumps(rows[-1]), file=sys.stderr)
    words = sum(len(p.split()) for a in articles for p in paragraphs(a))
    header = (
        f"Machine: {machine()}\n"
        f"4 beams; throughput N: N target tokens forced per input; article: the engines' bounds (1.5 x input + 10).\n"
        f"{len(articles)} article(s) ({', '.join(a.name for a in articles)}), {words} French words.\n"
        f"Command: python benchmarks/bench.py {' '.join(sys.argv[1:])}\n"
    )
    text = header + "\n" + table(rows) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
