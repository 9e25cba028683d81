"""The sync logs as the NER runtime does: the same module (a copy of the runtime's ner_log.py, since each
handler's zip holds only its own folder), so the same field names, one JSON object per line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import model_sync
import pytest
import sync_log
from sync_errors import ModelSyncFailed

SYNC_SRC = Path(__file__).resolve().parents[1] / "src"
RUNTIME_LOG = SYNC_SRC.parents[3] / "modules" / "spacy-function" / "runtime" / "src" / "ner_log.py"


def test_the_sync_logger_is_the_runtimes_byte_for_byte():
    assert (SYNC_SRC / "sync_log.py").read_bytes() == RUNTIME_LOG.read_bytes()


def test_every_level_either_handler_writes_is_one_of_the_loggers():
    """Records built by hand (the runtime's request line) use the same levels as log() allows."""
    written: set[str] = set()
    for src in (SYNC_SRC, RUNTIME_LOG.parent):
        for path in src.glob("*.py"):
            text = path.read_text()
            written |= set(re.findall(r'"level": "(\w+)"', text))
            written |= set(re.findall(r'\blog\("(\w+)"', text))
    assert {"INFO", "WARN", "ERROR"} <= written
    assert written <= set(sync_log.LEVELS)


def test_a_line_is_one_json_object_with_level_and_event_first(capsys):
    sync_log.log("WARN", "staging_left_behind", path=Path("/mnt/models/x"), count=2)
    line = capsys.readouterr().out
    assert line.endswith("\n") and line.count("\n") == 1
    record = json.loads(line)
    assert list(record)[:2] == ["level", "event"]
    assert record == {"level": "WARN", "event": "staging_left_behind", "path": "/mnt/models/x", "count": 2}


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="WARNING"):
        sync_log.log("WARNING", "x")


def test_a_failed_sync_logs_one_error_line_with_its_stage(monkeypatch, capsys):
    monkeypatch.setenv("MODEL_ROOT", "relative/root")
    with pytest.raises(ModelSyncFailed):
        model_sync.handler({})
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["level"] == "ERROR" and record["event"] == "model_sync_failed"
    assert record["error"]["stage"] == "config" and "MODEL_ROOT" in record["error"]["message"]
    assert "exception" not in record  # an expected failure: its message says it all
