"""Structured logs: one JSON object per line on stdout, which Lambda ships to CloudWatch Logs."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit(record: dict[str, Any]) -> None:
    # sys.stdout is looked up per call so a redirected stdout (tests, benchmarks) is honoured.
    sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
