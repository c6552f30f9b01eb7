"""Word, OpenDocument and PDF test documents, built here from text this project wrote.

Each builder returns the file's bytes and, where useful, what it holds (counts of
headings, list items, cells...), so tests compare structure before and after.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# French written for these tests (long enough for the language check).
TITLE = "Compte rendu du conseil municipal de Villeneuve"
HEADING = "Ordre du jour de la séance"
INTRO = (
    "Le conseil municipal s'est réuni le mardi 4 mars à dix-huit heures dans la salle des fêtes. "
    "Le maire a ouvert la séance et rappelé les règles du débat."
)
BUDGET = (
    "Le budget primitif de la commune a été adopté à l'unanimité des membres présents. "
    "Les dépenses de fonctionnement augmentent de trois pour cent par rapport à l'an dernier."
)
BULLETS = (
    "La rénovation de l'école primaire du centre-ville",
    "L'entretien des chemins communaux avant l'hiver",
    "La création d'un marché de producteurs le samedi matin",
)
NUMBERED = ("Approbation du procès-verbal de la séance précédente", "Questions diverses posées par les habitants")
CELLS = (
    ("Poste de dépense", "Montant prévu", "Commentaire du trésorier"),
    ("Travaux de voirie", "cent vingt mille euros", "En hausse à cause du prix du bitume"),
)
NESTED_CELL = "Détail des travaux prévus au printemps"
HEADER_TEXT = "Mairie de Villeneuve, service des assemblées"
FIRST_HEADER_TEXT = "Document de travail réservé aux élus"
FOOTER_TEXT = "Procès-verbal approuvé lors de la séance suivante"
FOOTNOTE_TEXT = "Le quorum était atteint avec vingt-deux conseillers présents sur vingt-sept."
ENDNOTE_TEXT = "Les annexes sont consultables à l'accueil de la mairie aux heures d'ouverture."
TEXTBOX_TEXT = "Prochaine réunion publique le jeudi 20 mars à la médiathèque."
LINK_TEXT = "Le dossier complet est publié sur le site de la commune."
LINK_URL = "https://www.villeneuve.example/conseil"
PARTIAL_LINK_BEFORE = "Vous pouvez lire "
PARTIAL_LINK_TEXT = "le règlement intérieur"
PARTIAL_LINK_AFTER = " avant la prochaine séance du conseil."
BOLD_WORD_BEFORE = "Le maire a rappelé que "
BOLD_WORD = "la piscine"
BOLD_WORD_AFTER = " restera fermée pendant tout le mois d'août pour travaux."
BOLD_SENTENCE = "Le stationnement sera interdit place de la Mairie. "
PLAIN_SENTENCE = "Les riverains recevront un courrier dans la semaine."
DELETED_TEXT = "phrase supprimée par le secrétaire de séance"
KEPT_AROUND_DELETION = ("La séance est levée à vingt heures ", "trente minutes.")
COMMENT_TEXT = "Vérifier l'heure exacte avec le procès-verbal."
FIELD_RESULT = "12"


@dataclass
class Built:
    """A test document's bytes and what it holds."""

    data: bytes
    counts: dict[str, int] = field(default_factory=dict)
    french: tuple[str, ...] = ()  # every French text that must be translated


