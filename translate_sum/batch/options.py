"""What a folder run is asked to do: its settings, and the models it names.

`ModelSpec` names the models as the user gave them and knows how to load them, so
the CLI only parses and a Ray worker can load the same models from the same spec.

Limits: a spec names models; whether they exist is found when they are loaded
(`resolve_model` raises with the choices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

from translate_sum.batch.discover import DEFAULT_PATTERNS
from translate_sum.document import Brief, TranslatedArticle
from translate_sum.feeds.items import FeedOptions
from translate_sum.options import (
    DEFAULT_BATCH_FORMAT,
    DEFAULT_DEVICE,
    DEFAULT_ENGINE,
    DEFAULT_LENGTH,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_PARAGRAPHS,
    DEFAULT_MAX_UNPACKED_BYTES,
    DEFAULT_SUMMARIZER,
    TranslateOptions,
    default_of,
)
from translate_sum.pipeline import Translator

if TYPE_CHECKING:
    from translate_sum.documents import DocumentLimits
    from translate_sum.memory import Memory

GROUP_SIZE = 8
"""Articles per `translate_many` call: enough segments to keep the engine's batches
full, few enough that finished outputs appear often and an interrupt loses little."""

GROUP_BYTES = 24_000
"""Input bytes per group, besides `GROUP_SIZE`: about four news articles of text, or
three to four of the engine's 2,048-token batches; a long article or a large page
goes alone. An article is written when its group is done, so this bounds what an
interrupt loses and how long the first output takes."""


class BriefMaker(Protocol):
    """What a folder run needs to brief an article (pipeline.Briefer is one)."""

    def brief(self, translated: TranslatedArticle, length: str = "medium") -> Brief:
        ...


Models = tuple[Translator, "BriefMaker | None"]
ModelLoader = Callable[[], Models]
"""Loads the translator and briefer; called only when some article needs them."""


@dataclass(frozen=True)
class BatchOptions:
    """Settings of a folder run, carried together."""

    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    recursive: bool = default_of("recursive")
    translate_only: bool = default_of("translate_only")
    force: bool = default_of("force")
    fmt: str = DEFAULT_BATCH_FORMAT  # one of BATCH_FORMATS: md, json or html
    length: str = DEFAULT_LENGTH
    show_skipped: bool = default_of("show_skipped")  # list skipped paragraphs (furniture, duplicates) in translations
    summarizer: str = DEFAULT_SUMMARIZER  # recorded in the options fingerprint only
    group_size: int = GROUP_SIZE
    group_bytes: int = GROUP_BYTES
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES  # bounds on a Word, OpenDocument or PDF input
    max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES
    # The models (as the user named them) and translation settings the outputs come
    # from. Needed when models load lazily (`run_batch(load=...)`); None takes them
    # from the loaded translator and briefer.
    models: dict[str, str] | None = None
    translate_options: TranslateOptions | None = None
    # How the report spells a setting that an error's hint names: the CLI gives its
    # flags (field -> flag) so report.json says `--max-bytes`; None: the field names.
    flag_names: dict[str, str] | None = None
    # When INPUT follows feeds: `since` and politeness (None: FeedOptions' defaults).
    # The run's own `max_bytes` and `force` win over the ones given here.
    feeds: FeedOptions | None = None

    def document_limits(self) -> "DocumentLimits":
        """The bounds on a document input, from the fields of the same names."""
        from translate_sum.documents import DocumentLimits

        return DocumentLimits(self.max_bytes, self.max_pages, self.max_paragraphs, self.max_unpacked_bytes)


@dataclass(frozen=True)
class ModelSpec:
    """The models of a run as the user named them (None: the registry's default).

    `names()` goes into the options fingerprint without loading anything, so a rerun
    with nothing left to do never loads a model; `load()` loads them.
    """

    translation_model: str | None = None
    summary_model: str | None = None
    summarizer: str = DEFAULT_SUMMARIZER  # or "extractive": no summary model
    translate_only: bool = default_of("translate_only")  # no briefer at all
    engine: str = DEFAULT_ENGINE
    device: str = DEFAULT_DEVICE
    options: TranslateOptions = field(default_factory=TranslateOptions)
    threads: int | None = None  # engine CPU threads; None: every core (a Ray worker sets its share)

    def names(self) -> dict[str, str]:
        """The models by role, as the report and the fingerprint name them."""
        from translate_sum.models import default_model

        names = {"translation": self.translation_model or default_model("translation")}
        if not self.translate_only:
            if self.summarizer == "extractive":
                names["summary"] = "extractive"
            else:
                names["summary"] = self.summary_model or default_model("summary")
        return names

    def check_local(self) -> None:
        """Refuse, before the output folder is made, a model named as a directory that is not one.

        Loading waits until some article needs it (`names`); a mistyped directory
        should not wait that long, nor leave an empty output folder behind.
        """
        from translate_sum.models import check_local_model

        for role, name in self.names().items():
            if name != "extractive":
                check_local_model(name, role)

    def load(self, memory: Memory | None = None) -> Models:
        """Load the translator and, unless translate-only, the briefer; with `memory`,
        translations are looked up there first (`memory.open_memory`)."""
        from translate_sum.pipeline import load_briefer, load_translator

        engine = {"engine": self.engine, "device": self.device, "options": self.options, "threads": self.threads, "memory": memory}
        if self.translate_only:
            return load_translator(self.translation_model, **engine), None
        briefer = load_briefer(self.translation_model, self.summary_model, summarizer=self.summarizer, **engine)
        return briefer.translator, briefer
