"""The tokenizers read straight from checkpoint files give transformers' ids and text.

The CTranslate2 engine tokenizes without transformers (engines/subwords.py); that is
only allowed because, on the tiny Marian and BART checkpoints (tokenizers trained on
the fixtures, laid out like opus-mt's and distilbart's), every fixture line and a set
of awkward inputs encode to exactly the ids transformers gives, and decode back to
exactly its text.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from translate_sum.engines.subwords import ByteLevelSubwords, MarianSubwords, TransformersSubwords, load_subwords, token_join
from translate_sum.text import split_sentences

FIXTURES = Path(__file__).resolve().parent / "fixtures"

AWKWARD = [
    "",
    "   ",
    "Bonjour.",
    "  Deux  espaces,\tune tabulation et des espaces au bout.  ",
    "« Guillemets », apostrophe ’ typographique, tiret — et points de suspension…",
    "Espace\u00a0insécable avant le deux-points\u00a0: 12\u202f000 euros.",
    "Émoji 🙂 et caractères rares : ǅ ﬁ ½ ² Ω 北京",
    "Un </s> au milieu, un <unk> et un <pad> écrits en toutes lettres.",
    ">>en<< Une étiquette de langue au début.",
    "Mots-composés, c'est-à-dire l'aujourd'hui 2024-05-01 à 6h30 (+3,5 %).",
    "The council voted the budget on Tuesday; it's the city's 3rd vote.",
    "Une ligne\nsur deux lignes.",
]


def _lines(*names: str) -> list[str]:
    lines: list[str] = []
    for name in names:
        lines.extend(line for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


TEXTS = _lines("parallel.fr", "parallel.en", "english_news.txt") + AWKWARD


def _assert_same_ids_and_text(ours, reference, texts: list[str]) -> None:
    expected = reference(texts, add_special_tokens=True)["input_ids"]
    got = ours.encode(texts)
    mismatched = [text for text, a, b in zip(texts, got, expected) if list(a) != list(b)]
    assert mismatched == []
    for ids in expected:
        assert ours.decode(ours.to_tokens(ids)) == reference.decode(ids, skip_special_tokens=True)


def _random_sequences(vocab_size: int, count: int = 200) -> list[list[int]]:
    generator = random.Random(7)
    return [[generator.randrange(vocab_size) for _ in range(generator.randrange(1, 30))] for _ in range(count)]


def test_marian_reader_is_used_for_an_opus_mt_layout(tiny_marian_dir: Path) -> None:
    assert isinstance(load_subwords(tiny_marian_dir), MarianSubwords)


def test_marian_ids_and_text_equal_the_transformers_tokenizer(tiny_marian_dir: Path) -> None:
    _assert_same_ids_and_text(load_subwords(tiny_marian_dir), AutoTokenizer.from_pretrained(tiny_marian_dir), TEXTS)


def test_marian_decodes_any_generated_pieces_like_transformers(tiny_marian_dir: Path) -> None:
    ours = load_subwords(tiny_marian_dir)
    reference = AutoTokenizer.from_pretrained(tiny_marian_dir)
    for ids in _random_sequences(len(reference)):
        assert ours.decode(ours.to_tokens(ids)) == reference.decode(ids, skip_special_tokens=True)


def test_marian_input_limit_equals_the_transformers_tokenizer(tiny_marian_dir: Path) -> None:
    assert load_subwords(tiny_marian_dir).model_max_length == AutoTokenizer.from_pretrained(tiny_marian_dir).model_max_length


def test_bart_reader_is_used_for_a_distilbart_layout(tiny_bart_dir: Path) -> None:
    assert isinstance(load_subwords(tiny_bart_dir), ByteLevelSubwords)


def test_bart_ids_and_text_equal_the_transformers_tokenizer(tiny_bart_dir: Path) -> None:
    _assert_same_ids_and_text(load_subwords(tiny_bart_dir), AutoTokenizer.from_pretrained(tiny_bart_dir), TEXTS)


def test_bart_decodes_any_generated_tokens_like_transformers(tiny_bart_dir: Path) -> None:
    ours = load_subwords(tiny_bart_dir)
    reference = AutoTokenizer.from_pretrained(tiny_bart_dir)
    for ids in _random_sequences(len(reference)):
        assert ours.decode(ours.to_tokens(ids)) == reference.decode(ids, skip_special_tokens=True)


def test_bart_from_a_tokenizer_json_equals_the_transformers_tokenizer(tiny_bart_dir: Path, tmp_path: Path) -> None:
    reference = AutoTokenizer.from_pretrained(tiny_bart_dir)
    reference.save_pretrained(tmp_path)  # writes tokenizer.json, as newer snapshots carry
    assert (tmp_path / "tokenizer.json").is_file()
    _assert_same_ids_and_text(load_subwords(tmp_path), AutoTokenizer.from_pretrained(tmp_path), TEXTS)


def test_a_setting_the_readers_do_not_reproduce_falls_back_to_transformers(tiny_bart_dir: Path, tmp_path: Path) -> None:
    for path in tiny_bart_dir.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "tokenizer_config.json").write_text('{"model_max_length": 128, "add_prefix_space": true}')
    assert isinstance(load_subwords(tmp_path), TransformersSubwords)


def test_a_damaged_sentencepiece_file_is_a_model_error(tiny_marian_dir: Path, tmp_path: Path) -> None:
    from translate_sum.errors import ModelError

    for path in tiny_marian_dir.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "source.spm").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load the tokenizer"):
        load_subwords(tmp_path)


def _joints(texts: list[str]) -> list[tuple[str, str]]:
    """Two texts that meet at whitespace, every way the pipeline makes them: a French
    sentence and the next (trailing whitespace kept), and paragraphs or words glued by
    a blank line or a space (leading whitespace)."""
    pairs = []
    for text in texts:
        sentences = split_sentences(text)
        pairs += list(zip(sentences, sentences[1:]))
        words = text.split()
        pairs += [(left, " " + right) for left, right in zip(words, words[1:])]
    stripped = [text.strip() for text in texts if text.strip()]
    pairs += [(left, "\n\n" + right) for left, right in zip(stripped, stripped[1:])]
    pairs += [(left + " ", right) for left, right in zip(stripped, stripped[1:])]
    return pairs


@pytest.mark.parametrize("model", ["tiny_marian_dir", "tiny_bart_dir"])
@pytest.mark.parametrize("reader", ["files", "transformers"])
def test_ids_of_texts_that_join_are_the_ids_of_the_joined_text(model: str, reader: str, request: pytest.FixtureRequest) -> None:
    model_dir = request.getfixturevalue(model)
    if reader == "files":
        tokenizer = load_subwords(model_dir)
        encode = tokenizer.encode
    else:
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        encode = lambda texts: tokenizer(list(texts), add_special_tokens=True)["input_ids"]  # noqa: E731
    join = token_join(tokenizer, encode)
    assert join is not None
    pairs = [(left, right) for left, right in _joints(TEXTS) if join.joins(left, right)]
    assert len(pairs) > 500
    lefts, rights = encode([left for left, _ in pairs]), encode([right for _, right in pairs])
    wholes = encode([left + right for left, right in pairs])
    mismatched = [
        pair for pair, left, right, whole in zip(pairs, lefts, rights, wholes) if join.join([left, right]) != list(whole)
    ]
    assert mismatched == []


def test_a_byte_level_text_ending_in_whitespace_never_joins(tiny_bart_dir: Path) -> None:
    tokenizer = load_subwords(tiny_bart_dir)
    join = token_join(tokenizer, tokenizer.encode)
    assert join is not None and not join.joins("Il dort. ", "Le chat") and join.joins("Il dort.", " Le chat")


def test_a_tokenizer_of_another_family_is_counted_whole(tiny_bart_dir: Path) -> None:
    tokenizer = TransformersSubwords(AutoTokenizer.from_pretrained(tiny_bart_dir))
    assert token_join(tokenizer, tokenizer.encode) is None
