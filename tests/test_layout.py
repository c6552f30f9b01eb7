"""Line structure: pasted one-paragraph-per-line text versus hard-wrapped text."""

from __future__ import annotations

import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_sum.layout import paragraphs_from_lines

PARAGRAPHS = [
    "Le Conseil d'État a suspendu mercredi l'arrêté municipal qui interdisait depuis le 1er avril "
    "les trottinettes électriques en libre-service à Villebrune, estimant que la mairie n'avait pas "
    "démontré que la mesure était proportionnée au danger invoqué.",
    "Saisie par deux opérateurs, la plus haute juridiction administrative a jugé qu'une interdiction "
    "générale et permanente portait une atteinte excessive à la liberté du commerce.",
    "Un recours sur le fond",
    "La décision ne tranche pas le fond du dossier, qui sera examiné dans les prochains mois par le "
    "tribunal administratif. La mairie dispose de deux semaines pour présenter de nouvelles mesures.",
    "« Nous sommes prêts à discuter de zones de stationnement », a réagi un opérateur.",
]


def _wrapped(paragraphs: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, width))
    return lines


def test_blank_lines_always_separate_paragraphs():
    lines = ["Première ligne sans point", "", "suite qui commence en minuscule"]
    assert paragraphs_from_lines(lines) == ["Première ligne sans point", "suite qui commence en minuscule"]


def test_pasted_web_text_gives_one_paragraph_per_line():
    assert paragraphs_from_lines(PARAGRAPHS) == PARAGRAPHS


# Widths where no paragraph's last line happens to fill the width: such a line cannot be
# told from a sentence ending inside the paragraph, and the two paragraphs are joined.
@pytest.mark.parametrize("width", [60, 72, 80])
def test_hard_wrapped_text_is_rejoined_into_its_paragraphs(width):
    assert paragraphs_from_lines(_wrapped(PARAGRAPHS, width)) == PARAGRAPHS


def test_paragraph_ending_on_a_full_wrapped_line_is_joined_to_the_next_one():
    paragraphs = paragraphs_from_lines(_wrapped(PARAGRAPHS, 66))
    assert paragraphs[0] == PARAGRAPHS[0] + " " + PARAGRAPHS[1]
    assert paragraphs[1:] == PARAGRAPHS[2:]


def test_hard_wrapped_paragraph_with_indented_first_line_starts_a_new_paragraph():
    first = textwrap.wrap(PARAGRAPHS[0], 72)
    second = textwrap.wrap(PARAGRAPHS[3], 72)
    lines = first + ["    " + second[0]] + second[1:]
    assert paragraphs_from_lines(lines) == [PARAGRAPHS[0], PARAGRAPHS[3]]


def test_dash_at_the_start_of_a_wrapped_line_inside_a_sentence_does_not_split_it():
    paragraph = (
        "Le maire de Villebrune, qui avait défendu l'arrêté devant le conseil municipal"
        " – au prix d'une longue séance – a annoncé qu'il ne ferait pas appel de la décision."
    )
    lines = textwrap.wrap(paragraph, 78)
    assert lines[1].startswith("–")  # the wrap puts the dash first on a line
    assert paragraphs_from_lines(lines) == [paragraph]


# A wrapped article whose paragraphs are separated by single line breaks, with a
# headline and a subhead of 44 to 72 characters and no final punctuation.
HEADLINED = [
    "Trottinettes : le Conseil d'État suspend l'arrêté de Villebrune",
    PARAGRAPHS[0],
    PARAGRAPHS[1],
    "Les opérateurs promettent des zones de stationnement réservées",
    PARAGRAPHS[3],
]


@pytest.mark.parametrize("width", [72, 80])
def test_wrapped_headline_without_final_punctuation_ends_its_paragraph(width):
    lines = _wrapped(HEADLINED, width)
    assert 44 <= len(lines[0]) <= width  # a headline that fills much of the line
    assert paragraphs_from_lines(lines) == HEADLINED


def test_subhead_after_a_paragraph_ending_on_a_full_line_is_its_own_paragraph():
    paragraphs = [PARAGRAPHS[0], "Un recours sur le fond", PARAGRAPHS[3]]
    lines = _wrapped(paragraphs, 63)
    full_last_line = textwrap.wrap(PARAGRAPHS[0], 63)[-1]
    assert len(full_last_line) + len(" Un") > 63  # the subhead's first word would not have fitted
    assert paragraphs_from_lines(lines) == paragraphs


def test_compound_broken_at_its_hyphen_by_the_wrapper_is_glued_back():
    paragraph = (
        "« Nous ne ferons pas appel de cette décision du Conseil d'État », a-t-il"
        " déclaré mercredi soir, entouré de ses adjoints et des représentants des"
        " associations de cyclistes de la métropole."
    )
    lines = textwrap.wrap(paragraph, 70)
    assert lines[0].endswith("a-t-")  # textwrap breaks inside the compound
    assert paragraphs_from_lines(lines) == [paragraph]


def test_long_pasted_line_cut_mid_sentence_continues_on_the_next_line():
    lines = [
        "Le Conseil d'État a suspendu mercredi l'arrêté municipal qui interdisait les trottinettes électriques",
        "en libre-service à Villebrune depuis le mois d'avril dernier, selon la décision publiée mercredi.",
        "La mairie dispose de deux semaines pour présenter de nouvelles mesures plus ciblées que la première.",
    ]
    assert paragraphs_from_lines(lines) == [lines[0] + " " + lines[1], lines[2]]


def test_short_agency_line_is_not_glued_to_the_desk_code_below_it():
    lines = [PARAGRAPHS[0], PARAGRAPHS[1], "(AFP)", "jmb/ahe/cls"]
    assert paragraphs_from_lines(lines)[-2:] == ["(AFP)", "jmb/ahe/cls"]


