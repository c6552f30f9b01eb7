"""Measure the document layer: PDF libraries compared, reading order, furniture, overhead.

Prints figures; it is not a test. Two kinds of input, split into a tuning set and a
held-out set before any rule was written (the split is fixed below, by name):

- Generated: the corpus's French news articles (written by journalists) typeset into
  PDFs in two and three columns with running headers and page numbers, so the truth
  (each paragraph, in order) is known. Tuning articles (the first four in name order)
  are typeset with reportlab by `tests/document_samples.py` (ragged right, hyphenated,
  drop caps, pull quotes, ligatures, printer's slugs); held-out ones (the other five)
  with GNU groff's -ms macros and French hyphenation patterns, justified (`groff -k
  -ms -Tpdf`), a typesetter the rules never saw. The same articles go into .docx and
  .odt files with a title, a table, a header, a footer and a footnote.
- Second held-out set (`--set held-out-2`), made after the first was spent on fixes:
  twelve newstest2013 documents translated into French by professionals (the test
  set has no paragraph breaks: three sentences a paragraph), set by groff in another
  style (no indents, paragraphs spaced, ragged right, Helvetica), in two and three
  columns; and eight other Debian PDFs.
- Real PDFs written by people: French manuals and guides shipped in Debian packages
  (`apt-get download texlive-lang-french linuxcnc-doc-fr expeyes-doc-fr`, unpacked
  with `dpkg-deb -x`): no truth to compare with, so the figures are what can be
  checked without it (line-end hyphens left unjoined, repeated page-band lines left in
  the text, seconds per page).

Overhead as a share of translation time: reading the file and writing the output
(docx/odt written back, a PDF's translation built into a .docx) against the time the
translation itself takes. Translation time is taken from the README's Performance
section (held-out article, CTranslate2, 4 beams, article mode: 1,087 words in 13.3 s
on the CI machine's two cores), i.e. TRANSLATE_SECONDS_PER_WORD per French word;
`--seconds-per-word` changes it.

Usage:
  python benchmarks/documents.py --corpus ../shared/corpus/articles/fr --pdfs /tmp/debian-fr
  python benchmarks/documents.py --corpus ../shared/corpus/articles/fr --set tuning
  python benchmarks/documents.py --corpus ../shared/corpus/articles/fr --set held-out-2 --pdfs /tmp/debian-fr

Needs groff with its PDF device (Debian: `apt-get install groff`) for the held-out
PDFs, and pdfminer.six, pdfplumber and pypdf for the library comparison (skipped with
a note when missing).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TRANSLATE_SECONDS_PER_WORD = 13.3 / 1087
TUNING_ARTICLES = 4
# Debian's French PDFs: the tuning ones were looked at while writing rules; the
# held-out ones only by this script.
TUNING_PDFS = ("lshort-fr.pdf", "impnattypo-fr.pdf", "frenchle.pdf", "LinuxCNC_Getting_Started_fr.pdf", "letgut.pdf")
HELD_OUT_PDFS = ("Apprends_LaTeX.pdf", "l2tabufr.pdf", "fr-eyes.pdf", "texlive-fr.pdf", "droit-fr.pdf", "f-natbib.pdf", "frenchb-doc.pdf", "fepslatex.pdf")
# Never opened while writing rules: the second held-out set's real PDFs.
HELD_OUT_2_PDFS = ("latex2e-fr.pdf", "fbook.pdf", "LinuxCNC_Developer_fr.pdf", "faq.pdf", "efrench.pdf", "tdsfrmath.pdf", "visualFAQ-fr.pdf", "formation-latex-ul.pdf")
HEADER = "Revue de presse francophone"


def norm(text: str) -> str:
    """Text compared as a reader would: one space, one apostrophe, straight quotes."""
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("``", '"').replace("''", '"')
    return " ".join(text.split())


def articles(corpus: Path, which: str) -> list[tuple[str, list[str]]]:
    if which == "held-out-2":
        return translated_news(corpus.parent.parent / "sentences")
    paths = sorted(corpus.glob("*.txt"))
    chosen = paths[:TUNING_ARTICLES] if which == "tuning" else paths[TUNING_ARTICLES:]
    return [(p.stem, [" ".join(b.split()) for b in p.read_text(encoding="utf-8").split("\n\n") if b.strip()]) for p in chosen]


def translated_news(folder: Path, count: int = 12, per_paragraph: int = 3) -> list[tuple[str, list[str]]]:
    """newstest2013 documents not written in French (French by professional translators).

    The first `count` documents (by id) of 15 sentences or more; their sentences in
    paragraphs of `per_paragraph` (the test set keeps no paragraph breaks), the first
    sentence as the title. Never used while writing rules: the second held-out set.
    """
    ids = (folder / "newstest2013.docids").read_text(encoding="utf-8").splitlines()
    sentences = (folder / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
    documents: dict[str, list[str]] = {}
    for line, sentence in zip(ids, sentences):
        doc, language = line.split("\t")[:2]
        if language != "fr":
            documents.setdefault(doc, []).append(" ".join(sentence.split()))
    chosen = [(doc, text) for doc, text in sorted(documents.items()) if len(text) >= 15][:count]
    return [
        (doc.replace("/", "_"), [text[0]] + [" ".join(text[i : i + per_paragraph]) for i in range(1, len(text), per_paragraph)])
        for doc, text in chosen
    ]


# --------------------------------------------------------------------------- typesetting


def groff_pdf(title: str, paragraphs: list[str], columns: int, blocks: bool = False) -> bytes:
    """The article set in `columns` justified columns by groff -ms, French hyphenation.

    `blocks`: paragraphs without first-line indent, half a line apart, ragged right, in
    Helvetica (the second held-out set's style).
    """
    style = [".nr PI 0", ".nr PD 0.5v", ".fam H", ".na"] if blocks else []
    lines = [
        ".mso fr.tmac",
        ".nr PS 10",
        ".nr VS 12",
        *style,
        f".ds LH {HEADER}",
        ".ds CH",
        ".ds RH Décembre 2012",
        ".ds CF \\- \\\\n[%] \\-",
        ".2C" if columns == 2 else ".MC 1.9i 0.15i",
        ".TL",
        _groff_escape(title),
        ".LP",
    ]
    for paragraph in paragraphs:
        lines += [".PP", *([".na"] if blocks else []), _groff_escape(paragraph)]
    result = subprocess.run(["groff", "-k", "-ms", "-Tpdf"], input="\n".join(lines).encode(), capture_output=True, check=True)
    return result.stdout


def _groff_escape(text: str) -> str:
    text = text.replace("\\", "\\e")
    return "\\&" + text if text.startswith((".", "'")) else text


def reportlab_pdf(title: str, paragraphs: list[str], columns: int) -> bytes:
    import document_samples as samples

    samples_title, samples.PDF_TITLE = samples.PDF_TITLE, title
    try:
        spec = samples.PdfSpec(columns=columns, pages=0, paragraphs=tuple(paragraphs), header=HEADER, drop_cap=True, pull_quote=columns == 2, ligatures=True)
        return samples.french_pdf(spec).data
    finally:
        samples.PDF_TITLE = samples_title


# --------------------------------------------------------------------------- PDF libraries


def text_pypdfium2(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def text_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def text_pdfplumber(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def text_pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def text_ours(data: bytes) -> str:
    from translate_sum.documents import DocumentLimits, parse_document

    document = parse_document(data, "bench.pdf", limits=DocumentLimits(max_bytes=len(data), max_pages=10_000, max_paragraphs=1_000_000))
    return "\n".join(e.text for e in document.elements if not e.skip)


LIBRARIES = {
    "pypdfium2 (text in content order)": text_pypdfium2,
    "pdfminer.six (its layout analysis)": text_pdfminer,
    "pdfplumber (extract_text)": text_pdfplumber,
    "pypdf (extract_text)": text_pypdf,
    "translate-sum (pypdfium2 + pdf_layout)": text_ours,
}


def flat(text: str) -> str:
    """A library's text as one line: line-end hyphens joined the naive way, ligatures undone."""
    from translate_sum.documents.pdf_layout import normalize

    text = re.sub(r"[-\u00ad\ufffe\u0002]\r?\n(?=\w)", "", normalize(text))
    return norm(text)


def sentences_intact(text: str, paragraphs: list[str]) -> tuple[int, int]:
    from translate_sum.text import split_sentences

    every = [norm(s) for p in paragraphs for s in split_sentences(p, "fr") if len(s.split()) >= 4]
    return sum(1 for s in every if s in text), len(every)


def compare_libraries(docs: list[tuple[str, bytes, list[str]]]) -> list[str]:
    rows = ["| library | sentences intact | seconds/page |", "|---|---|---|"]
    for name, extract in LIBRARIES.items():
        found = total = pages = 0
        seconds = 0.0
        try:
            for _, data, paragraphs in docs:
                started = time.perf_counter()
                text = extract(data)
                seconds += time.perf_counter() - started
                pages += _pages(data)
                ok, count = sentences_intact(flat(text), paragraphs)
                found, total = found + ok, total + count
        except ImportError as exc:
            rows.append(f"| {name} | not installed ({exc.name}) | |")
            continue
        rows.append(f"| {name} | {found}/{total} ({100 * found / max(total, 1):.1f}%) | {seconds / max(pages, 1):.3f} |")
    return rows


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data))


