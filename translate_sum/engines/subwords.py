"""Tokenizers read straight from a checkpoint's own files, without transformers.

The CTranslate2 engine needs a tokenizer and nothing else from Hugging Face: importing
transformers for it costs most of a short article's start-up. Two families are read
directly, giving the same ids and the same text as transformers' own tokenizer
(checked in tests/test_subwords.py on the tiny models):

- Marian (opus-mt): `source.spm`/`target.spm` SentencePiece models and `vocab.json`;
  pieces are looked up in the vocabulary (`<unk>` when absent), `</s>` is appended.
  transformers' punctuation normalizer (sacremoses) is set up but never applied when
  encoding, so it is not needed here either.
- Byte-level BPE (BART, RoBERTa: distilbart): `vocab.json` and `merges.txt` (or a
  `tokenizer.json`), `<s> ... </s>` around the input.

Any other family, or a setting these readers do not reproduce (SentencePiece sampling,
a prefix space), is loaded with transformers' own class (`load_tokenizer`), torch-free.

Limits: only the encode and decode paths the engines use (no pairs, offsets, padding,
truncation); the added-token rules are the special tokens' (no lstrip/rstrip other
than BART's `<mask>`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from translate_sum.engines.base import TokenJoin
from translate_sum.engines.core import first_line, probe_token_join, read_json
from translate_sum.errors import ModelError

log = logging.getLogger(__name__)

_LANGUAGE_CODE = re.compile(r"^>>[^<]*<<")


class Subwords(Protocol):
    """What an engine needs from a tokenizer."""

    model_max_length: int | None  # the tokenizer's input limit, None when it states none

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Ids of each text, special tokens included."""
        ...

    def to_tokens(self, ids: Sequence[int]) -> list[str]:
        """The token strings of `ids` (the form CTranslate2 reads)."""
        ...

    def decode(self, tokens: Sequence[str]) -> str:
        """The text of generated `tokens`, special tokens left out."""
        ...


def load_subwords(model_dir: Path) -> Subwords:
    """The fastest tokenizer for `model_dir` that gives transformers' ids (see module doc)."""
    model_dir = Path(model_dir)
    settings = read_json(model_dir / "tokenizer_config.json")
    family = settings.get("tokenizer_class") or _TOKENIZER_BY_MODEL_TYPE.get(
        read_json(model_dir / "config.json").get("model_type", ""), ""
    )
    family = family.removesuffix("Fast")
    try:
        if family == "MarianTokenizer" and MarianSubwords.supports(model_dir, settings):
            return MarianSubwords(model_dir, settings)
        if family in ("BartTokenizer", "RobertaTokenizer") and ByteLevelSubwords.supports(model_dir, settings):
            return ByteLevelSubwords(model_dir, settings)
    except ModelError:
        raise
    except Exception as exc:  # a damaged .spm or vocabulary surfaces as anything
        raise ModelError(f"cannot load the tokenizer of {model_dir}: {first_line(exc)}") from exc
    return TransformersSubwords(load_tokenizer(model_dir))


def _limit(settings: dict) -> int | None:
    value = settings.get("model_max_length")
    return int(value) if isinstance(value, (int, float)) else None


def _special_strings(settings: dict, defaults: dict[str, str]) -> dict[str, str]:
    """The special tokens a tokenizer_config.json names (plain strings or AddedToken dicts)."""
    found = dict(defaults)
    for key in defaults:
        value = settings.get(key)
        if isinstance(value, dict):
            value = value.get("content")
        if isinstance(value, str):
            found[key] = value
    return found


