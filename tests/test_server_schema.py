"""Property-based: requests generated from the app's own OpenAPI never get a server error.

Schemathesis reads /openapi.json and generates valid and invalid requests for every
operation (bodies, forms, uploads, headers, odd strings and numbers); the one
check is that none is answered with a 5xx. The engine is the recording fake, so the
run measures the HTTP layer, not a model; examples are capped so that the whole
file takes well under a minute on two cores.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from prerequisites import require_module

schemathesis = require_module("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from serving import CallRecordingEngine, recording_service  # noqa: E402
from translate_sum.server.app import create_app  # noqa: E402

EXAMPLES_PER_OPERATION = 30


# No poison word: Hypothesis draws strings from constants in the code, and found it.
SERVICE = recording_service(CallRecordingEngine(poison="\x00"))


def _without_lifespan(app: Any) -> Any:
    """`app` for schemathesis, which runs an app's lifespan once per test item: the
    service is started once for the module instead (its pool cannot restart)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":  # returning at once says "no lifespan support"
            await app(scope, receive, send)

    return wrapped


@pytest.fixture(scope="module", autouse=True)
def running_service() -> Iterator[None]:
    SERVICE.start()
    yield
    SERVICE.stop()


# Built at import (cheap: a fake engine), as schemathesis's pytest integration needs.
schema = schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan(create_app(SERVICE)))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same requests every run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, f"{response.status_code} {response.text[:200]}\n{case.as_curl_command()}"


# Hostile JSON for every documented field: what a generator that follows the schema
# never sends, and what broke the server before (deep nesting, numbers past what
# Python reads, NaN and Infinity, lone surrogates, control characters).
_FRENCH = json.dumps("<p>Le maire a présenté mardi un plan pour les transports.</p>")
_ORDINARY = ['"fr"', '"en"', '"auto"', '"html"', '"text"', '"json"', '"md"', "true", "false", "0", "3", _FRENCH, '"k1"']
_ODD_NUMBERS = ["1e400", "-1e400", "Infinity", "NaN", "9" * 5000, "-" + "9" * 5000, "1.5", "-1"]
_odd_text = st.text(st.characters(categories=["Cs", "Cc", "Lu", "Ll", "Zs", "Po"]), max_size=20).map(json.dumps)


@st.composite
def _value(draw: st.DrawFn) -> str:
    """One field's value as JSON source: ordinary, odd, or wrapped in lists up to 1,200 deep."""
    inner = draw(st.one_of(st.sampled_from(_ORDINARY), st.sampled_from(_ODD_NUMBERS), _odd_text, _odd_text.map(lambda s: s[:-1] + ' <b>x</b>"')))
    depth = draw(st.one_of(st.just(0), st.just(1), st.integers(0, 1200)))
    return "[" * depth + inner + "]" * depth


def _json_fields(path: str) -> list[str]:
    body = create_app(SERVICE).openapi()["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in body:
        body = create_app(SERVICE).openapi()["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return sorted(body["properties"])


@pytest.fixture(scope="module")
def keyed_client() -> Iterator[TestClient]:
    from translate_sum.server.app import AppSettings

    # With a key, so hostile keys meet the key check; "k1" among the values lets the rest through.
    with TestClient(create_app(SERVICE, AppSettings(api_keys=("k1",))), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", ["/translate", "/detect", "/v1/translate", "/v1/brief", "/v1/audit"])
def test_hostile_json_in_any_documented_field_gets_no_server_error(keyed_client: TestClient, path: str) -> None:
    fields = ["q", "source", "target", "format", "api_key"] if path == "/detect" else _json_fields(path)

    @given(st.dictionaries(st.sampled_from(fields), _value(), min_size=1))
    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(body: dict[str, str]) -> None:
        raw = "{" + ", ".join(f"{json.dumps(name)}: {value}" for name, value in body.items()) + "}"
        response = keyed_client.post(path, content=raw.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"})
        assert response.status_code < 500, f"{response.status_code} {response.text[:200]} for {raw[:300]!r}"

    check()
