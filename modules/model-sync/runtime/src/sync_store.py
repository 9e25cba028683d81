"""The model store on the mount: layout, the per-model lock, staging, activation and retention.

Layout (the NER function reads only the version directories):
    <root>/<model_name>/<version>/    spaCy data directory (config.cfg, meta.json, ...)
    <root>/.staging/<token>/          one per run in progress; removed when the run ends
    <root>/.locks/<model_name>.lock   fcntl lock that serialises syncs of one model
Everything is on one filesystem, so moving a verified directory into place is one atomic rename.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from sync_errors import SyncFailure, describe_os_error
from sync_event import VERSION

STAGING = ".staging"
LOCKS = ".locks"


def tree_bytes(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def _version_key(version: str) -> tuple:
    """Numeric release tuple; only breaks ties between versions synced in the same instant."""
    head = VERSION.match(version)
    numbers = head.group(0).split(".") if head else []
    return tuple(int(n) for n in numbers if n.isdigit())


class ModelStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging_root = root / STAGING
        self.locks_root = root / LOCKS

    def model_dir(self, name: str) -> Path:
        return self.root / name

    def version_dir(self, name: str, version: str) -> Path:
        return self.root / name / version

    def prepare(self) -> None:
        if not self.root.is_dir():
            raise SyncFailure(
                "prepare", f"MODEL_ROOT {self.root} does not exist or is not a directory (is EFS mounted?)"
            )
        try:
            self.staging_root.mkdir(exist_ok=True)
            self.locks_root.mkdir(exist_ok=True)
        except OSError as exc:
            raise SyncFailure("prepare", f"cannot create bookkeeping dirs: {describe_os_error(exc)}") from exc

    @contextlib.contextmanager
    def lock(self, name: str, timeout: float) -> Iterator[None]:
        """Hold ``<root>/.locks/<name>.lock`` exclusively (POSIX lock: NFSv4 byte-range lock on EFS).

        Polled rather than blocking so a waiter gives up with a clear message before Lambda's
        timeout; the kernel drops the lock if the holder dies, so a crash never wedges later runs.
        """
        path = self.locks_root / f"{name}.lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SyncFailure("lock", f"cannot open lock file: {describe_os_error(exc)}") from exc
        try:
            give_up = time.monotonic() + timeout
            while True:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EACCES, errno.EAGAIN):
                        raise SyncFailure("lock", f"cannot lock {path}: {describe_os_error(exc)}") from exc
                    if time.monotonic() >= give_up:
                        raise SyncFailure(
                            "lock", f"another sync of {name} still holds {path} after {timeout:.0f}s"
                        ) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.lockf(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def new_staging(self, name: str, version: str) -> Path:
        path = self.staging_root / f"{name}-{version}-{secrets.token_hex(6)}"
        try:
            path.mkdir()
        except OSError as exc:
            raise SyncFailure("prepare", f"cannot create staging dir: {describe_os_error(exc)}") from exc
        return path

    def remove_tree(self, path: Path) -> str | None:
        """Remove ``path``; return why not if something is left (a later sweep retries)."""
        shutil.rmtree(path, ignore_errors=True)
        if os.path.lexists(path):
            return f"could not fully remove {path}"
        return None

    def sweep_stale_staging(self, max_age_seconds: float) -> list[str]:
        """Remove staging left by runs that died (Lambda timeout, crash) long enough ago.

        A staging dir's mtime only moves forward while its run adds entries, so an old mtime
        means a run older than any Lambda can live. Younger dirs may belong to a live run of
        another model (they do not share our lock) and are left alone.
        """
        removed = []
        cutoff = time.time() - max_age_seconds
        # Best effort: whatever cannot be swept now is retried by the next run.
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.staging_root):
                try:
                    old = entry.stat(follow_symlinks=False).st_mtime < cutoff
                    if old and self.remove_tree(Path(entry.path)) is None:
                        removed.append(entry.name)
                except OSError:
                    continue
        return removed

    def activate(self, data_dir: Path, name: str, version: str, staging: Path) -> None:
        """Move a verified data dir to ``<root>/<name>/<version>`` with one rename.

        A damaged directory already there is first renamed into our staging (so it is deleted
        with it) and put back if the final rename fails: the store never ends up with less.
        """
        target = self.version_dir(name, version)
        aside = None
        try:
            self.model_dir(name).mkdir(exist_ok=True)
            if os.path.lexists(target):
                aside = staging / "replaced"
                os.rename(target, aside)
            try:
                os.rename(data_dir, target)
            except OSError:
                if aside is not None:
                    with contextlib.suppress(OSError):
                        os.rename(aside, target)
                raise
            os.utime(target)
        except OSError as exc:
            raise SyncFailure(
                "activate", f"cannot move the verified model into {target}: {describe_os_error(exc)}"
            ) from exc

    def touch(self, name: str, version: str) -> None:
        """Mark a version as synced now: retention keeps the most recently synced versions."""
        os.utime(self.version_dir(name, version))

    def installed_versions(self, name: str) -> list[tuple[str, float]]:
        versions = []
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.model_dir(name)):
                if entry.is_dir(follow_symlinks=False) and VERSION.fullmatch(entry.name):
                    versions.append((entry.name, entry.stat(follow_symlinks=False).st_mtime))
        return versions

    def apply_retention(self, name: str, current: str, keep: int) -> tuple[list[str], list[str]]:
        """Keep ``current`` plus the ``keep`` most recently synced other versions; remove the rest.

        Each removal is a rename into .staging first, so the version vanishes from the model
        directory atomically and a delete cut short leaves debris for the stale sweep, never a
        half-removed version where the NER function could find it.
        Returns (removed versions, problems).
        """
        others = [(v, mtime) for v, mtime in self.installed_versions(name) if v != current]
        others.sort(key=lambda item: (item[1], _version_key(item[0])), reverse=True)
        removed, problems = [], []
        for version, _mtime in others[keep:]:
            doomed = self.staging_root / f"{name}-{version}-retired-{secrets.token_hex(6)}"
            try:
                os.rename(self.version_dir(name, version), doomed)
            except OSError as exc:
                problems.append(f"could not retire {name}/{version}: {describe_os_error(exc)}")
                continue
            removed.append(version)
            problem = self.remove_tree(doomed)
            if problem:
                problems.append(problem)
        return sorted(removed, key=_version_key), problems
