"""Helpers for the model sync tests (a unique module name: suites share one interpreter in CI)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import model_sync
import pytest
import spacy
from sync_errors import ModelSyncFailed

MODEL = "en_test_ner"
VERSIONS = ("1.0.0", "2.0.0", "3.0.0")
TEXT = "He works at Google."
ANSWER = [("Google", "ORG", 12, 18)]


# sha256 of each test wheel by version, filled by the session's `wheels` fixture.
WHEEL_SHA256: dict[str, str] = {}
CONFIG_VARS = (
    "MODEL_NAME",
    "MODEL_VERSION",
    "MODEL_SHA256",
    "MODEL_SOURCE_KIND",
    "MODEL_SOURCE_LOCATION",
    "MODEL_SOURCE_BUCKET",
    "MODEL_SOURCE_KEY",
    "KEEP_VERSIONS",
)


def event(version: str, kind: str, location: str | Path, *, sha256: str | None = None, **extra) -> dict:
    """The configuration Terraform gives the sync, in the shape of the invocation input."""
    source = {"kind": kind, "sha256": sha256 or WHEEL_SHA256[version]}
    if kind == "s3":
        bucket, _, key = str(location).removeprefix("s3://").partition("/")
        source.update(bucket=bucket, key=key)
    else:
        source["location"] = str(location)
    return {"model_name": MODEL, "version": version, "source": source, **extra}


def config_env(ev: dict) -> dict[str, str]:
    """The sync function's environment for the configuration ``ev`` (what ModelSync sets)."""
    source = ev["source"]
    env = {name: "" for name in CONFIG_VARS}
    env.update(
        MODEL_NAME=ev["model_name"],
        MODEL_VERSION=ev["version"],
        MODEL_SHA256=source["sha256"],
        MODEL_SOURCE_KIND=source["kind"],
    )
    if source["kind"] == "s3":
        env.update(MODEL_SOURCE_BUCKET=source["bucket"], MODEL_SOURCE_KEY=source["key"])
    else:
        env["MODEL_SOURCE_LOCATION"] = source["location"]
    if "keep_versions" in ev:
        env["KEEP_VERSIONS"] = str(ev["keep_versions"])
    return env


def configure(ev: dict) -> None:
    """Play Terraform: set the function's environment (the `root` fixture restores it after the test)."""
    keep = os.environ.get("KEEP_VERSIONS", "")
    os.environ.update(config_env(ev))
    if "keep_versions" not in ev:
        os.environ["KEEP_VERSIONS"] = keep  # a test's own KEEP_VERSIONS stays


def sync(ev: dict, context: object = None) -> dict:
    """Configure the function for ``ev`` and invoke it with ``ev`` as the input, as Terraform does."""
    configure(ev)
    return model_sync.handler(ev, context)


def sync_fails(ev: object, context: object = None, *, configured: bool = False) -> dict:
    """The handler must raise; its message is the JSON summary Terraform shows.

    ``configured``: the environment is already set (by the test), ``ev`` is only the event.
    """
    if not configured:
        assert isinstance(ev, dict), "an unconfigured call configures the function from a dict event"
        configure(ev)
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