def french_docx() -> Built:
    """A Word document with every kind of text-bearing element, in French."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_heading(TITLE, level=0)
    document.add_heading(HEADING, level=1)
    intro = document.add_paragraph(INTRO)
    intro.add_run().element.append(parse_xml(f'<w:footnoteReference xmlns:w="{W_NS}" w:id="1"/>'))
    document.add_paragraph(BUDGET).add_run().element.append(parse_xml(f'<w:endnoteReference xmlns:w="{W_NS}" w:id="1"/>'))
    for item in BULLETS:
        document.add_paragraph(item, style="List Bullet")
    for item in NUMBERED:
        document.add_paragraph(item, style="List Number")
    table = document.add_table(rows=len(CELLS), cols=3)
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    nested = table.cell(1, 2).add_table(rows=1, cols=1)
    nested.cell(0, 0).text = NESTED_CELL
    _hyperlink_paragraph(document, [("", LINK_TEXT, LINK_URL)])
    _hyperlink_paragraph(document, [(PARTIAL_LINK_BEFORE, "", None), ("", PARTIAL_LINK_TEXT, LINK_URL), (PARTIAL_LINK_AFTER, "", None)])
    partial = document.add_paragraph(BOLD_WORD_BEFORE)
    partial.add_run(BOLD_WORD).bold = True
    partial.add_run(BOLD_WORD_AFTER)
    sentences = document.add_paragraph()
    sentences.add_run(BOLD_SENTENCE).bold = True
    sentences.add_run(PLAIN_SENTENCE)
    closing = document.add_paragraph(KEPT_AROUND_DELETION[0])
    closing._p.append(
        parse_xml(
            f'<w:del xmlns:w="{W_NS}" w:id="90" w:author="Secrétaire" w:date="2025-03-04T20:00:00Z">'
            f"<w:r><w:delText>{DELETED_TEXT} </w:delText></w:r></w:del>"
        )
    )
    closing.add_run(KEPT_AROUND_DELETION[1])
    document.add_comment(closing.runs[0], text=COMMENT_TEXT, author="Relecteur")
    anchor = document.add_paragraph()
    anchor._p.append(parse_xml(_textbox_run(TEXTBOX_TEXT)))
    page = document.add_paragraph("Voir la page ")
    page._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:t>{FIELD_RESULT}</w:t></w:r></w:fldSimple>'))
    page.add_run(" pour le détail des votes de chaque conseiller.")

    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = HEADER_TEXT
    section.first_page_header.paragraphs[0].text = FIRST_HEADER_TEXT
    footer = section.footer.paragraphs[0]
    footer.text = FOOTER_TEXT
    footer._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))

    for kind, text, content_type, reltype in (
        ("footnote", FOOTNOTE_TEXT, CT.WML_FOOTNOTES, RT.FOOTNOTES),
        ("endnote", ENDNOTE_TEXT, CT.WML_ENDNOTES, RT.ENDNOTES),
    ):
        part = Part(PackURI(f"/word/{kind}s.xml"), content_type, _notes_xml(kind, text), document.part.package)
        document.part.relate_to(part, reltype)

    buffer = io.BytesIO()
    document.save(buffer)
    french = (
        TITLE, HEADING, INTRO, BUDGET, *BULLETS, *NUMBERED, *[t for row in CELLS for t in row], NESTED_CELL,
        LINK_TEXT, PARTIAL_LINK_BEFORE + PARTIAL_LINK_TEXT + PARTIAL_LINK_AFTER,
        BOLD_WORD_BEFORE + BOLD_WORD + BOLD_WORD_AFTER, BOLD_SENTENCE + PLAIN_SENTENCE,
        "".join(KEPT_AROUND_DELETION), TEXTBOX_TEXT,
        FOOTNOTE_TEXT, ENDNOTE_TEXT, HEADER_TEXT, FIRST_HEADER_TEXT, FOOTER_TEXT,
    )
    counts = {"heading": 1, "title": 1, "list-item": len(BULLETS) + len(NUMBERED), "table-cell": 7,
              "header": 2, "footer": 1, "footnote": 1, "endnote": 1, "textbox": 1}
    return Built(buffer.getvalue(), counts, french)


def _hyperlink_paragraph(document, parts) -> None:  # type: ignore[no-untyped-def]
    """A paragraph of plain runs and hyperlinked runs: (plain text, link text, url)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph()
    for plain, linked, url in parts:
        if plain:
            paragraph.add_run(plain)
        if linked:
            rid = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
            paragraph._p.append(
                parse_xml(
                    f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="{R_NS}" r:id="{rid}">'
                    f'<w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve">{linked}</w:t></w:r>'
                    "</w:hyperlink>"
                )
            )


