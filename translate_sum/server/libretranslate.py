"""LibreTranslate-compatible routes, so clients written for LibreTranslate work unchanged.

`POST /translate` (`q` a string or a list, `source` fr or auto, `target` en, `format`
text or html, optional `api_key`; JSON or form body) answers `{"translatedText": ...}`
(plus `detectedLanguage` with `source: auto`); `GET /languages`; `POST /detect`;
`GET /frontend/settings`, which lists the file formats `/translate_file` takes
(`files.py`: Word, OpenDocument, PDF, text, Markdown, HTML). Errors are `{"error": ...}` with LibreTranslate's statuses
and wording: 400 for a missing parameter or an unsupported language or format, 400
for a missing API key and 403 for a wrong one, 503 when the queue is full.

Limits: only French to English; `alternatives` are accepted and answered empty (we
decode one hypothesis); `format: html` translates each text node on its own, so a
sentence split by inline tags (`<b>`) is translated in pieces, as in LibreTranslate,
control characters that an HTML tree cannot hold (U+0001...) are refused (400), and
so is markup nested more than 2,048 elements deep (the HTML parser's limit);
suggestions are not offered; each `q` is read as
an article, so its paragraphs (blank-line separated) are kept but a hard-wrapped
paragraph comes back as one line.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from translate_sum.server.access import Keys
from translate_sum.server.jobs import run_job
from translate_sum.server.protocol import ApiError, read_fields
from translate_sum.server.service import Service

LANGUAGES = {"fr": "French", "en": "English"}
PAIRS = {"fr": ["en"], "en": []}
"""What LibreTranslate's /languages lists: each language and the targets it reaches."""

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters no XML or lxml tree may hold: C0 controls but tab and newlines, U+FFFE, U+FFFF."""

FILE_FORMATS = (".txt", ".md", ".html", ".htm", ".docx", ".odt", ".pdf")
"""What `/translate_file` takes (`files.py`), as `/frontend/settings` lists them."""

SKIPPED_TAGS = frozenset({"script", "style", "code", "pre", "noscript", "template"})
"""Elements whose text is not prose: left as they are in `format: html`."""


def missing_parameter(name: str) -> ApiError:
    return ApiError(400, f"Invalid request: missing {name} parameter")


def _text_field(fields: dict[str, Any], name: str) -> str | None:
    """A field that must be a string when given (`source`, `target`, `format`)."""
    value = fields.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, f"Invalid request: {name} must be a string")
    return value


def check_markup(texts: list[str]) -> None:
    """Refuse characters HTML's tree cannot hold (lxml would fail on them as a 500)."""
    for text in texts:
        unsafe = _NOT_IN_XML.search(text)
        if unsafe:
            raise ApiError(
                400,
                f"Invalid request: q holds U+{ord(unsafe.group()):04X}, a control character "
                'that HTML text cannot carry; remove it or send "format": "text"',
            )


def _texts(q: Any) -> list[str]:
    items = q if isinstance(q, list) else [q]
    if not all(isinstance(item, str) for item in items):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    return items


def check_pair(source: str, target: str) -> None:
    """LibreTranslate's checks, in its order: source, target, then the pair."""
    if source != "auto" and source not in LANGUAGES:
        raise ApiError(400, f"{source} is not supported")
    if target not in LANGUAGES:
        raise ApiError(400, f"{target} is not supported")
    if source != "auto" and target not in PAIRS[source]:
        raise ApiError(
            400,
            f"{LANGUAGES[target]} ({target}) is not available as a target language from {LANGUAGES[source]} ({source})",
        )


def detect(text: str) -> dict[str, Any]:
    """LibreTranslate's detection entry: `{"confidence": 0-100, "language": code}`."""
    from translate_sum.language import detect_language

    code, share = detect_language(text)
    return {"confidence": round(share * 100, 1), "language": code}


def judge(text: str) -> dict[str, Any]:
    """The language `source: auto` goes by: the pipeline's own judgement, which takes
    short or unclear text as French rather than refusing it."""
    from translate_sum.language import judge_language

    verdict = judge_language(text)
    return {"confidence": round(verdict.confidence * 100, 1), "language": verdict.code}


HTML_MAX_DEPTH = 2048
"""Deepest element nesting `format: html` reads: libxml2's limit with its huge-tree
option (256 without it, where deeper text vanished and came back empty)."""


