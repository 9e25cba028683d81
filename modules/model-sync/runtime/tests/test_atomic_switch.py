"""A model version switch is atomic for the NER function, and a rollback is one step.

Where it is decided: the function loads <MODEL_ROOT>/<MODEL_NAME>/<MODEL_VERSION> (runtime ner_settings) once
per execution environment, so every request is served by the version its environment was configured with;
Terraform changes MODEL_VERSION only after the sync of that version succeeded. What this suite proves is the
other half: a reader of the store sees a version directory either absent or complete, never half-written,
while the sync installs it (one rename out of staging), and the version being served before a switch stays
complete throughout the switch and the rollback (retention never retires it).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from sync_store import ModelStore
from sync_testing import MODEL, assert_no_debris, assert_serves, event, installed, sync

RUNTIME_SETTINGS = (
    Path(__file__).resolve().parents[4] / "modules" / "spacy-function" / "runtime" / "src" / "ner_settings.py"
)

Snapshot = frozenset[str] | str | None


def _snapshot(path: Path) -> Snapshot:
    """The files under ``path`` as one reader sees them: None if absent, "moved" if it changed mid-look."""
    try:
        before = os.stat(path).st_ino
    except FileNotFoundError:
        return None
    files = frozenset(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
    try:
        after = os.stat(path).st_ino
    except FileNotFoundError:
        return "moved"
    return files if after == before else "moved"


class _Watcher(threading.Thread):
    """Looks at a version directory over and over, as cold starts of the function would."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.seen: list[Snapshot] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.seen.append(_snapshot(self.path))
            time.sleep(0.0005)

    def __enter__(self) -> _Watcher:
        self.start()
        while not self.seen:
            time.sleep(0.001)
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self.join()


def _runtime_model_path(root: Path, version: str) -> Path | None:
    spec = importlib.util.spec_from_file_location("runtime_ner_settings", RUNTIME_SETTINGS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    settings = module.Settings.from_env(
        {"MODEL_ROOT": str(root), "MODEL_NAME": MODEL, "MODEL_VERSION": version}
    )
    return settings.model_path


def test_the_function_reads_exactly_the_configured_version_directory(tmp_path: Path) -> None:
    # No "current" pointer on the mount that a sync could move under a running function: the version is the
    # function's configuration, and only the directory of that name is read.
    assert _runtime_model_path(tmp_path, "2.0.0") == tmp_path / MODEL / "2.0.0"
    assert _runtime_model_path(tmp_path, "1.0.0") == tmp_path / MODEL / "1.0.0"


def test_switch_then_rollback_readers_see_absent_or_complete_only(
    with_v1: Path, find_links, monkeypatch
) -> None:
    root = with_v1
    monkeypatch.setenv("KEEP_VERSIONS", "1")  # the smallest retention: still keeps the version served before
    v1, v2 = root / MODEL / "1.0.0", root / MODEL / "2.0.0"
    complete_v1 = _snapshot(v1)
    assert isinstance(complete_v1, frozenset) and "meta.json" in complete_v1

    # Switch: 2.0.0 is installed while functions still serve 1.0.0.
    with _Watcher(v2) as new, _Watcher(v1) as old:
        result = sync(event("2.0.0", "find_links", find_links))
    assert result["status"] == "installed"
    complete_v2 = _snapshot(v2)
    assert isinstance(complete_v2, frozenset) and "meta.json" in complete_v2
    assert new.seen[0] is None, "the new version appeared before the sync ran"
    assert {s for s in new.seen if s != complete_v2} == {None}, "a reader saw 2.0.0 half-written"
    assert set(old.seen) == {complete_v1}, "1.0.0 changed while it was still being served"
    assert_serves(root, "1.0.0")
    assert_serves(root, "2.0.0")

    # Rollback: one step, back to 1.0.0, which is still there; nothing is downloaded or removed.
    with _Watcher(v2) as new, _Watcher(v1) as old:
        result = sync(event("1.0.0", "find_links", find_links))
    assert (result["status"], result["removed_versions"]) == ("already_present", [])
    assert set(old.seen) == {complete_v1}
    assert set(new.seen) == {complete_v2}, "2.0.0 (served until the rollback lands) changed during it"
    assert installed(root) == ["1.0.0", "2.0.0"]
    assert_serves(root, "1.0.0")
    assert_no_debris(root)


def test_control_a_copy_into_place_is_seen_half_written(with_v1: Path, find_links, monkeypatch) -> None:
    # What the watcher catches: the same sync, but moving the model into place file by file.
    def copy_into_place(self: ModelStore, data_dir: Path, name: str, version: str, staging: Path) -> None:
        def slow_copy(src: str, dst: str) -> None:
            shutil.copy2(src, dst)
            time.sleep(0.01)

        shutil.copytree(data_dir, self.version_dir(name, version), copy_function=slow_copy)

    monkeypatch.setattr(ModelStore, "activate", copy_into_place)
    v2 = with_v1 / MODEL / "2.0.0"
    with _Watcher(v2) as new:
        assert sync(event("2.0.0", "find_links", find_links))["status"] == "installed"
    complete = _snapshot(v2)
    half_written = [s for s in new.seen if s is not None and s != complete]
    assert half_written, "the watcher could not have caught a half-written model"


@pytest.mark.parametrize("keep", ["1", "2"])
def test_retention_never_retires_the_version_served_before_the_switch(
    with_v1: Path, find_links, monkeypatch, keep: str
) -> None:
    # A switch 1 -> 2 -> 3: while 3.0.0 is installed, functions still serve 2.0.0; it must survive.
    monkeypatch.setenv("KEEP_VERSIONS", keep)
    sync(event("2.0.0", "find_links", find_links))
    served = with_v1 / MODEL / "2.0.0"
    complete = _snapshot(served)
    with _Watcher(served) as watcher:
        result = sync(event("3.0.0", "find_links", find_links))
    assert set(watcher.seen) == {complete}
    assert "2.0.0" not in result["removed_versions"]
    assert_serves(with_v1, "2.0.0")
