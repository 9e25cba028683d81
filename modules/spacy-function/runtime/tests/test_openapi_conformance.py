"""The running local server (`pnpm serve`: the handler behind real HTTP) against the OpenAPI document:
it serves the document at GET /openapi.json, and schemathesis runs every operation it serves with generated
valid and invalid requests: no 5xx, and every response conforms (status, content type, headers, body)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import RUNTIME_DIR
from local_openapi import DOCUMENT_FILE, load_document
from test_local_server import fetch, start_server, stop

CONFIG = RUNTIME_DIR / "tests" / "schemathesis.toml"
# Per operation; with the example database off a run is reproducible from the seed.
MAX_EXAMPLES = 50
SEED = 20261203
# Limits low enough that generated bodies cross them (the 413 answers are checked too), high enough that most
# are served (the defaults are 100,000 / 128 / 90,000).
LIMITS = {"MAX_TEXT_CHARS": "200", "MAX_BATCH_TEXTS": "8", "MAX_TOTAL_CHARS": "400"}

pytestmark = pytest.mark.model  # the server loads the installed en_core_web_sm


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url, _ = start_server(LIMITS, tmp_path_factory.mktemp("server"))
    try:
        yield url
    finally:
        stop(process)


def test_the_local_server_serves_the_checked_in_document(server: str):
    status, headers, body = fetch(f"{server}/openapi.json")
    assert (status, headers["content-type"]) == (200, "application/json")
    assert body == DOCUMENT_FILE.read_bytes()
    assert json.loads(body)["openapi"] == "3.1.0"
    # Only GET; the handler answers everything else.
    status, _, body = fetch(f"{server}/openapi.json", data=b"{}")
    assert (status, json.loads(body)["error"]["code"]) == (404, "not_found")


def test_schemathesis_finds_no_server_error_and_no_nonconforming_response(server: str, tmp_path: Path):
    report = tmp_path / "schemathesis.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        str(DOCUMENT_FILE),
        f"--url={server}",
        "--checks=all",
        f"--max-examples={MAX_EXAMPLES}",
        f"--seed={SEED}",
        "--workers=1",
        "--generation-database=none",
        "--report=json",
        f"--report-json-path={report}",
    ]
    started = time.monotonic()
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        # schemathesis keeps state in .schemathesis/ of its working directory: not in the source tree.
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    result = json.loads(report.read_text())
    served = sum(len(item) for item in load_document()["paths"].values())
    assert result["operations"] == {
        "total": served,
        "selected": served,
        "tested": served,
        "errored": 0,
        "skipped": 0,
        "skip_reasons": [],
    }
    assert result["failures"] == [] and result["errors"] == []
    assert result["test_cases"]["with_failures"] == 0
    # Every operation got accepted (valid) requests, not only refused ones.
    assert all(rates["fuzzing"]["accepted"] > 0 for rates in result["valid_rates"].values())
    print(f"schemathesis: {result['test_cases']['generated']} cases, {served} operations, {seconds:.1f} s")


def test_the_documents_example_model_is_the_one_the_server_serves(server: str):
    """So that schemathesis' requests under /models/{model} reach a model, not only 404 model_not_found."""
    (parameter,) = load_document()["paths"]["/models/{model}/entities"]["post"]["parameters"]
    status, _, body = fetch(f"{server}/models")
    assert status == 200
    assert [(m["name"], m["default"], m["synced"]) for m in json.loads(body)["models"]] == [
        (parameter["example"], True, True)
    ]
    status, _, body = fetch(
        f"{server}/models/{parameter['example']}/entities", data=b'{"text": "He works at Google."}'
    )
    assert (status, json.loads(body)) == (200, [{"text": "Google", "label": "ORG", "start": 12, "end": 18}])
