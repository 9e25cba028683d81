"""Child processes (pip, the spaCy load check) with a hard deadline and a predictable environment."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from sync_errors import SyncFailure

_TRUST = ("PIP_CERT", "PIP_CLIENT_CERT")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def child_env(scratch: Path) -> dict[str, str]:
    """Environment for pip and spaCy children.

    Lambda's home is read-only and /tmp is small, so every scratch path points at the staging
    directory on the mount, which is removed with it. The child gets our exact import path, so
    it finds the same pip and spaCy (the layer under /opt/python) that we would. Inherited PIP_*
    variables and pip config files are dropped so nothing outside the event steers pip, except
    TLS trust settings, which belong to the network the function runs in. No AWS_* variable
    passes: pip and the load check run code from the wheel (setup hooks, a pipeline's custom
    components), which must not get the function's credentials; only the parent signs S3 URLs.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and (not k.startswith("PIP_") or k in _TRUST)
    }
    scratch.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(scratch),
        TMPDIR=str(scratch),
        XDG_CACHE_HOME=str(scratch / "cache"),
        PIP_CONFIG_FILE=os.devnull,
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def tail(text: str, lines: int = 12) -> str:
    """The part of a child's stderr an operator needs: its last lines, or, when it crashed with a
    traceback, the unindented lines (pip's ERROR line and the exception) without the frames."""
    kept = [ln.rstrip() for ln in _ANSI.sub("", text).splitlines() if ln.strip()]
    if any(ln.startswith("Traceback (most recent call last)") for ln in kept):
        kept = [ln for ln in kept if not ln[:1].isspace() and not ln.startswith("Traceback (")]
    return "\n".join(kept[-lines:])


def run_bounded(argv: list[str], *, timeout: float, env: dict[str, str], stage: str, what: str):
    """Run ``argv``; on timeout kill its whole process group so nothing keeps writing to staging."""
    # argv is always [python, -m pip | -c check, ...] with validated event values; never a shell.
    proc = subprocess.Popen(  # noqa: S603
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise SyncFailure(stage, f"{what} timed out after {timeout:.0f}s\n{tail(err)}".rstrip()) from None
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)
