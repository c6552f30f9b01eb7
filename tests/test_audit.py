"""The faithfulness audit on a table of French/English pairs written for these tests.

Each rule is tried both ways: a pair it must flag and a faithful pair it must leave
alone, including the French→English format changes a correct translation makes.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from translate_sum.audit import (
    audit_texts,
    check_paragraph,
    report_to_dict,
    report_to_markdown,
    split_paragraphs,
)

# (id, French, English, kind that must be flagged)
MUST_FLAG = [
    ("number-decimal-changed", "Le taux atteint 3,5 % cette année.", "The rate reached 4.5% this year.", "number"),
    ("number-thousands-dropped", "La ville compte 12 400 habitants.", "The town has many inhabitants.", "number"),
    ("number-year-changed", "L'usine a fermé en 1998.", "The factory closed in 1989.", "number"),
    ("number-time-changed", "La séance commence à 13h30.", "The session starts at 2:30 p.m.", "number"),
    ("number-date-changed", "Le vote aura lieu le 5/07/2025.", "The vote will take place on July 6, 2025.", "number"),
    ("number-scale-changed", "Le projet coûte 1,5 milliard d'euros.", "The project costs 1.5 million euros.", "number"),
    ("number-word-changed", "Trois ministres ont démissionné mardi.", "Four ministers resigned on Tuesday.", "number"),
    ("number-century-changed", "Cette église date du XIIe siècle.", "This church dates from the 13th century.", "number"),
    ("number-added", "Le club a gagné son dernier match.", "The club won its last 12 matches.", "number"),
    ("name-person-dropped", "Selon Martine Lefebvre, la réforme est prête.", "According to the minister, the reform is ready.", "name"),
    ("name-country-dropped", "Les exportations vers l'Allemagne ont baissé.", "Exports to the neighbour have fallen.", "name"),
    ("name-acronym-dropped", "La décision de l'OTAN surprend les experts.", "The alliance's decision surprises experts.", "name"),
    ("repetition-loop", "Je suis désolé, vraiment.", "I'm sorry I'm sorry I'm sorry I'm sorry, really.", "repetition"),
    ("repetition-word-loop", "Le pont est fermé.", "The bridge bridge bridge bridge is closed.", "repetition"),
    ("repetition-sentence-twice", "Le train est parti en retard. Les voyageurs ont attendu.",
     "The train left late. The train left late. Passengers waited.", "repetition"),
    ("length-too-short",
     "Les habitants du quartier se plaignent depuis des mois du bruit des travaux, qui commencent "
     "chaque matin avant sept heures et se prolongent souvent tard dans la soirée.",
     "Residents complain.", "length"),
    ("length-too-long", "Il pleut.",
     "It is raining, and the weather service expects the rain to continue for most of the week "
     "across the whole region, with strong winds along the coast.", "length"),
    ("length-sentence-dropped",
     "Le musée rouvre ses portes lundi. Les travaux ont duré deux ans. L'entrée sera gratuite le premier jour.",
     "The museum reopens on Monday. Admission will be free on the first day.", "length"),
    ("untranslated-sentence", "Le maire a parlé. Il a promis de nouveaux parcs.",
     "The mayor spoke. Il a promis de nouveaux parcs pour la ville.", "untranslated"),
    ("untranslated-whole", "Les élèves sont rentrés en classe lundi matin dans toute la région.",
     "Les élèves sont rentrés en classe lundi matin dans toute la région.", "untranslated"),
]

# (id, French, English): faithful translations that must not be flagged at all.
MUST_NOT_FLAG = [
    ("number-decimal-comma-to-point", "Le taux atteint 3,5 % cette année.", "The rate reached 3.5% this year."),
    ("number-decimal-kept-french", "La hausse est de 27,5 points.", "The rise is 27,5 points."),
    ("number-thousands-space", "La ville compte 12 400 habitants.", "The town has 12,400 inhabitants."),
    ("number-thousands-nbsp", "La ville compte 12\u00a0400 habitants.", "The town has 12400 inhabitants."),
    ("number-thousands-narrow-nbsp", "La ville compte 12\u202f400 habitants.", "The town has 12,400 inhabitants."),
    ("number-thousands-kept-french", "Il y a 1 224 dossiers.", "There are 1 224 files."),
    ("number-time-pm", "La séance commence à 13h30.", "The session starts at 1:30 p.m."),
    ("number-time-24h", "La séance commence à 13h30.", "The session starts at 13:30."),
    ("number-time-heures", "Le magasin ouvre à 9 heures.", "The shop opens at 9 a.m."),
    ("number-date-numeric-to-words", "Le vote aura lieu le 5/07/2025.", "The vote will take place on July 5, 2025."),
    ("number-date-words", "Le vote aura lieu le 5 juillet 2025.", "The vote will take place on 5 July 2025."),
    ("number-percent-word", "Le chômage touche 15 % des jeunes.", "Unemployment affects 15 percent of young people."),
    ("number-percent-sign", "Le chômage touche 15 % des jeunes.", "Unemployment affects 15% of young people."),
    ("number-milliard-billion", "Le projet coûte 1,5 milliard d'euros.", "The project costs 1.5 billion euros."),
    ("number-millions-figure", "Le projet coûte 2 millions d'euros.", "The project costs 2,000,000 euros."),
    ("number-un-milliard", "Il a coûté un milliard de dollars.", "It cost a billion dollars."),
    ("number-word-to-word", "Trois ministres ont démissionné mardi.", "Three ministers resigned on Tuesday."),
    ("number-word-to-digit", "Trois ministres ont démissionné mardi.", "3 ministers resigned on Tuesday."),
    ("number-compound-word", "Il a vécu quatre-vingt-dix ans.", "He lived for ninety years."),
    ("number-word-rephrased", "Les deux équipes ont fait match nul.", "Both teams drew."),
    ("number-century-roman", "Cette église date du XIIe siècle.", "This church dates from the 12th century."),
    ("number-ordinal", "Il a terminé 3e de la course.", "He finished third in the race."),
    ("number-decade", "Le quartier a changé dans les années 1990.", "The neighbourhood changed in the 1990s."),
    ("number-approximate", "Une vingtaine de personnes attendaient.", "Some 20 people were waiting."),
    ("name-same-spelling", "Selon Martine Lefebvre, la réforme est prête.", "According to Martine Lefebvre, the reform is ready."),
    ("name-surname-only", "Jean Tremblay a été réélu maire.", "Mr Tremblay was re-elected mayor."),
    ("name-accents-stripped", "Le festival de Montréal attire les foules.", "The Montreal festival draws crowds."),
    ("name-table-country", "Les exportations vers l'Allemagne ont baissé.", "Exports to Germany have fallen."),
    ("name-table-etats-unis", "Les Etats-Unis ont réagi.", "The United States reacted."),
    ("name-table-union-europeenne", "L'Union européenne a voté.", "The European Union voted."),
    ("name-acronym-onu", "L'ONU a publié un rapport.", "The UN published a report."),
    ("name-acronym-reordered", "La décision de l'OTAN surprend les experts.", "NATO's decision surprises experts."),
    ("name-fuzzy", "Le sommet s'est tenu à Moscou.", "The summit was held in Moscow."),
    ("name-sentence-initial-word", "Hier, le conseil a voté. Pourtant rien ne change.", "Yesterday the council voted. Yet nothing changes."),
    ("name-month-day", "Le marché ouvre Lundi. Mars sera plus calme.", "The market opens on Monday. March will be calmer."),
    ("repetition-in-source-too", "Non, non, non et non !", "No, no, no and no!"),
    ("repetition-ordinary", "Il a répété sa question deux fois.", "He repeated his question twice."),
    ("length-short-pair", "Oui.", "Yes, indeed."),
    ("length-sentences-merged-ok", "Le musée rouvre. Il était fermé depuis deux ans.",
     "The museum reopens after being closed for two years."),
    ("untranslated-name-in-english", "Elle lit Le Monde chaque matin.", "She reads Le Monde every morning."),
    ("untranslated-english", "Le maire a parlé. Il a promis de nouveaux parcs.",
     "The mayor spoke. He promised new parks for the town."),
]


@pytest.mark.parametrize(("french", "english", "kind"), [c[1:] for c in MUST_FLAG], ids=[c[0] for c in MUST_FLAG])
def test_unfaithful_pair_is_flagged_with_its_kind(french: str, english: str, kind: str) -> None:
    kinds = {flag.kind for flag in check_paragraph(french, english)}
    assert kind in kinds


@pytest.mark.parametrize(("french", "english"), [c[1:] for c in MUST_NOT_FLAG], ids=[c[0] for c in MUST_NOT_FLAG])
def test_faithful_pair_is_not_flagged(french: str, english: str) -> None:
    assert check_paragraph(french, english) == []


def test_flag_detail_names_the_missing_number_as_written() -> None:
    flags = check_paragraph("La croissance est de 3,5 %.", "Growth is strong.")
    assert [f.detail for f in flags if f.kind == "number"] == ["number 3,5 missing in translation"]


def test_changed_number_is_an_error_and_dropped_number_a_warning() -> None:
    changed = check_paragraph("Il y a 40 élèves.", "There are 14 pupils.")
    dropped = check_paragraph("Il y a 40 élèves.", "There are pupils.")
    assert {f.severity for f in changed} == {"error"}
    assert {f.severity for f in dropped} == {"warning"}


def test_empty_translation_of_a_paragraph_is_one_error() -> None:
    assert [f.kind for f in check_paragraph("Il pleut sur Lyon.", "  ")] == ["length"]


def test_split_paragraphs_uses_blank_lines() -> None:
    assert split_paragraphs("Titre\n\nUn.\nSuite.\n \nDeux.\n") == ["Titre", "Un.\nSuite.", "Deux."]


def test_audit_indexes_paragraphs_from_one_and_counts_totals() -> None:
    report = audit_texts(["Il y a 40 élèves.", "Bonne rentrée."], ["There are 14 pupils.", "Happy new school year."])
    data = report_to_dict(report)
    assert [p["index"] for p in data["paragraphs"]] == [1, 2]
    assert data["paragraphs"][0]["flags"] and not data["paragraphs"][1]["flags"]
    assert data["totals"]["flagged"] == 1
    assert data["totals"]["by_kind"]["number"] == data["totals"]["flags"]


def test_report_dict_has_exactly_paragraphs_and_totals() -> None:
    data = report_to_dict(audit_texts(["Bonjour."], ["Hello."]))
    assert set(data) == {"paragraphs", "totals"}
    assert data["paragraphs"] == [{"index": 1, "flags": []}]


def test_missing_paragraph_is_flagged_where_it_is_missing() -> None:
    source = [
        "Le conseil municipal s'est réuni jeudi soir pour voter le budget de l'année prochaine.",
        "La séance a duré trois heures et les débats ont été vifs entre la majorité et l'opposition.",
        "Le budget a finalement été adopté à une courte majorité.",
    ]
    translation = [
        "The town council met on Thursday evening to vote on next year's budget.",
        "The budget was finally adopted by a narrow majority.",
    ]
    report = audit_texts(source, translation)
    flagged = [(p.index, f.kind) for p in report.paragraphs for f in p.flags]
    assert flagged == [(2, "paragraphs")]


def test_extra_translation_paragraph_is_flagged() -> None:
    report = audit_texts(["Il pleut."], ["It is raining.", "Subscribe to our newsletter for more weather news."])
    kinds = [f.kind for p in report.paragraphs for f in p.flags]
    assert "paragraphs" in kinds


def test_markdown_lists_flags_with_paragraph_references() -> None:
    markdown = report_to_markdown(audit_texts(["Bonjour.", "Il y a 40 élèves."], ["Hello.", "There are 14 pupils."]))
    assert "## Check these" in markdown
    assert "¶2" in markdown and "¶1 " not in markdown


def test_markdown_says_nothing_to_check_when_clean() -> None:
    markdown = report_to_markdown(audit_texts(["Bonjour."], ["Hello."]))
    assert "Check these" not in markdown and "no flags" in markdown


def test_audit_imports_no_model_library() -> None:
    code = (
        "import sys, translate_sum.audit; "
        "bad = [m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
