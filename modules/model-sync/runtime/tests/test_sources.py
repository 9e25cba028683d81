"""Installing from each source kind, and the idempotent second run."""

from __future__ import annotations

import json
import os
import shutil

from sync_testing import MODEL, assert_no_debris, assert_serves, event, installed, sync
from testkit import WheelIndex


def _check_installed(result: dict, root, version: str) -> None:
    assert result["status"] == "installed"
    assert result["model_name"] == MODEL
    assert result["version"] == version
    assert result["path"] == str(root / MODEL / version)
    assert result["bytes"] > 10_000
    assert result["seconds"] > 0
    assert result["removed_versions"] == []
    assert "error" not in result
    assert_serves(root, version)
    assert_no_debris(root)
    json.dumps(result)  # what Terraform receives must be JSON


def test_installs_from_find_links(root, find_links):
    result = sync(event("2.0.0", "find_links", find_links))
    _check_installed(result, root, "2.0.0")
    assert installed(root) == ["2.0.0"]
    # Only the data directory lands at the contract path: no package code, no dist-info.
    assert {"config.cfg", "meta.json"} <= set(os.listdir(root / MODEL / "2.0.0"))
    assert not any(name.endswith(".dist-info") for name in os.listdir(root / MODEL / "2.0.0"))


def test_installs_from_http_index(root, wheels):
    with WheelIndex(list(wheels.values())) as index:
        result = sync(event("3.0.0", "index_url", index.index_url))
        assert f"/files/{wheels['3.0.0'].name}" in index.requests
    _check_installed(result, root, "3.0.0")


def test_installs_from_direct_wheel_url(root, wheels):
    with WheelIndex([wheels["1.0.0"]]) as index:
        url = index.wheel_url(wheels["1.0.0"].name)
        result = sync(event("1.0.0", "wheel_url", url))
        assert index.requests == [f"/wheels/{wheels['1.0.0'].name}"]
    _check_installed(result, root, "1.0.0")


def test_second_sync_is_an_already_present_no_op(with_v1, find_links, wheels):
    root = with_v1
    before = {p: p.stat().st_ino for p in (root / MODEL / "1.0.0").rglob("*")}
    # A source that would fail proves nothing is fetched: the present version is enough.
    with WheelIndex() as empty_index:
        result = sync(event("1.0.0", "index_url", empty_index.index_url))
        assert empty_index.requests == []
    assert result["status"] == "already_present"
    assert result["path"] == str(root / MODEL / "1.0.0")
    assert result["bytes"] > 10_000
    assert result["removed_versions"] == []
    assert {p: p.stat().st_ino for p in (root / MODEL / "1.0.0").rglob("*")} == before
    assert_serves(root, "1.0.0")
    assert_no_debris(root)


def test_damaged_present_version_is_replaced(with_v1, find_links):
    root = with_v1
    (root / MODEL / "1.0.0" / "meta.json").write_text("{ truncated")
    result = sync(event("1.0.0", "find_links", find_links))
    assert result["status"] == "installed"
    assert any("replaced a damaged" in w for w in result["warnings"])
    assert_serves(root, "1.0.0")
    assert_no_debris(root)


def test_version_dir_of_another_version_is_replaced(with_v1, find_links):
    # A directory at 2.0.0/ whose meta says 1.0.0 (say, a hand-made copy) is not 2.0.0.
    root = with_v1
    shutil.copytree(root / MODEL / "1.0.0", root / MODEL / "2.0.0")
    result = sync(event("2.0.0", "find_links", find_links))
    assert result["status"] == "installed"
    assert "meta.json says version 1.0.0" in result["warnings"][0]
    assert_serves(root, "2.0.0")
    assert_serves(root, "1.0.0")
