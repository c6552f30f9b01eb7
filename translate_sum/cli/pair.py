"""`audit`: check any English translation against its French source; no model.

Limits: the exit status carries the verdict (0 clean, 1 flagged), so an audit that
cannot run exits 2, not 1.
"""

from __future__ import annotations

import sys

import click

from translate_sum.cli.common import SettingsCommand, check_output, describe, document_limits, emit, setting_option
from translate_sum.errors import TranslateSumError


class AuditFailed(click.ClickException):
    """An audit that could not run: exit 2, so that 1 keeps meaning 'something was flagged'."""

    exit_code = 2


@click.command(cls=SettingsCommand)
@click.argument("source", type=click.Path(dir_okay=True, allow_dash=True))
@click.argument("translation", type=click.Path(dir_okay=True, allow_dash=True))
@setting_option("audit_format")
@setting_option("output", help="Write the report here instead of stdout.")
@setting_option("max_bytes", help="Refuse files larger than this.")
@setting_option("max_pages")
@setting_option("max_paragraphs")
@setting_option("max_unpacked_bytes")
def audit(
    source: str,
    translation: str,
    fmt: str | None,
    output: str | None,
    max_bytes: int,
    max_pages: int,
    max_paragraphs: int,
    max_unpacked_bytes: int,
) -> None:
    """Audit any English TRANSLATION of a French SOURCE, paragraph by paragraph.

    Flags numbers, dates and names missing or changed, words repeated in a loop,
    a length out of line, French left untranslated, and paragraphs that do not
    pair up one for one.
    Both files are read like `translate` reads its input (encodings, paragraphs;
    either may be a .docx, .odt or .pdf, whose paragraphs are its text-bearing
    elements in reading order). Needs no model.

    \b
    Exit status: 0 nothing flagged, 1 something flagged, 2 error.
    """
    # Imported here so --help stays instant; the audit never imports torch.
    from translate_sum.audit import report_to_dict, report_to_markdown
    from translate_sum.audit.furniture import audit_article
    from translate_sum.reader import read_article
    from translate_sum.writers import format_for_path, to_json, without_check_section

    try:
        if source == "-" and translation == "-":
            raise click.UsageError("only one of SOURCE and TRANSLATION can be - (stdin)")
        check_output(source, output)
        check_output(translation, output)
        limits = document_limits(max_bytes, max_pages, max_paragraphs, max_unpacked_bytes)
        french = read_article(source, max_bytes=max_bytes, limits=limits)
        english = without_check_section([p.source for p in read_article(translation, max_bytes=max_bytes, limits=limits).paragraphs])
        report = audit_article(french, english)  # furniture that translate skips is not expected in English
        fmt = fmt or format_for_path(output, default="md")
        emit(to_json(report_to_dict(report)) if fmt == "json" else report_to_markdown(report), output)
    except TranslateSumError as exc:
        raise AuditFailed(describe(exc)) from exc
    sys.exit(1 if report.flagged else 0)
