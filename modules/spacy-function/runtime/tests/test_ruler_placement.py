"""Wherever a team puts its ruler in en_core_web_sm, /entities answers what spacy.load of it answers.

The entity plan (ner_plan) leaves out components and defers the parse only where the pipeline's shape
proves the entities cannot change; a ruler before, between or after the pretrained components changes
that shape, so each placement is checked against spaCy itself on real text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import real_text
import spacy
from conftest import SM_DATA_DIR, post_entities
from spacy.language import Language

pytestmark = pytest.mark.model

LEXICAL = [
    {"label": "VERSION", "pattern": [{"TEXT": {"REGEX": r"^v?\d+\.\d+(\.\d+)*$"}}]},
    {"label": "ACME", "pattern": [{"LOWER": "acme"}]},
]
# Only where the lemmatizer runs before the ruler: spaCy refuses a LEMMA pattern on a Doc without lemmas.
BY_LEMMA = [
    {"label": "LICENSE", "pattern": [{"LOWER": {"IN": ["mit", "apache", "bsd"]}}, {"LEMMA": "license"}]}
]
TEXTS = [
    "Version 2.4.1 of the Acme Router by Acme Inc. shipped in Berlin on Monday under the MIT licenses.",
    *(p.text for p in real_text.sample(60, per_feature=5)),
]


def _ruler(
    factory: str = "entity_ruler", patterns: list[dict] = LEXICAL, **kwargs: Any
) -> Callable[[Language], None]:
    def add(nlp: Language) -> None:
        ruler: Any = nlp.add_pipe(factory, **kwargs)  # spaCy types add_pipe as a plain callable
        ruler.add_patterns(patterns)

    return add


def _without_tagger(nlp: Language) -> None:
    for name in ("tagger", "attribute_ruler", "lemmatizer"):
        nlp.remove_pipe(name)
    _ruler(after="ner")(nlp)


PLACEMENTS: dict[str, Callable[[Language], None]] = {
    "after ner, overwriting": _ruler(
        patterns=LEXICAL + BY_LEMMA, after="ner", config={"overwrite_ents": True}
    ),
    "first": _ruler(first=True),
    "between parser and attribute_ruler": _ruler(before="attribute_ruler"),
    "before ner": _ruler(patterns=LEXICAL + BY_LEMMA, before="ner"),
    "last, without tagger and lemmatizer": _without_tagger,
    "span_ruler writing ents after ner": _ruler(
        "span_ruler", LEXICAL + BY_LEMMA, config={"annotate_ents": True}
    ),
}


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_entities_are_spacys_wherever_the_ruler_sits(placement, tmp_path: Path, monkeypatch):
    nlp = spacy.load(SM_DATA_DIR)
    PLACEMENTS[placement](nlp)
    nlp.to_disk(tmp_path / "model")
    reference = spacy.load(tmp_path / "model")
    want = [
        [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in doc.ents]
        for doc in map(reference, TEXTS)
    ]
    assert {"VERSION", "ACME", "LICENSE"} & {e["label"] for answer in want for e in answer}
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "model"))
    assert [i for i, text in enumerate(TEXTS) if post_entities({"text": text}) != (200, want[i])] == []
    assert post_entities({"texts": TEXTS}) == (200, want)
