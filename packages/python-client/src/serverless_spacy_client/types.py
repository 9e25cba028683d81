"""The API's request and response shapes, as packages/shared/openapi.json defines them (tests/test_types.py
compares every key and its optionality with the document).

No `from __future__ import annotations` here: TypedDict reads NotRequired from evaluated annotations.
"""

from typing import Literal, NotRequired, TypedDict

AnalysisField = Literal["entities", "spans", "cats", "sents", "tokens"]


class Entity(TypedDict):
    """A named entity; start and end are code point offsets (Python str indices) into the request text."""

    text: str
    label: str
    start: int
    end: int


class AnalysisSpan(TypedDict):
    """A span of doc.ents or doc.spans, with the knowledge-base and pattern ids where set."""

    text: str
    label: str
    start: int
    end: int
    kb_id: NotRequired[str]
    id: NotRequired[str]


class AnalysisSentence(TypedDict):
    text: str
    start: int
    end: int


class AnalysisToken(TypedDict):
    """A token; the attributes beyond text and offsets appear when a loaded component assigns them."""

    text: str
    start: int
    end: int
    tag: NotRequired[str]
    pos: NotRequired[str]
    morph: NotRequired[str]
    lemma: NotRequired[str]
    dep: NotRequired[str]
    head: NotRequired[int]


class Analysis(TypedDict, total=False):
    """What the pipeline produces for one text: the requested fields only."""

    entities: list[AnalysisSpan]
    spans: dict[str, list[AnalysisSpan]]
    cats: dict[str, float]
    sents: list[AnalysisSentence]
    tokens: list[AnalysisToken]


class HealthModel(TypedDict):
    name: str
    version: str


class HealthResponse(TypedDict):
    status: Literal["ok"]
    model: HealthModel
    components: list[str]
    load_seconds: float


class ModelInfo(TypedDict):
    """A model the API serves; `synced` is false while its files are not in the store (no components then)."""

    name: str
    version: str
    default: bool
    synced: bool
    components: list[str]
    labels: dict[str, list[str]]


class ModelsResponse(TypedDict):
    models: list[ModelInfo]
