"""Retention keeps the current version plus the N most recently synced others."""

from __future__ import annotations

import os
import shutil
import time

from sync_fetch import file_sha256
from sync_testing import MODEL, WHEEL_SHA256, assert_no_debris, assert_serves, event, installed, sync
from testkit import build_model_wheel, immutable, make_find_links


def _age(root, version: str, seconds_ago: float) -> None:
    t = time.time() - seconds_ago
    os.utime(root / MODEL / version, (t, t))


def test_keeps_configured_number_and_removes_only_the_oldest(root, find_links, monkeypatch):
    monkeypatch.setenv("KEEP_VERSIONS", "1")
    assert sync(event("1.0.0", "find_links", find_links))["removed_versions"] == []
    _age(root, "1.0.0", 300)
    assert sync(event("2.0.0", "find_links", find_links))["removed_versions"] == []
    _age(root, "2.0.0", 200)
    result = sync(event("3.0.0", "find_links", find_links))
    assert result["status"] == "installed"
    assert result["removed_versions"] == ["1.0.0"]
    assert result["keep_versions"] == 1
    assert installed(root) == ["2.0.0", "3.0.0"]
    assert_serves(root, "2.0.0")
    assert_serves(root, "3.0.0")
    assert_no_debris(root)


def test_order_is_last_sync_not_version_number(root, find_links, monkeypatch):
    # Roll back to 2.0.0 after 3.0.0: 3.0.0 was current a moment ago (still served by the old
    # function version while the deploy rolls), so with keep 1 it is the one kept.
    monkeypatch.setenv("KEEP_VERSIONS", "5")
    for version, ago in (("1.0.0", 300), ("2.0.0", 200), ("3.0.0", 100)):
        sync(event(version, "find_links", find_links))
        _age(root, version, ago)
    _age(root, "1.0.0", 50)  # 1.0.0 synced again more recently than 3.0.0 ...
    _age(root, "3.0.0", 10)  # ... and 3.0.0 more recently still
    result = sync(event("2.0.0", "find_links", find_links, keep_versions=1))
    assert result["status"] == "already_present"
    assert result["removed_versions"] == ["1.0.0"]
    assert installed(root) == ["2.0.0", "3.0.0"]


def test_keep_one_leaves_current_and_the_previous(root, find_links, monkeypatch):
    monkeypatch.setenv("KEEP_VERSIONS", "10")
    for version, ago in (("1.0.0", 200), ("2.0.0", 100)):
        sync(event(version, "find_links", find_links))
        _age(root, version, ago)
    result = sync(event("3.0.0", "find_links", find_links, keep_versions=1))
    # The previous version (still served while the deploy rolls) survives; only older ones go.
    assert result["removed_versions"] == ["1.0.0"]
    assert installed(root) == ["2.0.0", "3.0.0"]
    assert_serves(root, "3.0.0")
    assert_serves(root, "2.0.0")
    assert_no_debris(root)


def test_default_keeps_two_older_versions(root, find_links, wheels, tmp_path):
    fourth = build_model_wheel(tmp_path / "w4", MODEL, "4.0.0")
    WHEEL_SHA256["4.0.0"] = file_sha256(fourth)
    links = make_find_links(tmp_path / "links", [*wheels.values(), fourth])
    for i, version in enumerate(("1.0.0", "2.0.0", "3.0.0")):
        assert sync(event(version, "find_links", links))["removed_versions"] == []
        _age(root, version, 400 - 100 * i)
    result = sync(event("4.0.0", "find_links", links))
    assert result["keep_versions"] == 2
    assert result["removed_versions"] == ["1.0.0"]
    assert installed(root) == ["2.0.0", "3.0.0", "4.0.0"]


def test_retention_ignores_what_is_not_a_version(with_v1, find_links):
    for version, ago in (("0.8.0", 300), ("0.9.0", 200)):
        shutil.copytree(with_v1 / MODEL / "1.0.0", with_v1 / MODEL / version)
        _age(with_v1, version, ago)
    stray = with_v1 / MODEL / "notes"
    stray.mkdir()
    hidden = with_v1 / MODEL / ".keep"
    hidden.mkdir()
    _age(with_v1, "1.0.0", 400)
    result = sync(event("1.0.0", "find_links", find_links, keep_versions=1))
    assert result["removed_versions"] == ["0.8.0"]
    assert stray.exists() and hidden.exists()


def test_other_models_are_never_touched(with_v1, find_links, tmp_path):
    other = with_v1 / "en_other_ner" / "0.1.0"
    other.mkdir(parents=True)
    (other / "meta.json").write_text("{}")
    os.utime(other, (1, 1))  # older than anything of en_test_ner: retention must still ignore it
    sync(event("1.0.0", "find_links", find_links, keep_versions=1))
    assert other.exists()


def test_retention_failure_is_a_warning_not_a_failed_sync(with_v1, find_links):
    for version, ago in (("0.8.0", 200), ("0.9.0", 100)):
        shutil.copytree(with_v1 / MODEL / "1.0.0", with_v1 / MODEL / version)
        _age(with_v1, version, ago)
    with immutable(with_v1 / MODEL):  # 0.8.0 cannot be moved out
        result = sync(event("1.0.0", "find_links", find_links, keep_versions=1))
    assert result["status"] == "already_present"
    assert result["removed_versions"] == []
    assert "retention: could not retire en_test_ner/0.8.0: Operation not permitted" in result["warnings"][0]
    assert installed(with_v1) == ["0.8.0", "0.9.0", "1.0.0"]
    assert_no_debris(with_v1)
