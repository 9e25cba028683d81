"""Helpers for the model sync tests (a unique module name: suites share one interpreter in CI)."""

from __future__ import annotations

import json
from pathlib import Path

import model_sync
import pytest
import spacy
from sync_errors import ModelSyncFailed

MODEL = "en_test_ner"
VERSIONS = ("1.0.0", "2.0.0", "3.0.0")
TEXT = "He works at Google."
ANSWER = [("Google", "ORG", 12, 18)]


def event(version: str, kind: str, location: str | Path, **extra) -> dict:
    return {
        "model_name": MODEL,
        "version": version,
        "source": {"kind": kind, "location": str(location)},
        **extra,
    }


def sync(ev: dict, context: object = None) -> dict:
    return model_sync.handler(ev, context)


def sync_fails(ev: object, context: object = None) -> dict:
    """The handler must raise; its message is the JSON summary Terraform shows."""
    with pytest.raises(ModelSyncFailed) as info:
        model_sync.handler(ev, context)
    summary = json.loads(str(info.value))
    assert summary["status"] == "failed"
    assert set(summary["error"]) == {"stage", "message"}
    return summary


def assert_serves(root: Path, version: str) -> None:
    """The version on the mount is a real, working pipeline: spaCy loads it and finds Google."""
    nlp = spacy.load(root / MODEL / version)
    assert nlp.meta["version"] == version
    doc = nlp(TEXT)
    assert [(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] == ANSWER


def assert_no_debris(root: Path) -> None:
    staging = root / ".staging"
    leftovers = sorted(p.name for p in staging.iterdir()) if staging.exists() else []
    assert leftovers == []


def installed(root: Path) -> list[str]:
    model_dir = root / MODEL
    return sorted(p.name for p in model_dir.iterdir()) if model_dir.exists() else []
