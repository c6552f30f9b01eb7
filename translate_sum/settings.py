"""Every setting a user can choose, declared once: `SETTINGS`.

Each `Setting` says its library field name, type, default, allowed values (one
constant per list of choices: `ENGINES`, `DEVICES`, `SUMMARIZERS`, `LENGTHS`, the
formats of each command...), environment variable, help in plain words and its
flag spelling. Everything else is built from it:

- the CLI's options: `translate_sum.cli.common.setting_option(key)`;
- the server's request fields: `translate_sum.server.protocol.request_field(key)`
  and `choice_type(key)` for their `Literal` types;
- the option dataclasses' defaults (`translate_sum.options`, `batch.options`,
  `server.service.ServiceLimits`): the constants below or `default_of(key)`;
- the environment variables the library reads: `envvar_of(key)` names them.

Adding a setting: add one `Setting` to `_TABLE` (its key is its field name unless two
commands need different choices or defaults, like the formats), then use
`setting_option(key)` in the command and, if requests may set it,
`request_field(key)` in the request model. `tests/test_settings.py` fails on a flag
or field declared with a default or choices of its own.

Importing this module is cheap and has no side effects: it imports nothing of the
project or of a model library, and never reads the environment (the modules that
read a variable ask `envvar_of` for its name).

Limits: help is English only; a setting that two surfaces word differently (a file
limit on the command line, a body limit on the server) keeps one default and set of
choices, and the surface may pass its own help text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

ENGINES = ("auto", "transformers", "ctranslate2")
"""Inference engines; "auto" picks CTranslate2 when it is installed."""
DEFAULT_ENGINE = "auto"

DEVICES = ("auto", "cpu", "cuda")
"""Where models run; "auto" uses a CUDA GPU when the engine sees one."""
DEFAULT_DEVICE = "auto"

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32")
"""CTranslate2 weight types; the default is int8 on CPU and float16 on CUDA."""

DEFAULT_MAX_BYTES = 5_000_000
"""Input files larger than this are refused before anything is read into memory."""

DEFAULT_MAX_PAGES = 300
"""PDFs with more pages are refused before their text is read."""
DEFAULT_MAX_PARAGRAPHS = 10_000
"""Documents with more text-bearing elements (paragraphs, cells, notes...) are refused."""
DEFAULT_MAX_UNPACKED_BYTES = 200_000_000
"""A Word or OpenDocument file whose parts unpack to more than this is refused (a zip bomb)."""

DEFAULT_SEGMENT_TOKENS = 128
"""OPUS-MT models were trained on single sentences: long multi-sentence inputs make
them drop sentences. Short sentences are still packed together up to this budget."""
SEGMENT_TOKENS_RANGE = (8, 1024)
"""Smallest and largest segment budget a user may ask for (the model's limit still caps it)."""

SUMMARIZERS = ("abstractive", "extractive")
"""abstractive: a summary model writes the summary; extractive: the best sentences."""
DEFAULT_SUMMARIZER = "abstractive"

LENGTHS = ("short", "medium", "long")
"""Summary lengths."""
DEFAULT_LENGTH = "medium"

ARTICLE_FORMATS = ("txt", "md", "json", "html")
"""Formats of one translated article or brief (`translate`, `brief`, `/v1/translate`, `/v1/brief`)."""
DOCUMENT_FORMATS = ("docx", "odt")
"""The translated document itself: a Word or OpenDocument file written back (a PDF's
translation, or a text's, goes out as a new .docx)."""
TRANSLATE_FORMATS = ARTICLE_FORMATS + DOCUMENT_FORMATS
"""Formats of a translation (`translate`, `/v1/translate`): an article's, or a document's."""
BATCH_FORMATS = ("md", "json", "html")
"""Formats of a folder run's outputs (`batch`)."""
DEFAULT_BATCH_FORMAT = "md"
AUDIT_FORMATS = ("md", "json")
"""Formats of an audit report (`audit`, `/v1/audit`)."""
DEFAULT_API_FORMAT = "json"
"""What the server answers when a request names no format: the CLI's JSON document."""

DEFAULT_QUEUE_SIZE = 64
"""Requests the server works on or holds at once; more are refused with 503."""
DEFAULT_REQUEST_TIMEOUT = 300.0
"""Seconds one request may take on the server (504 after)."""
DEFAULT_MEMORY_MAX_MB = 512
"""The translation memory's size bound: about 1.5 million segments of news (a segment
and its translation weigh ~350 bytes with their index entries), years of a newsroom's
wires, a small share of a disk."""
MEMORY_MAX_MB_RANGE = (1, 1_000_000)
"""Smallest and largest memory bound a user may ask for, in MB."""

DEFAULT_BODY_TIMEOUT = 30.0
"""Seconds a client has to send a request's whole body (408 after); nginx's
client_body_timeout is per read, which a byte every few seconds defeats."""


@dataclass(frozen=True)
class Setting:
    """One setting: what it is called, what it may be, and how a user gives it.

    `flags` is the command-line spelling as click takes it (``("-q", "--quiet")``,
    ``("--audit/--no-audit",)``); None means `--` plus the name dashed, and empty a
    setting no command-line flag sets (a request field, an environment variable). `bounds` is (smallest, largest) for numbers, either None for no bound.
    `path` is "file" or "folder" when the value names one. `multiple`, `count` and
    `flag_value` are click's meanings (repeatable; -vv counts; `--ray` alone).
    `expert` marks a setting most users never need (models, engines, limits, tuning):
    `--help` lists it apart, under "Expert options". `help` is for a reader who knows
    news, not machine translation: plain words, any term of the trade explained.
    """

    key: str
    type: type
    default: Any
    help: str
    name: str = ""  # the library's field name; "" means the same as `key`
    choices: tuple[str, ...] | None = None
    envvar: str | None = None
    flags: tuple[str, ...] | None = None
    bounds: tuple[float | None, float | None] | None = None
    metavar: str | None = None
    path: str | None = None
    multiple: bool = False
    count: bool = False
    flag_value: str | None = None
    expert: bool = False

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key)
        if self.flags is None:
            object.__setattr__(self, "flags", ("--" + self.name.replace("_", "-"),))
        if self.choices is not None and self.default is not None and self.default not in self.choices:
            raise ValueError(f"setting {self.key}: default {self.default!r} is not one of {self.choices}")

    @property
    def spelling(self) -> str:
        """How a user reads the flag in a message: ``-o/--output``, ``--segment-tokens``."""
        return "/".join(flag.split("/")[0] for flag in self.flags or ())


