"""The client: one method per operation of the API, typed by the OpenAPI document's shapes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast
from urllib.parse import quote, urlsplit

import urllib3

from serverless_spacy_client.errors import UNEXPECTED_RESPONSE, SpacyApiError
from serverless_spacy_client.types import (
    Analysis,
    AnalysisField,
    Entity,
    HealthResponse,
    ModelsResponse,
)


class RequestSigner(Protocol):
    """Adds authentication headers to a request (SigV4Signer for IAM auth)."""

    def sign(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> dict[str, str]: ...


class SpacyClient:
    """A client for the serverless-spacy HTTP API.

    `base_url` is the stage's invoke URL or a custom domain (a path such as "/prod" is kept). `model` picks a
    model of a multi-model API for every call (`/models/{model}/…`); each call can pick another with its own
    `model=`; without either the API's default model answers. Non-2xx answers raise SpacyApiError with the
    handler's error code; network failures raise what urllib3 raises.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        timeout: float = 30.0,
        headers: Mapping[str, str] | None = None,
        signer: RequestSigner | None = None,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"SpacyClient: base_url must be an absolute http(s) URL, got {base_url!r}")
        if timeout <= 0:
            raise ValueError(f"SpacyClient: timeout must be positive, got {timeout}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._timeout = timeout
        self._headers = dict(headers or {})
        self._signer = signer
        # Retries are the caller's decision (a POST of a large batch is not free to repeat).
        self._pool = pool or urllib3.PoolManager(retries=False)

    def entities(self, text: str, *, model: str | None = None) -> list[Entity]:
        """Named entities of one text; offsets are code points (Python str indices)."""
        body = self._call("POST", "/entities", model, {"text": text})
        return cast(list[Entity], _require_list(body, "POST /entities"))

    def entities_batch(self, texts: Sequence[str], *, model: str | None = None) -> list[list[Entity]]:
        """Named entities of several texts in one request, index-aligned with `texts`."""
        body = _require_list(self._call("POST", "/entities", model, {"texts": list(texts)}), "POST /entities")
        if len(body) != len(texts) or not all(isinstance(item, list) for item in body):
            raise SpacyApiError(200, UNEXPECTED_RESPONSE, f"expected {len(texts)} entity lists", body)
        return cast(list[list[Entity]], body)

    def analyze(
        self, text: str, include: Sequence[AnalysisField] | None = None, *, model: str | None = None
    ) -> Analysis:
        """What the pipeline produces for one text: the `include`d fields, or every field it offers."""
        payload: dict[str, Any] = {"text": text}
        if include is not None:
            payload["include"] = list(include)
        body = self._call("POST", "/analyze", model, payload)
        if not isinstance(body, dict):
            raise SpacyApiError(200, UNEXPECTED_RESPONSE, "POST /analyze did not answer an object", body)
        return cast(Analysis, body)

    def health(self, *, model: str | None = None) -> HealthResponse:
        """The loaded model; raises a 503 SpacyApiError (model_not_*) while it is not loaded."""
        body = self._call("GET", "/health", model)
        if not isinstance(body, dict) or body.get("status") != "ok":
            raise SpacyApiError(200, UNEXPECTED_RESPONSE, "GET /health did not answer a health report", body)
        return cast(HealthResponse, body)

    def models(self) -> ModelsResponse:
        """Every model the API serves (`GET /models`): name, version, default, components, labels."""
        body = self._request("GET", "/models")
        if not isinstance(body, dict) or not isinstance(body.get("models"), list):
            raise SpacyApiError(200, UNEXPECTED_RESPONSE, "GET /models did not answer a model list", body)
        return cast(ModelsResponse, body)

    def _call(self, method: str, route: str, model: str | None, payload: Any = None) -> Any:
        chosen = model if model is not None else self.model
        path = route if chosen is None else f"/models/{quote(chosen, safe='')}{route}"
        return self._request(method, path, payload)

    def _request(self, method: str, path: str, payload: Any = None) -> Any:
        url = f"{self.base_url}{path}"
        headers = {"accept": "application/json", **self._headers}
        body = None
        if payload is not None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["content-type"] = "application/json"
        if self._signer is not None:
            headers = self._signer.sign(method, url, headers, body)
        response = self._pool.request(
            method, url, body=body, headers=headers, timeout=self._timeout, redirect=False
        )
        raw = response.data
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
            if 200 <= response.status < 300:
                raise SpacyApiError(
                    response.status, UNEXPECTED_RESPONSE, f"{method} {path}: body is not JSON", parsed
                ) from None
        if 200 <= response.status < 300:
            return parsed
        error = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            raise SpacyApiError(response.status, error["code"], str(error.get("message", "")), parsed)
        # API Gateway's own refusals ({"message": "Forbidden"}) and anything else that is not the handler's.
        message = parsed.get("message") if isinstance(parsed, dict) else None
        detail = f": {message}" if isinstance(message, str) else ""
        raise SpacyApiError(
            response.status,
            UNEXPECTED_RESPONSE,
            f"{method} {path} answered {response.status}{detail}",
            parsed,
        )


def _require_list(body: Any, operation: str) -> list[Any]:
    if not isinstance(body, list):
        raise SpacyApiError(200, UNEXPECTED_RESPONSE, f"{operation} did not answer a list", body)
    return body
