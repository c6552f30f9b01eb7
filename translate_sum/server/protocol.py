"""What a request may say and what an error answers, for every route of the server.

The request bodies (`TranslateBody`, `BriefBody`, `AuditBody`: pydantic models that
are both the validation and the OpenAPI description), reading a request's fields and
uploads from JSON, a form or a plain-text body, and `ApiError`: every failure answered as `{"error": "<one line>"}`
with its status. `describe_failure` turns the library's and the service's
exceptions into those answers; a hint's setting is spelled as a request field
(`"strict": false`) or as a server option (`--max-bytes`), never as a CLI flag.

Limits: a form's empty fields count as not given; a JSON body is read strictly (no NaN or Infinity,
no number over 4,300 digits, at most 32 levels deep, no lone surrogates), and
anything that fails while reading a body is the client's 400, never a 500.
"""

from __future__ import annotations

import codecs
import json
import logging
import math
import urllib.parse
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from translate_sum.documents.container import MEDIA_TYPES
from translate_sum.errors import InputError, TranslateSumError
from translate_sum.server.service import ArticleRequest, Busy, TooSlow
from translate_sum.settings import setting

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

REQUEST_FIELDS = {
    "strict_language": "strict",
    "max_segment_tokens": "segment_tokens",
    "keep_all": "keep_all",
    "audit": "audit",
    "summarizer": "summarizer",
    "length": "length",
    "format": "format",
}
"""Library setting names (errors' hints) that a request can set, and the field that does."""

def name_option(option: str, value: str | None) -> str:
    """Spell a hint's setting for an API user: a request field, or a server option."""
    field = REQUEST_FIELDS.get(option)
    if field is not None:
        if value is None:
            return f'the "{field}" field'
        shown = value if value in ("true", "false") or value.isdigit() else json.dumps(value)
        return f'"{field}": {shown}'
    flag = "--" + option.replace("_", "-")
    return f"the server option {flag}" + (f" {value}" if value is not None else "")


class ApiError(Exception):
    """An error answered as `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        # One line whatever the client put in it (a field name, a language code).
        message = " ".join(message.splitlines())
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.message}, status_code=self.status, headers=self.headers)


_FROM_TABLE: Any = object()
"""`request_field`'s default: the setting's own default."""


def request_field(key: str, *, default: Any = _FROM_TABLE, description: str | None = None) -> Any:
    """A request field for setting `key`: its default, bounds and help from the table.

    `default` None makes the field optional where the server decides when it is not
    given (`summarizer`); `description` words it for the API when the CLI's help
    would mislead.
    """
    entry = setting(key)
    lowest, highest = entry.bounds or (None, None)
    return Field(
        entry.default if default is _FROM_TABLE else default,
        ge=lowest,
        le=highest,
        description=description or entry.help,
    )


def choice_type(key: str) -> Any:
    """The `Literal` of setting `key`'s choices: a request field's type and its OpenAPI enum."""
    choices = setting(key).choices
    if choices is None:
        raise ValueError(f"setting {key} has no list of choices")
    return Literal[choices]  # Literal[("a", "b")] is Literal["a", "b"]


ArticleFormat = choice_type("request_format")
TranslateFormat = choice_type("request_translate_format")
AuditFormat = choice_type("request_audit_format")
Summarizer = choice_type("summarizer")
Length = choice_type("length")


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TranslateBody(_Fields):
    """Options of `POST /v1/translate`; give the article as `text` or as a `file` upload
    (.txt, .md, .html, .docx, .odt or .pdf)."""

    text: str | None = Field(None, description="The French article; paragraphs separated by blank lines.")
    format: TranslateFormat = request_field("request_translate_format")
    bilingual: bool = request_field("bilingual")
    show_skipped: bool = request_field("show_skipped")
    segment_tokens: int = request_field("max_segment_tokens")
    keep_all: bool = request_field("keep_all")
    strict: bool = request_field("strict_language")
    audit: bool = request_field("audit")
    stream: bool = Field(
        False,
        description='Answer NDJSON: {"progress": {"done", "total"}} lines, then {"result": <the JSON>, '
        '"markdown": <md>, "html": <the side-by-side view>} (or {"error": ...}).',
    )
    api_key: str | None = Field(None, description="Needed when the server was started with --api-key.")

    def article_request(self) -> ArticleRequest:
        return ArticleRequest(self.segment_tokens, self.keep_all, self.strict, self.audit)


class BriefBody(TranslateBody):
    """Options of `POST /v1/brief`: those of translate, plus the summary's."""

    format: ArticleFormat = request_field("request_format")  # a brief is text: no docx/odt
    summarizer: Summarizer | None = request_field(
        "summarizer",
        default=None,
        description="abstractive: a summary model writes the summary; extractive: the best sentences "
        "of the translation. Default: abstractive when the server loaded a summary model, else extractive.",
    )
    length: Length = request_field("length")
    with_translation: bool = request_field("with_translation")

    def article_request(self) -> ArticleRequest:
        return ArticleRequest(self.segment_tokens, self.keep_all, self.strict, self.audit, self.summarizer, self.length)