# --------------------------------------------------------------------------- our reader


def measure_generated(docs: list[tuple[str, bytes, list[str]]]) -> list[str]:
    """Paragraphs found once, order, hyphens rejoined, furniture removed, title, overhead."""
    from translate_sum.documents import build_docx, document_article, parse_document

    totals: Counter = Counter()
    shares = []
    for name, data, paragraphs in docs:
        started = time.perf_counter()
        document = parse_document(data, name + ".pdf")
        kept = [norm(e.text) for e in document.elements if not e.skip and e.kind not in ("title", "pull-quote")]
        expected = [norm(p) for p in paragraphs[1:]]
        totals["paragraphs"] += len(expected)
        totals["found once"] += sum(1 for p in expected if kept.count(p) == 1)
        order = [kept.index(p) for p in expected if p in kept]
        totals["in order"] += sum(1 for a, b in zip(order, order[1:]) if a < b) + (1 if order else 0)
        totals["title"] += any(e.kind == "title" and norm(e.text) == norm(paragraphs[0]) for e in document.elements)
        joined, hyphens = _hyphens_rejoined(data, kept)
        totals["hyphens"] += hyphens
        totals["hyphens rejoined"] += joined
        furniture = [e for e in document.elements if e.skip]
        left = [k for k in kept if HEADER in k or re.fullmatch(r"[-–\s]*\d+[-–\s]*", k)]
        totals["furniture lines"] += len(furniture) + len(left)
        totals["furniture removed"] += len(furniture)
        article = document_article(document)
        words = article.word_count
        translated = _fake_translation(article)
        build_docx(translated, document)
        seconds = time.perf_counter() - started
        shares.append(seconds / (words * TRANSLATE_SECONDS_PER_WORD))
        totals["pages"] += document.pages
        totals["seconds"] += seconds
    t = totals
    return [
        "| measure | result |",
        "|---|---|",
        f"| documents / pages | {len(docs)} / {t['pages']} |",
        f"| paragraphs of the source found once | {t['found once']}/{t['paragraphs']} ({100 * t['found once'] / max(t['paragraphs'], 1):.1f}%) |",
        f"| paragraphs in source order (no column interleaving) | {t['in order']}/{t['paragraphs']} |",
        f"| title found as the title | {t['title']}/{len(docs)} |",
        f"| line-end hyphens rejoined as in the source | {t['hyphens rejoined']}/{t['hyphens']} |",
        f"| running headers and page numbers removed | {t['furniture removed']}/{t['furniture lines']} |",
        f"| read + write seconds per page | {t['seconds'] / max(t['pages'], 1):.3f} |",
        f"| overhead share of translation time (median, max) | {100 * statistics.median(shares):.2f}%, {100 * max(shares):.2f}% |",
    ]


