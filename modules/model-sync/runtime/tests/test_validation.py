"""Bad configuration fails before anything is touched, naming the variable; an event can only trigger
the configured sync, never change what it installs."""

from __future__ import annotations

from typing import Any

import pytest
from sync_event import load_request
from sync_testing import MODEL, config_env, configure, event, installed, sync, sync_fails

_DROP = object()
SHA = "ab" * 32
GOOD: dict[str, Any] = {
    "model_name": MODEL,
    "version": "1.0.0",
    "source": {"kind": "find_links", "location": "/wheels", "sha256": SHA},
}


def _env(**changes: str) -> dict[str, str]:
    env = config_env(GOOD)
    env.update(changes)
    return env


CONFIG_CASES = [
    ("missing name", _env(MODEL_NAME=""), "MODEL_NAME is required"),
    ("name path", _env(MODEL_NAME="../etc"), "MODEL_NAME must be a spaCy package name"),
    ("name hidden", _env(MODEL_NAME=".staging"), "MODEL_NAME must be a spaCy package name"),
    ("name dashes", _env(MODEL_NAME="en-core-web-lg"), "MODEL_NAME must be a spaCy package name"),
    ("name blank", _env(MODEL_NAME=" "), "MODEL_NAME must have no surrounding whitespace"),
    ("missing version", _env(MODEL_VERSION=""), "MODEL_VERSION is required"),
    ("version range", _env(MODEL_VERSION=">=3.8"), "MODEL_VERSION must be an exact release"),
    ("version path", _env(MODEL_VERSION="3.8.0/../../x"), "MODEL_VERSION must be an exact release"),
    ("missing kind", _env(MODEL_SOURCE_KIND=""), "MODEL_SOURCE_KIND is required"),
    (
        "kind",
        _env(MODEL_SOURCE_KIND="git"),
        "MODEL_SOURCE_KIND must be one of wheel_url, index_url, find_links, s3",
    ),
    ("missing sha256", _env(MODEL_SHA256=""), "MODEL_SHA256 is required"),
    ("short sha256", _env(MODEL_SHA256="abc"), "MODEL_SHA256 must be the wheel's sha256 as 64 lowercase hex"),
    ("upper sha256", _env(MODEL_SHA256="AB" * 32), "MODEL_SHA256 must be the wheel's sha256"),
    ("prefixed sha256", _env(MODEL_SHA256="sha256:" + SHA), "MODEL_SHA256 must be the wheel's sha256"),
    ("missing location", _env(MODEL_SOURCE_LOCATION=""), "MODEL_SOURCE_LOCATION is required"),
    ("location option", _env(MODEL_SOURCE_LOCATION="--index-url=http://evil"), "not an option"),
    (
        "location relative",
        _env(MODEL_SOURCE_LOCATION="wheels/"),
        "for kind 'find_links' must be an https URL",
    ),
    ("location space", _env(MODEL_SOURCE_LOCATION="/a b"), "must not contain whitespace"),
    (
        "file url",
        _env(MODEL_SOURCE_LOCATION="file:///wheels"),
        "MODEL_SOURCE_LOCATION for kind 'find_links' must be an https URL (http only for 127.0.0.1 or "
        "localhost) or an absolute path, got 'file:///wheels'",
    ),
    (
        "http to a remote host",
        _env(MODEL_SOURCE_KIND="index_url", MODEL_SOURCE_LOCATION="http://pypi.example.org/simple/"),
        "for kind 'index_url' must be an https URL (http only for 127.0.0.1 or localhost)",
    ),
    (
        "ftp",
        _env(MODEL_SOURCE_KIND="index_url", MODEL_SOURCE_LOCATION="ftp://example.org/simple/"),
        "for kind 'index_url' must be an https URL",
    ),
    (
        "credentials",
        _env(
            MODEL_SOURCE_KIND="index_url", MODEL_SOURCE_LOCATION="https://user:token@pypi.example.org/simple/"
        ),
        "must not carry credentials",
    ),
    (
        "token user only",
        _env(MODEL_SOURCE_KIND="index_url", MODEL_SOURCE_LOCATION="https://token@pypi.example.org/simple/"),
        "must not carry credentials",
    ),
    (
        "wheel_url not whl",
        _env(MODEL_SOURCE_KIND="wheel_url", MODEL_SOURCE_LOCATION="https://example.org/model.tar.gz"),
        "must point at a .whl file",
    ),
    (
        "s3 missing bucket",
        _env(MODEL_SOURCE_KIND="s3", MODEL_SOURCE_KEY="m.whl"),
        "MODEL_SOURCE_BUCKET is required",
    ),
    (
        "s3 bad bucket",
        _env(MODEL_SOURCE_KIND="s3", MODEL_SOURCE_BUCKET="My_Bucket", MODEL_SOURCE_KEY="m.whl"),
        "MODEL_SOURCE_BUCKET must be an S3 bucket name",
    ),
    (
        "s3 key not whl",
        _env(MODEL_SOURCE_KIND="s3", MODEL_SOURCE_BUCKET="models", MODEL_SOURCE_KEY="m.tar.gz"),
        "MODEL_SOURCE_KEY must name a .whl file",
    ),
    ("keep zero", _env(KEEP_VERSIONS="0"), "KEEP_VERSIONS must be from 1 to 100"),
    ("keep negative", _env(KEEP_VERSIONS="-1"), "KEEP_VERSIONS must be from 1 to 100"),
    ("keep word", _env(KEEP_VERSIONS="two"), "KEEP_VERSIONS must be an integer, got 'two'"),
]


