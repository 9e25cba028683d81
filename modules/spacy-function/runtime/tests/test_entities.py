"""POST /entities and direct invocations against a real (rule-based) spaCy pipeline."""

from __future__ import annotations

import json

import ner_handler
import pytest
from conftest import SEED_ANSWER, SEED_TEXT, FakeContext, call, http_event, log_lines, post_entities

BATCH = [
    "He works at Google.",
    "Ada Lovelace moved to Berlin.",
    "Nothing to see here.",
    "",
    "Acme Corp bought Google in Zürich, then Ada Lovelace left Acme Corp again.",
]


@pytest.mark.usefixtures("served")
def test_single_text_returns_entity_list_with_code_point_offsets():
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


@pytest.mark.usefixtures("served")
def test_response_body_bytes_are_the_seeds_answer():
    result = ner_handler.handler(http_event("POST", "/entities", {"text": SEED_TEXT}), FakeContext())
    assert result["body"] == '[{"text": "Google", "label": "ORG", "start": 12, "end": 18}]'


@pytest.mark.usefixtures("served")
def test_offsets_count_code_points_not_utf16_units_or_bytes():
    text = "😀 Grüße aus Zürich an Google"
    status, entities = post_entities({"text": text})
    assert status == 200
    assert [(e["text"], e["label"]) for e in entities] == [("Zürich", "GPE"), ("Google", "ORG")]
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    assert entities[0]["start"] == text.index("Zürich") == 12


@pytest.mark.usefixtures("served")
def test_batch_equals_single_calls_in_order():
    status, batch = post_entities({"texts": BATCH})
    assert status == 200
    assert batch == [post_entities({"text": text})[1] for text in BATCH]
    assert [len(entities) for entities in batch] == [1, 2, 0, 0, 5]


@pytest.mark.usefixtures("served")
def test_base64_encoded_body_is_decoded():
    assert post_entities({"text": SEED_TEXT}, base64_body=True) == (200, SEED_ANSWER)


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize(
    ("path", "route_key"),
    [
        ("/entities", "POST /entities"),
        ("/entities", "ANY /{proxy+}"),
        ("/entities/", "$default"),
    ],
)
def test_named_stage_prefix_and_route_keys_resolve(path, route_key):
    event = http_event("POST", path, {"text": SEED_TEXT}, stage="prod", route_key=route_key)
    assert event["rawPath"].startswith("/prod/")
    assert call(event)[::2] == (200, SEED_ANSWER)


@pytest.mark.usefixtures("served")
def test_stage_named_like_a_route_is_only_stripped_as_prefix():
    event = http_event("GET", "/health", stage="entities")
    assert event["rawPath"] == "/entities/health"
    assert call(event)[0] == 200


@pytest.mark.usefixtures("served")
def test_direct_invocation_returns_bare_lists():
    assert ner_handler.handler({"text": SEED_TEXT}, FakeContext()) == SEED_ANSWER
    assert ner_handler.handler({"texts": [SEED_TEXT, "Berlin"]}, None) == [
        SEED_ANSWER,
        [{"text": "Berlin", "label": "GPE", "start": 0, "end": 6}],
    ]


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize(
    ("event", "code"),
    [
        ({"text": 3}, "invalid_text"),
        ({"texts": []}, "empty_batch"),
        ({}, "missing_text"),
        (["He works at Google."], "invalid_body"),
        ("He works at Google.", "invalid_body"),
    ],
)
def test_direct_invocation_returns_error_object(event, code):
    result = ner_handler.handler(event, FakeContext())
    assert set(result) == {"error"}
    assert result["error"]["code"] == code
    assert result["error"]["message"]


@pytest.mark.usefixtures("served")
def test_one_structured_log_line_per_request_without_text(capsys):
    ner_handler.preload()
    capsys.readouterr()
    post_entities({"texts": [SEED_TEXT, "Ada Lovelace moved to Berlin."]})
    lines = log_lines(capsys.readouterr().out)
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "request"
    assert line["request_id"] == "lambda-req-1"
    assert line["apigw_request_id"] == "apigw-req-1"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/entities", 200)
    assert (line["texts"], line["chars"], line["entities"]) == (2, 48, 3)
    assert line["latency_ms"] > 0
    assert "Google" not in json.dumps(line)


@pytest.mark.usefixtures("served")
def test_request_text_is_logged_only_when_enabled(monkeypatch, capsys):
    monkeypatch.setenv("LOG_REQUEST_TEXT", "true")
    ner_handler.reset()
    post_entities({"text": SEED_TEXT})
    assert log_lines(capsys.readouterr().out)[-1]["text"] == SEED_TEXT


@pytest.mark.usefixtures("served")
def test_model_load_is_logged_once(capsys):
    for _ in range(3):
        post_entities({"text": SEED_TEXT})
    loads = [line for line in log_lines(capsys.readouterr().out) if line["event"] == "model_loaded"]
    assert len(loads) == 1
    assert loads[0]["components"] == ["attribute_ruler", "sentencizer", "entity_ruler"]
    assert loads[0]["load_seconds"] > 0
