"""A manifest of every file of an installed version (size and sha256), written before it is activated.

The "already present" check reads it back, so a version damaged after install (a file deleted,
truncated or overwritten) is found and re-installed by the next run instead of being served broken.
It also records the wheel's sha256, so a version installed from another wheel than the pinned one is
replaced too. The file lives inside the version directory: it moves into place with the same rename.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sync_event import SyncRequest

MANIFEST = ".sync-manifest.json"
FORMAT = 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _files(data_dir: Path) -> list[str]:
    found = []
    for dirpath, dirs, files in os.walk(data_dir):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(dirpath, name), data_dir)
            if rel != MANIFEST:
                found.append(rel.replace(os.sep, "/"))
    return found


def write_manifest(data_dir: Path, request: SyncRequest) -> dict:
    files = {}
    for rel in _files(data_dir):
        path = data_dir / rel
        files[rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    manifest = {
        "format": FORMAT,
        "model_name": request.model_name,
        "version": request.version,
        "wheel_sha256": request.source.sha256,
        "files": files,
    }
    (data_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def manifest_problem(version_dir: Path, request: SyncRequest) -> str | None:
    """Why the installed files are not the ones the sync installed from the pinned wheel, or None."""
    try:
        manifest = json.loads((version_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no {MANIFEST} (installed by an older sync or by hand)"
    except (OSError, ValueError) as exc:
        return f"unreadable {MANIFEST} ({exc})"
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        return f"{MANIFEST} is not a format {FORMAT} manifest"
    if manifest.get("wheel_sha256") != request.source.sha256:
        return (
            f"installed from a wheel with sha256 {manifest.get('wheel_sha256')}, "
            f"the pinned sha256 is {request.source.sha256}"
        )
    # Sizes first: a deleted or truncated file is found without reading a byte of the others.
    for rel, entry in sorted(manifest["files"].items()):
        try:
            size = os.stat(version_dir / rel).st_size
        except OSError:
            return f"{rel} is missing"
        if size != entry.get("size"):
            return f"{rel} has {size} bytes, {entry.get('size')} were installed"
    for rel, entry in sorted(manifest["files"].items()):
        try:
            if _sha256(version_dir / rel) != entry.get("sha256"):
                return f"{rel} changed since install (sha256 differs)"
        except OSError as exc:
            return f"{rel} is unreadable ({exc})"
    return None
