"""Every refusal: status, error code, a message that names the problem, and the runtime keeps serving."""

from __future__ import annotations

import ner_handler
import pytest
from conftest import SEED_ANSWER, SEED_TEXT, FakeContext, call, http_event, log_lines, post_entities


def assert_error(status: int, payload: dict, want_status: int, want_code: str, *mentions: str) -> None:
    assert status == want_status, payload
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"code", "message"}
    assert payload["error"]["code"] == want_code
    for mention in mentions:
        assert mention in payload["error"]["message"]


BAD_BODIES = [
    pytest.param('{"text": "He works', "malformed_json", "not valid JSON", id="truncated-json"),
    pytest.param("", "malformed_json", "empty", id="empty-body"),
    pytest.param("text=Google", "malformed_json", "not valid JSON", id="form-encoded"),
    pytest.param('["He works at Google."]', "invalid_body", "a list", id="json-list"),
    pytest.param("{}", "missing_text", '"texts"', id="no-text"),
    pytest.param('{"txt": "Google"}', "missing_text", '"text"', id="misspelt-key"),
    pytest.param('{"text": null}', "invalid_text", "null", id="null-text"),
    pytest.param('{"text": ["a"]}', "invalid_text", "a list", id="list-text"),
    pytest.param('{"texts": "Google"}', "invalid_texts", "a string", id="string-texts"),
    pytest.param('{"texts": []}', "empty_batch", "empty", id="empty-batch"),
    pytest.param('{"texts": ["ok", 7]}', "invalid_texts", '"texts"[1]', id="non-string-item"),
    pytest.param('{"text": "a", "texts": ["b"]}', "ambiguous_input", "not both", id="both"),
]


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize(("raw_body", "code", "mention"), BAD_BODIES)
def test_bad_bodies_are_400(raw_body, code, mention):
    status, _, payload = call(http_event("POST", "/entities", raw_body=raw_body))
    assert_error(status, payload, 400, code, mention)


@pytest.mark.usefixtures("served")
def test_invalid_base64_is_400():
    event = http_event("POST", "/entities", raw_body="%%%not base64%%%")
    event["isBase64Encoded"] = True
    status, _, payload = call(event)
    assert_error(status, payload, 400, "malformed_json", "base64")


@pytest.mark.usefixtures("served")
def test_missing_body_is_400():
    status, _, payload = call(http_event("POST", "/entities"))
    assert_error(status, payload, 400, "malformed_json", "empty")


@pytest.mark.usefixtures("served")
def test_text_over_the_limit_is_413_and_at_the_limit_is_served(monkeypatch):
    monkeypatch.setenv("MAX_TEXT_CHARS", "1000")
    ner_handler.reset()
    at_limit = ("Google " * 200)[:1000]
    status, entities = post_entities({"text": at_limit})
    assert status == 200 and len(entities) == 143
    status, payload = post_entities({"text": at_limit + "x"})
    assert_error(status, payload, 413, "text_too_large", "1001", "MAX_TEXT_CHARS=1000")
    status, payload = post_entities({"texts": ["ok", at_limit + "x"]})
    assert_error(status, payload, 413, "text_too_large", '"texts"[1]')


@pytest.mark.usefixtures("served")
def test_default_limit_refuses_a_huge_text():
    status, payload = post_entities({"text": "Google " * 20_000})
    assert_error(status, payload, 413, "text_too_large", "140000", "MAX_TEXT_CHARS=100000")


@pytest.mark.usefixtures("served")
def test_too_many_texts_is_413_and_default_allows_128():
    status, batch = post_entities({"texts": [SEED_TEXT] * 128})
    assert status == 200 and batch == [SEED_ANSWER] * 128
    status, payload = post_entities({"texts": [SEED_TEXT] * 129})
    assert_error(status, payload, 413, "too_many_texts", "129", "MAX_BATCH_TEXTS=128")


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize("path", ["/", "/entity", "/health/deep", "/prod/entities"])
def test_unknown_route_is_404(path):
    status, _, payload = call(http_event("POST", path, {"text": SEED_TEXT}))
    assert_error(status, payload, 404, "not_found", path, "POST /entities", "GET /health")


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("GET", "/entities", "POST"), ("PUT", "/entities", "POST"), ("POST", "/health", "GET")],
)
def test_wrong_method_is_405_with_allow_header(method, path, allow):
    status, headers, payload = call(http_event(method, path, {"text": SEED_TEXT}))
    assert_error(status, payload, 405, "method_not_allowed", method, path)
    assert headers["allow"] == allow


@pytest.mark.usefixtures("served")
def test_invalid_configuration_is_500_naming_the_variable_in_the_log_only(monkeypatch, capsys):
    monkeypatch.setenv("MAX_BATCH_TEXTS", "lots")
    status, payload = post_entities({"text": SEED_TEXT})
    assert_error(status, payload, 500, "invalid_configuration", "misconfigured")
    assert "MAX_BATCH_TEXTS" not in payload["error"]["message"]
    line = log_lines(capsys.readouterr().out)[-1]
    assert line["error_code"] == "invalid_configuration" and "MAX_BATCH_TEXTS='lots'" in line["detail"]


def test_unexpected_exception_is_500_and_the_next_request_is_served(monkeypatch, boom_model_dir, capsys):
    monkeypatch.setenv("MODEL_PATH", str(boom_model_dir))
    status, payload = post_entities({"text": "BOOM at Google"})
    assert_error(status, payload, 500, "internal_error", "lambda-req-1")
    assert "RuntimeError" not in payload["error"]["message"]
    error_line = log_lines(capsys.readouterr().out)[-1]
    assert error_line["level"] == "ERROR" and "component exploded" in error_line["exception"]
    assert ner_handler.handler({"text": "BOOM"}, FakeContext())["error"]["code"] == "internal_error"
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


@pytest.mark.usefixtures("served")
def test_runtime_keeps_serving_after_every_kind_of_bad_request():
    for raw_body, *_ in (case.values for case in BAD_BODIES):
        call(http_event("POST", "/entities", raw_body=raw_body))
    call(http_event("DELETE", "/entities"))
    call(http_event("GET", "/nope"))
    post_entities({"text": "x" * 100_001})
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)
    assert call(http_event("GET", "/health"))[0] == 200


@pytest.mark.usefixtures("served")
def test_a_broken_stdout_costs_the_log_line_not_the_answer(monkeypatch, tmp_path):
    closed = (tmp_path / "stdout").open("w")
    closed.close()
    monkeypatch.setattr("sys.stdout", closed)
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)
