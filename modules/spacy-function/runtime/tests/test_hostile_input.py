"""Property-based: no input reaches a 5xx, every refusal has the error shape, every offset is right.

Hypothesis generates whole events, the way a caller (or anything that can invoke the function)
controls them: API Gateway payload 2.0 and 1.0 events with any method, path, content type and body
(JSON of any shape, arbitrary bytes as base64, bad base64, deep nesting, huge numbers, text with
lone surrogates, NUL, right-to-left text and combining marks), and direct invocations with any
JSON value. The model is the real en_core_web_sm, whose statistical NER finds entities in odd text.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import ner_handler
import pytest
from conftest import SM_DATA_DIR, FakeContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.model  # every test serves the real en_core_web_sm

LIMITS = {"MAX_TEXT_CHARS": "400", "MAX_BATCH_TEXTS": "6", "MAX_TOTAL_CHARS": "1200"}
# Each property runs a few hundred examples: about 60 s for the file on an idle 2-core machine.
PROPERTY = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
CLIENT_ERRORS = {
    "malformed_json",
    "invalid_body",
    "missing_text",
    "ambiguous_input",
    "invalid_text",
    "invalid_texts",
    "empty_batch",
    "text_too_large",
    "too_many_texts",
    "request_too_large",
    "response_too_large",
    "not_found",
    "method_not_allowed",
}
SURROGATE = re.compile("[\ud800-\udfff]")
FRAGMENTS = [
    "He works at Google. ",
    "Google",
    "Apple Inc.",
    "Angela Merkel visited Paris on Monday.",
    "Zürich",
    "U.S.",
    "$1,000,000",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x00\x00",
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\udc00\ud800",  # a pair in the wrong order
    "\ud83d\ude00",  # a correct pair, as two code points
    "😀",
    "e\u0301",  # combining acute accent
    "\u0301\u0301\u0301",  # combining marks with no base
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "שלום עולם",
    "مرحبا بالعالم",
    "日本語のテキスト",
    "\ufeff",
    "\ufffd",
    "\u2028",
    "...",
    "'s",
    "—",
    "http://example.com/a?b=c",
    "@user #tag",
    ".,;:!?" * 40,  # a whitespace-free run past ner_doc.MAX_RUN_CHARS: tokenized in pieces
    "Google" + "'s" * 60,
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=10)), max_size=20).map("".join)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
keys = st.one_of(st.sampled_from(["text", "texts", "Text", "TEXTS"]), st.text(max_size=6))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)
payloads = st.one_of(
    st.fixed_dictionaries({"text": texts}),
    st.fixed_dictionaries({"texts": st.lists(texts, max_size=8)}),
    st.fixed_dictionaries({"texts": st.lists(st.one_of(texts, json_values), max_size=8)}),
    st.fixed_dictionaries({"text": json_values}),
    st.fixed_dictionaries({"text": texts, "texts": st.lists(texts, max_size=2)}),
    st.dictionaries(keys, json_values, max_size=4),
    json_values,
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/octet-stream",
            "application/xml",
            "",
        ]
    ),
    st.text(max_size=20),
)
methods = st.one_of(
    st.sampled_from(["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "post", ""]),
    st.text(max_size=6),
)
paths = st.one_of(
    st.sampled_from(
        ["/entities", "/entities/", "/health", "/", "/prod/entities", "//entities", "/entities?x"]
    ),
    st.text(max_size=30).map(lambda p: "/" + p),
)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[Any, bool]:
    """(the event's body field, isBase64Encoded)."""
    kind = draw(
        st.sampled_from(
            ["json", "json-base64", "bytes-base64", "bad-base64", "text", "deep", "number", "other"]
        )
    )
    if kind == "json":
        return json.dumps(draw(payloads), ensure_ascii=draw(st.booleans())), False
    if kind == "json-base64":
        data = json.dumps(draw(payloads)).encode()
        return base64.b64encode(data).decode(), True
    if kind == "bytes-base64":
        return base64.b64encode(draw(st.binary(max_size=200))).decode(), True
    if kind == "bad-base64":
        return draw(st.text(max_size=40)), True
    if kind == "text":
        return draw(
            st.one_of(st.text(max_size=200), st.binary(max_size=100).map(lambda b: b.decode("latin-1")))
        ), False
    if kind == "deep":
        depth = draw(st.integers(min_value=1, max_value=100_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"text":', "}"), ('{"texts":[', "]}")]))
        return '{"text": ' + opener * depth + "1" + closer * depth + "}", False
    if kind == "number":
        digits = draw(st.integers(min_value=1, max_value=20_000))
        return draw(st.sampled_from(['{"text": %s}', '{"texts": [%s]}', "%s"])) % ("9" * digits), False
    # Not a string at all: API Gateway never sends one, a crafted direct event can.
    return draw(json_values), draw(st.booleans())


def v2_event(method: str, path: str, content_type: str, body: Any, is_base64: bool) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": content_type},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"},
            "requestId": "fuzz",
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def v1_event(method: str, path: str, content_type: str, body: Any, is_base64: bool) -> dict[str, Any]:
    return {
        "version": "1.0",
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": content_type},
        "multiValueHeaders": {"Content-Type": [content_type]},
        "queryStringParameters": None,
        "requestContext": {
            "httpMethod": method,
            "path": path,
            "resourcePath": path,
            "requestId": "fuzz",
            "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


@st.composite
def http_events(draw: st.DrawFn) -> dict[str, Any]:
    body, is_base64 = draw(bodies())
    build = draw(st.sampled_from([v2_event, v1_event]))
    return build(draw(methods), draw(paths), draw(content_types), body, is_base64)


@pytest.fixture
def sm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))
    for key, value in LIMITS.items():
        monkeypatch.setenv(key, value)
    ner_handler.reset()


def assert_error_shape(payload: Any) -> None:
    assert isinstance(payload, dict) and set(payload) == {"error"}, payload
    assert set(payload["error"]) == {"code", "message"}, payload
    assert isinstance(payload["error"]["code"], str) and isinstance(payload["error"]["message"], str)
    assert payload["error"]["code"] in CLIENT_ERRORS, payload


def assert_offsets(text: str, entities: Any) -> None:
    """Offsets are code points into the text as sent; a lone surrogate reads as U+FFFD."""
    assert isinstance(entities, list)
    for entity in entities:
        assert set(entity) == {"text", "label", "start", "end"}
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        assert SURROGATE.sub("\ufffd", text[entity["start"] : entity["end"]]) == entity["text"], (
            text,
            entity,
        )


def http_call(event: dict[str, Any]) -> tuple[int, Any]:
    result = ner_handler.handler(event, FakeContext())
    assert set(result) == {"statusCode", "headers", "body"}
    assert result["headers"]["content-type"] == "application/json"
    # What API Gateway and the runtime must be able to send on: UTF-8 JSON.
    payload = json.loads(result["body"].encode("utf-8"))
    assert result["statusCode"] < 500, payload
    if result["statusCode"] >= 400:
        assert_error_shape(payload)
    return result["statusCode"], payload


@pytest.mark.usefixtures("sm")
@PROPERTY
@given(http_events())
def test_no_http_event_gets_a_5xx_and_every_error_has_the_shape(event):
    http_call(event)


@pytest.mark.usefixtures("sm")
@PROPERTY
@given(
    st.sampled_from([v2_event, v1_event]),
    content_types,
    st.one_of(
        texts.map(lambda t: {"text": t}), st.lists(texts, min_size=1, max_size=8).map(lambda t: {"texts": t})
    ),
    st.booleans(),
    st.booleans(),
)
def test_every_entity_offset_slices_the_text_sent(build, content_type, request_body, ascii_only, as_base64):
    body = json.dumps(request_body, ensure_ascii=ascii_only)
    if as_base64:
        # Lone surrogates survive only as \u escapes once the body is bytes.
        body = base64.b64encode(json.dumps(request_body).encode()).decode()
    # The texts as the caller's JSON means them: an escaped pair (\ud83d\ude00) is one code point.
    request_body = json.loads(base64.b64decode(body) if as_base64 else body)
    status, payload = http_call(build("POST", "/entities", content_type, body, as_base64))
    if "text" in request_body:
        if len(request_body["text"]) > int(LIMITS["MAX_TEXT_CHARS"]):
            assert (status, payload["error"]["code"]) == (413, "text_too_large")
        else:
            assert status == 200
            assert_offsets(request_body["text"], payload)
    elif status == 200:
        assert len(payload) == len(request_body["texts"])
        for text, entities in zip(request_body["texts"], payload, strict=True):
            assert_offsets(text, entities)
    else:
        assert status == 413, payload


@pytest.mark.usefixtures("sm")
@PROPERTY
@given(
    st.one_of(
        payloads, json_values, st.fixed_dictionaries({"texts": st.lists(texts, min_size=1, max_size=6)})
    )
)
def test_no_direct_invocation_raises_or_gets_a_server_error(event):
    result = ner_handler.handler(event, FakeContext())
    json.dumps(result, ensure_ascii=False).encode("utf-8")
    if isinstance(result, dict):
        assert_error_shape(result)
        return
    if isinstance(event.get("text"), str):
        assert_offsets(event["text"], result)
    else:
        for text, entities in zip(event["texts"], result, strict=True):
            assert_offsets(text, entities)


@pytest.mark.usefixtures("sm")
@pytest.mark.parametrize("build", [v2_event, v1_event])
def test_the_bodies_of_the_report_are_client_errors_or_answers(build):
    # From the issue: a lone surrogate used to fail the whole request, deep nesting was a RecursionError.
    for text in ("He works at \ud800 Google.", "He works at Google. \ud800"):
        status, payload = http_call(
            build("POST", "/entities", "application/json", json.dumps({"text": text}), False)
        )
        assert status == 200
        assert_offsets(text, payload)
    assert payload == [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]
    status, payload = http_call(
        build("POST", "/entities", "", json.dumps({"texts": ["\udfff Berlin", "He works at Google."]}), False)
    )
    assert status == 200 and payload[1] == [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]
    status, payload = http_call(
        build("POST", "/entities", "application/json", '{"text": ' + "[" * 5000 + "]" * 5000 + "}", False)
    )
    assert (status, payload["error"]["code"]) == (400, "malformed_json")
    assert "deeply" in payload["error"]["message"]
