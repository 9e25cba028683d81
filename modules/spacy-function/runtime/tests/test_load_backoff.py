"""A model damaged after install costs one full load per back-off period, not one per request."""

from __future__ import annotations

import shutil

import ner_handler
import pytest
from conftest import SEED_ANSWER, SEED_TEXT, SM_DATA_DIR, call, http_event, log_lines
from ner_backoff import MAX_DELAY_SECONDS, Backoff


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(ner_handler.runtime.load_backoff, "clock", fake)
    return fake


def truncate(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def delete(path) -> None:
    path.unlink()


@pytest.mark.model
@pytest.mark.parametrize("damage", [truncate, delete], ids=["truncated", "deleted"])
def test_damaged_model_backs_off_between_loads_and_recovers_when_repaired(
    damage, clock, monkeypatch, tmp_path, capsys
):
    model = tmp_path / "en_core_web_sm" / "3.8.0"
    shutil.copytree(SM_DATA_DIR, model)
    damage(model / "ner" / "model")
    monkeypatch.setenv("MODEL_PATH", str(model))

    def request() -> tuple[int, dict, dict, list[dict]]:
        status, headers, payload = call(http_event("POST", "/entities", {"text": SEED_TEXT}))
        lines = log_lines(capsys.readouterr().out)
        return status, headers, payload, lines

    # Each failed load doubles the wait: 1, 2, 4, 8 s; requests in between do not try again.
    for delay in (1, 2, 4, 8):
        status, headers, payload, lines = request()
        attempt = next(line for line in lines if line.get("event") == "model_unavailable")
        assert attempt["code"] == "model_load_failed" and attempt["next_load_in_s"] == delay
        assert (status, payload["error"]["code"], headers["retry-after"]) == (
            503,
            "model_load_failed",
            str(delay),
        )
        assert str(model) not in payload["error"]["message"] and str(model) in lines[-1]["detail"]
        for _ in range(5):
            clock.now += delay / 6
            status, headers, payload, lines = request()
            assert status == 503 and payload["error"]["code"] == "model_load_failed"
            assert not any(line.get("event") == "model_unavailable" for line in lines), "loaded again"
            assert "next attempt in" in lines[-1]["detail"]
            assert 1 <= int(headers["retry-after"]) <= delay
        clock.now += delay / 6 + 0.001

    # A re-sync repairs the directory: the next due attempt loads it and serves.
    shutil.rmtree(model)
    shutil.copytree(SM_DATA_DIR, model)
    clock.now += 16
    status, _, payload, lines = request()
    assert (status, payload) == (200, SEED_ANSWER)
    assert any(line.get("event") == "model_loaded" for line in lines)


def test_the_delay_is_capped():
    clock = Clock()
    backoff = Backoff(clock=clock)
    delays = [backoff.failed() for _ in range(40)]
    assert delays[:4] == [1, 2, 4, 8]
    assert max(delays) == delays[-1] == MAX_DELAY_SECONDS
    assert backoff.wait_seconds() == MAX_DELAY_SECONDS
    clock.now += MAX_DELAY_SECONDS
    assert backoff.wait_seconds() == 0
    backoff.succeeded()
    assert backoff.failed() == 1


def test_a_missing_model_is_looked_for_on_every_request(monkeypatch, tmp_path, clock, capsys):
    # No load was attempted (no config.cfg): checking again costs a stat, and the sync may finish any time.
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "absent"))
    for _ in range(3):
        status, headers, payload = call(http_event("GET", "/health"))
        assert (
            status == 503 and payload["error"]["code"] == "model_not_synced" and "retry-after" not in headers
        )
    attempts = [
        line for line in log_lines(capsys.readouterr().out) if line.get("event") == "model_unavailable"
    ]
    assert len(attempts) == 3
