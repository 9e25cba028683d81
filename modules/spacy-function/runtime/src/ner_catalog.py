"""`GET /models`: the models an API serves, read from their meta.json without loading spaCy.

The catalog function answers it in a deployed environment (catalog_handler), the local server with the
same code, so the two cannot describe a model differently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypedDict


class CatalogEntry(TypedDict):
    """One model as configured: its name and version, and whether the bare routes serve it."""

    name: str
    version: str
    default: bool


def model_info(entry: CatalogEntry, path: Path) -> dict[str, Any]:
    """The entry with the pipeline's components and labels from `<path>/meta.json`, as shipped.

    A model whose meta.json is missing or unreadable (not synced yet, being replaced) is listed with
    `synced: false` and no components: the catalog lists what the environment is configured to serve.
    """
    info: dict[str, Any] = {**entry, "synced": False, "components": [], "labels": {}}
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return info
    if not isinstance(meta, dict):
        return info
    labels = meta.get("labels")
    info.update(
        synced=True,
        components=[str(name) for name in meta.get("pipeline") or []],
        labels={
            str(component): [str(label) for label in names]
            for component, names in (labels.items() if isinstance(labels, dict) else [])
            if isinstance(names, list) and names
        },
    )
    return info


def parse_catalog(raw: str) -> list[CatalogEntry]:
    """MODEL_CATALOG: a JSON list of {name, version, default}, exactly one of them the default."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"MODEL_CATALOG is not JSON: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise ValueError("MODEL_CATALOG must be a non-empty JSON list of {name, version, default}")
    entries: list[CatalogEntry] = []
    for item in data:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("version"), str)
            and isinstance(item.get("default"), bool)
        ):
            shape = "{name: str, version: str, default: bool}"
            raise ValueError(f"MODEL_CATALOG entry {item!r} is not {shape}")
        entries.append(CatalogEntry(name=item["name"], version=item["version"], default=item["default"]))
    if sum(entry["default"] for entry in entries) != 1:
        raise ValueError("MODEL_CATALOG must mark exactly one model as the default")
    return entries
