"""Faithfulness audit: flags where an English translation may not match its French source."""

from translate_sum.audit.checks import check_paragraph

__all__ = ["check_paragraph"]
