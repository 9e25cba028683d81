"""Concurrent syncs serialise on the mount's lock; debris of crashed runs is swept."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sync_testing import (
    MODEL,
    assert_no_debris,
    assert_serves,
    config_env,
    event,
    installed,
    sync,
    sync_fails,
)
from testkit import Fault, WheelIndex

SRC = Path(__file__).resolve().parents[1] / "src"

# Each process is its own Lambda execution environment: fcntl locks are per process.
_INVOKE = """
import json, sys
import model_sync
try:
    print(json.dumps(model_sync.handler(json.loads(sys.argv[1]), None)))
except model_sync.ModelSyncFailed as exc:
    print(str(exc))
"""


def _start(ev: dict, root: Path) -> subprocess.Popen:
    env = {**os.environ, **config_env(ev), "MODEL_ROOT": str(root), "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", _INVOKE, json.dumps(ev)], stdout=subprocess.PIPE, text=True, env=env
    )


def test_two_concurrent_syncs_install_once(root, find_links):
    procs = [_start(event("2.0.0", "find_links", find_links), root) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].strip().splitlines() for p in procs]
    # stdout is the function's log: each run's JSON log lines come before the result the child prints.
    assert all("model_synced" in [json.loads(line)["event"] for line in lines[:-1]] for lines in outputs)
    results = [json.loads(lines[-1]) for lines in outputs]
    assert sorted(r["status"] for r in results) == ["already_present", "installed"]
    assert installed(root) == ["2.0.0"]
    assert_serves(root, "2.0.0")
    assert_no_debris(root)


def test_lock_wait_gives_up_with_a_clear_message(root, find_links, monkeypatch):
    (root / ".locks").mkdir()
    lock_path = root / ".locks" / f"{MODEL}.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'a'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True)\n"
            "time.sleep(60)",
            str(lock_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("LOCK_TIMEOUT_SECONDS", "1")
        started = time.monotonic()
        summary = sync_fails(event("1.0.0", "find_links", find_links))
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    assert summary["error"]["stage"] == "lock"
    assert f"another sync of {MODEL} still holds" in summary["error"]["message"]
    assert installed(root) == []
    # The lock dies with its holder: the next sync goes straight through.
    with open(lock_path) as probe:
        fcntl.lockf(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
    assert sync(event("1.0.0", "find_links", find_links))["status"] == "installed"


def test_stale_staging_swept_fresh_staging_kept(with_v1, find_links):
    staging = with_v1 / ".staging"
    stale = staging / "en_test_ner-9.9.9-deadbeef"
    (stale / "download").mkdir(parents=True)
    (stale / "download" / "partial.whl").write_bytes(b"x" * 1000)
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    live = staging / "en_other-1.0.0-cafecafe"  # another model's run in progress
    live.mkdir()
    result = sync(event("1.0.0", "find_links", find_links))
    assert result["status"] == "already_present"
    assert not stale.exists()
    assert live.exists()


def test_out_of_lambda_time_fails_before_starting(with_v1, find_links):
    class Context:
        def get_remaining_time_in_millis(self):
            return 5_000  # less than the cleanup margin

    summary = sync_fails(event("2.0.0", "find_links", find_links), Context())
    assert summary["error"]["stage"] == "lock"
    assert "out of time" in summary["error"]["message"]
    assert installed(with_v1) == ["1.0.0"]
    assert_no_debris(with_v1)


def test_lambda_deadline_caps_a_stalled_download(with_v1, wheels):
    class Context:
        def get_remaining_time_in_millis(self):
            return 19_000

    with WheelIndex([wheels["2.0.0"]], stall_seconds=120) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.STALL)
        summary = sync_fails(event("2.0.0", "index_url", index.index_url), Context())
    # 19 s left minus the 15 s cleanup margin (and the lock wait): pip is killed at ~4 s, before
    # Lambda would kill us, although PIP_TIMEOUT_SECONDS (600 s) would have let it hang on.
    assert summary["error"]["stage"] == "download"
    assert re.search(r"timed out after [34]s", summary["error"]["message"])
    assert summary["seconds"] < 10
    assert installed(with_v1) == ["1.0.0"]
    assert_no_debris(with_v1)
