"""Real filesystem faults for tests, including when tests run as root (where chmod stops nothing)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}): {proc.stderr.strip()}")


@contextlib.contextmanager
def small_filesystem(size_bytes: int, parent: str | os.PathLike | None = None) -> Iterator[Path]:
    """Mount a tmpfs of ``size_bytes`` and yield it; unmount on exit.

    A real, separate filesystem: writes past its size fail with ENOSPC and
    ``remount_read_only`` makes every write fail with EROFS, for root too.
    Needs CAP_SYS_ADMIN (root here and in CI); without it this raises rather than pretend.
    """
    mountpoint = Path(tempfile.mkdtemp(prefix="smallfs-", dir=parent))
    try:
        _run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0755", "tmpfs", str(mountpoint)])
    except RuntimeError as exc:
        mountpoint.rmdir()
        raise RuntimeError(f"cannot mount a test tmpfs (needs root/CAP_SYS_ADMIN): {exc}") from exc
    try:
        yield mountpoint
    finally:
        with contextlib.suppress(RuntimeError):
            _run(["mount", "-o", "remount,rw", str(mountpoint)])
        _run(["umount", str(mountpoint)])
        mountpoint.rmdir()


def remount_read_only(mountpoint: str | os.PathLike) -> None:
    _run(["mount", "-o", "remount,ro", str(mountpoint)])


def remount_read_write(mountpoint: str | os.PathLike) -> None:
    _run(["mount", "-o", "remount,rw", str(mountpoint)])


def fill_filesystem(path: str | os.PathLike, leave_bytes: int = 0) -> Path:
    """Write a filler file under ``path`` until the filesystem has ~``leave_bytes`` free."""
    filler = Path(path) / "filler.bin"
    chunk = b"\0" * (64 * 1024)
    with open(filler, "wb") as out:
        while True:
            free = os.statvfs(path).f_bavail * os.statvfs(path).f_frsize
            if free <= leave_bytes:
                break
            try:
                out.write(chunk[: max(1, min(len(chunk), free - leave_bytes))])
                out.flush()
            except OSError:
                break
    return filler


@contextlib.contextmanager
def immutable(path: str | os.PathLike) -> Iterator[Path]:
    """``chattr +i``: nothing may be created in, renamed into or removed from ``path``, even by root."""
    path = Path(path)
    _run(["chattr", "+i", str(path)])
    try:
        yield path
    finally:
        _run(["chattr", "-i", str(path)])