def _hyphens_rejoined(data: bytes, kept: list[str]) -> tuple[int, int]:
    """Line-end hyphens in the text layer, and how many came out as the source has the word."""
    raw = text_pypdfium2(data)
    text = " ".join(kept)
    pairs = re.findall(r"(\w+)(?:[\u00ad\ufffe\u0002]\r?\n?|-\r?\n)(\w+)", raw)
    good = sum(1 for left, right in pairs if re.search(rf"\b{re.escape(left)}-?{re.escape(right)}\b", text))
    return good, len(pairs)


def _fake_translation(article):  # type: ignore[no-untyped-def]
    import dataclasses

    from translate_sum.document import Stats, TranslatedArticle

    paragraphs = tuple(dataclasses.replace(p, translation="" if p.skipped else p.source.upper()) for p in article.paragraphs)
    return TranslatedArticle(article.source, paragraphs, {}, Stats(len(paragraphs), article.word_count, 0.0))


def measure_real(folder: Path, names: tuple[str, ...]) -> list[str]:
    """What can be checked on real PDFs without a truth: hyphens left, furniture left, speed."""
    from translate_sum.documents import DocumentLimits, parse_document
    from translate_sum.errors import InputError

    rows = ["| PDF | pages | paragraphs | line-end hyphens | left unjoined | repeated band lines | left in text | s/page |", "|---|---|---|---|---|---|---|---|"]
    for name in names:
        found = list(folder.rglob(name))
        if not found:
            rows.append(f"| {name} | missing | | | | | | |")
            continue
        data = found[0].read_bytes()
        started = time.perf_counter()
        try:
            document = parse_document(data, name, limits=DocumentLimits(max_bytes=len(data), max_pages=2000, max_paragraphs=100_000))
        except InputError as exc:
            rows.append(f"| {name} | refused: {exc} | | | | | | |")
            continue
        seconds = time.perf_counter() - started
        kept = [e.text for e in document.elements if not e.skip]
        text = "\n".join(kept)
        raw = text_pypdfium2(data)
        line_hyphens = len(re.findall(r"[a-zà-ÿ](?:[\u00ad\ufffe\u0002]\r?\n?|-\r?\n)[a-zà-ÿ]", raw))
        unjoined = len(re.findall(r"[a-zà-ÿ]- [a-zà-ÿ]", text))
        band = _repeated_band_lines(data)
        left = sum(1 for line in band if any(line in k and len(k) < len(line) + 20 for k in kept))
        rows.append(f"| {name} | {document.pages} | {len(kept)} | {line_hyphens} | {unjoined} | {len(band)} | {left} | {seconds / document.pages:.3f} |")
    return rows


