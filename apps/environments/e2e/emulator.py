"""A moto server on a free loopback port, in its own process group, always stopped afterwards."""

# ruff: noqa: S603  (starts the pinned moto_server from the project venv)
from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MOTO_SERVER = ROOT / ".venv" / "bin" / "moto_server"
REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"  # moto's default account
PR_SET_PDEATHSIG = 1


def _own_group_and_die_with_parent() -> None:
    """Runs in the child before exec: a process group of its own (so stop() can signal all of it), and
    SIGTERM from the kernel if the test process dies without a chance to stop it (Linux prctl)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.endpoint = ""

    def start(self, attempts: int = 3) -> str:
        for _ in range(attempts):
            port = free_port()
            log = self.log_path.open("ab")
            self.proc = subprocess.Popen(
                [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
                # moto's own switch: AWS managed policies (AWSLambdaVPCAccessExecutionRole) exist to attach.
                env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_own_group_and_die_with_parent,  # before any thread is started
            )
            log.close()
            self.endpoint = f"http://127.0.0.1:{port}"
            if self._wait_ready(timeout=60):
                return self.endpoint
            self.stop()  # lost the port race, or moto failed: try another port
        raise RuntimeError(f"moto_server did not start; see {self.log_path}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        return True
            except OSError:
                time.sleep(0.3)
        return False

    def post(self, path: str, body: dict) -> dict:
        req = urllib.request.Request(  # noqa: S310  (loopback only)
            f"{self.endpoint}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
            text = r.read().decode()
        return json.loads(text) if text.strip().startswith("{") else {}

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        pgid = proc.pid  # == the group id, since the process leads its own session
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # Anything moto left behind in its group goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
