"""Structured logs: one JSON object per line on stdout, which Lambda ships to CloudWatch Logs."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any


def emit(record: dict[str, Any]) -> None:
    line = json.dumps(record, default=str) + "\n"  # ASCII: safe whatever the stream encoding
    # Looked up per call so a redirected stdout (tests, benchmarks) is honoured; a broken one must
    # cost the log line, not the answer.
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.write(line)
        sys.stdout.flush()