def test_single_line_is_one_paragraph_stripped():
    assert paragraphs_from_lines(["  Bonjour à tous.\r"]) == ["Bonjour à tous."]


def test_no_lines_give_no_paragraphs():
    assert paragraphs_from_lines([]) == []
    assert paragraphs_from_lines(["", "   ", "\t"]) == []


def test_ten_thousand_wrapped_lines_without_blank_lines_are_fast_and_rejoined():
    lines = _wrapped(PARAGRAPHS, 72) * 1000
    assert len(lines) >= 10_000
    start = time.perf_counter()
    paragraphs = paragraphs_from_lines(lines)
    assert time.perf_counter() - start < 5
    assert paragraphs == PARAGRAPHS * 1000


def test_ten_thousand_full_lines_without_final_periods_are_joined_in_linear_time():
    # Judged hard-wrapped and joined into one paragraph of about 800 KB; joining must not
    # rescan the growing paragraph at each line.
    line = "le conseil municipal a voté la mesure lundi soir en séance publique et les élus"
    lines = [line] * 10_000
    start = time.perf_counter()
    paragraphs = paragraphs_from_lines(lines)
    assert time.perf_counter() - start < 5
    assert paragraphs == [" ".join(lines)]


def test_ten_thousand_pasted_lines_without_blank_lines_stay_one_paragraph_each():
    lines = PARAGRAPHS * 2000
    assert paragraphs_from_lines(lines) == lines


# --- Properties ------------------------------------------------------------------------


def _visible(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_all_non_whitespace_characters_are_kept_in_order(lines):
    paragraphs = paragraphs_from_lines(lines)
    assert _visible("".join(paragraphs)) == _visible("".join(lines))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_paragraphs_are_non_empty_and_stripped(lines):
    for paragraph in paragraphs_from_lines(lines):
        assert paragraph and paragraph == paragraph.strip()


# --- Pasted wires: a line that cannot end a sentence is joined to the next ----------------


def test_line_ending_on_a_preposition_is_joined_to_the_quotation_that_follows():
    lines = [
        "« Chaque euro investi ici compte », a affirmé le ministre, qualifiant ces mesures de",
        '"cruciales pour la sécurité".',
        "Le vote aura lieu mardi.",
    ]
    assert paragraphs_from_lines(lines) == [lines[0] + " " + lines[1], lines[2]]


@pytest.mark.parametrize("ending", ["jusqu'au", "toutes les", "avec un train toutes les", "et", "dont le", "à la fin,"])
def test_line_ending_on_an_article_preposition_conjunction_or_comma_continues(ending):
    lines = [PARAGRAPHS[0], f"Les trains circuleront normalement {ending}", "31 août, selon la direction régionale."]
    assert paragraphs_from_lines(lines) == [lines[0], lines[1] + " " + lines[2]]


@pytest.mark.parametrize("ending", ["contre", "depuis", "Le vote"])
def test_line_ending_on_a_word_a_sentence_may_end_on_is_not_joined_to_a_capitalized_line(ending):
    lines = [PARAGRAPHS[0], f"Les élus ont voté {ending}", "Le maire a salué la décision."]
    assert paragraphs_from_lines(lines) == lines


def test_short_quotation_line_closing_before_its_reporting_verb_is_joined():
    lines = ["« Nous ne céderons pas »", "a déclaré la ministre devant les députés.", PARAGRAPHS[0]]
    assert paragraphs_from_lines(lines) == [lines[0] + " " + lines[1], lines[2]]


def test_unpunctuated_line_followed_by_a_quotation_in_lower_case_is_joined():
    lines = ["La ministre a indiqué que la situation restait", "« préoccupante mais sous contrôle » autour de la ville."]
    assert len(paragraphs_from_lines(lines)) == 1


def test_pasted_subhead_without_punctuation_stays_its_own_paragraph():
    lines = [PARAGRAPHS[0], "Un recours sur le fond", PARAGRAPHS[3]]
    assert paragraphs_from_lines(lines) == lines


def test_headline_is_not_joined_to_the_timestamp_below_it():
    lines = [
        "Ukraine : le président appelle les Européens à financer la production de drones",
        "13:325/07/2025, samedi",
        PARAGRAPHS[0],
    ]
    assert paragraphs_from_lines(lines) == lines


def test_list_item_after_a_line_ending_on_a_comma_starts_a_paragraph():
    lines = [PARAGRAPHS[0], "Les mesures annoncées par le gouvernement sont les suivantes,", "- une prime de 300 euros ;"]
    assert paragraphs_from_lines(lines) == lines


def test_lede_longer_than_the_wrap_width_among_short_lines_is_not_glued_to_the_next_sentence():
    # Short credit and dateline lines make the block look hard-wrapped at ~90 columns.
    lines = [
        "Grève des transports en commun : la société prévoit un service très perturbé mardi",
        "Bruxelles, 21 oct (Belga)",
        PARAGRAPHS[0],
        "Seules deux lignes de métro sur quatre devraient circuler, avec un train toutes les",
        "douze minutes environ, tandis que les trams resteront au dépôt toute la journée.",
        "© BELGA PHOTO LAURENT DUBOIS",
        "À Liège et à Charleroi, les bus annoncent également des perturbations importantes.",
        "Les voyageurs sont invités à consulter l'application de la société de transport.",
        "(Belga)",
    ]
    paragraphs = paragraphs_from_lines(lines)
    assert PARAGRAPHS[0] in paragraphs
    assert lines[3] + " " + lines[4] in paragraphs
