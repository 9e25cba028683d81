"""Lambda entry point (handler string ner_handler.handler): spaCy named entities.

Serves API Gateway events (HTTP API payload format 2.0 and 1.0) and direct invocations. A direct
invocation ({"text": ...} or {"texts": [...]}, no requestContext) returns the bare result list,
or the error object {"error": {"code", "message"}} instead of raising.

Each request runs inside `nlp.memory_zone()`: the strings and lexemes of its never-seen tokens are
freed when it ends, so memory stays flat however much new text an environment sees in its life.
Results are plain dicts built inside the zone; no Doc, Span or Token outlives it. The zone leaves
tombstones in spaCy's hash tables, which ner_tables rebuilds between requests; words that recur
are kept out of the zone by ner_warm, so they cost no more than before.
"""

from __future__ import annotations

import os

# One request at a time on 1-2 vCPUs: OpenBLAS's default thread pool only spins (15 times the
# CPU per request on a busy 2-core machine). OpenBLAS reads this once, when numpy is first
# imported, which the imports below do.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import contextlib
import math
import threading
import time
import traceback
from typing import Any

from ner_analyze import analysis, requested_fields
from ner_backoff import Backoff
from ner_budget import Budget
from ner_doc import make_doc
from ner_entities import DeferredCounts
from ner_http import (
    LAMBDA_RESPONSE_LIMIT_BYTES,
    ApiError,
    is_http_event,
    json_body,
    parse_event,
    response,
    response_bytes,
    route,
    too_large_response,
)
from ner_log import emit
from ner_model import LoadedModel, ModelUnavailable, load
from ner_request import EntitiesRequest, parse_entities
from ner_settings import ConfigError, Settings
from ner_tables import TableCompactor
from ner_warm import WarmWords
from spacy.tokens import Doc

# What callers read when the model is unavailable; the path and the commands that fix it go to the
# log line of the request (ApiError.detail), not to possibly unauthenticated callers.
_UNAVAILABLE_MESSAGES = {
    "model_not_configured": "The service has no model configured; its operators have been told in the logs.",
    "model_not_synced": "The model is not installed yet; retry later.",
    "model_load_failed": "The model could not be loaded; retry later.",
}

_lock = threading.Lock()
_settings: Settings | None = None
_model: LoadedModel | None = None
_budget: Budget | None = None
_tables: TableCompactor | None = None
_warm: WarmWords | None = None
# A damaged model directory fails the same full load on every attempt; space the attempts out.
_load_backoff = Backoff()
_load_failure: ModelUnavailable | None = None