def _parse_markup(markup: str, whole: bool) -> Any:
    """The markup's tree, with its text at any depth up to HTML_MAX_DEPTH; deeper is a 400."""
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True)
    if whole:
        root = lxml.html.document_fromstring(markup, parser=parser)
    else:
        root = lxml.html.fragment_fromstring(markup, create_parent="div", parser=parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise ApiError(
            400,
            f"Invalid request: q nests HTML elements more than {HTML_MAX_DEPTH:,} deep, "
            "past what the HTML parser reads; flatten it or send the text alone",
        )
    return root


def _plain_text(markup: str) -> str:
    try:
        return _parse_markup(markup, whole=False).text_content()
    except ApiError:
        raise
    except Exception:  # not parseable as HTML: judge the raw text
        return markup


def translate_html(service: Service, markup: str, cancel: Any = None) -> str:
    """`markup` with every text node translated and every tag kept."""
    import lxml.html

    whole = markup.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    root = _parse_markup(markup, whole)
    slots: list[tuple[Any, str]] = []
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            if element.tail and element.tail.strip():
                slots.append((element, "tail"))
            continue
        if element.text and element.text.strip() and element.tag not in SKIPPED_TAGS:
            slots.append((element, "text"))
        if element.tail and element.tail.strip() and element is not root:
            slots.append((element, "tail"))
    originals = [getattr(element, attr) for element, attr in slots]
    translated = service.translate_texts([text.strip() for text in originals], cancel)
    for (element, attr), original, english in zip(slots, originals, translated):
        lead = original[: len(original) - len(original.lstrip())]
        trail = original[len(original.rstrip()) :]
        # A model's output is not the client's: a stray control character is dropped, not a 500.
        setattr(element, attr, f"{lead}{_NOT_IN_XML.sub('', english)}{trail}")
    if whole:
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>" if "<!doctype" in markup[:20].lower() else None)
    inner = (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return inner


TRANSLATE_DOC: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["q", "source", "target"],
                    "properties": {
                        "q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                        "source": {"type": "string", "enum": ["fr", "auto"]},
                        "target": {"type": "string", "enum": ["en"]},
                        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
                        "alternatives": {"type": "integer", "default": 0},
                        "api_key": {"type": "string"},
                    },
                }
            },
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["q", "source", "target"],
                    "properties": {
                        "q": {"type": "string"},
                        "source": {"type": "string"},
                        "target": {"type": "string"},
                        "format": {"type": "string"},
                        "api_key": {"type": "string"},
                    },
                }
            },
        }
    }
}
"""The request body of `POST /translate` as OpenAPI describes it; the handler reads the fields itself."""


def _frontend_settings(service: Service, keys: Keys) -> dict[str, Any]:
    """What LibreTranslate's own web client asks before it shows its form."""
    return {
        "charLimit": service.limits.max_bytes,
        "frontendTimeout": 500,
        "apiKeys": bool(keys.keys),
        "keyRequired": bool(keys.keys),
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": list(FILE_FORMATS),
        "language": {"source": {"code": "fr", "name": "French"}, "target": {"code": "en", "name": "English"}},
    }


def add_libretranslate_routes(app: FastAPI, service: Service, keys: Keys) -> None:
    """Add LibreTranslate's routes to `app`; `keys` refuse as LibreTranslate does."""

    async def fields_of(request: Request) -> dict[str, Any]:
        keys.check_headers(request)  # a wrong header key is refused before the body is read
        fields, _ = await read_fields(request)
        keys.check(request, fields)  # LibreTranslate's own place: the body's api_key
        return fields

    @app.get("/languages", tags=["LibreTranslate"], summary="Supported languages (LibreTranslate)")
    async def languages() -> list[dict[str, Any]]:
        return [{"code": code, "name": name, "targets": PAIRS[code]} for code, name in LANGUAGES.items()]

    @app.get("/frontend/settings", tags=["LibreTranslate"], summary="Client settings (LibreTranslate)")
    async def frontend_settings() -> dict[str, Any]:
        return _frontend_settings(service, keys)

    @app.post("/detect", tags=["LibreTranslate"], summary="Detect the language of text (LibreTranslate)")
    async def detect_route(request: Request) -> JSONResponse:
        fields = await fields_of(request)
        q = fields.get("q")
        if not q:
            raise missing_parameter("q")
        return JSONResponse([detect("\n".join(_texts(q)))])

    @app.post(
        "/translate",
        tags=["LibreTranslate"],
        summary="Translate text (LibreTranslate)",
        openapi_extra=TRANSLATE_DOC,
    )
    async def translate(request: Request) -> JSONResponse:
        fields = await fields_of(request)
        q, source, target = fields.get("q"), _text_field(fields, "source"), _text_field(fields, "target")
        if not q:
            raise missing_parameter("q")
        if not source:
            raise missing_parameter("source")
        if not target:
            raise missing_parameter("target")
        try:
            alternatives = max(0, int(fields.get("alternatives", 0) or 0))
        except (TypeError, ValueError):
            raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
        texts = _texts(q)
        source, target = str(source).lower(), str(target).lower()
        check_pair(source, target)
        text_format = _text_field(fields, "format") or "text"
        if text_format not in ("text", "html"):
            raise ApiError(400, f"{text_format} format is not supported")
        if text_format == "html":
            check_markup(texts)
        detected = None
        if source == "auto":
            plain = [_plain_text(text) if text_format == "html" else text for text in texts]
            detected = judge("\n".join(plain))
            if detected["language"] not in LANGUAGES:
                raise ApiError(400, f"{detected['language']} is not supported")
        if text_format == "html":

            def work(cancel: Any) -> list[str]:
                return [translate_html(service, text, cancel) if text.strip() else text for text in texts]

        else:

            def work(cancel: Any) -> list[str]:
                return service.translate_texts(texts, cancel)

        outputs = await run_job(service, request, work)
        batch = isinstance(q, list)
        result: dict[str, Any] = {"translatedText": outputs if batch else outputs[0]}
        if detected is not None:
            result["detectedLanguage"] = [detected] * len(texts) if batch else detected
        if alternatives:
            result["alternatives"] = [[] for _ in texts] if batch else []
        return JSONResponse(result)
