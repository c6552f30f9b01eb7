"""translate-sum: French news articles into English, with a short English brief.

Python API (models load once; reuse the objects across calls)::

    from translate_sum import load_translator

    translator = load_translator()                 # Helsinki-NLP/opus-mt-fr-en
    result = translator.translate_file("article.txt")
    print(result.title, result.text)

    brief = load_briefer(summarizer="extractive").brief(result)
    print(brief.summary)

Importing this package is cheap: torch and transformers load with the first model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from translate_sum.version import __version__

__all__ = [
    "__version__",
    "load_translator",
    "load_briefer",
    "read_article",
    "Translator",
    "Briefer",
    "TranslateOptions",
]

if TYPE_CHECKING:
    from translate_sum.pipeline import Briefer, TranslateOptions, Translator, load_briefer, load_translator
    from translate_sum.reader import read_article

_LAZY = {
    "load_translator": "translate_sum.pipeline",
    "load_briefer": "translate_sum.pipeline",
    "Briefer": "translate_sum.pipeline",
    "Translator": "translate_sum.pipeline",
    "TranslateOptions": "translate_sum.pipeline",
    "read_article": "translate_sum.reader",
}


def __getattr__(name: str) -> Any:
    # Lazy so that `translate-sum --help` and `import translate_sum` stay instant.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'translate_sum' has no attribute {name!r}")
