"""Lambda entry point of `GET /models` (handler string catalog_handler.handler).

A direct invocation returns the bare `{"models": [...]}`. A function of its own, without spaCy, so
listing models neither waits for nor depends on any model's function. It reads
`<MODEL_ROOT>/<name>/<version>/meta.json` of every model in MODEL_CATALOG.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ner_catalog import model_info, parse_catalog
from ner_http import ApiError, is_http_event, parse_event, response
from ner_log import emit
from ner_settings import DEFAULT_MODEL_ROOT

CATALOG_ROUTE = "/models"


def handler(event: Any, context: Any) -> Any:
    started = time.perf_counter()
    record: dict[str, Any] = {"level": "INFO", "event": "request", "route": CATALOG_ROUTE}
    record["request_id"] = getattr(context, "aws_request_id", None)
    http = is_http_event(event)
    try:
        if http and (request := parse_event(event)).method != "GET":
            raise ApiError(
                405,
                "method_not_allowed",
                f"{CATALOG_ROUTE} does not accept {request.method[:100] or 'an empty method'}; use GET.",
                headers={"allow": "GET"},
            )
        try:
            entries = parse_catalog(os.environ.get("MODEL_CATALOG", ""))
        except ValueError as exc:
            message = "The service is misconfigured; its operators have been told in the logs."
            raise ApiError(500, "invalid_configuration", message, detail=str(exc)) from exc
        root = Path(os.environ.get("MODEL_ROOT", "").strip() or DEFAULT_MODEL_ROOT)
        models = [model_info(entry, root / entry["name"] / entry["version"]) for entry in entries]
        payload = {"models": models}
        result = response(200, payload) if http else payload
        record["status"] = 200
    except ApiError as error:
        level = "ERROR" if error.status >= 500 else "INFO"
        record.update(status=error.status, error_code=error.code, level=level)
        if error.detail:
            record["detail"] = error.detail
        result = response(error.status, error.payload(), error.headers) if http else error.payload()
    record["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    emit(record)
    return result
