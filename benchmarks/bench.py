"""Benchmark translation and summarization speed and memory, without downloading anything.

Builds random-weight models with exactly the architectures of Helsinki-NLP/opus-mt-fr-en
(MarianMT, 6+6 layers, d_model 512, vocabulary 59,514; about 75M parameters) and
sshleifer/distilbart-cnn-12-6 (BART, 12+6 layers, d_model 1024, vocabulary 50,264;
about 306M parameters), then measures on real French articles:

  naive         transformers, one paragraph at a time, 4 beams (the loop most people write)
  transformers  our pipeline with the transformers engine (segmented, sorted, batched)
  ctranslate2   our pipeline with the CTranslate2 engine (int8 on CPU)
  brief-*       translate + abstractive summary with both full-size models in one process

Each system runs in its own process, so load time, peak RSS and the whole-process wall
time are its own. Random weights never emit </s>, so output length is set by the
limits: `--mode throughput` forces every input to exactly `--new-tokens` tokens
(min = max), `--mode article` uses the engines' own bounds (1.5 x input + 10), the naive
loop getting the same bound per paragraph. Target tokens are counted as generated, from
the model calls themselves.

Tokenizers: a SentencePiece unigram model (Marian) and a byte-level BPE (BART) are
trained at bench time on the corpus text. The text is far too small for 59k or 50k
pieces, so the trainers stop at what it supports and the vocabularies are padded with
unused entries up to the architectures' exact sizes: the output layers (the largest
matmul per decoding step) have their real size, and source tokens per word stay close
to a real subword model's (printed with the results).

Usage:
  python benchmarks/bench.py --corpus ../shared/corpus/articles/fr --articles 1 --out benchmarks/results.md
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
SYSTEMS = ("naive", "transformers", "ctranslate2", "brief-transformers", "brief-ctranslate2")


# --------------------------------------------------------------------------- models


def corpus_articles(corpus: Path, count: int) -> list[Path]:
    paths = sorted(corpus.glob("*.txt"))
    if not paths:
        sys.exit(f"no .txt articles in {corpus}")
    return paths[:count]


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
        return DecodeOptions(num_beams=4, max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, max_length_ratio=None)
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
                counter.tokens += sum(len(r.hypotheses[0]) - skip for r in results)
                return results

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


# --------------------------------------------------------------------------- table


COLUMNS = [
    ("system", "{}"),
    ("tokens/s", "{:.0f}"),
    ("tokens/CPU-s", "{:.0f}"),
    ("translate s/article", "{:.1f}"),
    ("summary s/article", "{:.1f}"),
    ("target tokens", "{}"),
    ("load s", "{:.1f}"),
    ("process s", "{:.1f}"),
    ("peak RSS MB", "{:.0f}"),
    ("speed-up", "{:.1f}x"),
]


def table(rows: list[dict]) -> str:
    naive = next((r for r in rows if r["system"] == "naive"), None)
    for r in rows:
        if naive and "tokens/s" in r:
            r["speed-up"] = r["tokens/s"] / naive["tokens/s"]
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
    return f"{cpu}, {cores} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("TRANSLATE_SUM_CORPUS"), help="folder of French .txt articles (e.g. ../shared/corpus/articles/fr)")
    parser.add_argument("--articles", type=int, default=1, help="how many articles to run (default 1)")
    parser.add_argument("--mode", choices=("throughput", "article"), default="throughput")
    parser.add_argument("--new-tokens", type=int, default=64, help="throughput mode: tokens forced per input")
    parser.add_argument("--systems", default="naive,transformers,ctranslate2,brief-ctranslate2")
    parser.add_argument("--workdir", type=Path, default=None, help="where models are built and converted (kept between runs)")
    parser.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
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
    args.systems = [s for s in args.systems.split(",") if s]
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown:
        sys.exit(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    articles = corpus_articles(args.corpus, args.articles)

    if args.child:
        print(json.dumps(child(args, json.loads(args.models), articles)))
        return

    print(f"machine: {machine()}", file=sys.stderr)
    models = prepare(args, articles)
    print(f"prepared: {models}", file=sys.stderr)
    rows = []
    base = [sys.executable, __file__, "--corpus", str(args.corpus), "--articles", str(args.articles), "--mode", args.mode,
            "--new-tokens", str(args.new_tokens), "--workdir", str(args.workdir), "--models", json.dumps(models)]
    for system in args.systems:
        started = time.monotonic()
        done = subprocess.run(base + ["--child", system], capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            sys.exit(f"{system} failed")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["process s"] = time.monotonic() - started
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    words = sum(len(p.split()) for a in articles for p in paragraphs(a))
    header = (
        f"Machine: {machine()}\n"
        f"Mode: {args.mode}" + (f" ({args.new_tokens} target tokens forced per input, 4 beams)" if args.mode == "throughput" else " (engine bounds, 4 beams)")
        + f"; {len(articles)} article(s), {words} French words.\n"
        f"Command: python benchmarks/bench.py {' '.join(sys.argv[1:])}\n"
    )
    text = header + "\n" + table(rows) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