class AuditBody(_Fields):
    """`POST /v1/audit`: a French `source` and its English `translation`, as text or files."""

    source: str | None = Field(None, description="The French text (or upload source_file).")
    translation: str | None = Field(None, description="The English text (or upload translation_file).")
    format: AuditFormat = request_field("request_audit_format")
    api_key: str | None = None


def _form_schema(model: type[BaseModel], files: tuple[str, ...]) -> dict[str, Any]:
    schema = model.model_json_schema()
    properties = dict(schema.get("properties", {}))
    for name in files:
        properties[name] = {"type": "string", "format": "binary", "description": f"Upload instead of the {name.split('_')[0]} text."}
    return {"type": "object", "properties": properties}


def body_doc(model: type[BaseModel], files: tuple[str, ...]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": model.model_json_schema()},
                "multipart/form-data": {"schema": _form_schema(model, files)},
                "application/x-www-form-urlencoded": {"schema": model.model_json_schema()},
            },
        }
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input; the one-line reason in `error`."},
    401: {"description": "No API key, and the server has keys (send X-API-Key or Authorization: Bearer)."},
    403: {"description": "Wrong API key."},
    408: {"description": "Request body still coming after the server's --body-timeout."},
    413: {"description": "Request body over the server's --max-bytes."},
    421: {"description": "The Host header names a host this server does not answer to (--allowed-host)."},
    503: {"description": "Queue full; retry after `Retry-After` seconds."},
    504: {"description": "The request ran past the server's time limit."},
}


@dataclass(frozen=True)
class Upload:
    """An uploaded file, or (`name` None) a text/plain request body."""

    name: str | None
    data: bytes


