"""The `translate-sum` command line: parse options, call the library, print.

No logic lives here. Every option is made from the settings table
(`translate_sum.settings`) by `common.setting_option`; each command lives in its own
module (`article`: translate and brief, `folder`: batch, `server`: serve, `pair`:
audit, `registry`: models, `memory`: the translation memory); `progress` is the one
progress display. Heavy imports happen inside command bodies so that `--help` never
loads torch or transformers.
Library errors (`TranslateSumError`) become one line on stderr and a non-zero exit;
no traceback reaches the user.

Limits: logging is set up once per process by the `translate-sum` group; a script
that calls the commands directly sets up its own.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from translate_sum import __version__
from translate_sum.cli.article import brief, translate
from translate_sum.cli.common import FLAGS, setting_option, user_errors
from translate_sum.cli.folder import batch
from translate_sum.cli.memory import memory
from translate_sum.cli.pair import audit
from translate_sum.cli.registry import models
from translate_sum.cli.server import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translate-sum")
@setting_option("verbose")
def main(verbose: int) -> None:
    """Translate French news articles into English and write short English briefs.

    The first run downloads the models into the Hugging Face cache; see
    `translate-sum models`.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    # Plain lines by default ("Converting X for CTranslate2..."); levels when debugging.
    fmt = "%(message)s" if verbose == 0 else "%(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr)
    if verbose < 2:
        # transformers warns about generation details users cannot change; set before
        # transformers is imported, which happens only when a model loads.
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        # trafilatura logs errors for pages we already report in one clear line.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


for _command in (translate, brief, batch, serve, audit, models, memory):
    main.add_command(_command)

__all__ = ["FLAGS", "audit", "batch", "brief", "main", "memory", "models", "serve", "translate", "user_errors"]
