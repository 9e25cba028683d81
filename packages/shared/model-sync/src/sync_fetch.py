"""Download exactly one model wheel with pip, from any of the three source kinds."""

from __future__ import annotations

import sys
from pathlib import Path

from sync_errors import SyncFailure
from sync_event import SyncRequest
from sync_proc import child_env, run_bounded, tail


def pip_download_argv(request: SyncRequest, dest: Path, timeout: float) -> list[str]:
    pinned = f"{request.model_name}=={request.version}"
    source = request.source
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-cache-dir",
        "--no-input",
        "--progress-bar",
        "off",
        # pip's --timeout is per socket operation; the wall clock is bounded by run_bounded.
        "--timeout",
        str(int(min(60, max(5, timeout)))),
        "--dest",
        str(dest),
    ]
    if source.kind == "index_url":
        argv += ["--index-url", source.location, pinned]
    elif source.kind == "find_links":
        argv += ["--no-index", "--find-links", source.location, pinned]
    else:
        # 'name @ url' makes pip refuse a wheel of another project; the version is checked later.
        argv += [f"{request.model_name} @ {source.location}"]
    return argv


def download_wheel(request: SyncRequest, staging: Path, timeout: float) -> Path:
    dest = staging / "download"
    dest.mkdir()
    argv = pip_download_argv(request, dest, timeout)
    proc = run_bounded(
        argv, timeout=timeout, env=child_env(staging / "tmp"), stage="download", what="pip download"
    )
    if proc.returncode != 0:
        raise SyncFailure(
            "download",
            f"pip download of {request.model_name}=={request.version} from {request.source.kind} "
            f"{request.source.location} failed (exit {proc.returncode}):\n{tail(proc.stderr)}",
        )
    wheels = sorted(dest.glob("*.whl"))
    others = sorted(p.name for p in dest.iterdir() if p.suffix != ".whl")
    if len(wheels) != 1 or others:
        got = ", ".join(p.name for p in dest.iterdir()) or "nothing"
        raise SyncFailure("download", f"expected exactly one wheel from pip download, got {got}")
    return wheels[0]
