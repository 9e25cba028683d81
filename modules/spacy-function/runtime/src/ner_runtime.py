"""One served model: its settings, the loaded pipeline and what each request needs around it.

All the state of an execution environment lives in one `NerRuntime`: the Lambda handler holds one, the
local server one per model it serves, and a test makes a fresh one instead of resetting globals.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
import traceback
from collections.abc import Mapping
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


class NerRuntime:
    """Serves one model: Lambda events in, proxy responses (or direct results) out."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        # None: the process environment, read at the first request so a test may set it first.
        self._environ = environ
        self._lock = threading.Lock()
        self._settings: Settings | None = None
        self._budget: Budget | None = None
        self.model: LoadedModel | None = None
        self.tables: TableCompactor | None = None
        self.warm: WarmWords | None = None
        # A damaged model directory fails the same full load on every attempt; space the attempts out.
        self.load_backoff = Backoff()
        self._load_failure: ModelUnavailable | None = None

    def handle(self, event: Any, context: Any) -> Any:
        started = time.perf_counter()
        record: dict[str, Any] = {"level": "INFO", "event": "request"}
        record["request_id"] = getattr(context, "aws_request_id", None)
        http = is_http_event(event)
        try:
            serve = self._serve_http if http else self._serve_direct
            result = serve(event, context, record)
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

    def preload(self) -> None:
        """Load the model now if possible; a missing model is reported and retried on later requests."""
        with contextlib.suppress(ApiError):
            self.current_model(self.settings())

    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = Settings.from_env(os.environ if self._environ is None else self._environ)
            except ConfigError as exc:
                message = "The service is misconfigured; its operators have been told in the logs."
                raise ApiError(500, "invalid_configuration", message, detail=str(exc)) from exc
        return self._settings

    def current_model(self, settings: Settings) -> LoadedModel:
        if self.model is None:
            # One load per execution environment; concurrent first requests (local server) wait for it.
            with self._lock:
                if self.model is None:
                    self.model = self._load(settings)
        return self.model

    def _serve_http(self, event: Any, context: Any, record: dict[str, Any]) -> dict[str, Any]:
        request = parse_event(event)
        record.update(
            source="http", method=request.method, route=request.path, apigw_request_id=request.request_id
        )
        try:
            path = route(request, self.settings().model_name)
            if path == "/health":
                payload: Any = self._health()
            else:
                payload = self._entities(json_body(request), context, record, analyze=path == "/analyze")
            result = response(200, payload)
            # The runtime re-escapes the body inside the envelope: at most 2 x its UTF-8 bytes, at most 4
            # per character. Only a body that could be near the limit is measured exactly.
            if 8 * len(result["body"]) + 1_000 > LAMBDA_RESPONSE_LIMIT_BYTES:
                _require_response_fits(result)
        except ApiError as error:
            _refused(error, record)
            return response(error.status, error.payload(), error.headers)
        record["status"] = 200
        return result

    def _serve_direct(self, event: Any, context: Any, record: dict[str, Any]) -> Any:
        record["source"] = "direct"
        try:
            result = self._entities(event, context, record)
            _require_response_fits(result)
        except ApiError as error:
            _refused(error, record)
            return error.payload()
        record["status"] = 200
        return result

    def _entities(self, payload: Any, context: Any, record: dict[str, Any], *, analyze: bool = False) -> Any:
        """`POST /entities` (entities per text) or, with analyze, `POST /analyze` (the requested fields)."""
        settings = self.settings()
        request = parse_entities(payload, settings)
        record.update(texts=len(request.texts), chars=request.chars)
        if request.replaced_surrogates:
            record["replaced_surrogates"] = request.replaced_surrogates
        if settings.log_request_text:
            record["text"] = request.texts if request.batch else request.texts[0]
        model = self.current_model(settings)
        include = requested_fields(payload, model.produces) if analyze else ()
        if self._budget is None:
            self._budget = Budget(settings)
        budget = self._budget
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
        if self.warm is not None:
            self.warm.note(request.texts)
        if self.tables is not None and (compacted := self.tables.maybe_compact()):
            record["tables_compacted"] = compacted
        return per_text if request.batch else per_text[0]

    def _health(self) -> dict[str, Any]:
        model = self.current_model(self.settings())
        return {
            "status": "ok",
            "model": {"name": model.name, "version": model.version},
            "components": list(model.components),
            "load_seconds": round(model.load_seconds, 3),
        }

    def _load(self, settings: Settings) -> LoadedModel:
        wait = self.load_backoff.wait_seconds()
        if wait > 0 and self._load_failure is not None:
            error = _unavailable(self._load_failure, wait)
            error.detail = (
                f"not loading: {self.load_backoff.failures} load(s) failed in a row, next attempt in "
                f"{wait:.1f} s; last failure: {self._load_failure.message}"
            )
            raise error
        try:
            model = load(settings)
        except ModelUnavailable as exc:
            # A missing directory costs a stat and the sync may finish at any moment: the next request
            # looks again. A failed load cost a full load: back off.
            retry_after = None
            if exc.code == "model_load_failed":
                self._load_failure = exc
                retry_after = self.load_backoff.failed()
            emit(
                {
                    "level": "WARN",
                    "event": "model_unavailable",
                    "code": exc.code,
                    "message": str(exc),
                    "failed_loads": self.load_backoff.failures,
                    "next_load_in_s": retry_after,
                }
            )
            raise _unavailable(exc, retry_after) from exc
        self.load_backoff.succeeded()
        self._load_failure = None
        self.tables = TableCompactor(model.nlp)
        self.warm = WarmWords(model.nlp)
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
        return model


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


def _unavailable(exc: ModelUnavailable, retry_after: float | None = None) -> ApiError:
    headers = {"retry-after": str(max(1, math.ceil(retry_after)))} if retry_after else None
    message = _UNAVAILABLE_MESSAGES.get(exc.code, "The model is unavailable; retry later.")
    return ApiError(503, exc.code, message, headers=headers, detail=exc.message)
