"""One sync, start to finish, under the model's lock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from sync_errors import SyncFailure, describe_os_error
from sync_event import SyncRequest
from sync_fetch import download_wheel
from sync_log import log
from sync_manifest import write_manifest
from sync_settings import Deadline, Settings
from sync_store import ModelStore, tree_bytes
from sync_verify import check_loads, check_meta, check_wheel_identity, present_and_intact
from sync_wheel import find_data_dir, unpack_wheel


def sync_model(request: SyncRequest, settings: Settings, deadline: Deadline) -> dict:
    started = time.monotonic()
    store = ModelStore(settings.model_root)
    store.prepare()
    name, version = request.model_name, request.version
    target = store.version_dir(name, version)
    keep = request.keep_versions
    warnings: list[str] = []

    with store.lock(name, deadline.budget(settings.lock_timeout_seconds, "lock")):
        swept = store.sweep_stale_staging(settings.stale_staging_seconds)
        if swept:
            log("INFO", "stale_staging_removed", paths=swept)

        problem = present_and_intact(target, request)
        if problem is None:
            status = "already_present"
            try:
                store.touch(name, version)
            except OSError as exc:
                warnings.append(f"could not mark {name}/{version} as synced now: {describe_os_error(exc)}")
        else:
            status = "installed"
            if problem != "not installed":
                log("WARN", "damaged_version_replaced", path=target, problem=problem)
                warnings.append(f"replaced a damaged {name}/{version}: {problem}")
            _install(request, settings, deadline, store)

        # Housekeeping trouble must not fail a sync whose model is in place; it is reported instead.
        try:
            removed, retention_problems = store.apply_retention(name, version, keep)
        except OSError as exc:
            removed, retention_problems = [], [describe_os_error(exc)]
        warnings += [f"retention: {p}" for p in retention_problems]

    result = {
        "status": status,
        "model_name": name,
        "version": version,
        "path": str(target),
        "bytes": tree_bytes(target),
        "seconds": round(time.monotonic() - started, 3),
        "removed_versions": removed,
        "keep_versions": keep,
    }
    if warnings:
        result["warnings"] = warnings
    return result


@contextlib.contextmanager
def _stage(name: str) -> Iterator[None]:
    """Attribute any stray OSError (ENOSPC, EIO, EROFS, ...) to the stage it happened in."""
    try:
        yield
    except OSError as exc:
        raise SyncFailure(name, describe_os_error(exc)) from exc


def _install(request: SyncRequest, settings: Settings, deadline: Deadline, store: ModelStore) -> None:
    staging = store.new_staging(request.model_name, request.version)
    try:
        with _stage("download"):
            budget = deadline.budget(settings.pip_timeout_seconds, "download")
            wheel = download_wheel(request, staging, budget)
        with _stage("install"):
            contents = unpack_wheel(wheel, staging / "unpacked")
        with _stage("verify"):
            check_wheel_identity(contents, request)
            data_dir = find_data_dir(contents.root, request.model_name)
            check_meta(data_dir, request)
            budget = deadline.budget(settings.verify_timeout_seconds, "verify")
            check_loads(data_dir, request, staging / "tmp", budget)
            write_manifest(data_dir, request)
        store.activate(data_dir, request.model_name, request.version, staging)
    finally:
        leftover = store.remove_tree(staging)
        if leftover:
            log("WARN", "staging_left_behind", message=f"{leftover}; the next sync's stale sweep will retry")
