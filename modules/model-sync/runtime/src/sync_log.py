"""Structured logs of the Lambda handlers: one JSON object per line on stdout, which Lambda ships to
CloudWatch Logs. Every line has ``level`` (INFO, WARN or ERROR) and ``event`` (what happened, in
snake_case); a traceback, when there is one, is ``exception``. The rest are the event's own fields.

The NER runtime and the model sync each ship only their own folder, so this file exists twice:
modules/spacy-function/runtime/src/ner_log.py is the source, modules/model-sync/runtime/src/sync_log.py a
byte-identical copy, and modules/model-sync/runtime/tests/test_log.py fails when they differ.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

LEVELS = ("INFO", "WARN", "ERROR")


def emit(record: dict[str, Any]) -> None:
    line = json.dumps(record, default=str) + "\n"  # ASCII: safe whatever the stream encoding
    # Looked up per call so a redirected stdout (tests, benchmarks) is honoured; a broken one must
    # cost the log line, not the answer.
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.write(line)
        sys.stdout.flush()


def log(level: str, event: str, **fields: Any) -> None:
    """One line with the common fields first."""
    if level not in LEVELS:
        raise ValueError(f"log level {level!r} is not one of {', '.join(LEVELS)}")
    emit({"level": level, "event": event, **fields})
