"""Parity with spaCy on real text: what the API answers is what `spacy.load(path)` answers.

At least 1,000 paragraphs that this project did not write (real_text.py: licences that ship with the
machine, READMEs and changelogs of the pinned packages), with non-ASCII text, emoji, CRLF and tabs,
each sent alone and in batches through the real handler with its default settings, against
en_core_web_sm's full pipeline in-process: entity text, label and code-point offsets, zero differences.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import ner_handler
import pytest
import real_text
import spacy
from conftest import SM_DATA_DIR, log_lines, post_entities
from ner_settings import NER_ONLY_EXCLUDE

PARAGRAPHS = 1500
BATCH_TEXTS = 64

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [p.text for p in real_text.sample(PARAGRAPHS)]


@pytest.fixture(scope="module")
def expected(texts: list[str]) -> list[list[dict[str, Any]]]:
    full = spacy.load(SM_DATA_DIR)
    return [_entities(full(text)) for text in texts]


@pytest.fixture
def sm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))


def _entities(doc: spacy.tokens.Doc) -> list[dict[str, Any]]:
    return [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in doc.ents]


def _differences(got: list[Any], expected: list[Any], texts: list[str]) -> list[str]:
    return [f"{t[:80]!r}: got {g}, spaCy {e}" for t, g, e in zip(texts, got, expected, strict=True) if g != e]


def test_the_corpus_is_large_real_and_awkward(texts):
    sources = {p.source for p in real_text.sample(PARAGRAPHS)}
    kinds = Counter(kind for text in texts for kind in real_text.features(text))
    assert len(texts) >= 1000 and len(set(texts)) == len(texts)
    assert len(sources) >= 100
    assert all(kinds[kind] >= 20 for kind in ("non_ascii", "emoji", "crlf", "tab")), kinds


@pytest.mark.usefixtures("sm")
def test_each_text_alone_gets_the_full_pipelines_entities(texts, expected):
    got = []
    for text in texts:
        status, entities = post_entities({"text": text})
        assert status == 200
        got.append(entities)
    assert _differences(got, expected, texts) == []
    assert ner_handler.runtime.model is not None and ner_handler.runtime.model.exact


@pytest.mark.usefixtures("sm")
def test_batches_get_the_full_pipelines_entities(texts, expected, capsys):
    got = []
    for start in range(0, len(texts), BATCH_TEXTS):
        status, entities = post_entities({"texts": texts[start : start + BATCH_TEXTS]})
        assert status == 200
        got.extend(entities)
    assert _differences(got, expected, texts) == []
    # Every step of the deferred parse ran on this corpus (ner_entities): texts that needed no parse,
    # texts whose parse confirmed the entities, texts the ner had to run again.
    requests = [r for r in log_lines(capsys.readouterr().out) if r.get("event") == "request"]
    parsed = sum(r["parsed_texts"] for r in requests)
    rerun = sum(r["rerun_texts"] for r in requests)
    assert 0 < rerun < parsed < len(texts)


def test_the_corpus_holds_texts_where_skipping_the_parse_changes_entities(texts, expected):
    """Without this the two tests above could not tell the exact default from the old ner-only one."""
    ner_only = spacy.load(SM_DATA_DIR, exclude=list(NER_ONLY_EXCLUDE))
    assert _differences([_entities(ner_only(t)) for t in texts], expected, texts) != []
