"""Tiny real seq2seq models, built in seconds, shaped like the Hub checkpoints we use.

The test suite needs models that load through exactly the code a Hub checkpoint takes
(`AutoTokenizer.from_pretrained`, `AutoModelForSeq2SeqLM.from_pretrained`, the saved
generation config), yet nothing may be downloaded. So each builder trains a real
tokenizer on the project's own fixture text (tests/fixtures/, written for this
project), makes a model config of a few dimensions, initializes random weights from a
fixed seed and saves everything with `save_pretrained`, the files a Hub snapshot has.

- `build_tiny_marian` mirrors Helsinki-NLP/opus-mt-fr-en: SentencePiece unigram
  `source.spm`/`target.spm`, a `vocab.json` laid out like Marian's (`</s>` = 0,
  `<unk>` = 1, `<pad>` last), pad as decoder start, `bad_words_ids=[[pad]]`.
- `build_tiny_bart` mirrors sshleifer/distilbart-cnn-12-6: byte-level BPE
  `vocab.json` + `merges.txt`, BART special ids (`<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3),
  beam search with length penalty and no-repeat n-grams.

`build_tiny_marian(..., echo=True)` sets the weights by hand instead, so the model
copies its input: the decoder's cross-attention at step t looks at source position t
(matched through the sinusoidal position embeddings), reads that token's embedding and
the tied output layer turns it back into the same token, `</s>` included. Source and
target share one SentencePiece model, so the "translation" is the French input, with its
words, punctuation and sentence boundaries, different for every input, and it ends.

Limits: the random weights make gibberish, and the random models almost never emit
`</s>` on their own; output length is bounded only by the caller's limits. The echo
model translates nothing (its output is the French source: an audit calls that
untranslated), and a caller's `no_repeat_ngram_size` or length limits can make it
deviate from an exact copy. The
position table is a real limit: input longer than `max_position_embeddings` tokens
raises `IndexError` on CPU, which is what lets tests prove that chunking works.
Builders are deterministic (same files for the same arguments) and leave the global
torch random state untouched.
"""

from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path

import sentencepiece as spm
import torch
from tokenizers import ByteLevelBPETokenizer
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    GenerationConfig,
    MarianConfig,
    MarianMTModel,
    MarianTokenizer,
)

FIXTURES = Path(__file__).parent / "fixtures"
PARALLEL_FR = FIXTURES / "parallel.fr"
PARALLEL_EN = FIXTURES / "parallel.en"
ENGLISH_NEWS = FIXTURES / "english_news.txt"

SEED = 1234

# Marian's own vocabulary layout (opus-mt vocab.json): eos first, unk second, pad last.
MARIAN_EOS, MARIAN_UNK, MARIAN_PAD = "</s>", "<unk>", "<pad>"

BART_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

# Every character a French or English news text commonly holds, fed to SentencePiece
# once so none of them becomes <unk> just because the fixture sentences lack it
# (opus-mt's real vocabulary knows them all).
_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 "
    "àâäçéèêëîïôöùûüÿœæ ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ ñíóáú "
    ". , ; : ! ? … ' ’ ‘ \" “ ” « » ( ) [ ] - – — / % € $ £ ° + = * & @ # § _ ²"
)


def _fixture_lines(*paths: Path) -> list[str]:
    """Non-empty lines of the fixture files, in order."""
    lines: list[str] = []
    for path in paths:
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


def _train_sentencepiece(lines: list[str], vocab_size: int) -> bytes:
    """A serialized SentencePiece unigram model trained on `lines`.

    `hard_vocab_limit=False` lets the trainer stop below `vocab_size` when the
    fixture text is too small to support that many pieces, instead of failing.
    """
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        # Every accented letter, « », € and ° must be a known piece, not <unk>.
        character_coverage=1.0,
        # Marian's sentencepiece ids are not used by the model (vocab.json maps
        # pieces to ids), but keep the usual specials so the .spm looks like opus-mt's.
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        seed_sentencepiece_size=20000,
        minloglevel=2,
    )
    return model.getvalue()