class MarianSubwords:
    """opus-mt's tokenizer: SentencePiece pieces looked up in vocab.json."""

    @staticmethod
    def supports(model_dir: Path, settings: dict) -> bool:
        """True when the files are there and no setting asks for what this does not do."""
        files = all((model_dir / name).is_file() for name in ("source.spm", "target.spm", "vocab.json"))
        return files and not settings.get("sp_model_kwargs") and not settings.get("clean_up_tokenization_spaces")

    def __init__(self, model_dir: Path, settings: dict) -> None:
        import sentencepiece

        self.model_max_length = _limit(settings) or 512  # MarianTokenizer's own default
        specials = _special_strings(settings, {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})
        self.vocab: dict[str, int] = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
        separate = bool(settings.get("separate_vocabs"))
        self.tokens_by_id = {i: token for token, i in self.vocab.items()}
        self.source = sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        # transformers decodes with the source model unless the vocabularies are separate.
        self.target = (
            sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "target.spm")) if separate else self.source
        )
        self.unk_id = self.vocab[specials["unk_token"]]
        self.eos_id = self.vocab[specials["eos_token"]]
        added = [t.get("content") for t in (settings.get("added_tokens_decoder") or {}).values() if isinstance(t, dict)]
        self.specials = {s for s in [*specials.values(), *added] if isinstance(s, str) and s}
        # Longest first, so that one special token inside another is never split out.
        pattern = "|".join(re.escape(s) for s in sorted(self.specials, key=len, reverse=True))
        self._split = re.compile(f"({pattern})")

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Ids of each text with `</s>` appended, as MarianTokenizer gives them."""
        return [self._encode(text) for text in texts]

    def _encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for chunk in self._split.split(text):
            if not chunk:
                continue
            if chunk in self.specials:
                ids.append(self.vocab.get(chunk, self.unk_id))
                continue
            code = _LANGUAGE_CODE.match(chunk)
            if code:
                ids.append(self.vocab.get(code.group(), self.unk_id))
                chunk = chunk[code.end() :]
            pieces = self.source.encode(chunk, out_type=str)
            ids.extend(self.vocab.get(piece, self.unk_id) for piece in pieces)
        ids.append(self.eos_id)
        return ids

    def to_tokens(self, ids: Sequence[int]) -> list[str]:
        """Vocabulary entries of `ids` (the source side: inputs are shown to CTranslate2)."""
        return [self.tokens_by_id.get(i) or self.source.id_to_piece(i) for i in ids]

    def decode(self, tokens: Sequence[str]) -> str:
        """Text of generated pieces, special tokens (and `<unk>`) left out, as transformers does."""
        pieces = [token for token in tokens if token not in self.specials]
        return self.target.decode_pieces(pieces).replace("\u2581", " ").strip()


class ByteLevelSubwords:
    """BART's (RoBERTa's) byte-level BPE, run by the `tokenizers` library as transformers runs it."""

    @staticmethod
    def supports(model_dir: Path, settings: dict) -> bool:
        """True for the plain layout: a tokenizer.json, or vocab.json + merges.txt without a prefix space."""
        if settings.get("add_prefix_space") or settings.get("clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output"):
            return False
        return (model_dir / "tokenizer.json").is_file() or (
            (model_dir / "vocab.json").is_file() and (model_dir / "merges.txt").is_file()
        )

    def __init__(self, model_dir: Path, settings: dict) -> None:
        from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
        from tokenizers.models import BPE

        self.model_max_length = _limit(settings)
        specials = _special_strings(
            settings,
            {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"},
        )
        if (model_dir / "tokenizer.json").is_file():
            tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        else:
            vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
            merges = [
                tuple(line.split(" ", 1))
                for line in (model_dir / "merges.txt").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#version") and " " in line
            ]
            tokenizer = Tokenizer(
                BPE(vocab=vocab, merges=merges, dropout=None, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False)
            )
            tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            tokenizer.decoder = decoders.ByteLevel()
            tokenizer.add_special_tokens(
                [
                    AddedToken(specials[key], special=True, normalized=False)
                    for key in ("bos_token", "eos_token", "unk_token", "pad_token")
                ]
                + [AddedToken(specials["mask_token"], special=True, lstrip=True, normalized=False)]
            )
            bos, eos = specials["bos_token"], specials["eos_token"]
            tokenizer.post_processor = processors.RobertaProcessing(
                (eos, tokenizer.token_to_id(eos)), (bos, tokenizer.token_to_id(bos)), trim_offsets=True, add_prefix_space=False
            )
        self.tokenizer = tokenizer

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Ids of each text, `<s>` and `</s>` included."""
        return [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts), add_special_tokens=True)]

    def to_tokens(self, ids: Sequence[int]) -> list[str]:
        """Vocabulary entries of `ids`."""
        return [self.tokenizer.id_to_token(i) for i in ids]

    def decode(self, tokens: Sequence[str]) -> str:
        """Text of generated tokens, special tokens left out."""
        ids = [self.tokenizer.token_to_id(token) for token in tokens]
        return self.tokenizer.decode([i for i in ids if i is not None], skip_special_tokens=True)