def _textbox_run(text: str) -> str:
    """A run holding a text box as Word writes it: DrawingML with a VML copy for old readers."""
    box = f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'
    return (
        f'<w:r xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
        'simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2000000" cy="500000"/><wp:wrapNone/><wp:docPr id="5" name="Zone de texte 5"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:spPr/><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape id="box5" style="width:160pt;height:40pt"><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'
    )


def _notes_xml(kind: str, text: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s xmlns:w="{W_NS}">'
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
        f"</w:{kind}s>"
    ).encode()


def docx_texts(data: bytes) -> list[str]:
    """Every w:t text node of every part of a .docx, in part order (the output check's walk)."""
    import zipfile

    from lxml import etree

    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                texts.extend(node.text or "" for node in root.iter(W + "t"))
    return texts


def docx_deleted_texts(data: bytes) -> list[str]:
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return [node.text or "" for node in root.iter(W + "delText")]


# --- PDF ---------------------------------------------------------------------------

PDF_HEADER = "Bulletin municipal de Villeneuve, mars 2025"
PDF_TITLE = "Les finances de la commune en débat"
PDF_PARAGRAPHS = (
    "Le conseil municipal a examiné mardi soir les grandes orientations budgétaires pour l'année "
    "en cours. Les élus ont longuement débattu des investissements prévus dans les écoles, "
    "des travaux de voirie et du soutien apporté aux associations sportives de la commune.",
    "Selon le rapport présenté par l'adjoint aux finances, les recettes fiscales progressent "
    "légèrement grâce à l'arrivée de nouvelles familles dans les quartiers du nord. Les dotations "
    "de l'État, en revanche, continuent de baisser pour la troisième année consécutive, ce qui "
    "oblige la municipalité à reporter plusieurs projets pourtant attendus par les habitants.",
    "L'opposition a dénoncé un manque de transparence dans la préparation du budget et demandé "
    "la création d'une commission consultative ouverte aux citoyens. Le maire a répondu que les "
    "documents étaient disponibles depuis trois semaines à l'accueil de la mairie et sur le site "
    "internet de la ville, et qu'une réunion publique serait organisée au printemps.",
    "Les associations sportives recevront une enveloppe globale en hausse de cinq pour cent, "
    "répartie selon le nombre de licenciés et les résultats obtenus lors de la saison passée. "
    "Le club de football, qui compte désormais plus de quatre cents adhérents, bénéficiera en outre "
    "d'une aide exceptionnelle pour la rénovation de ses vestiaires, jugés vétustes par la commission "
    "de sécurité lors de sa dernière visite.",
    "Enfin, le conseil a adopté à l'unanimité une motion de soutien aux commerçants du centre-ville, "
    "touchés par les travaux de la nouvelle ligne de tramway. Une exonération partielle de la taxe "
    "sur les enseignes sera proposée lors de la prochaine séance, le 1er avril, ainsi qu'une campagne de "
    "communication destinée à faire revenir la clientèle dans les rues commerçantes.",
)
PDF_PULL_QUOTE = "« Nous devons faire mieux avec moins »"


@dataclass
class PdfSpec:
    """How to lay out a test PDF: columns, furniture, and the features to include."""

    columns: int = 2
    pages: int = 2  # 0: as many as the text needs
    paragraphs: tuple[str, ...] = PDF_PARAGRAPHS
    header: str | None = PDF_HEADER
    page_numbers: bool = True
    slug: bool = True
    drop_cap: bool = False
    pull_quote: bool = False
    ligatures: bool = False
    superscript: bool = False
    encrypt: str | None = None
    hyphenate: bool = True
    size: float = 10.0


