"""`translate` and `brief`: one article in, its translation or its brief out.

Limits: one article per call (`batch` does folders); the models load in the
command, after the input has been read and checked.
"""

from __future__ import annotations

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
    """Translate a French article (.txt, .md, .html, - for stdin, or an http(s):// address) into English.

    Paragraphs come out in the same order and shape; nothing is dropped. A long
    paragraph is cut into pieces the model can take, never cut short. What is not
    part of the story (bylines, photo credits, "Lire aussi" links, share prompts)
    and repeated paragraphs are left untranslated (--show-skipped lists them);
    paragraphs the audit doubts are listed at the end under "Check these".
    """
    from translate_sum.pipeline import load_translator, prepare_article
    from translate_sum.reader import read_article
    from translate_sum.writers import format_for_path, render_translation

    with user_errors():
        check_output(input_path, output)
        fmt = fmt or format_for_path(output)
        options = run.translate_options()
        # Bad input fails before a model is loaded.
        article = prepare_article(read_article(input_path, max_bytes=run.max_bytes), options)
        with opened_memory(run.memory_options()) as memory:
            translator = load_translator(run.translation_model, engine=run.engine, device=run.device, options=options, memory=memory)
            with ProgressDisplay("Translating", run.quiet) as progress:
                result = translator.translate(article, progress)
        emit(render_translation(result, fmt, bilingual=bilingual, show_skipped=run.show_skipped), output)
        if not run.quiet:
            line = summary_line("translate", result, result.stats.seconds, show_skipped=run.show_skipped, fmt=fmt, name_option=flag_namer(FLAGS))
            click.echo(line, err=True)


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

    INPUT is a file (.txt, .md, .html), - for stdin, or an http(s):// address.
    """
    from translate_sum.pipeline import load_briefer, prepare_article
    from translate_sum.reader import read_article
    from translate_sum.writers import format_for_path, render_brief

    with user_errors():
        check_output(input_path, output)
        fmt = fmt or format_for_path(output, default="md")
        options = run.translate_options()
        article = prepare_article(read_article(input_path, max_bytes=run.max_bytes), options)
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
                translated = briefer.translator.translate(article, progress)
        result = briefer.brief(translated, summary.length)
        text = render_brief(
            result, fmt, with_translation=with_translation or bilingual, bilingual=bilingual, show_skipped=run.show_skipped
        )
        emit(text, output)
        if not run.quiet:
            shown = run.show_skipped and (with_translation or bilingual)  # skipped paragraphs are in the translation part
            line = summary_line("brief", result.translation, result.stats.seconds, show_skipped=shown, fmt=fmt, name_option=flag_namer(FLAGS))
            click.echo(line, err=True)
