"""POST /analyze: every field a team's own pipeline produces, equal to spacy.load(path) of it, on real text.

The pipeline is what a team brings: en_core_web_sm plus an entity_ruler with its own labels (before the
ner, with pattern ids), a span_ruler and a text classifier trained here in a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import real_text
import spacy
from conftest import SEED_TEXT, SM_DATA_DIR, expected, post_analyze, post_entities
from spacy.training import Example
from spacy.util import fix_random_seed

TEAM_LABELS = {"PRODUCT_CODE", "LICENSE"}


@pytest.fixture(scope="module")
def team_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fix_random_seed(0)
    nlp = spacy.load(SM_DATA_DIR)
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "PRODUCT_CODE", "pattern": [{"TEXT": {"REGEX": r"^SKU-\d+$"}}], "id": "sku"},
            {"label": "LICENSE", "pattern": [{"LOWER": "mit"}, {"LOWER": "license"}], "id": "mit"},
            {"label": "LICENSE", "pattern": [{"LOWER": "apache"}, {"LOWER": "license"}], "id": "apache"},
        ]
    )
    spans = nlp.add_pipe("span_ruler", config={"spans_key": "terms"})
    spans.add_patterns([{"label": "WARRANTY", "pattern": [{"LOWER": "warranty"}]}])  # type: ignore[attr-defined]
    textcat = nlp.add_pipe("textcat")
    data = [
        ("The build fails with an error on startup.", "BUG"),
        ("Crash when the file is missing.", "BUG"),
        ("Thanks, this library is great!", "PRAISE"),
        ("Love the new release, well done.", "PRAISE"),
    ]
    examples = [
        Example.from_dict(
            nlp.make_doc(t), {"cats": {"BUG": float(c == "BUG"), "PRAISE": float(c == "PRAISE")}}
        )
        for t, c in data
    ]
    textcat.initialize(lambda: examples, nlp=nlp)  # type: ignore[attr-defined]
    optimizer = nlp.create_optimizer()
    others = [name for name in nlp.pipe_names if name != "textcat"]
    for _ in range(10):
        nlp.update(examples, sgd=optimizer, exclude=others)
    path = tmp_path_factory.mktemp("team") / "model"
    nlp.to_disk(path)
    return path


@pytest.mark.model
def test_a_teams_pipeline_answers_every_field_as_spacy_does_alone_and_in_batches(team_pipeline, monkeypatch):
    monkeypatch.setenv("MODEL_PATH", str(team_pipeline))
    texts = [SEED_TEXT, "Order SKU-1234 ships under the MIT License.", "It comes with NO WARRANTY."]
    texts += [p.text for p in real_text.sample(120, per_feature=5)]
    nlp = spacy.load(team_pipeline)
    want = [expected(doc) for doc in (nlp(t) for t in texts)]
    assert {"PRODUCT_CODE", "LICENSE"} <= {e["label"] for w in want[:3] for e in w["entities"]}
    assert any(w["spans"]["terms"] for w in want) and all(set(w["cats"]) == {"BUG", "PRAISE"} for w in want)
    single = [post_analyze({"text": t}) for t in texts[:40]]
    assert single == [(200, w) for w in want[:40]]
    status, batch = post_analyze({"texts": texts[:64]})
    assert (status, batch) == (200, want[:64])
    # /entities of the same pipeline: exactly the entities spaCy gives, the team's labels included.
    status, entities = post_entities({"texts": texts[:64]})
    assert (status, entities) == (
        200,
        [[{k: e[k] for k in ("text", "label", "start", "end")} for e in w["entities"]] for w in want[:64]],
    )


@pytest.mark.model
def test_include_picks_fields_and_a_field_the_pipeline_cannot_produce_is_a_400_naming_what_it_has(
    monkeypatch,
):
    monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))
    status, answer = post_analyze({"text": SEED_TEXT, "include": ["entities", "sents"]})
    assert (status, answer) == (
        200,
        {
            "entities": [{"text": "Google", "label": "ORG", "start": 12, "end": 18}],
            "sents": [{"text": SEED_TEXT, "start": 0, "end": 19}],
        },
    )
    status, answer = post_analyze({"text": SEED_TEXT, "include": ["cats"]})
    assert status == 400 and answer["error"]["code"] == "unsupported_field"
    assert (
        "cannot produce 'cats'" in answer["error"]["message"]
        and "entities, sents, tokens" in answer["error"]["message"]
    )
    for include in ("entities", [], [1]):
        status, answer = post_analyze({"text": SEED_TEXT, "include": include})
        assert status == 400 and answer["error"]["code"] == "invalid_include"
    # The default model leaves the tagger out: its tokens carry the parse only; MODEL_EXCLUDE="" loads it.
    tokens = post_analyze({"text": SEED_TEXT, "include": ["tokens"]})[1]["tokens"]
    assert set(tokens[0]) == {"text", "start", "end", "dep", "head"}


def test_a_span_ruler_that_annotates_ents_offers_the_entities_it_writes(tmp_path, monkeypatch):
    # spaCy's span_ruler declares only doc.spans, but with annotate_ents it writes doc.ents too (the
    # successor of the entity_ruler): a pipeline whose only entity source it is still has entities.
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("span_ruler", config={"annotate_ents": True, "spans_key": "terms"})
    ruler.add_patterns([{"label": "TICKET", "pattern": [{"TEXT": {"REGEX": r"^TCK-\d+$"}}], "id": "ticket"}])
    nlp.to_disk(tmp_path / "model")
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "model"))
    text = "See TCK-4040 and TCK-1."
    want = expected(spacy.load(tmp_path / "model")(text))
    assert [e["label"] for e in want["entities"]] == ["TICKET", "TICKET"]
    status, answer = post_analyze({"text": text})
    assert (status, list(answer)) == (200, ["entities", "spans", "sents", "tokens"])
    assert {f: answer[f] for f in ("entities", "spans", "sents")} == {
        f: want[f] for f in ("entities", "spans", "sents")
    }
    assert post_analyze({"text": text, "include": ["entities"]}) == (200, {"entities": want["entities"]})
