"""The handler under the real Lambda runtime protocol: awslambdaric behind the Runtime Interface Emulator.

Needs the emulator binary: `pnpm tools` builds it and `source ~/.cache/serverless-spacy/tools/env.sh`
exports SERVERLESS_SPACY_RIE.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ENV_VARS, MODEL_NAME, MODEL_VERSION, SEED_ANSWER, SEED_TEXT, SRC_DIR, http_event

pytestmark = pytest.mark.rie  # drives the handler through aws-lambda-rie (`pnpm tools`)

INVOKE_PATH = "/2015-03-31/functions/function/invocations"


def rie_binary() -> str:
    path = os.environ.get("SERVERLESS_SPACY_RIE", "")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            f"SERVERLESS_SPACY_RIE={path!r} is not an executable aws-lambda-rie. Build it with `pnpm tools`, "
            "then `source ~/.cache/serverless-spacy/tools/env.sh` (it exports SERVERLESS_SPACY_RIE).",
            pytrace=False,
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    def __init__(self, process: subprocess.Popen, url: str, log_path: Path) -> None:
        self.process = process
        self.url = url
        self.log_path = log_path

    def invoke(self, event: Any) -> Any:
        request = urllib.request.Request(self.url, data=json.dumps(event).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=120) as reply:
            return json.loads(reply.read())

    def log_records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.startswith("{")]

    def request_ids(self) -> list[str]:
        return [
            line.split()[2]
            for line in self.log_path.read_text().splitlines()
            if line.startswith("START RequestId:")
        ]


@pytest.fixture(scope="module")
def emulator(model_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with running_emulator(model_root, tmp_path_factory.mktemp("rie"), {}) as started:
        yield started


@contextlib.contextmanager
def running_emulator(model_root: Path, log_dir: Path, extra_env: dict[str, str]) -> Iterator[Emulator]:
    binary = rie_binary()
    api_port, emulator_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if key not in ENV_VARS}
    env.update(MODEL_ROOT=str(model_root), MODEL_NAME=MODEL_NAME, MODEL_VERSION=MODEL_VERSION, **extra_env)
    log_path = log_dir / "stdout.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [
                binary,
                "--log-level",
                "error",
                "--runtime-api-address",
                f"127.0.0.1:{api_port}",
                "--runtime-interface-emulator-address",
                f"127.0.0.1:{emulator_port}",
                sys.executable,
                "-m",
                "awslambdaric",
                "ner_handler.handler",
            ],
            cwd=SRC_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", emulator_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"aws-lambda-rie did not start:\n{log_path.read_text()}")
                time.sleep(0.05)
        yield Emulator(process, f"http://127.0.0.1:{emulator_port}{INVOKE_PATH}", log_path)
    finally:
        # The emulator, awslambdaric and anything they spawned share one process group.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue


def test_entities_health_errors_and_direct_calls_over_the_runtime_api(emulator: Emulator):
    reply = emulator.invoke(http_event("POST", "/entities", {"text": SEED_TEXT}))
    assert reply == {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": '[{"text": "Google", "label": "ORG", "start": 12, "end": 18}]',
    }

    reply = emulator.invoke(http_event("GET", "/health", stage="prod"))
    assert reply["statusCode"] == 200
    health = json.loads(reply["body"])
    assert health["model"] == {"name": MODEL_NAME, "version": MODEL_VERSION}
    assert health["components"] == ["attribute_ruler", "sentencizer", "entity_ruler"]

    reply = emulator.invoke(http_event("POST", "/entities", raw_body='{"text": "He works'))
    assert reply["statusCode"] == 400
    assert json.loads(reply["body"])["error"]["code"] == "malformed_json"

    assert emulator.invoke({"texts": [SEED_TEXT, "Berlin"]})[0] == SEED_ANSWER
    assert emulator.invoke({"text": 42}) == {
        "error": {"code": "invalid_text", "message": '"text" must be a string, got a number.'}
    }

    reply = emulator.invoke(http_event("POST", "/entities", {"text": SEED_TEXT}, base64_body=True))
    assert json.loads(reply["body"]) == SEED_ANSWER
    assert emulator.process.poll() is None


def test_one_init_and_one_log_line_per_invocation_with_the_lambda_request_id(emulator: Emulator):
    before = len(emulator.request_ids())
    emulator.invoke(http_event("POST", "/entities", {"texts": [SEED_TEXT]}))
    deadline = time.monotonic() + 5
    while len(emulator.request_ids()) == before or "texts" not in emulator.log_records()[-1]:
        assert time.monotonic() < deadline, emulator.log_path.read_text()
        time.sleep(0.05)
    records = emulator.log_records()
    assert [r["event"] for r in records].count("model_loaded") == 1
    requests = [r for r in records if r["event"] == "request"]
    assert [r["request_id"] for r in requests] == emulator.request_ids()
    assert requests[-1]["status"] == 200 and requests[-1]["texts"] == 1 and requests[-1]["entities"] == 1


def test_a_request_the_invocation_cannot_finish_is_refused_by_the_real_deadline(
    model_root: Path, tmp_path: Path
):
    # The emulator enforces AWS_LAMBDA_FUNCTION_TIMEOUT and hands awslambdaric the deadline that
    # context.get_remaining_time_in_millis() reads; at the assumed 11,000 characters per second,
    # 35,000 characters need 3.2 s of a 2 s invocation.
    env = {"AWS_LAMBDA_FUNCTION_TIMEOUT": "2", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1769"}
    with running_emulator(model_root, tmp_path, env) as short:
        reply = short.invoke(http_event("POST", "/entities", {"texts": ["Google " * 1000] * 5}))
        assert reply["statusCode"] == 503 and reply["headers"]["retry-after"] == "1"
        assert json.loads(reply["body"])["error"]["code"] == "not_enough_time"
        assert short.invoke(http_event("POST", "/entities", {"text": SEED_TEXT}))["statusCode"] == 200
