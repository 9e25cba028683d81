"""Shared fixtures: real model wheels built once per session, a fresh model root per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sync_fetch import file_sha256
from sync_testing import CONFIG_VARS, MODEL, VERSIONS, WHEEL_SHA256, event, sync
from testkit import build_model_wheel, make_find_links

# A test that uses one of these runs a real sync, which pip-installs a model wheel: it carries the `pip`
# marker (pytest.ini), so `pnpm test:unit` leaves it to the full `pnpm test`. The marker follows from the
# fixtures, so a new test cannot forget it.
PIP_FIXTURES = frozenset({"wheels", "find_links", "v1_installed"})


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PIP_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pip)


_SETTINGS = (
    "KEEP_VERSIONS",
    "PIP_TIMEOUT_SECONDS",
    "VERIFY_TIMEOUT_SECONDS",
    "LOCK_TIMEOUT_SECONDS",
    "STALE_STAGING_MINUTES",
)


@pytest.fixture(scope="session")
def wheels(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("wheels")
    built = {version: build_model_wheel(work, MODEL, version) for version in VERSIONS}
    WHEEL_SHA256.update({version: file_sha256(path) for version, path in built.items()})
    return built


@pytest.fixture(scope="session")
def find_links(tmp_path_factory, wheels) -> Path:
    return make_find_links(tmp_path_factory.mktemp("find-links"), list(wheels.values()))


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("MODEL_ROOT", str(models))
    for key in _SETTINGS:
        monkeypatch.delenv(key, raising=False)
    # Set (to "", which the sync reads as unset) so that monkeypatch restores them after the test
    # even when a test's sync() writes them directly.
    for key in CONFIG_VARS:
        monkeypatch.setenv(key, "")
    return models


@pytest.fixture(scope="session")
def v1_installed(tmp_path_factory, find_links) -> Path:
    """1.0.0 as the sync installs it, made once; tests get copies (a real install costs ~4 s)."""
    models = tmp_path_factory.mktemp("v1") / "models"
    models.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MODEL_ROOT", str(models))
        for key in CONFIG_VARS:
            mp.setenv(key, "")
        assert sync(event("1.0.0", "find_links", find_links))["status"] == "installed"
    return models / MODEL / "1.0.0"


@pytest.fixture
def with_v1(root, v1_installed) -> Path:
    """A model root that already holds a working 1.0.0."""
    shutil.copytree(v1_installed, root / MODEL / "1.0.0")
    return root
