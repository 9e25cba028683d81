"""Run by tests/test_wheel.py with the python of a fresh venv that has only the installed wheel: every
operation against the local server, one JSON line per call. mypy checks it against the installed package."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from serverless_spacy_client import Entity, SpacyApiError, SpacyClient


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return {"ok": call()}
    except SpacyApiError as error:
        return {"error": [error.status, error.code]}


def main(url: str) -> None:
    client = SpacyClient(url)
    entities: list[Entity] = client.entities("He works at Google.")
    first_end: int = entities[0]["end"]
    calls: list[Callable[[], Any]] = [
        lambda: entities,
        lambda: client.entities_batch(["He works at Google.", "Angela Merkel visited Paris.", ""]),
        lambda: client.analyze("He works at Google.", include=["entities", "sents"]),
        lambda: sorted(client.health()),
        lambda: client.health()["status"],
        lambda: client.entities_batch([]),
        lambda: client.analyze("He works at Google.", include=["cats"]),
        lambda: client.entities("x" * 100_001),
        lambda: client.models(),
        lambda: SpacyClient(url, model=client.models()["models"][0]["name"]).entities("He works at Google."),
        lambda: client.analyze("He works at Google.", ["sents"], model=client.models()["models"][0]["name"]),
        lambda: client.entities("He works at Google.", model="xx_no_such_model"),
        lambda: first_end,
    ]
    for call in calls:
        print(json.dumps(outcome(call)))


if __name__ == "__main__":
    main(sys.argv[1])
