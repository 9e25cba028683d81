"""The models `pnpm serve` serves side by side, routed as API Gateway routes them in an environment.

`/models` is the catalog, `/models/<name>/…` one model's routes, every other path the default model's
(the first one). Each model has a runtime of its own, as each has a function of its own when deployed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ner_catalog import CatalogEntry, model_info
from ner_http import ApiError, echo, model_route, response
from ner_runtime import NerRuntime


@dataclass(frozen=True)
class LocalModel:
    name: str
    path: Path
    runtime: NerRuntime


def package_name(path: Path) -> str:
    """The name spaCy's `spacy package` gives a pipeline: `<lang>_<name>` of its meta.json."""
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return f"{meta['lang']}_{meta['name']}"


def parse_serve_models(raw: str) -> list[tuple[str, Path]]:
    """SERVE_MODELS: `name=path,name=path…`, the first one the default."""
    models: list[tuple[str, Path]] = []
    for item in (part.strip() for part in raw.split(",")):
        name, equals, path = item.partition("=")
        if not (name.strip() and equals and path.strip()):
            raise ValueError(f"SERVE_MODELS item {item!r} is not name=path")
        models.append((name.strip(), Path(path.strip())))
    names = [name for name, _ in models]
    if len(set(names)) != len(names):
        raise ValueError(f"SERVE_MODELS names a model twice: {', '.join(names)}")
    return models


class LocalModels:
    """Dispatches API Gateway events to the runtime of the model their path names."""

    def __init__(self, models: list[tuple[str, Path]], environ: Mapping[str, str] = os.environ) -> None:
        self.models = {
            name: LocalModel(name, path, NerRuntime({**environ, "MODEL_PATH": str(path), "MODEL_NAME": name}))
            for name, path in models
        }
        self.default = next(iter(self.models.values()))

    def preload(self) -> None:
        for model in self.models.values():
            model.runtime.preload()

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        path = event["rawPath"].rstrip("/") or "/"
        if path == "/models":
            return self._catalog(event["requestContext"]["http"]["method"])
        name, _ = model_route(path)
        if name is None:
            return self.default.runtime.handle(event, context)
        model = self.models.get(name)
        if model is None:
            known = ", ".join(self.models)
            error = ApiError(404, "model_not_found", f"No model {echo(name)}; this API serves {known}.")
            return response(error.status, error.payload())
        return model.runtime.handle(event, context)

    def _catalog(self, method: str) -> dict[str, Any]:
        if method != "GET":
            message = f"/models does not accept {echo(method) or 'an empty method'}; use GET."
            error = ApiError(405, "method_not_allowed", message, headers={"allow": "GET"})
            return response(error.status, error.payload(), error.headers)
        models = []
        for model in self.models.values():
            version = _meta_version(model.path)
            entry = CatalogEntry(name=model.name, version=version, default=model is self.default)
            models.append(model_info(entry, model.path))
        return response(200, {"models": models})


def _meta_version(path: Path) -> str:
    try:
        return str(json.loads((path / "meta.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"
