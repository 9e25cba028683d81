"""API Gateway events in (HTTP API payload format 2.0 and 1.0, REST API proxy), proxy responses out."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JSON_HEADERS = {"content-type": "application/json"}
# Longest piece of a caller's input (path, method) quoted back in an error message.
ECHO_CHARS = 100
# path -> allowed methods; anything else under a known path is a 405.
ROUTES: dict[str, tuple[str, ...]] = {"/entities": ("POST",), "/analyze": ("POST",), "/health": ("GET",)}
# Routes of one model among several behind an API: /models/<name> + a route above.
MODEL_ROUTE_PREFIX = "/models/"


class ApiError(Exception):
    """A request the runtime refuses, carried to the response as {"error": {"code", "message"}}.

    `message` is for the caller: plain, no paths or commands. `detail` goes only to the log line of
    the request (paths, exceptions, what an operator runs to fix it).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: Mapping[str, str] | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.detail = detail

    def payload(self) -> dict[str, Any]:
        return error_payload(self.code, self.message)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    body: str | None
    is_base64: bool
    request_id: str | None


def is_http_event(event: Any) -> bool:
    return isinstance(event, Mapping) and isinstance(event.get("requestContext"), Mapping)


def parse_event(event: Mapping[str, Any]) -> HttpRequest:
    context = event["requestContext"]
    http = context.get("http") if isinstance(context.get("http"), Mapping) else {}
    method = str(http.get("method") or event.get("httpMethod") or "").upper()
    body = event.get("body")
    return HttpRequest(
        method=method,
        path=_route_path(event, context),
        body=body if isinstance(body, str) else None,
        is_base64=bool(event.get("isBase64Encoded")),
        request_id=context.get("requestId"),
    )


def _route_path(event: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    # An explicit route key ("POST /entities") is exact; "$default" and templated catch-alls
    # ("ANY /{proxy+}") are not, and then rawPath may carry the stage name in front.
    route_key = str(event.get("routeKey") or context.get("routeKey") or "")
    _, _, key_path = route_key.partition(" ")
    if key_path.startswith("/") and "{" not in key_path:
        return _normalise(key_path)
    path = str(event.get("rawPath") or event.get("path") or "/")
    stage = str(context.get("stage") or "$default")
    if stage != "$default" and (path == f"/{stage}" or path.startswith(f"/{stage}/")):
        path = path[len(stage) + 1 :]
    return _normalise(path)


def _normalise(path: str) -> str:
    path = path.rstrip("/")
    return path or "/"


def model_route(path: str) -> tuple[str | None, str]:
    """(model name, route) of `/models/<name>/<route>`; (None, path) for any other path."""
    if not path.startswith(MODEL_ROUTE_PREFIX):
        return None, path
    name, slash, rest = path[len(MODEL_ROUTE_PREFIX) :].partition("/")
    return (name, f"/{rest}") if name and slash else (None, path)


def route(request: HttpRequest, served_model: str | None) -> str:
    """The matched route (without a /models/<name> prefix), or ApiError 404/405."""
    model, path = model_route(request.path)
    if model is not None and model != served_model:
        serves = f"serves {served_model}" if served_model else "serves no named model (MODEL_NAME is unset)"
        raise ApiError(404, "model_not_found", f"No model {echo(model)} here; this function {serves}.")
    allowed = ROUTES.get(path)
    if allowed is None:
        known = ", ".join(f"{' '.join(methods)} {path}" for path, methods in ROUTES.items())
        method, path = echo(request.method), echo(request.path)
        raise ApiError(404, "not_found", f"No route for {method} {path}; routes: {known}.")
    if request.method not in allowed:
        raise ApiError(
            405,
            "method_not_allowed",
            f"{echo(request.path)} does not accept {echo(request.method) or 'an empty method'}; "
            f"use {', '.join(allowed)}.",
            headers={"allow": ", ".join(allowed)},
        )
    return path


def json_body(request: HttpRequest) -> Any:
    data: str | bytes = request.body or ""
    if request.is_base64:
        try:
            data = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as exc:
            message = f"Body is marked base64 but is not valid base64: {exc}."
            raise ApiError(400, "malformed_json", message) from exc
    if not data.strip():
        raise ApiError(400, "malformed_json", 'Body is empty; send a JSON object such as {"text": "..."}.')
    try:
        return json.loads(data)
    except RecursionError as exc:
        message = 'Body nests arrays or objects too deeply; send a flat object such as {"text": "..."}.'
        raise ApiError(400, "malformed_json", message) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        # ValueError covers JSONDecodeError and integers too long to convert.
        raise ApiError(400, "malformed_json", f"Body is not valid JSON: {exc}.") from exc


def echo(value: str) -> str:
    """A caller's value, short enough to quote back in a message."""
    return value if len(value) <= ECHO_CHARS else value[:ECHO_CHARS] + "..."


def dumps(payload: Any) -> str:
    # json.dumps' default separators: the seed's answer, byte for byte. UTF-8, not \u escapes.
    body = json.dumps(payload, ensure_ascii=False)
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate quoted from the caller's input (texts are cleaned before spaCy sees them,
        # a path in a 404 is not) cannot be UTF-8; as a \u escape it is still valid JSON.
        body = json.dumps(payload)
    return body


# Lambda refuses a synchronous response over 6 MB (API Gateway then answers a bare 5xx while the
# function logged success). Kept under 6,000,000 bytes, below both readings of "6 MB".
LAMBDA_RESPONSE_LIMIT_BYTES = 6_000_000


def response_bytes(result: Any) -> int:
    """Size of the result as the Lambda runtime sends it (awslambdaric: JSON, ensure_ascii=False)."""
    return len(json.dumps(result, ensure_ascii=False).encode("utf-8"))


def too_large_response(size: int) -> ApiError:
    return ApiError(
        413,
        "response_too_large",
        f"The answer would be {size:,} bytes, over the {LAMBDA_RESPONSE_LIMIT_BYTES:,}-byte limit of a "
        "Lambda response; send fewer or shorter texts per request.",
    )


def response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {**JSON_HEADERS, **(headers or {})},
        "body": dumps(payload),
    }


def error_payload(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