@pytest.mark.parametrize(("env", "message"), [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_bad_configuration_fails_naming_the_variable(root, monkeypatch, env, message):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    summary = sync_fails({}, configured=True)
    assert summary["error"]["stage"] == "config"
    assert message in summary["error"]["message"]
    assert sorted(p.name for p in root.iterdir()) == []  # nothing created on the mount


def test_good_configuration_loads():
    request = load_request(config_env(GOOD))
    assert (request.model_name, request.version, request.source.kind) == (MODEL, "1.0.0", "find_links")
    assert request.source.sha256 == SHA
    assert request.keep_versions == 2
    local = load_request(
        _env(MODEL_SOURCE_KIND="index_url", MODEL_SOURCE_LOCATION="http://127.0.0.1:8080/simple/")
    )
    assert local.source.location == "http://127.0.0.1:8080/simple/"
    s3 = load_request(
        _env(MODEL_SOURCE_KIND="s3", MODEL_SOURCE_BUCKET="team-models", MODEL_SOURCE_KEY="a/m.whl")
    )
    assert s3.source.describe() == "s3://team-models/a/m.whl"


def _other(**changes) -> dict:
    ev = {**GOOD, "source": dict(GOOD["source"])}
    for key, value in changes.items():
        if key.startswith("source_"):
            ev["source"][key[7:]] = value
        else:
            ev[key] = value
    return ev


EVENT_CASES = [
    ("not an object", ["x"], "event must be a JSON object, got list"),
    ("json string", '{"model_name": "x"}', "event must be a JSON object, got str"),
    ("unknown field", {"force": True}, "unknown field(s) in event: 'force'"),
    ("tf key of CRUD scope", {"tf": {"action": "delete"}}, "unknown field(s) in event: 'tf'"),
    (
        "another version",
        {"version": "2.0.0"},
        "the event asks for version '2.0.0' but this function is configured for '1.0.0'",
    ),
    ("another model", {"model_name": "en_core_web_lg"}, "the event asks for model_name 'en_core_web_lg'"),
    ("own source", _other(source_location="https://evil.example.org/simple/"), "the event asks for source"),
    ("own hash", _other(source_sha256="cd" * 32), "the event asks for source"),
    ("retire everything", {"keep_versions": 0}, "the event asks for keep_versions 0"),
    ("keep as bool", {"keep_versions": True}, "the event asks for keep_versions True"),
]


@pytest.mark.parametrize(("ev", "message"), [c[1:] for c in EVENT_CASES], ids=[c[0] for c in EVENT_CASES])
def test_event_cannot_change_what_is_installed(with_v1, ev, message):
    configure({**GOOD, "keep_versions": 1})
    before = sorted(p.name for p in (with_v1 / MODEL / "1.0.0").iterdir())
    summary = sync_fails(ev, configured=True)
    assert summary["error"]["stage"] == "validate"
    assert message in summary["error"]["message"]
    assert installed(with_v1) == ["1.0.0"]
    assert sorted(p.name for p in (with_v1 / MODEL / "1.0.0").iterdir()) == before


def test_empty_event_and_the_configuration_itself_both_trigger(with_v1, find_links):
    ev = event("1.0.0", "find_links", find_links, keep_versions=1)
    configure(ev)
    import model_sync

    assert model_sync.handler({}, None)["status"] == "already_present"
    assert model_sync.handler(None, None)["status"] == "already_present"
    assert sync(ev)["status"] == "already_present"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("PIP_TIMEOUT_SECONDS", "0", "PIP_TIMEOUT_SECONDS must be >= 1"),
        ("MODEL_ROOT", "relative/models", "MODEL_ROOT must be an absolute path"),
    ],
)
def test_bad_settings_fail_as_config(root, monkeypatch, key, value, message):
    monkeypatch.setenv(key, value)
    summary = sync_fails(event("1.0.0", "find_links", "/wheels", sha256=SHA))
    assert summary["error"]["stage"] == "config"
    assert message in summary["error"]["message"]
