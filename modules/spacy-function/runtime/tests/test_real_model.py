"""The real pretrained en_core_web_sm pipeline, laid out as the sync writes it, default settings."""

from __future__ import annotations

import ner_handler
import pytest
import spacy
from conftest import SEED_ANSWER, SEED_TEXT, SM_DATA_DIR, FakeContext, call, http_event

pytestmark = pytest.mark.model  # loads the real en_core_web_sm


def test_seed_answer_with_the_default_plan(monkeypatch, tmp_path):
    (tmp_path / "en_core_web_sm").mkdir()
    (tmp_path / "en_core_web_sm" / "3.8.0").symlink_to(SM_DATA_DIR, target_is_directory=True)
    monkeypatch.setenv("MODEL_ROOT", str(tmp_path))
    monkeypatch.setenv("MODEL_NAME", "en_core_web_sm")
    monkeypatch.setenv("MODEL_VERSION", "3.8.0")

    result = ner_handler.handler(http_event("POST", "/entities", {"text": SEED_TEXT}), FakeContext())
    assert result["statusCode"] == 200
    assert result["body"] == '[{"text": "Google", "label": "ORG", "start": 12, "end": 18}]'

    status, _, health = call(http_event("GET", "/health"))
    assert status == 200
    assert health["model"] == {"name": "en_core_web_sm", "version": "3.8.0"}
    assert health["components"] == ["tok2vec", "parser", "ner"]

    texts = [SEED_TEXT, "Apple is opening an office in Berlin next March."]
    _, _, batch = call(http_event("POST", "/entities", {"texts": texts}))
    assert batch[0] == SEED_ANSWER
    assert batch == [call(http_event("POST", "/entities", {"text": t}))[2] for t in texts]
    assert {(e["text"], e["label"]) for e in batch[1]} >= {("Apple", "ORG"), ("Berlin", "GPE")}


def test_default_exclusions_give_the_full_pipelines_entities(monkeypatch):
    texts = [
        "Apple is looking at buying a U.K. startup for $1 billion.",
        "Ada Lovelace worked with Charles Babbage in London in the 1840s.",
        "Siemens said last Thursday that it would hire 1,200 engineers in Munich.",
        "The World Health Organization met in Geneva on 3 October 2024.",
        "Nothing to see here.",
    ]
    full = spacy.load(SM_DATA_DIR)
    expected = [
        [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in full(t).ents]
        for t in texts
    ]
    assert sum(map(len, expected)) >= 10
    monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))
    assert ner_handler.handler({"texts": texts}, FakeContext()) == expected