def _fonts():  # type: ignore[no-untyped-def]
    import os

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (("Vera", "Vera.ttf"), ("VeraBd", "VeraBd.ttf"), ("VeraIt", "VeraIt.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    return pdfmetrics.stringWidth


def _wrap(text: str, width: float, size: float, hyphenate: bool, width_of, indent: float = 0) -> list[str]:  # type: ignore[no-untyped-def]
    """Greedy line breaking (the first line `indent` narrower); a long word that does not
    fit is hyphenated (3+ letters each side)."""
    lines, line = [], ""
    full = width
    for word in text.split():
        width = full - (indent if not lines else 0)
        trial = f"{line} {word}".strip()
        if width_of(trial, "Vera", size) <= width:
            line = trial
            continue
        if hyphenate and len(word) >= 8 and word.isalpha():
            for cut in range(len(word) - 3, 2, -1):
                head = f"{line} {word[:cut]}-".strip()
                if width_of(head, "Vera", size) <= width:
                    lines.append(head)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def french_pdf(spec: PdfSpec | None = None) -> Built:
    """A bulletin in columns with running headers, page numbers and a slug, in French.

    The paragraphs flow from column to column and page to page, cut wherever the column
    ends (so a paragraph goes on in the next column or page); words that do not fit are
    hyphenated. `french` holds the paragraphs as written, in reading order.
    """
    from reportlab.pdfgen import canvas

    spec = spec or PdfSpec()
    width_of = _fonts()
    buffer = io.BytesIO()
    page_w, page_h, margin, gutter = 595.0, 842.0, 56.0, 22.0
    pdf = canvas.Canvas(buffer, pagesize=(page_w, page_h), encrypt=spec.encrypt, invariant=1)
    column_w = (page_w - 2 * margin - (spec.columns - 1) * gutter) / spec.columns
    leading = spec.size * 1.25
    paragraphs = list(spec.paragraphs)
    if spec.ligatures:
        paragraphs = [p.replace("fi", "ﬁ").replace("fl", "ﬂ") for p in paragraphs]
    lines: list[tuple[str, bool]] = []  # (text, first line of a paragraph)
    for number, paragraph in enumerate(paragraphs):
        wrapped = _wrap(paragraph, column_w, spec.size, spec.hyphenate, width_of, indent=12 if number else 0)
        lines.extend((text, i == 0) for i, text in enumerate(wrapped))
    hyphenated = sum(1 for text, _ in lines if text.endswith("-") and text[-2:-1].isalpha())
    top_of_text = page_h - margin - 60
    bottom_of_text = margin + 30
    room = int((top_of_text - bottom_of_text - 20) // leading)
    pages = spec.pages or -(-len(lines) // (spec.columns * room))
    per_column = max(4, -(-len(lines) // (spec.columns * pages)))
    assert per_column <= room, "the test PDF's text does not fit its pages"
    cursor = 0
    for page in range(pages):
        _furniture(pdf, spec, page, page_w, page_h, margin, width_of)
        y_start = top_of_text
        if page == 0:
            pdf.setFont("VeraBd", spec.size * 2)
            pdf.drawString(margin, page_h - margin - 40, PDF_TITLE)
            y_start = top_of_text - 20
        for column in range(spec.columns):
            x = margin + column * (column_w + gutter)
            y = y_start
            chunk = lines[cursor : cursor + per_column]
            cursor += len(chunk)
            for position, (text, first) in enumerate(chunk):
                if spec.pull_quote and page == pages - 1 and column == spec.columns - 1 and position == 3:
                    pdf.setFont("VeraIt", spec.size * 1.4)
                    pdf.drawString(x + 10, y - 6, PDF_PULL_QUOTE)
                    y -= 3 * leading
                indent = 12 if first and cursor - len(chunk) + position > 0 else 0
                _draw_line(pdf, x + indent, y, text, spec, first and cursor - len(chunk) + position == 0)
                y -= leading
        pdf.showPage()
    assert cursor >= len(lines), "the test PDF's text did not fit"
    pdf.save()
    counts = {"paragraph": len(paragraphs), "hyphenated": hyphenated, "pages": pages}
    return Built(buffer.getvalue(), counts, tuple(spec.paragraphs))


def _draw_line(pdf, x: float, y: float, text: str, spec: PdfSpec, very_first: bool) -> None:  # type: ignore[no-untyped-def]
    if very_first and spec.drop_cap:
        pdf.setFont("VeraBd", spec.size * 3)
        pdf.drawString(x - 2.2 * spec.size, y - spec.size * 1.6, text[0])
        text = text[1:]
    if spec.superscript and "1er" in text:
        head, tail = text.split("1er", 1)
        pdf.setFont("Vera", spec.size)
        pdf.drawString(x, y, head + "1")
        x += pdf.stringWidth(head + "1", "Vera", spec.size)
        pdf.setFont("Vera", spec.size * 0.6)
        pdf.drawString(x, y + spec.size * 0.4, "er")
        x += pdf.stringWidth("er", "Vera", spec.size * 0.6)
        text = tail
    pdf.setFont("Vera", spec.size)
    pdf.drawString(x, y, text)


def _furniture(pdf, spec: PdfSpec, page: int, page_w: float, page_h: float, margin: float, width_of) -> None:  # type: ignore[no-untyped-def]
    pdf.setFont("Vera", 8)
    if spec.header:
        pdf.drawString(margin, page_h - 30, spec.header)
    if spec.page_numbers:
        pdf.drawCentredString(page_w / 2, 30, str(page + 1))
    if spec.slug:
        pdf.setFont("Vera", 6)
        pdf.drawString(margin, 12, f"bulletin-mars.indd {page + 1} 04/03/25 10:12")


def scanned_pdf() -> bytes:
    """A PDF whose pages are only drawings (as a scan is only an image): no text layer."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842), invariant=1)
    for page in range(2):
        for row in range(40):
            pdf.rect(56, 780 - row * 18, 480 - (row % 5) * 40, 8, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- OpenDocument --------------------------------------------------------------------

ODT_FOOTER_FIELD = "1"


def french_odt() -> Built:
    """An OpenDocument text with every kind of text-bearing element, in French (built with odfdo)."""
    from odfdo import Document, Header, List, ListItem, Note, Paragraph, Style, Table

    document = Document("text")
    body = document.body
    body.clear()
    document.insert_style(Style("text", name="Gras", bold=True), automatic=True)
    document.insert_style(Style("paragraph", name="PTitre", parent_style="Title"), automatic=True)
    body.append(Paragraph(TITLE, style="PTitre"))
    body.append(Header(1, HEADING))
    intro = Paragraph(INTRO)
    intro.append(Note(note_class="footnote", note_id="ftn1", citation="1", body=FOOTNOTE_TEXT))
    body.append(intro)
    budget = Paragraph(BUDGET)
    budget.append(Note(note_class="endnote", note_id="edn1", citation="i", body=ENDNOTE_TEXT))
    body.append(budget)
    bullets = List([BULLETS[0], BULLETS[1]])
    inner = ListItem(BULLETS[2])
    inner.append(List([NUMBERED[0], NUMBERED[1]]))
    bullets.append(inner)
    body.append(bullets)
    table = Table("Budget", width=3, height=2)
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            table.set_value((c, r), text)
    nested = Table("Détail", width=1, height=1)
    nested.set_value((0, 0), NESTED_CELL)
    cell = table.get_cell((2, 1))
    cell.append(nested)
    table.set_cell((2, 1), cell)
    body.append(table)
    body.append(_odf(f'<text:p><text:a xlink:href="{LINK_URL}" xlink:type="simple">{LINK_TEXT}</text:a></text:p>'))
    body.append(_odf(f'<text:p>{PARTIAL_LINK_BEFORE.rstrip()}<text:s/><text:a xlink:href="{LINK_URL}" xlink:type="simple">{PARTIAL_LINK_TEXT}</text:a>{PARTIAL_LINK_AFTER}</text:p>'))
    body.append(_odf(f'<text:p>{BOLD_WORD_BEFORE.rstrip()}<text:s/><text:span text:style-name="Gras">{BOLD_WORD}</text:span>{BOLD_WORD_AFTER}</text:p>'))
    body.append(_odf(f'<text:p><text:span text:style-name="Gras">{BOLD_SENTENCE.rstrip()}</text:span><text:s/>{PLAIN_SENTENCE}</text:p>'))
    body.insert(
        _odf(
            '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
            '<office:change-info><dc:creator>Secrétaire</dc:creator><dc:date>2025-03-04T20:00:00</dc:date></office:change-info>'
            f"<text:p>{DELETED_TEXT}</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        ),
        position=0,
    )
    body.append(
        _odf(
            f'<text:p><office:annotation><dc:creator>Relecteur</dc:creator><text:p>{COMMENT_TEXT}</text:p></office:annotation>'
            f'{KEPT_AROUND_DELETION[0].rstrip()}<text:s/><text:change text:change-id="ct1"/>{KEPT_AROUND_DELETION[1]}</text:p>'
        )
    )
    body.append(
        _odf(
            '<text:p><draw:frame draw:name="Cadre1" text:anchor-type="paragraph" svg:width="6cm" svg:height="2cm">'
            f"<draw:text-box><text:p>{TEXTBOX_TEXT}</text:p></draw:text-box></draw:frame></text:p>"
        )
    )
    body.append(_odf(f'<text:p>Voir la page <text:page-number text:select-page="current">{FIELD_RESULT}</text:page-number> pour le détail des votes de chaque conseiller.</text:p>'))
    master = document.get_style("master-page", "Standard")
    master.set_page_header(HEADER_TEXT)
    master.set_page_footer(_odf(f'<style:footer><text:p>{FOOTER_TEXT} <text:page-number text:select-page="current">{ODT_FOOTER_FIELD}</text:page-number></text:p></style:footer>'))
    master.append(_odf(f"<style:header-first><text:p>{FIRST_HEADER_TEXT}</text:p></style:header-first>"))
    buffer = io.BytesIO()
    document.save(buffer)
    french = (
        TITLE, HEADING, INTRO, BUDGET, *BULLETS, *NUMBERED, *[t for row in CELLS for t in row], NESTED_CELL,
        LINK_TEXT, PARTIAL_LINK_BEFORE + PARTIAL_LINK_TEXT + PARTIAL_LINK_AFTER,
        BOLD_WORD_BEFORE + BOLD_WORD + BOLD_WORD_AFTER, BOLD_SENTENCE + PLAIN_SENTENCE,
        "".join(KEPT_AROUND_DELETION), TEXTBOX_TEXT,
        FOOTNOTE_TEXT, ENDNOTE_TEXT, HEADER_TEXT, FIRST_HEADER_TEXT, FOOTER_TEXT,
    )
    counts = {"heading": 1, "title": 1, "list-item": len(BULLETS) + len(NUMBERED), "table-cell": 7,
              "header": 2, "footer": 1, "footnote": 1, "endnote": 1, "textbox": 1}
    return Built(buffer.getvalue(), counts, french)


def _odf(xml: str):  # type: ignore[no-untyped-def]
    from odfdo import Element

    return Element.from_tag(xml)


def odt_texts(data: bytes) -> list[str]:
    """Every text node inside the paragraphs and headings of content.xml and styles.xml.

    Text under tracked changes and comments is left out: it is not the document's text.
    A node under nested paragraphs (notes, text boxes) may be listed more than once.
    """
    import zipfile

    from lxml import etree

    text_ns = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    excluded = (text_ns + "tracked-changes", "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation")
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("content.xml", "styles.xml"):
            root = etree.fromstring(archive.read(name))
            for paragraph in root.iter(text_ns + "p", text_ns + "h"):
                if any(a.tag in excluded for a in paragraph.iterancestors()):
                    continue
                texts.append(paragraph.text or "")
                for node in paragraph.iterdescendants():
                    if any(a.tag in excluded for a in node.iterancestors()) or node.tag in excluded:
                        continue
                    texts.extend([node.text or "", node.tail or ""])
    return texts


def odt_deleted_texts(data: bytes) -> list[str]:
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    changes = root.iter("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}tracked-changes")
    return ["".join(node.itertext()) for node in changes]