def _env(name: str) -> str:
    return "TRANSLATE_SUM_" + name


def _table(*settings: Setting) -> dict[str, Setting]:
    table: dict[str, Setting] = {}
    for setting in settings:
        if setting.key in table:
            raise ValueError(f"setting {setting.key} is declared twice")
        table[setting.key] = setting
    return table


_TABLE = _table(
    # Logging (the `translate-sum` group).
    Setting(
        "verbose", int, 0, "Say more about what is going on, on stderr (-vv: every detail, for a bug report).",
        flags=("-v", "--verbose"), count=True,
    ),
    # The models and where they run.
    Setting(
        "translation_model",
        str,
        None,
        "The translation model: its name on the Hugging Face Hub, or a folder holding one. "
        "Default: the first translation model of models.txt (Helsinki-NLP/opus-mt-fr-en).",
        envvar=_env("TRANSLATION_MODEL"),
        metavar="ID|DIR",
        expert=True,
    ),
    Setting(
        "summary_model",
        str,
        None,
        "The model that writes summaries: its name on the Hugging Face Hub, or a folder holding one. "
        "Default: the first summary model of models.txt (sshleifer/distilbart-cnn-12-6).",
        envvar=_env("SUMMARY_MODEL"),
        metavar="ID|DIR",
        expert=True,
    ),
    Setting(
        "engine", str, DEFAULT_ENGINE,
        "The software that runs the models: ctranslate2 is faster and lighter, transformers runs "
        "any model as published; auto: ctranslate2 when it is installed.",
        choices=ENGINES, envvar=_env("ENGINE"), expert=True,
    ),
    Setting(
        "device", str, DEFAULT_DEVICE,
        "Which chip runs the models: cpu (the processor), or cuda (an NVIDIA graphics card, much "
        "faster); auto: the graphics card when there is one.",
        choices=DEVICES, envvar=_env("DEVICE"), expert=True,
    ),
    Setting(
        "quantization", str, None,
        "How finely the model's numbers are stored: int8 is smaller and faster, float32 the most exact. "
        "Default: int8 on a processor, float16 on a graphics card.",
        choices=QUANTIZATIONS, expert=True,
    ),
    # How an article is read and translated (`TranslateOptions` and the reader).
    Setting(
        "max_segment_tokens", int, DEFAULT_SEGMENT_TOKENS,
        "Long paragraphs are cut into pieces of at most this many tokens (word pieces: a short "
        "word is one, a long word two or three) before translation. Larger pieces can make the "
        "model leave sentences out. The model's own limit caps it.",
        flags=("--segment-tokens",), bounds=SEGMENT_TOKENS_RANGE, expert=True,
    ),
    Setting(
        "max_bytes", int, DEFAULT_MAX_BYTES,
        "Refuse an input larger than this many bytes, before reading it (the default is far more than any article).",
        envvar=_env("MAX_BYTES"), bounds=(1, None), expert=True,
    ),
    # Word, OpenDocument and PDF files: bounds besides max_bytes (expert options).
    Setting("max_pages", int, DEFAULT_MAX_PAGES, "Refuse PDFs with more pages than this.", bounds=(1, None), expert=True),
    Setting(
        "max_paragraphs", int, DEFAULT_MAX_PARAGRAPHS,
        "Refuse Word, OpenDocument and PDF files with more paragraphs (headings, cells, notes...) than this.",
        bounds=(1, None), expert=True,
    ),
    Setting(
        "max_unpacked_bytes", int, DEFAULT_MAX_UNPACKED_BYTES,
        "Refuse Word and OpenDocument files whose parts unpack to more than this (a zip bomb).",
        bounds=(1, None), expert=True,
    ),
    Setting(
        "keep_all", bool, False,
        "Translate every paragraph, even those normally left out as not part of the story "
        "(bylines, photo credits, \"Lire aussi\" links, share prompts) and repeated paragraphs.",
        expert=True,
    ),
    Setting(
        "strict_language", bool, False,
        "Stop with an error when the text is already in English, instead of passing it through "
        "untranslated with a note (for scripts that must not publish English as a translation).",
        flags=("--strict",), expert=True,
    ),
    Setting(
        "audit", bool, True,
        "Check each translated paragraph against the French: numbers, names, words repeated in "
        "a loop, a length out of line, French left untranslated. Doubtful paragraphs are listed "
        "to check, and one stuck in a loop is translated again more carefully.",
        flags=("--audit/--no-audit",),
    ),
    Setting(
        "show_skipped", bool, False,
        "Also show, in txt and md output, the paragraphs left untranslated as not part of the story "
        "(bylines, photo credits, \"Lire aussi\" links, repeats), each with the reason.",
    ),
    Setting(
        "quiet", bool, False,
        "No progress bar, no summary line and no download/conversion notices on stderr (warnings still show).",
        flags=("-q", "--quiet"),
    ),
    # Briefs.
    Setting(
        "summarizer", str, DEFAULT_SUMMARIZER,
        "How the summary is made. abstractive: a summary model writes it in its own words; "
        "extractive: the translation's most telling sentences, quoted as they are (no summary model needed).",
        choices=SUMMARIZERS,
    ),
    Setting(
        "length", str, DEFAULT_LENGTH,
        "Summary length. Extractive: short 1-2 sentences, medium 2-4 (about "
        "60-120 words), long 3-5. Abstractive: 0.6x, 1x, 1.5x the model's own length.",
        choices=LENGTHS,
    ),
    # What is written, and where.
    Setting("output", str, None, "Write to this file instead of the screen (stdout).", flags=("-o", "--output"), path="file"),
    Setting(
        "translate_format", str, None,
        "Output format; html: one self-contained page, French and English side by side; "
        "docx/odt: the Word or OpenDocument input written back in English (docx also from "
        "a PDF or a text: a new document), needs -o. Default: from the -o extension, else txt.",
        name="fmt", choices=TRANSLATE_FORMATS, flags=("--format",),
    ),
    Setting(
        "brief_format", str, None,
        "Output format; html: one self-contained page with the brief, then French and English "
        "side by side. Default: from the -o extension, else md.",
        name="fmt", choices=ARTICLE_FORMATS, flags=("--format",),
    ),
    Setting(
        "audit_format", str, None, "Report format. Default: from the -o extension, else md.",
        name="fmt", choices=AUDIT_FORMATS, flags=("--format",),
    ),
    Setting("bilingual", bool, False, "txt/md: each French paragraph followed by its English translation."),
    Setting("with_translation", bool, False, "Append the full English translation."),
    # Folder runs (`batch`).
    Setting(
        "output_dir", Path, None, "Folder for the outputs, report.json and index.md (created if missing).",
        flags=("-o", "--output-dir"), path="folder",
    ),
    Setting(
        "patterns", str, (),
        "Which files to read, matched on the file name (repeatable). "
        "Default: *.txt *.md *.html *.htm *.docx *.odt *.pdf.",
        flags=("--glob",), metavar="PATTERN", multiple=True,
    ),
    Setting("recursive", bool, True, "Read subfolders too.", flags=("--recursive/--no-recursive",)),
    Setting("translate_only", bool, False, "Write only the translations; no summary model is loaded."),
    Setting("force", bool, False, "Redo every article, even those already done with the same input and options."),
    Setting(
        "since", str, None,
        "Feeds only: leave out items published before DATE (2024-05-01, 2024-05-01T08:00+02:00; UTC when "
        "no zone is given) or more than AGE ago (90m, 24h, 7d, 2w). Items left out are not marked seen.",
        metavar="DATE|AGE",
    ),
    Setting(
        "batch_format", str, DEFAULT_BATCH_FORMAT,
        "md: name.en.md and name.brief.md; json: name.en.json and name.brief.json; "
        "html: name.en.html and name.brief.html (side-by-side pages) and index.html linking them.",
        name="fmt", choices=BATCH_FORMATS, flags=("--format",),
    ),
    Setting(
        "ray_address", str, None,
        "Spread the work over several machines with Ray (a tool that runs one job on a group "
        "of machines, a cluster). Alone: join the Ray started on this machine with `ray start`, "
        "else start one; auto or ray://HOST:PORT: join that cluster. Every machine must see INPUT "
        "and the output folder at the same paths. Put it last, or write --ray=ADDRESS.",
        flags=("--ray",), metavar="[ADDRESS]", flag_value="local", expert=True,
    ),
    Setting(
        "workers", int, None,
        "With --ray: at most this many workers (each a copy of the models at work). Default: "
        "as many as the cluster's processors (or graphics cards) allow.",
        bounds=(1, None), expert=True,
    ),
    Setting(
        "cpus_per_worker", int, 1,
        "With --ray: processor cores given to each worker (more: fewer workers, less memory).",
        bounds=(1, None), expert=True,
    ),
    # The translation memory (`memory.MemoryOptions`).
    Setting(
        "memory", Path, None,
        "The translation memory: a file where every translated sentence is kept, so that a "
        "sentence seen before (the same wire in another outlet, a rerun) is not translated again. "
        "Default: memory.sqlite3 in the user cache (translate-sum/).",
        envvar=_env("MEMORY"), metavar="PATH", expert=True,
    ),
    Setting(
        "no_memory", bool, False,
        "Translate everything afresh: neither read nor fill the translation memory "
        "(the words come out the same either way).",
        envvar=_env("NO_MEMORY"), expert=True,
    ),
    Setting(
        "memory_max_mb", int, DEFAULT_MEMORY_MAX_MB,
        "The translation memory's size in megabytes; past it, the sentences used least recently are forgotten.",
        envvar=_env("MEMORY_MAX_MB"), bounds=MEMORY_MAX_MB_RANGE, metavar="MB", expert=True,
    ),
    # The server (`serve`) and what a request may ask for.
    Setting("host", str, "127.0.0.1", "Address to listen on; 0.0.0.0 opens it to the network."),
    Setting("port", int, 8000, "Port to listen on (0: any free port).", bounds=(0, 65535)),
    Setting(
        "api_keys", str, (),
        "Accept only requests carrying this key (repeatable; the variable takes several, "
        "space-separated). Default: no key needed.",
        flags=("--api-key",), envvar=_env("API_KEYS"), multiple=True,
    ),
    Setting(
        "metrics_keys", str, (),
        "/metrics takes this key instead of the API keys: give it to Prometheus as its bearer "
        "token; it cannot translate (repeatable; the variable takes several, space-separated).",
        flags=("--metrics-key",), envvar=_env("METRICS_KEYS"), multiple=True, expert=True,
    ),
    Setting(
        "cors_origins", str, (),
        "Let web pages served from ORIGIN (https://site.example) call the API from a browser (repeatable). Default: none.",
        flags=("--cors",), metavar="ORIGIN", multiple=True, expert=True,
    ),
    Setting(
        "allowed_hosts", str, (),
        "A host name clients may use (the Host header), e.g. a proxy's public name (repeatable; * for any). "
        "Default: localhost, 127.0.0.1 and [::1] when listening on loopback, any name otherwise.",
        flags=("--allowed-host",), metavar="NAME", multiple=True, expert=True,
    ),
    Setting(
        "queue_size", int, DEFAULT_QUEUE_SIZE,
        "Requests worked on or waiting at once; more are refused (503, try again later).",
        bounds=(1, None), expert=True,
    ),
    Setting(
        "request_timeout", float, DEFAULT_REQUEST_TIMEOUT, "Seconds one request may take (504 after).",
        bounds=(1, None), expert=True,
    ),
    Setting(
        "body_timeout", float, DEFAULT_BODY_TIMEOUT, "Seconds a client may take to send a request body (408 after).",
        bounds=(1, None), expert=True,
    ),
    Setting("request_format", str, DEFAULT_API_FORMAT, "Answer format, as the CLI's --format.", name="format", choices=ARTICLE_FORMATS, flags=()),
    Setting(
        "request_translate_format", str, DEFAULT_API_FORMAT,
        "Answer format, as the CLI's --format; docx/odt: the uploaded Word or OpenDocument file "
        "in English (docx also from a PDF or a text), as a download.",
        name="format", choices=TRANSLATE_FORMATS, flags=(),
    ),
    Setting("request_audit_format", str, DEFAULT_API_FORMAT, "Report format.", name="format", choices=AUDIT_FORMATS, flags=()),
    # Read from the environment only.
    Setting(
        "ct2_cache", Path, None,
        "Folder for models converted for CTranslate2. Default: the user cache (translate-sum/ct2).",
        envvar=_env("CT2_CACHE"), flags=(),
    ),
    Setting(
        "keep_freed_memory", bool, True,
        "0: leave malloc as it is instead of keeping freed blocks for the next decoding step (Linux).",
        envvar=_env("KEEP_FREED_MEMORY"), flags=(),
    ),
)

