"""Bad events and bad settings fail before anything is touched, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from sync_event import parse_event
from sync_testing import MODEL, event, installed, sync_fails

_DROP = object()
GOOD: dict[str, Any] = {
    "model_name": MODEL,
    "version": "1.0.0",
    "source": {"kind": "find_links", "location": "/wheels"},
}


def _with(**changes) -> dict:
    ev = {**GOOD, "source": dict(GOOD["source"])}
    for key, value in changes.items():
        target, field = (ev["source"], key[7:]) if key.startswith("source_") else (ev, key)
        if value is _DROP:
            target.pop(field)
        else:
            target[field] = value
    return ev


CASES = [
    ("not an object", ["x"], "event must be a JSON object, got list"),
    ("json string", '{"model_name": "x"}', "event must be a JSON object, got str"),
    ("unknown field", _with(force=True), "unknown field(s) in event: 'force'"),
    ("missing model_name", _with(model_name=_DROP), "model_name is required"),
    ("model_name type", _with(model_name=7), "model_name must be a string, got int"),
    ("model_name path", _with(model_name="../etc"), "model_name must be a spaCy package name"),
    ("model_name hidden", _with(model_name=".staging"), "model_name must be a spaCy package name"),
    ("model_name dashes", _with(model_name="en-core-web-lg"), "model_name must be a spaCy package name"),
    ("model_name blank", _with(model_name=" "), "model_name must be non-empty"),
    ("missing version", _with(version=_DROP), "version is required"),
    ("version range", _with(version=">=3.8"), "version must be an exact release"),
    ("version path", _with(version="3.8.0/../../x"), "version must be an exact release"),
    ("version number", _with(version=3.8), "version must be a string, got float"),
    ("missing source", _with(source=_DROP), "source is required"),
    ("source not object", _with(source="https://x/y.whl"), "source must be an object"),
    ("source extra", _with(source_sha256="abc"), "unknown field(s) in source: 'sha256'"),
    ("kind", _with(source_kind="s3"), "source.kind must be one of wheel_url, index_url, find_links"),
    ("missing location", _with(source_location=_DROP), "source.location is required"),
    ("location option", _with(source_location="--index-url=http://evil"), "not an option"),
    ("location relative", _with(source_location="wheels/"), "source.location for kind 'find_links'"),
    (
        "wheel_url not whl",
        _with(source_kind="wheel_url", source_location="https://example.org/model.tar.gz"),
        "must point at a .whl file",
    ),
    (
        "index_url scheme",
        _with(source_kind="index_url", source_location="ftp://example.org/simple/"),
        "source.location for kind 'index_url' must be an http(s):// or file:// URL",
    ),
    ("location space", _with(source_location="/a b"), "must not contain whitespace"),
    ("keep negative", _with(keep_versions=-1), "keep_versions must be an integer from 0 to 100, got -1"),
    ("keep bool", _with(keep_versions=True), "keep_versions must be an integer from 0 to 100, got True"),
    ("keep str", _with(keep_versions="2"), "keep_versions must be an integer from 0 to 100, got '2'"),
]


@pytest.mark.parametrize(("ev", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_event_is_rejected_naming_the_field(root, ev, message):
    summary = sync_fails(ev)
    assert summary["error"]["stage"] == "validate"
    assert message in summary["error"]["message"]
    assert installed(root) == []
    assert sorted(p.name for p in root.iterdir()) == []  # nothing created on the mount


def test_good_event_passes_validation():
    request = parse_event(GOOD)
    assert (request.model_name, request.version, request.source.kind) == (MODEL, "1.0.0", "find_links")
    assert request.keep_versions is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("KEEP_VERSIONS", "two", "KEEP_VERSIONS must be an integer, got 'two'"),
        ("KEEP_VERSIONS", "-1", "KEEP_VERSIONS must be >= 0"),
        ("PIP_TIMEOUT_SECONDS", "0", "PIP_TIMEOUT_SECONDS must be >= 1"),
        ("MODEL_ROOT", "relative/models", "MODEL_ROOT must be an absolute path"),
    ],
)
def test_bad_settings_fail_as_config(root, monkeypatch, key, value, message):
    monkeypatch.setenv(key, value)
    summary = sync_fails(event("1.0.0", "find_links", "/wheels"))
    assert summary["error"]["stage"] == "config"
    assert message in summary["error"]["message"]
