"""Child processes (pip, the spaCy load check) with a hard deadline and a predictable environment."""

from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from sync_errors import SyncFailure

_TRUST = ("PIP_CERT", "PIP_CLIENT_CERT")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# <linux/prctl.h>
_PR_SET_DUMPABLE = 4
_PR_GET_DUMPABLE = 3


def shield_own_environment(stage: str) -> None:
    """Make this process's /proc entries unreadable to its children (and every other process of its uid).

    Dropping AWS_* from a child's environment is not enough: the child runs as the same uid and can read
    /proc/<parent>/environ, which shows the environment the parent started with (the role's credentials on
    Lambda) whatever the parent later does to os.environ. A process that is not "dumpable" has its /proc
    entries owned by root and refuses environ, mem and ptrace to any process without CAP_SYS_PTRACE, which
    Lambda's sandbox user does not have. Children reset the flag when they exec, so pip and spaCy run
    normally. Idempotent; on Linux a failure stops the sync before any child starts (fail closed).
    """
    if not sys.platform.startswith("linux"):
        return  # no /proc/<pid>/environ; the local CLI on macOS
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 or libc.prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise SyncFailure(
            stage,
            f"cannot make the sync's /proc entries private (prctl PR_SET_DUMPABLE: {os.strerror(errno)}); "
            "pip and the load check would be able to read the function's credentials, so nothing was run",
        )


def child_env(scratch: Path) -> dict[str, str]:
    """Environment for pip and spaCy children.

    Lambda's home is read-only and /tmp is small, so every scratch path points at the staging
    directory on the mount, which is removed with it. The child gets our exact import path, so
    it finds the same pip and spaCy (the layer under /opt/python) that we would. Inherited PIP_*
    variables and pip config files are dropped so nothing outside the event steers pip, except
    TLS trust settings, which belong to the network the function runs in. No AWS_* variable
    passes: pip and the load check run code from the wheel (setup hooks, a pipeline's custom
    components), which must not get the function's credentials; only the parent signs S3 URLs.
    Nor can they read the parent's: run_bounded makes the parent's /proc entries private first
    (shield_own_environment).
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
    shield_own_environment(stage)
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
