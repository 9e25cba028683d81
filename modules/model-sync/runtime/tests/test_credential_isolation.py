"""The sync's children (pip, the spaCy load check) cannot read the sync's credentials.

They never get AWS_* variables (child_env), and they cannot read the parent's environment through
/proc/<parent>/environ either, which shows the environment the process started with whatever it later
removes from os.environ. Each test runs a real parent process holding a canary secret key, as an
unprivileged user like Lambda's sandbox user (root could read any process's /proc entries), and a real
child of it that tries to read the parent's environ.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
CANARY = "canary-secret-key-do-not-leak-0123456789"
NOBODY = 65534

# What the child does: read its parent's initial environment and say what it found.
CHILD = """
import os
try:
    data = open(f"/proc/{os.getppid()}/environ", "rb").read()
except OSError as exc:
    print("DENIED", type(exc).__name__)
else:
    print("READ", "canary" if b"CANARY" in data else "no-canary")
    print("CHILD-ENV", "canary" if any("CANARY" in v for v in os.environ.values()) else "no-canary")
""".replace("CANARY", CANARY)

# The parent: the sync's own way of running a child (run_bounded + child_env), or, as the control that
# shows the test can fail, a plain subprocess with the same environment.
PARENT = """
import subprocess, sys
from pathlib import Path
sys.path.insert(0, {src!r})
from sync_proc import child_env, run_bounded
argv = [sys.executable, "-c", {child!r}]
env = child_env(Path({scratch!r}))
if sys.argv[1] == "sync":
    proc = run_bounded(argv, timeout=60, env=env, stage="download", what="probe")
else:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
sys.stdout.write(proc.stdout + proc.stderr)
"""


def _interpreter() -> str:
    """A Python the unprivileged user can execute (the project venv may live under root's home)."""
    if os.geteuid() != 0:
        return sys.executable
    found = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if found is None:
        pytest.fail("running as root needs a system python3 the unprivileged parent can execute")
    return found


@pytest.fixture
def workdir() -> Iterator[Path]:
    # Not tmp_path: pytest's base directory is private to root, and the parent runs as nobody.
    path = Path(tempfile.mkdtemp(prefix="sync-creds-"))
    path.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _run_parent(workdir: Path, mode: str) -> str:
    script = workdir / "parent.py"
    source = PARENT.format(src=str(SRC), child=CHILD, scratch=str(workdir / "scratch"))
    script.write_text(source, encoding="utf-8")
    script.chmod(0o644)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
        # What Lambda puts in the runtime's environment.
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEEXAMPLE00",
        "AWS_SECRET_ACCESS_KEY": CANARY,
        "AWS_SESSION_TOKEN": f"token-{CANARY}",
    }

    def drop_privileges() -> None:
        if os.geteuid() == 0:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    # The parent is our own script with fixed arguments.
    proc = subprocess.run(
        [_interpreter(), str(script), mode],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=drop_privileges,  # single-threaded here; runs before exec
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_control_a_plain_child_reads_the_parents_credentials(workdir: Path) -> None:
    # Without the sync's protection the leak is real on this machine: the child of the same uid reads
    # the secret from /proc/<parent>/environ even though its own environment has no AWS_* variable.
    out = _run_parent(workdir, "plain")
    assert "READ canary" in out, out
    assert "CHILD-ENV no-canary" in out, out


def test_the_syncs_children_cannot_read_the_parents_environment(workdir: Path) -> None:
    out = _run_parent(workdir, "sync")
    assert out.startswith("DENIED PermissionError"), out
    assert CANARY not in out
