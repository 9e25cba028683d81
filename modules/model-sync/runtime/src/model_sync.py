"""Lambda handler: install the one spaCy model version this function is configured for onto the EFS store.

Handler string ``model_sync.handler``. What to install comes from the environment (set by Terraform);
the event only triggers the run. Configuration, event and result are described in docs/model-sync.md.
A failed sync raises ModelSyncFailed (after its cleanup) so the invocation is a function error
and ``aws_lambda_invocation`` fails the apply; the exception message is the JSON result.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from typing import Any

from sync_errors import ModelSyncFailed, SyncFailure
from sync_event import check_event, load_request
from sync_flow import sync_model
from sync_log import log
from sync_settings import Deadline, load_settings


def _configured(key: str) -> str | None:
    return os.environ.get(key) or None


def handler(event: object, context: object = None) -> dict:
    started = time.monotonic()
    try:
        settings = load_settings(os.environ)
        request = load_request(os.environ)
        check_event(event, request)
        result = sync_model(request, settings, Deadline.from_context(context))
    except Exception as exc:
        failure = (
            exc if isinstance(exc, SyncFailure) else SyncFailure("internal", f"{type(exc).__name__}: {exc}")
        )
        summary: dict[str, Any] = {
            "status": "failed",
            "model_name": _configured("MODEL_NAME"),
            "version": _configured("MODEL_VERSION"),
            "path": None,
            "bytes": 0,
            "seconds": round(time.monotonic() - started, 3),
            "removed_versions": [],
            "error": {"stage": failure.stage, "message": failure.message},
        }
        # A SyncFailure is an expected stage failure whose message says it all; anything else is a bug.
        detail = {} if isinstance(exc, SyncFailure) else {"exception": traceback.format_exc()}
        log("ERROR", "model_sync_failed", **summary, **detail)
        raise ModelSyncFailed(json.dumps(summary)) from exc
    log("INFO", "model_synced", **result)
    return result
