"""`pnpm model-sync`: the sync on this machine, run as a user runs it (a child process, stdout, exit code)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sync_testing import MODEL, WHEEL_SHA256, assert_no_debris, assert_serves, installed

CLI = Path(__file__).resolve().parents[1] / "src" / "sync_cli.py"


def run_cli(*args: str, cwd: Path) -> tuple[int, dict]:
    env = {k: v for k, v in os.environ.items() if k != "MODEL_ROOT"}
    proc = subprocess.run(
        [sys.executable, str(CLI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    lines = proc.stdout.strip().splitlines()
    assert lines, f"no output; stderr:\n{proc.stderr}"
    return proc.returncode, json.loads(lines[-1])


def test_installs_into_a_relative_root_from_relative_find_links(tmp_path, find_links):
    os.symlink(find_links, tmp_path / "wheels")
    code, result = run_cli(
        "--root",
        "models",
        "--model",
        MODEL,
        "--version",
        "2.0.0",
        "--sha256",
        WHEEL_SHA256["2.0.0"],
        "--find-links",
        "wheels",
        cwd=tmp_path,
    )
    root = tmp_path / "models"
    assert (code, result["status"]) == (0, "installed")
    assert result["path"] == str(root / MODEL / "2.0.0")
    assert_serves(root, "2.0.0")
    assert_no_debris(root)

    code, again = run_cli(
        "--root",
        "models",
        "--model",
        MODEL,
        "--version",
        "2.0.0",
        "--sha256",
        WHEEL_SHA256["2.0.0"],
        "--find-links",
        "wheels",
        cwd=tmp_path,
    )
    assert (code, again["status"]) == (0, "already_present")


def test_a_failed_sync_exits_1_with_the_failure_and_keeps_what_was_installed(with_v1, find_links, tmp_path):
    code, result = run_cli(
        "--root",
        str(with_v1),
        "--model",
        MODEL,
        "--version",
        "9.9.9",
        "--sha256",
        "00" * 32,
        "--find-links",
        str(find_links),
        cwd=tmp_path,
    )
    assert code == 1
    assert result["status"] == "failed" and result["version"] == "9.9.9"
    assert result["error"]["stage"] == "download"
    assert installed(with_v1) == ["1.0.0"]
    assert_serves(with_v1, "1.0.0")


def test_needs_exactly_one_source(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(CLI),
            "--root",
            "m",
            "--model",
            MODEL,
            "--version",
            "1.0.0",
            "--sha256",
            "00" * 32,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "one of the arguments --wheel-url --index-url --find-links --s3 is required" in proc.stderr
    assert not (tmp_path / "m").exists()
