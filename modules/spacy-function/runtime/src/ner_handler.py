"""Lambda entry point (handler string ner_handler.handler): spaCy named entities.

Serves API Gateway HTTP API events (payload format 2.0) and direct invocations. A direct
invocation ({"text": ...} or {"texts": [...]}, no requestContext) returns the bare result list,
or the error object {"error": {"code", "message"}} instead of raising.
"""

from __future__ import annotations

import os

# One request at a time on 1-2 vCPUs: OpenBLAS's default thread pool only spins (15 times the
# CPU per request on a busy 2-core machine). OpenBLAS reads this once, when numpy is first
# imported, which the imports below do.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import contextlib
import threading
import time
import traceback
from typing import Any

from ner_http import ApiError, is_http_event, json_body, parse_event, response, route
from ner_log import emit
from ner_model import LoadedModel, ModelUnavailable, load
from ner_request import parse_entities
from ner_settings import ConfigError, Settings
from spacy.tokens import Doc

_lock = threading.Lock()
_settings: Settings | None = None
_model: LoadedModel | None = None


def handler(event: Any, context: Any) -> Any:
    started = time.perf_counter()
    record: dict[str, Any] = {"level": "INFO", "event": "request"}
    record["request_id"] = getattr(context, "aws_request_id", None)
    http = is_http_event(event)
    try:
        result = _serve_http(event, record) if http else _serve_direct(event, record)
    except Exception as exc:  # last resort: an escaping exception reaches callers as a bare 502
        error = ApiError(
            500,
            "internal_error",
            f"Unexpected {type(exc).__name__} while serving the request; "
            f"see the log line of request {record.get('request_id') or record.get('apigw_request_id')}.",
        )
        record.update(level="ERROR", status=500, error_code=error.code, exception=traceback.format_exc())
        result = response(500, error.payload()) if http else error.payload()
    record["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    emit(record)
    return result


def _serve_http(event: Any, record: dict[str, Any]) -> dict[str, Any]:
    request = parse_event(event)
    record.update(
        source="http", method=request.method, route=request.path, apigw_request_id=request.request_id
    )
    try:
        path = route(request)
        payload = _health() if path == "/health" else _entities(json_body(request), record)
    except ApiError as error:
        record.update(status=error.status, error_code=error.code)
        return response(error.status, error.payload(), error.headers)
    record["status"] = 200
    return response(200, payload)


def _serve_direct(event: Any, record: dict[str, Any]) -> Any:
    record["source"] = "direct"
    try:
        result = _entities(event, record)
    except ApiError as error:
        record.update(status=error.status, error_code=error.code)
        return error.payload()
    record["status"] = 200
    return result


def _entities(payload: Any, record: dict[str, Any]) -> list[Any]:
    settings = _current_settings()
    request = parse_entities(payload, settings)
    record.update(texts=len(request.texts), chars=sum(map(len, request.texts)))
    if settings.log_request_text:
        record["text"] = request.texts if request.batch else request.texts[0]
    nlp = _current_model(settings).nlp
    if request.batch:
        result: list[Any] = [_spans(doc) for doc in nlp.pipe(request.texts)]
        record["entities"] = sum(map(len, result))
    else:
        result = _spans(nlp(request.texts[0]))
        record["entities"] = len(result)
    return result


def _spans(doc: Doc) -> list[dict[str, Any]]:
    return [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in doc.ents]


def _health() -> dict[str, Any]:
    model = _current_model(_current_settings())
    return {
        "status": "ok",
        "model": {"name": model.name, "version": model.version},
        "components": list(model.components),
        "load_seconds": round(model.load_seconds, 3),
    }


def _current_settings() -> Settings:
    global _settings
    if _settings is None:
        try:
            _settings = Settings.from_env()
        except ConfigError as exc:
            raise ApiError(500, "invalid_configuration", str(exc)) from exc
    return _settings


def _current_model(settings: Settings) -> LoadedModel:
    global _model
    if _model is None:
        # One load per execution environment; concurrent first requests (local server) wait for it.
        with _lock:
            if _model is None:
                try:
                    model = load(settings)
                except ModelUnavailable as exc:
                    # Not cached: the sync may finish at any time, so the next request tries again.
                    emit(
                        {"level": "WARN", "event": "model_unavailable", "code": exc.code, "message": str(exc)}
                    )
                    raise ApiError(503, exc.code, exc.message) from exc
                emit(
                    {
                        "level": "INFO",
                        "event": "model_loaded",
                        "model": model.name,
                        "version": model.version,
                        "path": str(model.path),
                        "load_seconds": round(model.load_seconds, 3),
                        "components": list(model.components),
                        "excluded": list(model.excluded),
                        "kept_for_listeners": list(model.kept_for_listeners),
                    }
                )
                _model = model
    return _model


def preload() -> None:
    """Load the model now if possible; a missing model is reported and retried on later requests."""
    with contextlib.suppress(ApiError):
        _current_model(_current_settings())


def reset() -> None:
    """Forget the loaded model and settings so the next request re-reads the environment (tests)."""
    global _settings, _model
    with _lock:
        _settings = None
        _model = None


# Inside a Lambda runtime (or the emulator) load during init: the cost lands in the init phase,
# not in the first caller's latency.
if "AWS_LAMBDA_RUNTIME_API" in os.environ:
    preload()
