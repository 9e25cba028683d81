"""Paths the client's tests share: the repository and the OpenAPI document the client's types follow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT_FILE = ROOT / "packages" / "shared" / "openapi.json"


@pytest.fixture(scope="session")
def openapi() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT_FILE.read_text())
    return document
