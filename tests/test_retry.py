"""The audit's retry decodes only what it must: the looping segments, at the model's beam."""

from __future__ import annotations

from helpers import RecordingEngine

from translate_sum.engines.base import DecodeOptions
from translate_sum.pipeline import TranslateOptions, Translator, stricter

PARAGRAPH = (
    "Le conseil municipal a voté le budget de la ville mardi soir. "
    "Le maire a présenté une boucle de trois projets pour le quartier nord. "
    "Les travaux du pont commenceront au printemps prochain selon la mairie."
)


class LoopsOnOneSentence(RecordingEngine):
    """Translates every segment well, except the one about the 'boucle', which loops
    unless decoding forbids repeated n-grams."""

    def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
        self.batches.append(list(texts))
        outputs = []
        for text in texts:
            if "boucle" in text and not options.no_repeat_ngram_size:
                outputs.append("The mayor the mayor the mayor the mayor the mayor the mayor the mayor the mayor.")
            else:
                outputs.append(f"EN({text.strip()})")
        return outputs


def test_only_the_looping_segment_is_decoded_again() -> None:
    engine = LoopsOnOneSentence()
    result = Translator(engine, TranslateOptions(max_segment_tokens=16)).translate_text(PARAGRAPH)
    (paragraph,) = result.paragraphs
    assert len(paragraph.segments) == 3
    first, retry = engine.batches[0], engine.batches[-1]
    assert len(engine.batches) == 2 and len(first) == 3
    assert len(retry) == 1 and "boucle" in retry[0]
    assert "the mayor the mayor" not in paragraph.translation
    assert not any(flag.kind == "repetition" for flag in paragraph.flags)


def test_a_loop_no_single_segment_shows_retries_the_whole_paragraph() -> None:
    class RepeatsAcrossSegments(RecordingEngine):
        def generate(self, texts, options, progress=None):  # type: ignore[no-untyped-def]
            self.batches.append(list(texts))
            if options.no_repeat_ngram_size:
                return [f"{word} sentence of the paragraph, in English as it should be." for word in ("First", "Second", "Third")]
            return ["The council voted the city budget on Tuesday evening."] * len(texts)

    engine = RepeatsAcrossSegments()
    result = Translator(engine, TranslateOptions(max_segment_tokens=16)).translate_text(PARAGRAPH)
    assert len(engine.batches) == 2 and len(engine.batches[-1]) == 3
    assert not any(flag.kind == "repetition" for flag in result.paragraphs[0].flags)


def test_stricter_decoding_keeps_the_models_beam() -> None:
    assert stricter(DecodeOptions(num_beams=4)).num_beams == 4
    assert stricter(DecodeOptions(num_beams=1)).num_beams == 2
    strict = stricter(DecodeOptions(num_beams=4))
    assert strict.no_repeat_ngram_size == 3 and strict.repetition_penalty >= 1.3


def test_the_retry_reads_each_segments_sentences_from_its_paragraph_instead_of_splitting_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pysbd

    split: list[str] = []
    original = pysbd.Segmenter.segment
    monkeypatch.setattr(pysbd.Segmenter, "segment", lambda self, text: split.append(text) or original(self, text))
    engine = LoopsOnOneSentence()
    result = Translator(engine, TranslateOptions(max_segment_tokens=16)).translate_text(PARAGRAPH)
    (paragraph,) = result.paragraphs
    assert len(engine.batches) == 2 and len(paragraph.segments) == 3
    # The French once, the first translation once, the retried one once: no segment alone.
    assert split[0] == PARAGRAPH and len(split) == 3
    assert not any(text in (s.source, s.translation) for text in split for s in paragraph.segments)
