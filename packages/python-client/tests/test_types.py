"""The client's TypedDicts and Literals are the OpenAPI document's schemas: same keys, same optionality."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from serverless_spacy_client import errors, types

# TypedDict -> the document's schema (a nested object schema by its path).
SCHEMAS = {
    types.Entity: ("Entity",),
    types.AnalysisSpan: ("AnalysisSpan",),
    types.AnalysisSentence: ("AnalysisSentence",),
    types.AnalysisToken: ("AnalysisToken",),
    types.Analysis: ("Analysis",),
    types.HealthResponse: ("HealthResponse",),
    types.HealthModel: ("HealthResponse", "model"),
    types.ModelInfo: ("ModelInfo",),
    types.ModelsResponse: ("ModelsResponse",),
}


def _schema(openapi: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    schema = openapi["components"]["schemas"][path[0]]
    for name in path[1:]:
        schema = schema["properties"][name]
    return schema


@pytest.mark.parametrize("typed_dict", list(SCHEMAS), ids=lambda t: t.__name__)
def test_each_typed_dict_has_the_keys_and_optionality_of_its_schema(openapi, typed_dict):
    schema = _schema(openapi, SCHEMAS[typed_dict])
    assert typed_dict.__required_keys__ == set(schema.get("required", []))
    assert typed_dict.__required_keys__ | typed_dict.__optional_keys__ == set(schema["properties"])


def test_every_object_schema_of_a_response_has_a_typed_dict(openapi):
    names = {path[0] for path in SCHEMAS.values()}
    objects = {
        name
        for name, schema in openapi["components"]["schemas"].items()
        if schema.get("type") == "object" and not name.startswith("Error")
    }
    assert objects == names


def test_the_error_codes_and_analysis_fields_are_the_documents(openapi):
    schemas = openapi["components"]["schemas"]
    assert list(typing.get_args(errors.ErrorCode)) == schemas["ErrorCode"]["enum"]
    include = schemas["AnalysisRequest"]["oneOf"][0]["properties"]["include"]
    assert list(typing.get_args(types.AnalysisField)) == include["items"]["enum"]
