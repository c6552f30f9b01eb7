"""Faithfulness audit: flags where an English translation may not match its French source.

Pure Python (no model, no torch): checks numbers, names, repetition loops, length and
French left untranslated, paragraph by paragraph. Each check states its limits in
its module docstring; the rules are calibrated by benchmarks/calibrate_audit.py.
"""

from translate_sum.audit.checks import CHECKS, check_paragraph
from translate_sum.audit.report import (
    AuditReport,
    ParagraphAudit,
    audit_texts,
    flag_summary,
    report_to_dict,
    report_to_markdown,
    split_paragraphs,
)

__all__ = [
    "CHECKS",
    "AuditReport",
    "ParagraphAudit",
    "audit_texts",
    "check_paragraph",
    "flag_summary",
    "report_to_dict",
    "report_to_markdown",
    "split_paragraphs",
]