def _marian_vocab(spm_bytes: bytes) -> dict[str, int]:
    """vocab.json for MarianTokenizer: `</s>` 0, `<unk>` 1, the pieces, `<pad>` last."""
    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    vocab = {MARIAN_EOS: 0, MARIAN_UNK: 1}
    for piece_id in range(processor.get_piece_size()):
        if processor.is_control(piece_id) or processor.is_unknown(piece_id):
            continue
        vocab.setdefault(processor.id_to_piece(piece_id), len(vocab))
    vocab[MARIAN_PAD] = len(vocab)
    return vocab


def build_tiny_marian(
    out_dir: Path,
    *,
    max_position_embeddings: int = 512,
    vocab_size: int = 800,
    d_model: int | None = None,
    seed: int = SEED,
    echo: bool = False,
) -> Path:
    """Build a tiny random French-to-English MarianMT checkpoint in `out_dir`.

    The directory holds what a Helsinki-NLP/opus-mt snapshot holds (config.json,
    generation_config.json, model.safetensors, source.spm, target.spm, vocab.json,
    tokenizer_config.json), so it loads with `AutoTokenizer.from_pretrained(out_dir)`
    and `AutoModelForSeq2SeqLM.from_pretrained(out_dir)`. The tokenizer's
    `model_max_length` equals `max_position_embeddings`, as on the Hub (512).

    Args:
        out_dir: directory to create (or overwrite files in).
        max_position_embeddings: most input tokens the model accepts; more raises
            `IndexError` on CPU.
        vocab_size: SentencePiece pieces requested (the result may be a little smaller).
        d_model: hidden size (even, divisible by the 2 attention heads); default 16,
            or `ECHO_D_MODEL` (128) with `echo`, which needs at least 96.
        seed: seed for the random weights.
        echo: set the weights so that the model copies its input tokens (see the
            module docstring) instead of drawing them at random.

    Returns:
        `out_dir`.
    """
    if d_model is None:
        d_model = ECHO_D_MODEL if echo else 16
    if echo and d_model < 96:
        # Fewer dimensions leave too little room for the position code plus token
        # embeddings that the output layer can still tell apart among ~800 pieces
        # (with 64, 1% of tokens came out wrong).
        raise ValueError(f"an echo model needs d_model >= 96, got {d_model}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    # One shared model for both sides, as opus-mt-fr-en does (a joint fr+en vocabulary).
    lines = _fixture_lines(PARALLEL_FR, PARALLEL_EN) + [" ".join(_ALPHABET)]
    spm_bytes = _train_sentencepiece(lines, vocab_size)
    (out_dir / "source.spm").write_bytes(spm_bytes)
    shutil.copyfile(out_dir / "source.spm", out_dir / "target.spm")
    vocab = _marian_vocab(spm_bytes)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")

    tokenizer = MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(out_dir / "vocab.json"),
        source_lang="fr",
        target_lang="en",
        model_max_length=max_position_embeddings,
    )
    tokenizer.save_pretrained(out_dir)

    pad_id, eos_id = vocab[MARIAN_PAD], vocab[MARIAN_EOS]
    config = MarianConfig(
        vocab_size=len(vocab),
        max_position_embeddings=max_position_embeddings,
        d_model=d_model,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        activation_function="swish",  # opus-mt's activation
        scale_embedding=True,
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        forced_eos_token_id=eos_id,
        decoder_start_token_id=pad_id,
        share_encoder_decoder_embeddings=True,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = MarianMTModel(config).eval()
    if echo:
        _make_echo(model, seed)
    # Like opus-mt-fr-en's generation_config.json, with fewer beams to keep tests fast.
    model.generation_config = GenerationConfig(
        num_beams=2,
        # opus-mt: max_length = max_position_embeddings (512); a longer output would
        # run the decoder off its position table.
        max_length=max_position_embeddings,
        bad_words_ids=[[pad_id]],
        decoder_start_token_id=pad_id,
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        forced_eos_token_id=eos_id,
        renormalize_logits=True,
    )
    model.save_pretrained(out_dir)
    return out_dir


# The echo Marian. Marian adds fixed sinusoids to the token embeddings: dims [0, d/2)
# hold sin(pos * f_i), dims [d/2, d) cos(pos * f_i), f_i = 10000 ** (-2i/d). The highest
# ECHO_POSITION_FREQUENCIES frequencies (sin and cos) are kept free of token embeddings
# and carry the position code: their dot product, sum_i cos(f_i (t - s)), peaks at
# s = t. The lowest-frequency sin dim (sin(pos * 1e-4), below 0.06 for 512 positions) is
# kept free too, as a near-zero reference: every post-attention LayerNorm subtracts the
# position-dependent mean of the whole vector, and "dim - reference dim" cancels that
# shift, which would otherwise move the peak. All other dims hold the token embeddings.
ECHO_D_MODEL = 128
ECHO_POSITION_FREQUENCIES = 12
# Size of each entry of a scaled token embedding (sqrt(d) * E, what the layers see),
# beside the sinusoids' entries of at most 1: large enough that a copied value names
# its token despite the sinusoids sharing the token dims, small enough that the position
# code survives CTranslate2's int8 rounding of each activation row by its largest entry.
_ECHO_TOKEN_ENTRY = 3.0
# Smallest gap, over 512 positions, between a position code's dot product with itself
# and with any other position (computed: 1.24 with d_model 96, 1.56 with 128).
_ECHO_POSITION_GAP = 1.2
# Attention-logit gap wanted between the aligned source position and the next best:
# softmax then puts all but e^-30 of the weight on the aligned one.
_ECHO_ATTENTION_MARGIN = 30.0
# Weight of the copied source token against the decoder's own input token, which the
# residual connection carries into the output too.
_ECHO_COPY_GAIN = 8.0
# Scale of the last LayerNorm: the logit of the copied token then leads the next best
# by 30 or more with d_model 128 (measured on news paragraphs; 19 with d_model 96).
_ECHO_OUTPUT_SCALE = 2.0


def _echo_layout(d_model: int) -> tuple[list[int], int, list[int]]:
    """(position dims, reference dim, token dims) of the echo model's hidden vector."""
    half = d_model // 2
    position = list(range(ECHO_POSITION_FREQUENCIES)) + [half + i for i in range(ECHO_POSITION_FREQUENCIES)]
    reference = half - 1
    token = [j for j in range(d_model) if j not in position and j != reference]
    return position, reference, token


@torch.no_grad()
def _make_echo(model: MarianMTModel, seed: int) -> None:
    """Overwrite `model`'s weights so that it copies source token t at decoder step t.

    Everything but the decoder's cross-attention is switched off (zero projections,
    identity LayerNorms), so each stage passes its input on through the residuals:
    encoder output at s = LayerNorm(sqrt(d) * E[x_s] + PE(s)). Decoder step t starts from
    LayerNorm(sqrt(d) * E[y_t] + PE(t)); its cross-attention queries and keys read only
    the position dims, so it attends to source position t, and its values read only the
    token dims, so it adds E[x_t] (times a gain) to the residual. The tied output
    layer scores every token by its embedding's dot product with that sum, and E[x_t]
    wins. Step 0 is the decoder start token and emits x_0; the step that reads the
    source's trailing `</s>` emits `</s>`, so the output stops where the input did.
    """
    config = model.config
    d = config.d_model
    heads = config.decoder_attention_heads
    head_dim = d // heads
    position, reference, token = _echo_layout(d)

    for module in model.modules():
        if isinstance(module, torch.nn.LayerNorm):
            module.weight.fill_(1.0)
            module.bias.zero_()
        elif isinstance(module, torch.nn.Linear) and module is not model.lm_head:
            module.weight.zero_()
            if module.bias is not None:
                module.bias.zero_()
    model.final_logits_bias.zero_()

    # Token embeddings: random balanced sign patterns over the token dims, +-entry, so
    # that they are near-orthogonal (the output layer tells them apart), sum to zero (the
    # LayerNorms' mean shift adds nothing to any token's score), share one norm (every
    # token's LayerNorm scale, hence its attention sharpness, is the same) and survive
    # int8 quantization exactly. An odd count of token dims leaves one entry at zero.
    generator = torch.Generator().manual_seed(seed)
    half = len(token) // 2
    signs = torch.tensor([1.0] * half + [-1.0] * half + [0.0] * (len(token) % 2))
    patterns = torch.stack([signs[torch.randperm(len(token), generator=generator)] for _ in range(config.vocab_size)])
    embeddings = torch.zeros(config.vocab_size, d)
    embeddings[:, token] = patterns * (_ECHO_TOKEN_ENTRY / math.sqrt(d))
    model.get_input_embeddings().weight.copy_(embeddings)  # tied: lm_head is the same tensor

    cross = model.model.decoder.layers[0].encoder_attn
    # After a LayerNorm each dim is divided by the vector's std (token entries plus
    # sinusoids, whose squares average 1/2); attention also divides by sqrt(head_dim).
    variance = (2 * half * _ECHO_TOKEN_ENTRY**2 + d / 2) / d
    query_scale = _ECHO_ATTENTION_MARGIN * variance * math.sqrt(head_dim) / _ECHO_POSITION_GAP
    for head in range(heads):
        for j, dim in enumerate(position):
            row = head * head_dim + j
            for projection, scale in ((cross.q_proj, query_scale), (cross.k_proj, 1.0)):
                projection.weight[row, dim] = scale
                projection.weight[row, reference] = -scale
    # All heads attend alike, so values may spread the token dims over their slots.
    for j, dim in enumerate(token):
        cross.v_proj.weight[j, dim] = 1.0
        cross.out_proj.weight[dim, j] = _ECHO_COPY_GAIN
    model.model.decoder.layers[0].final_layer_norm.weight.fill_(_ECHO_OUTPUT_SCALE)


def build_tiny_bart(
    out_dir: Path,
    *,
    max_position_embeddings: int = 128,
    vocab_size: int = 800,
    d_model: int = 16,
    seed: int = SEED,
) -> Path:
    """Build a tiny random English summarizer checkpoint (BART) in `out_dir`.

    The directory holds what a sshleifer/distilbart-cnn-12-6 snapshot holds
    (config.json, generation_config.json, model.safetensors, vocab.json, merges.txt,
    tokenizer_config.json), so it loads with `AutoTokenizer.from_pretrained(out_dir)` and
    `AutoModelForSeq2SeqLM.from_pretrained(out_dir)`. The tokenizer's
    `model_max_length` equals `max_position_embeddings`.

    Args:
        out_dir: directory to create (or overwrite files in).
        max_position_embeddings: most input tokens the model accepts; more raises
            `IndexError` on CPU.
        vocab_size: byte-level BPE vocabulary size, special tokens included.
        d_model: hidden size (even, divisible by the 2 attention heads).
        seed: seed for the random weights.

    Returns:
        `out_dir`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    bpe.train_from_iterator(
        _fixture_lines(ENGLISH_NEWS),
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=BART_SPECIALS,
        show_progress=False,
    )
    # vocab.json + merges.txt and a one-line tokenizer_config.json: the tokenizer files
    # of the distilbart snapshot, so AutoTokenizer builds it the way it builds the real one.
    bpe.save_model(str(out_dir))
    (out_dir / "tokenizer_config.json").write_text(
        json.dumps({"model_max_length": max_position_embeddings}), encoding="utf-8"
    )

    config = BartConfig(
        vocab_size=bpe.get_vocab_size(),
        max_position_embeddings=max_position_embeddings,
        d_model=d_model,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        # Legacy keys the distilbart-cnn config.json still carries (transformers ignores
        # them; other readers, e.g. CTranslate2's converter, require normalize_before).
        normalize_before=False,
        normalize_embedding=True,
        add_final_layer_norm=False,
        static_position_embeddings=False,
        add_bias_logits=False,
        extra_pos_embeddings=2,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = BartForConditionalGeneration(config).eval()
    # Like distilbart-cnn-12-6's summarization settings, shorter and with fewer beams.
    model.generation_config = GenerationConfig(
        num_beams=2,
        length_penalty=2.0,
        no_repeat_ngram_size=3,
        min_length=10,
        max_length=40,
        early_stopping=True,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    )
    model.save_pretrained(out_dir)
    return out_dir