class TransformersSubwords:
    """Any tokenizer transformers can load, behind the same three calls."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        limit = getattr(tokenizer, "model_max_length", None)
        self.model_max_length = int(limit) if limit else None

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Ids of each text, special tokens included."""
        return list(self.tokenizer(list(texts), add_special_tokens=True)["input_ids"])

    def to_tokens(self, ids: Sequence[int]) -> list[str]:
        """Vocabulary entries of `ids`."""
        return self.tokenizer.convert_ids_to_tokens(list(ids))

    def decode(self, tokens: Sequence[str]) -> str:
        """Text of generated tokens, special tokens left out."""
        ids = self.tokenizer.convert_tokens_to_ids(list(tokens))
        return self.tokenizer.decode(ids, skip_special_tokens=True)


def token_join(tokenizer: Any, encode: Any) -> TokenJoin | None:
    """How the ids of `tokenizer` (whose `encode` gives ids with special tokens) join.

    Marian's SentencePiece and BART's byte-level BPE never make a token across
    whitespace (`TokenJoin`); for them the joints are probed (`core.probe_token_join`),
    read here or by transformers' own classes. Any other tokenizer: None, and texts
    are counted whole. A sampling SentencePiece or a prefix space never joins.
    """
    name = type(tokenizer).__name__.removesuffix("Fast")
    if isinstance(tokenizer, MarianSubwords) or (name == "MarianTokenizer" and not getattr(tokenizer, "sp_model_kwargs", None)):
        # A text that starts with `>>fr<<` is read as a language code only at the start.
        return probe_token_join(encode, trailing=True, refused_starts=(">>",))
    if isinstance(tokenizer, ByteLevelSubwords) or (
        name in ("BartTokenizer", "RobertaTokenizer") and not getattr(tokenizer, "add_prefix_space", False)
    ):
        # A text's trailing whitespace is a token of its own: only leading whitespace joins.
        return probe_token_join(encode, trailing=False)
    return None


# Tokenizer classes of the model families we run, for checkpoints whose
# tokenizer_config.json names none (sshleifer/distilbart-cnn-12-6 is one). The mapping
# transformers keeps for this lives in a module that imports torch.
_TOKENIZER_BY_MODEL_TYPE = {
    "marian": "MarianTokenizer",
    "bart": "BartTokenizer",
    "mbart": "MBartTokenizer",
    "pegasus": "PegasusTokenizer",
    "t5": "T5Tokenizer",
    "m2m_100": "M2M100Tokenizer",
}


def load_tokenizer(model_dir: Path) -> Any:
    """The checkpoint's transformers tokenizer, loaded without importing torch.

    `AutoTokenizer` imports torch through the auto-model machinery; the concrete class
    (named in tokenizer_config.json, else known from config.json's model_type) does not.
    Unknown families fall back to `AutoTokenizer`, torch and all.
    """
    import transformers

    class_name = read_json(model_dir / "tokenizer_config.json").get("tokenizer_class")
    if not class_name:
        class_name = _TOKENIZER_BY_MODEL_TYPE.get(read_json(model_dir / "config.json").get("model_type", ""))
    tokenizer_class = None
    if class_name:
        tokenizer_class = getattr(transformers, class_name, None) or getattr(
            transformers, class_name.removesuffix("Fast"), None
        )
    if tokenizer_class is None:
        log.debug("No torch-free tokenizer class known for %s; using AutoTokenizer", model_dir)
        tokenizer_class = transformers.AutoTokenizer
    try:
        return tokenizer_class.from_pretrained(str(model_dir))
    except Exception as exc:  # a missing or corrupt tokenizer file surfaces as anything
        raise ModelError(f"cannot load the tokenizer of {model_dir}: {first_line(exc)}") from exc
