"""`translate` and `brief`: one article in, its translation or its brief out.

Limits: one article per call (`batch` does folders); the models load in the
command, after the input has been read and checked.
"""

from __future__ import annotations

from typing import Any

import click

from translate_sum.cli.common import (
    FLAGS,
    RunSettings,
    SettingsCommand,
    SummarySettings,
    check_output,
    emit,
    opened_memory,
    run_options,
    setting_option,
    summary_options,
    user_errors,
)
from translate_sum.cli.progress import ProgressDisplay
from translate_sum.errors import flag_namer
from translate_sum.summary_line import summary_line

INPUT = click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, allow_dash=True))


@click.command(cls=SettingsCommand)
@INPUT
@setting_option("output")
@setting_option("translate_format")
@setting_option("bilingual")
@run_options
def translate(
    input_path: str,
    output: str | None,
    fmt: str | None,
    bilingual: bool,
    run: RunSettings,
) -> None:
    """Translate a French article (.txt, .md, .html, .docx, .odt, .pdf, - for stdin,
    or an http(s):// address) into English.

    Paragraphs come out in the same order and shape; nothing is dropped. A long
    paragraph is cut into pieces the model can take, never cut short. What is not
    part of the story (bylines, photo credits, "Lire aussi" links, share prompts)
    and repeated paragraphs are left untranslated (--show-skipped lists them);
    paragraphs the audit doubts are listed at the end under "Check these".

    A Word or OpenDocument file comes back as the same document in English with
    -o NAME.docx or -o NAME.odt; a PDF (or a text) as a new .docx with its
    headings and paragraphs. --format json lists what became of every element.
    """
    from translate_sum.documents import element_report
    from translate_sum.pipeline import load_translator, prepare
    from translate_sum.reader import read_source
    from translate_sum.settings import DOCUMENT_FORMATS, TRANSLATE_FORMATS
    from translate_sum.writers import format_for_path, render_translation

    with user_errors():
        check_output(input_path, output)
        fmt = fmt or format_for_path(output, formats=TRANSLATE_FORMATS)
        as_document = fmt in DOCUMENT_FORMATS
        if as_document and (not output or output == "-"):
            raise click.UsageError(f"a .{fmt} file is not written to standard output; give -o NAME.{fmt}")
        options = run.translate_options()
        # Bad input fails before a model is loaded.
        read = read_source(input_path, max_bytes=run.max_bytes, limits=run.document_limits())
        if as_document:
            from translate_sum.documents import check_output_format

            check_output_format(fmt, read.document)
        article = prepare(read.article, options)
        with opened_memory(run.memory_options()) as memory:
            translator = load_translator(run.translation_model, engine=run.engine, device=run.device, options=options, memory=memory)
            with ProgressDisplay("Translating", run.quiet) as progress:
                result = translator.translate(article, progress)
        if as_document:
            assert output is not None  # checked above
            _write_document(result, fmt, read.document, output, run.quiet)
        else:
            elements = element_report(read.document, result) if fmt == "json" and read.document else ()
            emit(render_translation(result, fmt, bilingual=bilingual, show_skipped=run.show_skipped, elements=elements), output)
        if not run.quiet:
            line = summary_line("translate", result, result.stats.seconds, show_skipped=run.show_skipped, fmt=fmt, name_option=flag_namer(FLAGS))
            click.echo(line, err=True)


SHOWN_FORMATTING_LOSSES = 10
"""Elements whose lost formatting is named on stderr; --format json lists them all."""


def _write_document(result: Any, fmt: str, document: Any, output: str, quiet: bool) -> None:
    """Write the translated .docx/.odt and say, on stderr, where inline formatting was not kept."""
    from translate_sum.documents import translated_file
    from translate_sum.writers import write_atomic

    written = translated_file(result, fmt, document)
    write_atomic(output, written.data)
    lost = [outcome for outcome in written.outcomes if outcome.formatting_lost]
    if lost and not quiet:
        click.echo(f"{len(lost)} paragraph(s) kept their text but not all their inline formatting:", err=True)
        for outcome in lost[:SHOWN_FORMATTING_LOSSES]:
            click.echo(f"  ¶{outcome.index} ({outcome.where}): {', '.join(outcome.formatting_lost)}", err=True)
        if len(lost) > SHOWN_FORMATTING_LOSSES:
            click.echo(f"  ... and {len(lost) - SHOWN_FORMATTING_LOSSES} more (--format json lists every element)", err=True)


@click.command(cls=SettingsCommand)
@INPUT
@setting_option("output")
@setting_option("brief_format")
@setting_option("with_translation")
@setting_option("bilingual", help="Append the translation with French and English side by side (implies --with-translation).")
@summary_options
@run_options
def brief(
    input_path: str,
    output: str | None,
    fmt: str | None,
    with_translation: bool,
    bilingual: bool,
    summary: SummarySettings,
    run: RunSettings,
) -> None:
    """Write a short English brief of a French article: a summary, and 3-5 key
    points, each a sentence of the translation ending with its source paragraph
    [¶N] (¶1 is the title).

    INPUT is a file (.txt, .md, .html, .docx, .odt, .pdf), - for stdin, or an
    http(s):// address. A document's paragraphs are its text-bearing elements in
    reading order (headings, paragraphs, list items, table cells, notes...).
    """
    from translate_sum.documents import element_report
    from translate_sum.pipeline import load_briefer, prepare
    from translate_sum.reader import read_source
    from translate_sum.writers import format_for_path, render_brief

    with user_errors():
        check_output(input_path, output)
        fmt = fmt or format_for_path(output, default="md")
        options = run.translate_options()
        read = read_source(input_path, max_bytes=run.max_bytes, limits=run.document_limits())
        article = prepare(read.article, options)
        with opened_memory(run.memory_options()) as memory:
            briefer = load_briefer(
                run.translation_model,
                summary.summary_model,
                summarizer=summary.summarizer,
                engine=run.engine,
                device=run.device,
                options=options,
                memory=memory,
            )
            with ProgressDisplay("Translating", run.quiet) as progress:
                result = briefer.brief_article(article, summary.length, progress)
        elements = element_report(read.document, result.translation) if fmt == "json" and read.document else ()
        text = render_brief(
            result, fmt, with_translation=with_translation or bilingual, bilingual=bilingual, show_skipped=run.show_skipped,
            elements=elements,
        )
        emit(text, output)
        if not run.quiet:
            shown = run.show_skipped and (with_translation or bilingual)  # skipped paragraphs are in the translation part
            line = summary_line("brief", result.translation, result.stats.seconds, show_skipped=shown, fmt=fmt, name_option=flag_namer(FLAGS))
            click.echo(line, err=True)
