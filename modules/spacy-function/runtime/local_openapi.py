"""`GET /openapi.json` on the local server: the API's OpenAPI document as packages/shared generates it.

The deployed API does not serve it (API Gateway has no such route); the document is checked in at
packages/shared/openapi.json (`pnpm openapi` writes it from packages/shared/src/api) and ships in the
@serverless-spacy/shared package.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

PATH = "/openapi.json"
DOCUMENT_FILE = Path(__file__).resolve().parents[3] / "packages" / "shared" / "openapi.json"


def load_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT_FILE.read_text(encoding="utf-8"))
    return document


def serve(request: BaseHTTPRequestHandler) -> bool:
    """Answer `GET /openapi.json` (query ignored, as for every route) and return True; otherwise False."""
    if request.command != "GET" or request.path.partition("?")[0].rstrip("/") != PATH:
        return False
    # Read per request, so a `pnpm openapi` while the server runs is served at once.
    data = DOCUMENT_FILE.read_bytes()
    request.send_response(200)
    request.send_header("content-type", "application/json")
    request.send_header("content-length", str(len(data)))
    request.end_headers()
    request.wfile.write(data)
    return True
