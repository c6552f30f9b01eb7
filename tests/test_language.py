"""Language identification: French, English, other languages, mixed and short texts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prerequisites import missing
from translate_sum.language import detect_language, judge_language, language_name

FRENCH = (
    "Le conseil municipal de Villebrune a voté lundi soir l'extension des horaires du tramway.\n\n"
    "Les rames circuleront jusqu'à minuit en semaine à partir du mois de septembre, "
    "une mesure réclamée depuis des années par les étudiants et les salariés de nuit."
)
ENGLISH = (
    "The Villebrune city council voted on Monday evening to extend the tram's operating hours.\n\n"
    "Trams will run until midnight on weekdays from September, a measure long demanded "
    "by students and night-shift workers."
)
GERMAN = (
    "Der Stadtrat von Villebrune hat am Montagabend die Verlängerung der Betriebszeiten "
    "der Straßenbahn beschlossen. Die Bahnen fahren ab September werktags bis Mitternacht."
)
SPANISH = (
    "El ayuntamiento de Villebrune aprobó el lunes por la noche la ampliación del horario "
    "del tranvía, que circulará hasta la medianoche a partir de septiembre."
)


def test_french_article_is_french_and_reliable():
    verdict = judge_language(FRENCH)
    assert (verdict.code, verdict.is_french, verdict.reliable) == ("fr", True, True)


def test_english_article_is_english():
    verdict = judge_language(ENGLISH)
    assert verdict.is_english and verdict.name == "English" and verdict.reliable


@pytest.mark.parametrize(("text", "name"), [(GERMAN, "German"), (SPANISH, "Spanish")])
def test_other_language_is_named_in_english(text, name):
    verdict = judge_language(text)
    assert verdict.name == name
    assert not verdict.is_french and not verdict.is_english


def test_french_paragraph_quoting_a_long_english_sentence_is_french():
    text = (
        "Le maire a répondu : « We will never give up, and we will build the tram line no matter "
        "what it costs, whatever our opponents say » avant de quitter la salle du conseil."
    )
    assert judge_language(text).is_french


def test_french_article_with_an_english_paragraph_is_french():
    quote = (
        "The mayor told reporters that the city had no intention of backing down and that the "
        "tram line would be built on time and on budget, whatever the opposition said."
    )
    assert judge_language(FRENCH + "\n\n" + quote + "\n\n" + FRENCH).is_french


def test_english_article_quoting_french_stays_english():
    text = (
        'The mayor said: "Nous ne céderons jamais, quoi qu\'il en coûte, et le tramway sera construit" '
        "before leaving the council meeting late on Monday night."
    )
    assert judge_language(text).is_english


@pytest.mark.parametrize("text", ["Oui.", "Merci", "Photo : AFP", "OK", "Hello world", "12345", "", "   \n\n "])
def test_short_or_letterless_text_is_taken_as_french_and_flagged_unreliable(text):
    verdict = judge_language(text)
    assert verdict.is_french and not verdict.reliable


def test_detect_language_gives_code_and_share():
    code, confidence = detect_language(ENGLISH)
    assert code == "en" and 0.9 < confidence <= 1.0


def test_detect_language_of_empty_text_is_french_with_no_confidence():
    assert detect_language("") == ("fr", 0.0)


def test_lone_surrogates_from_bad_bytes_do_not_crash():
    assert judge_language(FRENCH + "\udcff\udcfe").is_french


def test_unknown_code_is_named_by_its_code():
    assert language_name("xx") == "language 'xx'"


def test_language_identification_does_not_import_torch():
    import subprocess

    code = "import sys; from translate_sum.language import judge_language; judge_language('Bonjour à tous'); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_arbitrary_unicode_never_crashes(text):
    code, confidence = detect_language(text)
    verdict = judge_language(text)
    assert code and 0.0 <= confidence <= 1.0 + 1e-9
    assert verdict.name and 0.0 <= verdict.confidence <= 1.0 + 1e-9


# --- Real articles from the shared corpus (--corpus or TRANSLATE_SUM_CORPUS). ---


def _corpus_articles(corpus_dir: Path, side: str) -> list[Path]:
    files = sorted((corpus_dir / "articles" / side).glob("*.txt"))
    if not files:
        missing(f"no articles under {corpus_dir}/articles/{side}")
    return files


def test_real_french_articles_are_french(corpus_dir):
    for path in _corpus_articles(corpus_dir, "fr"):
        verdict = judge_language(path.read_text(encoding="utf-8"))
        assert verdict.is_french and verdict.reliable, path.name


def test_real_english_translations_are_english(corpus_dir):
    for path in _corpus_articles(corpus_dir, "en"):
        assert judge_language(path.read_text(encoding="utf-8")).is_english, path.name


def test_texts_judged_together_then_one_by_one_are_identified_once(monkeypatch):
    from translate_sum import language

    identifier = language._identifier()
    seen: list[str] = []

    class Recording:
        def classify(self, text):  # type: ignore[no-untyped-def]
            seen.append(text)
            return identifier.classify(text)

    language._classify.cache_clear()
    monkeypatch.setattr(language, "_identifier", Recording)
    texts = ["Le conseil municipal a voté lundi soir l'extension des horaires.", ENGLISH.replace("\n\n", "\n")]
    judge_language("\n".join(texts))  # a request's texts, as `source: auto` judges them
    alone = [judge_language(text) for text in texts]  # then each as it is prepared
    assert [verdict.code for verdict in alone] == ["fr", "en"]
    assert len(seen) == len(set(seen)) == 3
