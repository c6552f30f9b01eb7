"""The language model loaded from its unpacked cache is py3langid's own model."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_sum import langid_model

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def _lines() -> list[str]:
    texts = []
    for name in ("parallel.fr", "english_news.txt"):
        texts += [line for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts + ["Der Gemeinderat hat am Dienstag den Haushalt beschlossen.", "", "12 34"]


def test_cached_model_classifies_exactly_like_py3langid(private_cache: Path) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    first = langid_model.load_identifier()  # unpacks into the cache
    assert list(private_cache.glob("translate-sum/langid/*/nextmove.npy"))
    again = langid_model.load_identifier()  # maps the unpacked arrays
    for text in _lines():
        assert first.classify(text) == again.classify(text) == reference.classify(text)


def test_an_unwritable_cache_falls_back_to_the_packaged_model(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only cache")

    monkeypatch.setattr(langid_model, "_unpack", refuse)
    identifier = langid_model.load_identifier()
    assert identifier.classify("Le conseil municipal a voté le budget mardi soir.")[0] == "fr"
    assert not list(private_cache.glob("translate-sum/langid/*/*.npy"))
