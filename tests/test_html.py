"""HTML input: article extraction from saved pages and content sniffing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prerequisites import missing
from translate_sum.errors import InputError
from translate_sum.html import extract_article, looks_like_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"


@pytest.fixture(scope="module")
def gazette():
    return extract_article((FIXTURES / "article_fr.html").read_text(encoding="utf-8"))


def _joined(page) -> str:
    return "\n".join(page.paragraphs)


def test_saved_page_metadata_is_extracted(gazette):
    assert gazette.title == "Le tramway de Villebrune circulera jusqu'à minuit dès septembre"
    assert gazette.date == "2024-06-18"
    assert gazette.author == "Camille Desrosiers"
    assert gazette.language == "fr"


def test_saved_page_keeps_every_body_paragraph_in_order(gazette):
    starts = [
        "À partir du 2 septembre",
        "Le conseil de la métropole",
        "Une pétition lancée par des étudiants",
        "L'idée était née au printemps",
        "La pétition a recueilli 8 312 signatures",
        "L'opposition municipale",
    ]
    positions = [next(i for i, p in enumerate(gazette.paragraphs) if p.startswith(s)) for s in starts]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "furniture",
    [
        "Politique",  # navigation menu
        "S'abonner",
        "Accueil",  # breadcrumb
        "Sur le même sujet",  # related links
        "Vélo en libre-service",
        "Gérard_du_62",  # comments
        "Enfin une bonne nouvelle",
        "Mentions légales",  # footer
        "Tous droits réservés",
        "Inscrivez-vous à notre newsletter",
        "Partager sur Facebook",
    ],
)
def test_saved_page_drops_page_furniture(gazette, furniture):
    assert furniture not in _joined(gazette)


def test_saved_page_does_not_repeat_the_title_as_a_paragraph(gazette):
    assert gazette.title not in gazette.paragraphs


def test_paragraph_whitespace_is_normalized(gazette):
    assert all(p == " ".join(p.split()) for p in gazette.paragraphs)


def test_line_break_inside_a_paragraph_becomes_a_space():
    html = (
        "<html><body><article><h1>Un titre</h1>"
        + "<p>Première ligne du paragraphe qui parle de la mairie.<br>Deuxième ligne qui parle du budget voté hier soir.</p>" * 1
        + "<p>" + "Un second paragraphe assez long pour que la page ressemble à un article. " * 4 + "</p>"
        "</article></body></html>"
    )
    page = extract_article(html)
    assert "mairie. Deuxième" in _joined(page)


def test_inline_markup_does_not_add_spaces_before_punctuation():
    html = (
        "<html><body><article><h1>Un titre</h1><p>Le maire a parlé du <em>budget</em>, puis du "
        "<a href='/x'>tramway</a>. " + "Le conseil municipal en débattra encore longuement. " * 4 + "</p></article></body></html>"
    )
    assert "du budget, puis du tramway." in _joined(extract_article(html))


def test_page_without_article_text_raises_input_error():
    with pytest.raises(InputError):
        extract_article("<html><head><title>Vide</title></head><body><script>rendu();</script></body></html>")


def test_empty_html_raises_input_error():
    with pytest.raises(InputError):
        extract_article("")


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><body><p>Bonjour</p></body></html>",
        "\ufeff  <html lang='fr'><p>Bonjour</p></html>",
        "<!doctype HTML>\n<title>x</title>",
        "<article><h1>Titre</h1><p>Un</p><p>Deux</p><div>Trois</div></article>",
    ],
)
def test_html_documents_and_fragments_are_recognised(text):
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le maire a présenté son budget mardi.\n\nLes élus en débattront.",
        "La balise <p> sert à marquer un paragraphe en HTML, explique le formateur.",
        "<< Citation >> mal recopiée, suivie d'un article ordinaire.",
        "",
    ],
)
def test_plain_text_is_not_taken_for_html(text):
    assert not looks_like_html(text)


def test_saved_page_fixture_is_recognised_as_html():
    assert looks_like_html((FIXTURES / "article_fr.html").read_text(encoding="utf-8"))


# --- The real Le Monde page of the shared corpus (--corpus or TRANSLATE_SUM_CORPUS). ---

_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote")


def _lemonde_dir(corpus_dir: Path) -> Path:
    folder = corpus_dir / "html"
    if not (folder / "readability_lemonde-1.source.html").is_file():
        missing(f"no readability_lemonde-1 page under {folder}")
    return folder


def _readability_paragraphs(path: Path) -> list[str]:
    import lxml.html

    tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    texts = (" ".join(e.text_content().split()) for e in tree.iter(*_BLOCKS))
    return [t for t in texts if t]


def _words(paragraphs: list[str]) -> list[str]:
    return re.findall(r"\w+", " ".join(paragraphs).lower())


def test_le_monde_page_matches_readability_article(corpus_dir):
    folder = _lemonde_dir(corpus_dir)
    page = extract_article((folder / "readability_lemonde-1.source.html").read_text(encoding="utf-8"))
    expected = _readability_paragraphs(folder / "readability_lemonde-1.expected.html")

    found = set(page.paragraphs)
    paragraph_recall = sum(p in found for p in expected) / len(expected)
    paragraph_precision = sum(p in set(expected) for p in page.paragraphs) / len(page.paragraphs)
    assert paragraph_recall >= 0.95
    assert paragraph_precision >= 0.95
    expected_words, found_words = Counter(_words(expected)), Counter(_words(page.paragraphs))
    overlap = sum((expected_words & found_words).values())
    assert overlap / sum(expected_words.values()) >= 0.98  # word recall
    assert overlap / sum(found_words.values()) >= 0.98  # word precision
    assert page.title == "Le projet de loi sur le renseignement massivement approuvé à l'Assemblée"
    assert page.date == "2015-05-04"


def test_fragment_without_html_element_is_extracted():
    sentence = "Le maire de Villebrune a présenté mardi soir un budget en hausse de trois pour cent."
    fragment = f"<article><h1>Le budget de Villebrune</h1><p>{sentence}</p><p>{sentence} Bis.</p></article>"
    page = extract_article(fragment)
    assert page.title == "Le budget de Villebrune"
    assert page.paragraphs == [sentence, sentence + " Bis."]


def test_page_with_xml_declaration_is_extracted():
    body = "Le conseil municipal a voté le budget des transports après un long débat. " * 3
    html = f'<?xml version="1.0" encoding="utf-8"?><html><body><article><p>{body}</p></article></body></html>'
    assert extract_article(html).paragraphs == [body.strip()]


_ARTICLE_SHELL = "<html><body><article><h1>{}</h1><p>{}</p><p>{}</p></article></body></html>"


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=300)
    | st.builds(_ARTICLE_SHELL.format, st.text(max_size=80), st.text(max_size=300), st.text(max_size=300))
)
def test_arbitrary_unicode_gives_a_page_or_an_input_error(text):
    try:
        page = extract_article(text)
    except InputError:
        return
    assert page.paragraphs and all(p == " ".join(p.split()) for p in page.paragraphs)


def _deep_page(depth: int, text: str) -> str:
    return "<html><head><title>Page</title></head><body>" + "<div>" * depth + f"<p>{text}</p>" + "</div>" * depth + "</body></html>"


def test_page_nested_past_the_parser_limit_says_so_not_no_article_text():
    text = "Le conseil municipal a voté mardi soir le budget des transports pour l'année prochaine, après un long débat."
    with pytest.raises(InputError, match="nests its elements more than 256 deep") as caught:
        extract_article(_deep_page(10_000, text))
    assert "No article text found" not in str(caught.value)


def test_page_nested_within_the_parser_limit_is_read():
    text = "Le conseil municipal a voté mardi soir le budget des transports pour l'année prochaine, après un long débat."
    assert text in _joined(extract_article(_deep_page(200, text)))


def test_page_with_its_article_shallow_and_deep_junk_is_read_with_a_warning(caplog):
    article = "".join(
        f"<p>Le conseil municipal a voté mardi soir le budget numéro {i} des transports, après un long débat.</p>" for i in range(5)
    )
    page = f"<html><body><article>{article}</article>" + "<div>" * 400 + "pied de page" + "</div>" * 400 + "</body></html>"
    with caplog.at_level("WARNING", logger="translate_sum.html"):
        extracted = extract_article(page)
    assert len(extracted.paragraphs) == 5
    assert "more than 256 deep" in caplog.text
