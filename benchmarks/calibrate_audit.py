"""Measure the audit on professional French→English translations, tuned and held out.

    python benchmarks/calibrate_audit.py --corpus ../shared/corpus

The corpus is split in two parts, fixed before any rule was changed against it and
never changed since:

  TUNING    newstest2013 sentences from documents written in another language
            (cs, de, en, es, ru) and translated into both French and English by
            professionals (2,500 pairs in 43 documents), alone and three at a time
            within a document (815 paragraphs, for (c) mostly). The rules of translate_sum/audit may be
            changed by reading the flags this script shows on them (`--show`).
  HELD-OUT  the nine French-original newstest2013 documents, as paragraph-aligned
            articles (the corpus's articles/), and FLORES-200 devtest (Wikipedia-style,
            another domain). `--show` refuses them: read only their rates.

The French-original newstest2013 sentences are the held-out articles cut into
sentences, so they are left out of both parts. All of this material was read by
earlier rounds of tuning (before the split existed), so the held-out rates are
held out from the changes made since the split, not from every change ever made.

Five rates per collection:

  (a) clean:   share of professional pairs flagged at all, warnings counted, since a
               user sees them (target on held-out: at most 5%);
  (b) number:  one number of the English changed by one digit, share flagged (≥ 95%);
  (c) name:    one English sentence that carries a name dropped from a paragraph of
               several sentences, share flagged (≥ 95%);
  (d) word:    one English number word ("two" ... "ten") changed to the next one, share
               flagged by the number check (no target; shown to follow the word rules);
  (e) french:  the English replaced by its French source (a paragraph left
               untranslated), share flagged as untranslated (≥ 95%).

Deterministic: every mutation draws from a random generator seeded with --seed and the
pair's position. `--show KIND` prints the tuning pairs behind a rate to tune the rules.
The corpus text stays outside the repository; this script only reads it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translate_sum.audit import check_paragraph  # noqa: E402
from translate_sum.audit.fluency import sentences  # noqa: E402

_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,\u00a0\u202f ]\d+)*")
_NUMBER_WORDS = "two three four five six seven eight nine ten eleven".split()
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS[:-1]) + r")\b", re.I)
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][\w'-]+|\b[A-Z]{2,}\b")


# Which collection belongs to which part. Fixed before the rules were changed against
# the split; a collection never moves from one part to the other.
TUNING = ("newstest2013-tuning", "newstest2013-tuning-paragraphs")
HELD_OUT = ("articles", "flores200")


def load_pairs(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    """Every aligned (French, English) pair of the corpus, by collection (see the parts)."""
    sets: dict[str, list[tuple[str, str]]] = {}
    articles: list[tuple[str, str]] = []
    for fr_path in sorted((corpus / "articles" / "fr").glob("*.txt")):
        en_path = corpus / "articles" / "en" / fr_path.name
        fr = [p.strip() for p in re.split(r"\n\s*\n", fr_path.read_text("utf-8")) if p.strip()]
        en = [p.strip() for p in re.split(r"\n\s*\n", en_path.read_text("utf-8")) if p.strip()]
        if len(fr) != len(en):
            raise SystemExit(f"{fr_path.name}: {len(fr)} French paragraphs, {len(en)} English")
        articles.extend(zip(fr, en))
    sentences_dir = corpus / "sentences"
    fr = (sentences_dir / "newstest2013.fr").read_text("utf-8").splitlines()
    en = (sentences_dir / "newstest2013.en").read_text("utf-8").splitlines()
    # docids: document id, original language, segment number, one line per sentence.
    origin = [line.split("\t")[1] for line in (sentences_dir / "newstest2013.docids").read_text("utf-8").splitlines()]
    if not len(fr) == len(en) == len(origin):
        raise SystemExit("newstest2013: .fr, .en and .docids differ in length")
    sets["newstest2013-tuning"] = [(f, e) for f, e, o in zip(fr, en, origin) if o != "fr" and f.strip() and e.strip()]
    # The same sentences three at a time, within one document: paragraphs of several
    # sentences, so that (c) has more than a handful of tuning cases.
    documents: dict[str, list[tuple[str, str]]] = {}
    for f, e, line in zip(fr, en, (sentences_dir / "newstest2013.docids").read_text("utf-8").splitlines()):
        doc, lang = line.split("\t")[:2]
        if lang != "fr" and f.strip() and e.strip():
            documents.setdefault(doc, []).append((f.strip(), e.strip()))
    sets["newstest2013-tuning-paragraphs"] = [
        (" ".join(f for f, _ in group), " ".join(e for _, e in group))
        for pairs in documents.values()
        for group in (pairs[i : i + 3] for i in range(0, len(pairs) - 2, 3))
    ]
    sets["articles"] = articles
    fr = (sentences_dir / "flores200-devtest.fra_Latn").read_text("utf-8").splitlines()
    en = (sentences_dir / "flores200-devtest.eng_Latn").read_text("utf-8").splitlines()
    sets["flores200"] = [(f, e) for f, e in zip(fr, en) if f.strip() and e.strip()]
    return sets


def change_number(text: str, rng: random.Random) -> str | None:
    """The text with one digit of one number changed, or None when it has no number."""
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return None
    match = rng.choice(numbers)
    positions = [i for i, ch in enumerate(match.group(0)) if ch.isdigit()]
    pos = match.start() + rng.choice(positions)
    old = text[pos]
    choices = [d for d in "0123456789" if d != old and not (d == "0" and pos == match.start())]
    return text[:pos] + rng.choice(choices) + text[pos + 1 :]


def change_number_word(text: str, rng: random.Random) -> str | None:
    """The text with one number word ("three") made the next one ("four"), or None."""
    words = list(_NUMBER_WORD.finditer(text))
    if not words:
        return None
    match = rng.choice(words)
    new = _NUMBER_WORDS[_NUMBER_WORDS.index(match.group(0).lower()) + 1]
    if match.group(0)[0].isupper():
        new = new.capitalize()
    return text[: match.start()] + new + text[match.end() :]


def drop_named_sentence(text: str, rng: random.Random) -> str | None:
    """The text without one of its sentences that carries a name, or None."""
    parts = sentences(text, "en")
    if len(parts) < 2:
        return None
    named = [i for i, s in enumerate(parts) if _NAME.search(s)]
    if not named:
        return None
    drop = rng.choice(named)
    return " ".join(s for i, s in enumerate(parts) if i != drop)


def evaluate(sets: dict[str, list[tuple[str, str]]], seed: int, show: str | None) -> list[dict]:
    rows = []
    for name, pairs in sets.items():
        clean = Counter()
        flagged = 0
        num_total = num_flagged = num_by_number = 0
        drop_total = drop_flagged = drop_by_name = 0
        word_total = word_by_number = 0
        french_total = french_flagged = french_untranslated = 0
        shown = show if name in TUNING else None  # held-out pairs are never printed
        for i, (fr, en) in enumerate(pairs):
            flags = check_paragraph(fr, en)
            if flags:
                flagged += 1
                clean.update({f.kind for f in flags})
                if shown == "clean":
                    print(f"[{name} {i + 1}] {[f.detail for f in flags]}\n  FR: {fr}\n  EN: {en}\n")
            rng = random.Random(f"{seed}-{name}-{i}")
            changed = change_number(en, rng)
            if changed is not None:
                num_total += 1
                mflags = check_paragraph(fr, changed)
                num_flagged += bool(mflags)
                num_by_number += any(f.kind == "number" for f in mflags)
                if shown == "number" and not mflags:
                    print(f"[{name} {i + 1}] missed\n  FR: {fr}\n  EN: {changed}\n")
            # Its own generator, so that (b) and (c) draw as they did before (d) existed.
            worded = change_number_word(en, random.Random(f"{seed}-{name}-{i}-word"))
            if worded is not None:
                word_total += 1
                wflags = check_paragraph(fr, worded)
                word_by_number += any(f.kind == "number" for f in wflags)
                if shown == "word" and not any(f.kind == "number" for f in wflags):
                    print(f"[{name} {i + 1}] missed\n  FR: {fr}\n  EN: {worded}\n")
            dropped = drop_named_sentence(en, rng)
            if dropped is not None:
                drop_total += 1
                dflags = check_paragraph(fr, dropped)
                drop_flagged += bool(dflags)
                drop_by_name += any(f.kind == "name" for f in dflags)
                if shown == "name" and not dflags:
                    print(f"[{name} {i + 1}] missed\n  FR: {fr}\n  EN: {dropped}\n")
            # (e) The paragraph left in French: the translation is its source.
            french_total += 1
            fflags = check_paragraph(fr, fr)
            french_flagged += bool(fflags)
            french_untranslated += any(f.kind == "untranslated" for f in fflags)
            if shown == "french" and not any(f.kind == "untranslated" for f in fflags):
                print(f"[{name} {i + 1}] missed\n  FR: {fr}\n")
        rows.append(
            {
                "set": name,
                "pairs": len(pairs),
                "clean_flagged": flagged,
                "clean_kinds": dict(clean),
                "number_pairs": num_total,
                "number_flagged": num_flagged,
                "number_by_number": num_by_number,
                "drop_pairs": drop_total,
                "drop_flagged": drop_flagged,
                "drop_by_name": drop_by_name,
                "word_pairs": word_total,
                "word_by_number": word_by_number,
                "french_pairs": french_total,
                "french_flagged": french_flagged,
                "french_untranslated": french_untranslated,
            }
        )
    return rows


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def print_table(rows: list[dict]) -> None:
    """One table per part (tuning, then held-out), with the targets checked on held-out."""
    for part, names in (("TUNING", TUNING), ("HELD-OUT", HELD_OUT)):
        part_rows = [r for r in rows if r["set"] in names]
        if not part_rows:
            continue
        total = {k: sum(r[k] for r in part_rows) for k in part_rows[0] if isinstance(part_rows[0][k], int)}
        total_row = dict(total, set="all", clean_kinds={})
        # The tuning rows hold the same sentences twice (alone, then three at a time).
        with_total = part == "HELD-OUT" and len(part_rows) > 1
        print(f"== {part} ==")
        print(
            f"{'set':<30} {'pairs':>6} {'(a) clean flagged':>18} {'(b) number changed':>25} "
            f"{'(c) named sentence dropped':>27} {'(e) left in French':>24}"
        )
        for r in part_rows + ([total_row] if with_total else []):
            print(
                f"{r['set']:<30} {r['pairs']:>6} {_pct(r['clean_flagged'], r['pairs']):>18} "
                f"{_pct(r['number_flagged'], r['number_pairs']):>9} of {r['number_pairs']:>5} "
                f"(number {_pct(r['number_by_number'], r['number_pairs'])}) "
                f"{_pct(r['drop_flagged'], r['drop_pairs']):>8} of {r['drop_pairs']:>4} "
                f"(name {_pct(r['drop_by_name'], r['drop_pairs'])}) "
                f"{_pct(r['french_untranslated'], r['french_pairs']):>8} of {r['french_pairs']:>5}"
            )
        print("(d) one number word changed (\"three\" → \"four\"), flagged by the number check:")
        for r in part_rows + ([total_row] if with_total else []):
            print(f"  {r['set']:<30} {_pct(r['word_by_number'], r['word_pairs'])} of {r['word_pairs']}")
        print("flags on the professional pairs, by kind:")
        for r in part_rows:
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["clean_kinds"].items()))
            print(f"  {r['set']:<30} {kinds or 'none'}")
        if part == "HELD-OUT":
            checks = (
                ("(a) clean pairs flagged", total["clean_flagged"], total["pairs"], "at most", 5.0),
                ("(b) number changed, flagged", total["number_flagged"], total["number_pairs"], "at least", 95.0),
                ("(c) named sentence dropped, flagged", total["drop_flagged"], total["drop_pairs"], "at least", 95.0),
                ("(e) left in French, flagged untranslated", total["french_untranslated"], total["french_pairs"], "at least", 95.0),
            )
            print("targets on the held-out part:")
            for label, part_count, whole, how, target in checks:
                rate = 100 * part_count / whole if whole else 0.0
                met = rate <= target if how == "at most" else rate >= target
                print(f"  {label:<42} {rate:5.1f}% ({how} {target:g}%): {'met' if met else 'NOT MET'}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=os.environ.get("TRANSLATE_SUM_CORPUS"),
                        help="corpus folder with articles/ and sentences/ (or $TRANSLATE_SUM_CORPUS)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", choices=["clean", "number", "name", "word", "french"],
                        help="print the tuning part's flagged clean pairs, or its missed mutations "
                        "(never the held-out part's)")
    parser.add_argument("--only", help="run one collection: newstest2013-tuning, articles, flores200")
    args = parser.parse_args()
    if not args.corpus:
        parser.error("give --corpus PATH or set TRANSLATE_SUM_CORPUS")
    sets = load_pairs(Path(args.corpus))
    if args.only:
        sets = {args.only: sets[args.only]}
    if args.show:
        # Reading the held-out pairs would make them tuning pairs: --show runs the tuning part only.
        sets = {name: pairs for name, pairs in sets.items() if name in TUNING}
    print_table(evaluate(sets, args.seed, args.show))


if __name__ == "__main__":
    main()