async def read_fields(request: Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """The request's fields (JSON object, form or query) and its uploaded files.

    A body that cannot be read is the client's error, whatever fails while reading
    it: a one-line 400 (and one log line), never a 500.
    """
    try:
        return await _read_fields(request)
    except ApiError:  # ours, with its own status (the body limits' 413 and 408 too)
        raise
    except Exception as exc:  # noqa: BLE001 - bytes from a client: no parser error is our fault
        shown = " ".join(str(exc).split())[:200]
        log.warning("refused an unreadable %s body: %s: %s", request.url.path, type(exc).__name__, shown)
        raise ApiError(400, f"cannot read the request body ({type(exc).__name__}); send JSON, a form or plain text") from None


async def _read_fields(request: Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    header = request.headers.get("content-type", "")
    content_type = header.split(";")[0].strip().lower()
    fields: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
    if content_type == "application/json":
        fields.update(parse_json_object(await request.body()))
    elif content_type == "application/x-www-form-urlencoded":
        # Read here, not by Starlette's parser: it takes bytes that are not
        # percent-encoded as Latin-1, so curl -d 'q=démission' lost its accents.
        for key, value in parse_urlencoded(await request.body(), _charset_of(header)):
            if value != "":  # an HTML form sends its empty fields: they mean "not given"
                fields[key] = value
    elif content_type == "multipart/form-data":
        try:
            form = await request.form()
        except ApiError:
            raise
        except Exception as exc:  # a malformed multipart body
            raise ApiError(400, f"cannot read the form: {exc}") from None
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                uploads[key] = Upload(value.filename or "upload", await value.read())
            elif value != "":  # an HTML form sends its empty fields: they mean "not given"
                fields[key] = value
    elif content_type in MEDIA_TYPES:
        # A document sent as the whole body (curl --data-binary @x.pdf -H 'Content-Type: application/pdf').
        uploads["file"] = Upload(f"upload.{MEDIA_TYPES[content_type]}", await request.body())
    elif content_type not in ("", "text/plain"):
        raise ApiError(415, f"unsupported content type {content_type}; send JSON, a form, a multipart upload or a document")
    elif content_type == "text/plain":
        # Kept as bytes: the reader decodes and refuses binary as it does for files.
        uploads["file"] = Upload(None, await request.body())
    return fields, uploads


def parse_urlencoded(body: bytes, charset: str = "utf-8") -> list[tuple[str, str]]:
    """The name/value pairs of a urlencoded form, in order.

    Percent-escapes and raw bytes alike are decoded in `charset` (UTF-8 unless the
    Content-Type names another): `q=d%C3%A9mission` and `q=démission` sent as UTF-8
    bytes read the same. Bytes that are not text in that charset are a 400.
    """
    try:
        known = codecs.lookup(charset)._is_text_encoding  # not rot13, zlib...
    except LookupError:
        known = False
    if not known:
        raise ApiError(400, f"unknown charset {charset[:40]!r} in Content-Type; send the form as UTF-8") from None
    pairs = []
    for item in body.split(b"&"):
        if not item:
            continue
        name, _, value = item.partition(b"=")
        pairs.append((_form_text(name, charset), _form_text(value, charset)))
    return pairs


def _form_text(raw: bytes, charset: str) -> str:
    data = urllib.parse.unquote_to_bytes(raw.replace(b"+", b" "))
    try:
        return data.decode(charset)
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"the form is not valid {charset} text ({exc.reason} at byte {exc.start}); send it as UTF-8") from None


def _charset_of(content_type: str) -> str:
    """The charset parameter of a Content-Type header, UTF-8 when absent."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


MAX_JSON_DEPTH = 32
"""Deepest nesting a JSON body may have: our fields need two levels (a list of texts)."""

MAX_INT_DIGITS = 4300
"""Longest integer a JSON body may hold: Python's own default limit for reading one."""


class _BadJson(ValueError):
    """A JSON body that parses but holds what no field can take (NaN, a huge number)."""


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A JSON body read strictly, as a dict; every refusal a one-line 400 `ApiError`.

    Beyond the grammar: no NaN or Infinity (not JSON, and no field takes them), no
    number that overflows a float or has more digits than Python converts, no
    nesting past `MAX_JSON_DEPTH`, no lone surrogate (a `\\ud800` escape is valid JSON
    but not text). Each would otherwise fail later, as a 500, in code that trusts
    its strings and numbers.
    """
    if not body.strip():
        return {}
    try:
        data = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise ApiError(400, "Invalid JSON format: nested too deeply") from None
    except _BadJson as exc:
        raise ApiError(400, f"Invalid JSON format: {exc}") from None
    except ValueError:  # the grammar, or bytes that are not UTF-8/16/32
        raise ApiError(400, "Invalid JSON format") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON format")
    _check_json_values(data)
    return data


def _refuse_constant(name: str) -> Any:
    raise _BadJson(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadJson(f"the number {text[:20]} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadJson(f"a number has {len(text):,} digits")
    return int(text)


def _check_json_values(data: dict[str, Any]) -> None:
    """Refuse nesting past MAX_JSON_DEPTH and lone surrogates, naming the top-level field."""
    for field, value in data.items():
        stack: list[tuple[Any, int]] = [(field, 1), (value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > MAX_JSON_DEPTH:
                raise ApiError(400, f"Invalid JSON format: '{_shown(field)}' is nested more than {MAX_JSON_DEPTH} deep")
            if isinstance(item, str) and not _is_text(item):
                raise ApiError(400, f"Invalid JSON format: '{_shown(field)}' holds a lone surrogate (a \\ud800-\\udfff escape), which is not text; send UTF-8")
            if isinstance(item, dict):
                stack.extend((part, depth + 1) for pair in item.items() for part in pair)
            elif isinstance(item, list):
                stack.extend((part, depth + 1) for part in item)


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """A field name safe to put in a one-line answer: escaped (controls, surrogates), at most 40 characters."""
    return name.encode("unicode_escape").decode("ascii")[:40]


def validate(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    """`fields` checked against `model`; the first problem as a one-line 400."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        if first.get("type") == "extra_forbidden":
            raise ApiError(400, f"unknown field '{where}'; see /docs for the fields") from None
        raise ApiError(400, f"invalid '{where}': {first.get('msg', 'bad value')}") from None


def describe_failure(exc: BaseException) -> ApiError:
    """The ApiError a failed piece of work is answered with (one line, no traceback)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, Busy):
        return ApiError(
            503,
            "the server is busy: its queue is full; retry in a few seconds",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, TooSlow):
        return ApiError(504, "the request ran past the server's time limit; send a shorter article, or ask the operator to raise --request-timeout")
    if isinstance(exc, InputError):
        return ApiError(400, exc.describe(name_option))
    if isinstance(exc, TranslateSumError):
        return ApiError(500, exc.describe(name_option))
    log.error("request failed", exc_info=exc)
    return ApiError(500, f"internal error ({type(exc).__name__}); the server log has the details")
