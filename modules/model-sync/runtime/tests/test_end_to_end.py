"""The contract between the sync and the NER function, end to end with both real handlers.

The sync installs a real wheel from a local HTTP index into a temp "mount"; the NER handler
(modules/spacy-function/runtime, handler ner_handler.handler) is then invoked in its own process,
as its own Lambda would be, with only MODEL_ROOT/MODEL_NAME/MODEL_VERSION pointing it there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sync_testing import MODEL, assert_no_debris, event, sync
from testkit import WheelIndex

RUNTIME_SRC = Path(__file__).resolve().parents[4] / "modules" / "spacy-function" / "runtime" / "src"

_INVOKE_NER = """
import json, sys
import ner_handler
print(json.dumps(ner_handler.handler(json.loads(sys.argv[1]), None)))
"""


def _api_event(method: str, path: str, body: dict) -> dict:
    """API Gateway HTTP API (payload format 2.0), as the service sends it."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"},
            "requestId": "e2e-1",
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def _call_ner(root: Path, version: str, text: str) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MODEL_")},
        "MODEL_ROOT": str(root),
        "MODEL_NAME": MODEL,
        "MODEL_VERSION": version,
        "PYTHONPATH": str(RUNTIME_SRC),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _INVOKE_NER, json.dumps(_api_event("POST", "/entities", {"text": text}))],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_synced_model_is_served_by_the_ner_handler(root, wheels):
    assert (RUNTIME_SRC / "ner_handler.py").is_file()
    # Before the sync the NER function has no model: it says so instead of crashing.
    before = _call_ner(root, "2.0.0", "He works at Google.")
    assert before["statusCode"] == 503

    with WheelIndex(list(wheels.values())) as index:
        result = sync(event("2.0.0", "index_url", index.index_url))
    assert result["status"] == "installed"
    assert_no_debris(root)

    response = _call_ner(root, "2.0.0", "He works at Google.")
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]