SETTINGS: Mapping[str, Setting] = _TABLE
"""Every setting by key."""


def setting(key: str) -> Setting:
    """The setting called `key`; a KeyError lists the keys when there is none."""
    try:
        return SETTINGS[key]
    except KeyError:
        raise KeyError(f"no setting {key!r}; the settings are {', '.join(SETTINGS)}") from None


def default_of(key: str) -> Any:
    """The default of setting `key` (for the option dataclasses' fields)."""
    return setting(key).default


def envvar_of(key: str) -> str:
    """The environment variable that sets `key`; a ValueError when it has none."""
    name = setting(key).envvar
    if name is None:
        raise ValueError(f"setting {key} has no environment variable")
    return name


def flag_spellings() -> dict[str, str]:
    """Library field name -> flag, where the flag is not `--` plus the name dashed.

    For the CLI's `flag_namer`: a hint naming ``strict_language`` reads ``--strict``.
    """
    spellings: dict[str, str] = {}
    for entry in SETTINGS.values():
        if entry.flags and entry.spelling != "--" + entry.name.replace("_", "-"):
            spellings.setdefault(entry.name, entry.spelling)
    return spellings


__all__ = [
    "ARTICLE_FORMATS",
    "AUDIT_FORMATS",
    "BATCH_FORMATS",
    "DEFAULT_API_FORMAT",
    "DEFAULT_BATCH_FORMAT",
    "DEFAULT_DEVICE",
    "DEFAULT_ENGINE",
    "DEFAULT_LENGTH",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_PARAGRAPHS",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "DEFAULT_MEMORY_MAX_MB",
    "DEFAULT_QUEUE_SIZE",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_SEGMENT_TOKENS",
    "DEFAULT_SUMMARIZER",
    "DEVICES",
    "DOCUMENT_FORMATS",
    "ENGINES",
    "LENGTHS",
    "MEMORY_MAX_MB_RANGE",
    "QUANTIZATIONS",
    "SEGMENT_TOKENS_RANGE",
    "SETTINGS",
    "SUMMARIZERS",
    "TRANSLATE_FORMATS",
    "Setting",
    "default_of",
    "envvar_of",
    "flag_spellings",
    "setting",
]
