"""Several models behind one API: each function answers its own `/models/<name>/…` routes and the catalog
lists every model from its meta.json, in a deployed environment (catalog_handler) as under `pnpm serve`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import catalog_handler
import pytest
from conftest import MODEL_NAME, MODEL_VERSION, FakeContext, build_ruler_pipeline, call, http_event
from ner_catalog import parse_catalog
from ner_local_models import LocalModels, parse_serve_models

SEED = {"text": "He works at Google."}
GOOGLE = [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]


@pytest.mark.usefixtures("served")
def test_a_function_serves_its_model_under_models_name_and_the_bare_routes():
    assert call(http_event("POST", "/entities", SEED))[2] == GOOGLE
    assert call(http_event("POST", f"/models/{MODEL_NAME}/entities", SEED))[2] == GOOGLE
    status, _, health = call(http_event("GET", f"/models/{MODEL_NAME}/health"))
    assert status == 200 and health["model"]["version"] == MODEL_VERSION
    # The route key API Gateway sends for a literal per-model route.
    key = f"POST /models/{MODEL_NAME}/analyze"
    event = http_event(
        "POST", f"/models/{MODEL_NAME}/analyze", {**SEED, "include": ["entities"]}, route_key=key
    )
    assert call(event)[2]["entities"] == GOOGLE


@pytest.mark.usefixtures("served")
def test_another_models_route_is_model_not_found_and_naming_the_served_one():
    status, _, body = call(http_event("POST", "/models/en_core_web_lg/entities", SEED))
    assert status == 404 and body["error"]["code"] == "model_not_found"
    assert MODEL_NAME in body["error"]["message"]
    status, _, body = call(http_event("POST", f"/models/{MODEL_NAME}/nothing", SEED))
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, headers, body = call(http_event("GET", f"/models/{MODEL_NAME}/entities"))
    assert (status, headers["allow"]) == (405, "POST")


def test_without_model_name_no_model_route_is_served(monkeypatch: pytest.MonkeyPatch, model_root: Path):
    monkeypatch.setenv("MODEL_PATH", str(model_root / MODEL_NAME / MODEL_VERSION))
    status, _, body = call(http_event("POST", f"/models/{MODEL_NAME}/entities", SEED))
    assert (status, body["error"]["code"]) == (404, "model_not_found")
    assert "MODEL_NAME is unset" in body["error"]["message"]


def _catalog(event: Any) -> Any:
    return catalog_handler.handler(event, FakeContext())


def test_the_catalog_reads_components_and_labels_from_meta_json(
    monkeypatch: pytest.MonkeyPatch, model_root: Path
):
    catalog = [
        {"name": MODEL_NAME, "version": MODEL_VERSION, "default": True},
        {"name": "en_not_synced", "version": "1.0.0", "default": False},
    ]
    monkeypatch.setenv("MODEL_ROOT", str(model_root))
    monkeypatch.setenv("MODEL_CATALOG", json.dumps(catalog))
    result = _catalog(http_event("GET", "/models"))
    assert result["statusCode"] == 200
    first, second = json.loads(result["body"])["models"]
    assert first == {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "default": True,
        "synced": True,
        "components": ["attribute_ruler", "sentencizer", "entity_ruler"],
        "labels": {"entity_ruler": ["GPE", "ORG", "PERSON"]},
    }
    assert second == {**catalog[1], "synced": False, "components": [], "labels": {}}
    # A direct invocation answers the bare body.
    assert _catalog({})["models"][0]["name"] == MODEL_NAME


def test_the_catalog_refuses_other_methods_and_a_bad_catalog(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MODEL_CATALOG", json.dumps([{"name": "a", "version": "1", "default": True}]))
    result = _catalog(http_event("POST", "/models", {}))
    assert (result["statusCode"], result["headers"]["allow"]) == (405, "GET")
    monkeypatch.setenv("MODEL_CATALOG", json.dumps([{"name": "a", "version": "1", "default": False}]))
    result = _catalog(http_event("GET", "/models"))
    assert result["statusCode"] == 500
    assert json.loads(result["body"])["error"]["code"] == "invalid_configuration"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("not json", "not JSON"),
        ("[]", "non-empty JSON list"),
        ('[{"name": "a", "version": 1, "default": true}]', "is not {name: str"),
        (json.dumps([{"name": n, "version": "1", "default": True} for n in "ab"]), "exactly one"),
    ],
)
def test_a_bad_catalog_names_its_problem(raw: str, problem: str):
    with pytest.raises(ValueError, match=problem):
        parse_catalog(raw)


def test_serve_models_parses_name_path_pairs_and_refuses_the_rest():
    assert parse_serve_models("a=/m/a, b=/m/b") == [("a", Path("/m/a")), ("b", Path("/m/b"))]
    for bad, problem in [("a", "not name=path"), ("a=/x,a=/y", "twice"), ("=/x", "not name=path")]:
        with pytest.raises(ValueError, match=problem):
            parse_serve_models(bad)


def test_local_models_route_by_path_with_one_runtime_per_model(tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    build_ruler_pipeline().to_disk(first)
    other = build_ruler_pipeline()
    other.meta.update(name="other", version="2.0.0")
    patterns = [{"label": "PRODUCT", "pattern": "Widget"}]
    other.get_pipe("entity_ruler").add_patterns(patterns)  # type: ignore[attr-defined]
    other.to_disk(second)
    models = LocalModels([("en_first", first), ("en_other", second)], environ={})
    widget = {"text": "Google sells the Widget."}

    def post(path: str) -> tuple[int, Any]:
        result = models.handle(http_event("POST", path, widget), FakeContext())
        return result["statusCode"], json.loads(result["body"])

    assert [e["label"] for e in post("/entities")[1]] == ["ORG"]
    assert [e["label"] for e in post("/models/en_other/entities")[1]] == ["ORG", "PRODUCT"]
    assert post("/models/en_first/entities")[1] == post("/entities")[1]
    status, body = post("/models/en_missing/entities")
    assert (status, body["error"]["code"]) == (404, "model_not_found")
    assert "en_first, en_other" in body["error"]["message"]
    listing = json.loads(models.handle(http_event("GET", "/models"), FakeContext())["body"])["models"]
    assert [(m["name"], m["version"], m["default"]) for m in listing] == [
        ("en_first", MODEL_VERSION, True),
        ("en_other", "2.0.0", False),
    ]
    assert listing[1]["labels"]["entity_ruler"] == ["GPE", "ORG", "PERSON", "PRODUCT"]