def _repeated_band_lines(data: bytes) -> list[str]:
    """Lines (digits aside) in the top or bottom 10% of a quarter of the pages (3 at least): furniture by any account."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    seen: dict[str, set[int]] = {}
    sample: dict[str, str] = {}
    for number in range(len(pdf)):
        page = pdf[number]
        height = page.get_height()
        text_page = page.get_textpage()
        for band in ((0, height * 0.9, page.get_width(), height), (0, 0, page.get_width(), height * 0.1)):
            for line in text_page.get_text_bounded(*band).splitlines():
                line = " ".join(line.split())
                if len(line) >= 4 and not line.isdigit():
                    shape = re.sub(r"\d+", "#", line)
                    seen.setdefault(shape, set()).add(number)
                    sample.setdefault(shape, line)
    return [sample[s] for s, pages in seen.items() if len(pages) >= max(3, len(pdf) // 4)]


# --------------------------------------------------------------------------- Word and ODT


def office_documents(title: str, paragraphs: list[str]) -> dict[str, bytes]:
    """The article as a .docx (python-docx) and an .odt (odfdo): title, body, a table, header, footer, footnote."""
    import docx
    from odfdo import Document, Header, Note, Paragraph, Table

    word = docx.Document()
    word.add_heading(title, level=0)
    for paragraph in paragraphs[1:]:
        word.add_paragraph(paragraph)
    table = word.add_table(rows=2, cols=2)
    for i, cell in enumerate(c for row in table.rows for c in row.cells):
        cell.text = paragraphs[1 + i % (len(paragraphs) - 1)].split(".")[0]
    word.sections[0].header.paragraphs[0].text = HEADER
    word.sections[0].footer.paragraphs[0].text = "Document de travail, ne pas diffuser"
    buffer = io.BytesIO()
    word.save(buffer)
    odt = Document("text")
    odt.body.clear()
    odt.body.append(Header(1, title))
    for number, paragraph in enumerate(paragraphs[1:]):
        element = Paragraph(paragraph)
        if number == 0:
            element.append(Note(note_class="footnote", note_id="n1", citation="1", body="Texte paru dans la presse."))
        odt.body.append(element)
    grid = Table("T", width=2, height=2)
    for i in range(4):
        grid.set_value((i % 2, i // 2), paragraphs[1 + i % (len(paragraphs) - 1)].split(".")[0])
    odt.body.append(grid)
    odt.get_style("master-page", "Standard").set_page_header(HEADER)
    odt_buffer = io.BytesIO()
    odt.save(odt_buffer)
    return {"docx": buffer.getvalue(), "odt": odt_buffer.getvalue()}


def measure_office(corpus_articles: list[tuple[str, list[str]]]) -> list[str]:
    from translate_sum.documents import document_article, parse_document, write_translated

    rows = ["| format | documents | elements found once in the output | structure counts equal | overhead share (median, max) |", "|---|---|---|---|---|"]
    for fmt in ("docx", "odt"):
        found = total = equal = 0
        shares = []
        for name, paragraphs in corpus_articles:
            data = office_documents(paragraphs[0], paragraphs)[fmt]
            started = time.perf_counter()
            document = parse_document(data, f"{name}.{fmt}")
            article = document_article(document)
            written = write_translated(document, _fake_translation(article))
            seconds = time.perf_counter() - started
            again = parse_document(written.data, f"{name}.en.{fmt}")
            outputs = Counter(e.text for e in again.elements)
            found += sum(1 for e in document.elements if outputs[e.text.upper()] >= 1 and (outputs[e.text.upper()] == Counter(x.text for x in document.elements)[e.text]))
            total += len(document.elements)
            equal += Counter(e.kind for e in again.elements) == Counter(e.kind for e in document.elements)
            shares.append(seconds / (article.word_count * TRANSLATE_SECONDS_PER_WORD))
        rows.append(f"| {fmt} | {len(corpus_articles)} | {found}/{total} | {equal}/{len(corpus_articles)} | {100 * statistics.median(shares):.2f}%, {100 * max(shares):.2f}% |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder of French articles (.txt, paragraphs split by blank lines)")
    parser.add_argument("--pdfs", type=Path, help="folder holding the Debian French PDFs (searched recursively)")
    parser.add_argument("--set", choices=("held-out", "held-out-2", "tuning"), default="held-out")
    parser.add_argument("--seconds-per-word", type=float, default=None, help="translation seconds per French word")
    args = parser.parse_args()
    global TRANSLATE_SECONDS_PER_WORD
    if args.seconds_per_word:
        TRANSLATE_SECONDS_PER_WORD = args.seconds_per_word
    chosen = articles(args.corpus, args.set)
    make = reportlab_pdf if args.set == "tuning" else groff_pdf
    if make is groff_pdf and not shutil.which("groff"):
        sys.exit("groff is needed for the held-out PDFs (apt-get install groff)")
    if args.set == "held-out-2":
        docs = [(f"{name}-{columns}col", groff_pdf(paragraphs[0], paragraphs[1:], columns, blocks=True), paragraphs) for name, paragraphs in chosen for columns in (2, 3)]
    else:
        docs = [(f"{name}-{columns}col", make(paragraphs[0], paragraphs[1:], columns), paragraphs) for name, paragraphs in chosen for columns in (2, 3)]
    print(f"## {args.set} set: {len(chosen)} articles, {len(docs)} PDFs ({'groff -ms' if make is groff_pdf else 'reportlab'})\n")
    print("### PDF libraries: source sentences (4+ words) found intact in the text, line-end hyphens joined naively\n")
    print("\n".join(compare_libraries(docs)) + "\n")
    print("### translate-sum's PDF reader\n")
    print("\n".join(measure_generated(docs)) + "\n")
    print("### Word and OpenDocument: read, written back with a stand-in translation, read again\n")
    print("\n".join(measure_office(chosen)) + "\n")
    if args.pdfs:
        names = TUNING_PDFS if args.set == "tuning" else HELD_OUT_PDFS if args.set == "held-out" else HELD_OUT_2_PDFS
        print("### Real PDFs (Debian's French manuals): what can be checked without a truth\n")
        print("\n".join(measure_real(args.pdfs, names)) + "\n")
        print("### PDF libraries on the real PDFs: seconds per page\n")
        print("\n".join(_library_speed(args.pdfs, names)))


def _library_speed(folder: Path, names: tuple[str, ...]) -> list[str]:
    rows = ["| library | pages | seconds/page |", "|---|---|---|"]
    files = [next(iter(folder.rglob(n)), None) for n in names]
    datas = [f.read_bytes() for f in files if f is not None][:3]
    for name, extract in LIBRARIES.items():
        try:
            started = time.perf_counter()
            pages = 0
            for data in datas:
                extract(data)
                pages += _pages(data)
        except ImportError as exc:
            rows.append(f"| {name} | not installed ({exc.name}) | |")
            continue
        rows.append(f"| {name} | {pages} | {(time.perf_counter() - started) / max(pages, 1):.3f} |")
    return rows


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