def handler(event: Any, context: Any) -> Any:
    started = time.perf_counter()
    record: dict[str, Any] = {"level": "INFO", "event": "request"}
    record["request_id"] = getattr(context, "aws_request_id", None)
    http = is_http_event(event)
    try:
        result = _serve_http(event, context, record) if http else _serve_direct(event, context, record)
    except Exception:  # last resort: an escaping exception reaches callers as a bare 502
        error = ApiError(
            500,
            "internal_error",
            "Internal error while serving the request; quote request id "
            f"{record.get('request_id') or record.get('apigw_request_id')} when reporting it.",
        )
        record.update(level="ERROR", status=500, error_code=error.code, exception=traceback.format_exc())
        result = response(500, error.payload()) if http else error.payload()
    record["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    emit(record)
    return result


def _serve_http(event: Any, context: Any, record: dict[str, Any]) -> dict[str, Any]:
    request = parse_event(event)
    record.update(
        source="http", method=request.method, route=request.path, apigw_request_id=request.request_id
    )
    try:
        path = route(request)
        if path == "/health":
            payload: Any = _health()
        else:
            payload = _entities(json_body(request), context, record, analyze=path == "/analyze")
        result = response(200, payload)
        # The runtime re-escapes the body inside the envelope: at most 2 x its UTF-8 bytes, at most 4 per
        # character. Only a body that could be near the limit is measured exactly.
        if 8 * len(result["body"]) + 1_000 > LAMBDA_RESPONSE_LIMIT_BYTES:
            _require_response_fits(result)
    except ApiError as error:
        _refused(error, record)
        return response(error.status, error.payload(), error.headers)
    record["status"] = 200
    return result


def _serve_direct(event: Any, context: Any, record: dict[str, Any]) -> Any:
    record["source"] = "direct"
    try:
        result = _entities(event, context, record)
        _require_response_fits(result)
    except ApiError as error:
        _refused(error, record)
        return error.payload()
    record["status"] = 200
    return result


def _require_response_fits(result: Any) -> None:
    size = response_bytes(result)
    if size > LAMBDA_RESPONSE_LIMIT_BYTES:
        raise too_large_response(size)


def _refused(error: ApiError, record: dict[str, Any]) -> None:
    record.update(status=error.status, error_code=error.code)
    if error.detail:
        record["detail"] = error.detail
    if error.status >= 500:
        record["level"] = "ERROR" if error.status == 500 else "WARN"


def _entities(payload: Any, context: Any, record: dict[str, Any], *, analyze: bool = False) -> Any:
    """`POST /entities` (entities per text) or, with analyze, `POST /analyze` (the requested fields)."""
    settings = _current_settings()
    request = parse_entities(payload, settings)
    record.update(texts=len(request.texts), chars=request.chars)
    if request.replaced_surrogates:
        record["replaced_surrogates"] = request.replaced_surrogates
    if settings.log_request_text:
        record["text"] = request.texts if request.batch else request.texts[0]
    model = _current_model(settings)
    include = requested_fields(payload, model.produces) if analyze else ()
    budget = _current_budget(settings)
    budget.require(context, request.chars)
    started = time.perf_counter()
    counts = DeferredCounts()
    with model.nlp.memory_zone():
        per_text = _annotate(model, request, settings, budget, context, counts, include)
    if model.deferred_parse and not analyze:
        record.update(parsed_texts=counts.parsed, rerun_texts=counts.rerun)
    budget.observe(request.chars, time.perf_counter() - started)
    if not analyze:
        record["entities"] = sum(map(len, per_text))
    elif "entities" in include:
        record["entities"] = sum(len(result["entities"]) for result in per_text)
    if _warm is not None:
        _warm.note(request.texts)
    if _tables is not None and (compacted := _tables.maybe_compact()):
        record["tables_compacted"] = compacted
    return per_text if request.batch else per_text[0]


def _annotate(
    model: LoadedModel,
    request: EntitiesRequest,
    settings: Settings,
    budget: Budget,
    context: Any,
    counts: DeferredCounts,
    include: tuple[str, ...],
) -> list[Any]:
    """Entities (or, with include, the analysis) per text, as plain values: call inside the memory zone,
    use outside it."""
    nlp = model.nlp
    result: list[Any] = []
    left = request.chars
    made = (make_doc(nlp, text) for text in request.texts)
    batch_size = _batch_size(request, settings, nlp.batch_size)
    # The analysis runs every loaded component, as spacy.load's pipeline does.
    docs = nlp.pipe(made, batch_size=batch_size) if include else model.entities.pipe(made, batch_size, counts)
    for text, doc in zip(request.texts, docs, strict=True):
        result.append(analysis(doc, include, model.produces) if include else _spans(doc))
        left -= len(text)
        # Slower than estimated (a noisy neighbour, an odd text): stop with an answer rather than
        # let the timeout kill the invocation mid-batch.
        if left:
            budget.require(context, left)
    return result


def _batch_size(request: EntitiesRequest, settings: Settings, pipeline_default: int) -> int:
    """Texts per minibatch: PIPE_BATCH_SIZE or the pipeline's own, fewer when the texts are long."""
    by_chars = settings.pipe_batch_chars * len(request.texts) // max(1, request.chars)
    return max(1, min(settings.pipe_batch_size or pipeline_default, by_chars))


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
            message = "The service is misconfigured; its operators have been told in the logs."
            raise ApiError(500, "invalid_configuration", message, detail=str(exc)) from exc
    return _settings


def _current_budget(settings: Settings) -> Budget:
    global _budget
    if _budget is None:
        _budget = Budget(settings)
    return _budget


def _unavailable(exc: ModelUnavailable, retry_after: float | None = None) -> ApiError:
    headers = {"retry-after": str(max(1, math.ceil(retry_after)))} if retry_after else None
    message = _UNAVAILABLE_MESSAGES.get(exc.code, "The model is unavailable; retry later.")
    return ApiError(503, exc.code, message, headers=headers, detail=exc.message)


def _current_model(settings: Settings) -> LoadedModel:
    global _model, _load_failure, _tables, _warm
    if _model is None:
        # One load per execution environment; concurrent first requests (local server) wait for it.
        with _lock:
            if _model is None:
                wait = _load_backoff.wait_seconds()
                if wait > 0 and _load_failure is not None:
                    error = _unavailable(_load_failure, wait)
                    error.detail = (
                        f"not loading: {_load_backoff.failures} load(s) failed in a row, next attempt in "
                        f"{wait:.1f} s; last failure: {_load_failure.message}"
                    )
                    raise error
                try:
                    model = load(settings)
                except ModelUnavailable as exc:
                    # A missing directory costs a stat and the sync may finish at any moment: the
                    # next request looks again. A failed load cost a full load: back off.
                    retry_after = None
                    if exc.code == "model_load_failed":
                        _load_failure = exc
                        retry_after = _load_backoff.failed()
                    emit(
                        {
                            "level": "WARN",
                            "event": "model_unavailable",
                            "code": exc.code,
                            "message": str(exc),
                            "failed_loads": _load_backoff.failures,
                            "next_load_in_s": retry_after,
                        }
                    )
                    raise _unavailable(exc, retry_after) from exc
                _load_backoff.succeeded()
                _load_failure = None
                _tables = TableCompactor(model.nlp)
                _warm = WarmWords(model.nlp)
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
                        "deferred_parse": list(model.deferred_parse),
                        "exact": model.exact,
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
    global _settings, _model, _budget, _load_failure, _tables, _warm
    with _lock:
        _settings = None
        _model = None
        _tables = None
        _warm = None
        _budget = None
        _load_failure = None
        _load_backoff.succeeded()


# Inside a Lambda runtime (or the emulator) load during init: the cost lands in the init phase,
# not in the first caller's latency.
if "AWS_LAMBDA_RUNTIME_API" in os.environ:
    preload()
