"""What a previous run finished, so a rerun skips it: the options fingerprint and hashes.

An input is skipped when the previous run recorded it done (or skipped) with the same
bytes (sha256) and the same options, and its outputs are still there.

Limits: the state is the previous run's report.json, read whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from translate_sum.batch.discover import REPORT_NAME
from translate_sum.batch.options import BatchOptions, BriefMaker
from translate_sum.pipeline import TranslateOptions, Translator

log = logging.getLogger(__name__)


def options_fingerprint(
    options: BatchOptions, translator: Translator | None = None, briefer: BriefMaker | None = None
) -> dict[str, Any]:
    """What, besides the input bytes, decides an article's outputs.

    Models are named as the user gave them (a Hub id or a folder). The engine and
    device are left out on purpose: they change speed, not what a rerun should redo.
    A change here makes a rerun redo every article.
    """
    if options.models is not None:
        models = dict(options.models)
    elif translator is not None:
        models = dict(translator.models)
        if briefer is not None and not options.translate_only:
            models.update(getattr(briefer, "models", None) or {})
    else:
        raise ValueError("options.models must name the models when they load lazily")
    data: dict[str, Any] = {
        "models": models,
        "translation": dataclasses.asdict(translate_options(options, translator)),
        "format": options.fmt,
        "translate_only": options.translate_only,
        "show_skipped": options.show_skipped,
    }
    if not options.translate_only:
        data["length"] = options.length
        data["summarizer"] = options.summarizer
    return data


def translate_options(options: BatchOptions, translator: Translator | None) -> TranslateOptions:
    """The translation settings of a run: given, else the loaded translator's."""
    if options.translate_options is not None:
        return options.translate_options
    return translator.options if translator is not None else TranslateOptions()


def load_previous(output_dir: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The previous run's options and its articles by input path; empty when unusable."""
    path = output_dir / REPORT_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = {a["input"]: a for a in data["articles"] if isinstance(a, dict) and "input" in a}
        return dict(data.get("options") or {}), articles
    except FileNotFoundError:
        return {}, {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s cannot be read (%s); every article will be redone", path, exc)
        return {}, {}


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
