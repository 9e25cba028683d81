"""ner_plan: what is left out for entities, decided from a pipeline's config and files alone."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import spacy
import srsly
from conftest import SM_DATA_DIR
from ner_plan import EntityPlan, plan_entities

SM_PLAN = EntityPlan(
    skipped=("tagger", "senter", "attribute_ruler", "lemmatizer"),
    deferred_parse=("tok2vec", "parser"),
    recognizer="ner",
)


@pytest.fixture
def sm_config() -> dict[str, Any]:
    return copy.deepcopy(dict(spacy.util.load_config(SM_DATA_DIR / "config.cfg", interpolate=False)))


def test_en_core_web_sm_skips_what_the_entities_never_read_and_defers_the_parse(sm_config):
    assert plan_entities(sm_config, SM_DATA_DIR) == SM_PLAN


def test_an_attribute_ruler_that_sets_what_the_ner_reads_is_kept(sm_config, tmp_path):
    (tmp_path / "attribute_ruler").mkdir()
    patterns = srsly.read_msgpack(SM_DATA_DIR / "attribute_ruler" / "patterns")
    patterns.append({"patterns": [[{"ORTH": "gonna"}]], "attrs": {"NORM": "going to"}, "index": 0})
    srsly.write_msgpack(tmp_path / "attribute_ruler" / "patterns", patterns)
    plan = plan_entities(sm_config, tmp_path)
    # The tagger goes too: the kept attribute_ruler matches on its tags.
    assert plan.skipped == ("senter", "lemmatizer")
    assert plan.deferred_parse == ()


def test_a_component_after_the_ner_keeps_everything_enabled(sm_config):
    sm_config["nlp"]["pipeline"].append("entity_ruler")
    sm_config["components"]["entity_ruler"] = {"factory": "entity_ruler"}
    plan = plan_entities(sm_config, SM_DATA_DIR)
    assert plan == EntityPlan(skipped=("senter",), deferred_parse=(), recognizer=None)


def test_an_embedding_that_reads_tags_keeps_the_tagger(sm_config):
    sm_config["components"]["ner"]["model"]["tok2vec"]["embed"]["attrs"].append("TAG")
    assert "tagger" not in plan_entities(sm_config, SM_DATA_DIR).skipped


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["components"]["ner"].update(factory="beam_ner"),
        lambda c: c["components"]["ner"]["model"].update(
            tok2vec={"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "tok2vec"}
        ),
        lambda c: c["nlp"].update(disabled=[]),
    ],
    ids=["beam-search-ner", "ner-listens-to-the-shared-tok2vec", "senter-enabled-before-the-ner"],
)
def test_the_parse_is_deferred_only_for_a_greedy_ner_with_its_own_embedding(sm_config, change):
    change(sm_config)
    assert plan_entities(sm_config, SM_DATA_DIR).deferred_parse == ()


def test_a_pipeline_without_a_parser_runs_as_it_is(tmp_path: Path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler")
    assert plan_entities(dict(nlp.config), tmp_path) == EntityPlan(
        skipped=(), deferred_parse=(), recognizer=None
    )
