"""Fixtures of the emulator end-to-end suite: the built tools, one moto server, and a command runner."""

# ruff: noqa: S101, S603, S607  (a test harness that runs the project's own commands)
from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from emulator import ACCOUNT_ID, REGION, ROOT, MotoServer

# The per-environment deploy command the README documents, with the emulator switch set.
STACK = "dev"


def _tools_env() -> dict[str, str]:
    """The environment after `source "$(bash tools/install.sh)"` (tofu on PATH, the provider mirror)."""
    env_file = subprocess.run(
        ["bash", str(ROOT / "tools" / "install.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
    dump = subprocess.run(
        ["bash", "-c", 'source "$1" && env -0', "_", env_file], capture_output=True, check=True
    ).stdout.decode()
    return dict(item.split("=", 1) for item in dump.split("\0") if "=" in item)


@dataclass
class Deployment:
    """Runs the project's commands against the emulator and remembers where the dev stack is."""

    env: dict[str, str]
    outdir: Path
    logs: Path
    moto: MotoServer
    stack_name: str = STACK

    @property
    def stack_dir(self) -> Path:
        return self.outdir / "stacks" / self.stack_name

    def run(
        self, args: list[str], *, name: str, timeout: float = 1500, cwd: Path = ROOT
    ) -> subprocess.CompletedProcess[str]:
        log = self.logs / f"{name}.log"
        started = time.monotonic()
        proc = subprocess.run(
            args,
            cwd=cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        log.write_text(
            f"$ {' '.join(args)}\n# exit {proc.returncode} after {time.monotonic() - started:.1f}s\n"
            f"{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
        print(f"{name}: exit {proc.returncode} in {time.monotonic() - started:.1f}s (log: {log})")
        return proc

    def tofu(self, *args: str, name: str) -> subprocess.CompletedProcess[str]:
        return self.run(["tofu", f"-chdir={self.stack_dir}", *args], name=name)

    def client(self, service: str):
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.moto.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",  # noqa: S106 (moto's test credentials)
        )

    def stack(self) -> dict:
        return json.loads((self.stack_dir / "cdk.tf.json").read_text())


def tail(proc: subprocess.CompletedProcess[str], lines: int = 60) -> str:
    text = (proc.stdout or "") + "\n" + (proc.stderr or "")
    return "\n".join(text.strip().splitlines()[-lines:])


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    logs = tmp_path_factory.mktemp("logs")
    server = MotoServer(logs / "moto.log")
    # A CI timeout sends SIGTERM: turn it into an interrupt so the finally below still stops moto.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        # moto's own option for Lambda without Docker (there is no Docker engine here): functions are
        # stored and invocable, but invoking returns a queued result instead of running the code.
        config = server.post("/moto-api/config", {"lambda": {"use_docker": False}})
        assert config["lambda"]["use_docker"] is False, config
        yield server
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def deployment(moto: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    env = {k: v for k, v in _tools_env().items() if not k.startswith(("AWS_", "TF_VAR_"))}
    env.update(
        {
            # The emulator switch of the app (apps/environments/src/emulator.ts): test credentials, every
            # service at this endpoint, local state. Never set for a real environment.
            "SERVERLESS_SPACY_EMULATOR_ENDPOINT": moto.endpoint,
            "TERRAFORM_BINARY_NAME": "tofu",
            "CHECKPOINT_DISABLE": "1",
            "CI": "1",
            "FORCE_COLOR": "0",
            "NO_COLOR": "1",
            # Belt and braces: no SDK may look for real credentials or the instance metadata service.
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
    )
    outdir = tmp_path_factory.mktemp("cdktf") / "cdktf.out"
    env["CDKTF_OUTDIR"] = str(outdir)
    logs = tmp_path_factory.mktemp("e2e-logs")
    print(f"e2e: moto at {moto.endpoint}, stacks in {outdir}, logs in {logs}")
    return Deployment(env=env, outdir=outdir, logs=logs, moto=moto)


@pytest.fixture(scope="session")
def account() -> str:
    return ACCOUNT_ID


def ts_app(path: Path) -> str:
    """`cdktf --app` for a TypeScript variant app in this folder, run as cdktf.json runs the environments
    app (against the workspace packages' sources, built or not)."""
    return f"ts-node -r ./scripts/register-source-paths.js --project apps/environments/tsconfig.json {path}"


def variant(deployment: Deployment, tmp_path_factory: pytest.TempPathFactory, stack: str) -> Deployment:
    """A second stack on the same emulator, synthesized into its own output directory."""
    outdir = tmp_path_factory.mktemp(f"cdktf-{stack}") / "cdktf.out"
    env = {**deployment.env, "CDKTF_OUTDIR": str(outdir)}
    return Deployment(env=env, outdir=outdir, logs=deployment.logs, moto=deployment.moto, stack_name=stack)
