"""Storage faults on real filesystems: read-only, immutable, and full.

Tests run as root here and in CI, where chmod stops nothing, so each fault is one the kernel
enforces for root too: a tmpfs remounted read-only (EROFS), ``chattr +i`` (EPERM) and a tmpfs
too small for the next version (ENOSPC).
"""

from __future__ import annotations

import os
import shutil

import pytest
from sync_testing import MODEL, assert_no_debris, assert_serves, event, installed, sync, sync_fails
from testkit import fill_filesystem, immutable, remount_read_only, small_filesystem


@pytest.fixture
def small_root(monkeypatch, v1_installed, tmp_path):
    """A 4 MiB filesystem as MODEL_ROOT, holding a working 1.0.0 (about 0.1 MB)."""
    with small_filesystem(4 * 1024 * 1024, parent=tmp_path) as mount:
        shutil.copytree(v1_installed, mount / MODEL / "1.0.0")
        monkeypatch.setenv("MODEL_ROOT", str(mount))
        yield mount


def test_read_only_filesystem(small_root, find_links):
    # Even the lock needs a writable mount; the error says so instead of a bare errno.
    (small_root / ".locks").mkdir()
    (small_root / ".staging").mkdir()
    (small_root / ".locks" / f"{MODEL}.lock").touch()
    remount_read_only(small_root)
    with pytest.raises(OSError):
        (small_root / "probe").touch()  # the fault is real for root
    summary = sync_fails(event("2.0.0", "find_links", find_links))
    assert summary["error"]["stage"] == "lock"
    assert "Read-only file system" in summary["error"]["message"]
    assert installed(small_root) == ["1.0.0"]
    assert_serves(small_root, "1.0.0")
    assert_no_debris(small_root)


def test_read_only_filesystem_without_bookkeeping_dirs(small_root, find_links):
    remount_read_only(small_root)
    summary = sync_fails(event("2.0.0", "find_links", find_links))
    assert summary["error"]["stage"] == "prepare"
    assert "Read-only file system" in summary["error"]["message"]
    assert installed(small_root) == ["1.0.0"]
    assert_serves(small_root, "1.0.0")


def test_immutable_model_directory(with_v1, find_links):
    # Staging works, download/verify pass, the final rename into <root>/<name>/ is refused.
    with immutable(with_v1 / MODEL):
        with pytest.raises(OSError):
            (with_v1 / MODEL / "probe").mkdir()
        summary = sync_fails(event("2.0.0", "find_links", find_links))
    assert summary["error"]["stage"] == "activate"
    assert "Operation not permitted" in summary["error"]["message"]
    assert str(with_v1 / MODEL / "2.0.0") in summary["error"]["message"]
    assert installed(with_v1) == ["1.0.0"]
    assert_serves(with_v1, "1.0.0")
    assert_no_debris(with_v1)


def test_immutable_damaged_version_is_restored_not_lost(with_v1, find_links):
    # Replacing a damaged 1.0.0 fails at activation: the old directory must be put back as it was.
    meta = with_v1 / MODEL / "1.0.0" / "meta.json"
    meta.write_text("{}")
    with immutable(with_v1 / MODEL / "1.0.0"):
        summary = sync_fails(event("1.0.0", "find_links", find_links))
    assert summary["error"]["stage"] == "activate"
    assert meta.read_text() == "{}"
    assert installed(with_v1) == ["1.0.0"]
    assert_no_debris(with_v1)


@pytest.mark.parametrize(
    ("leave_bytes", "stages"),
    [
        (0, {"download", "prepare"}),  # not even the wheel fits
        (48 * 1024, {"install"}),  # the wheel (~25 KB) fits, unpacking it (~100 KB) does not
    ],
    ids=["full", "nearly-full"],
)
def test_full_disk(small_root, find_links, leave_bytes, stages):
    # A first sync makes the bookkeeping dirs and lock file while there is room.
    assert sync(event("1.0.0", "find_links", find_links))["status"] == "already_present"
    filler = fill_filesystem(small_root, leave_bytes=leave_bytes)
    summary = sync_fails(event("2.0.0", "find_links", find_links))
    assert summary["error"]["stage"] in stages
    assert "No space left on device" in summary["error"]["message"]
    filler.unlink()
    assert installed(small_root) == ["1.0.0"]
    assert_serves(small_root, "1.0.0")
    assert_no_debris(small_root)
    # With room again, the same request goes through: the failure left nothing in the way.
    assert sync(event("2.0.0", "find_links", find_links))["status"] == "installed"
    assert_serves(small_root, "2.0.0")


def test_model_root_missing(root, find_links, monkeypatch):
    monkeypatch.setenv("MODEL_ROOT", str(root / "not-mounted"))
    summary = sync_fails(event("1.0.0", "find_links", find_links))
    assert summary["error"]["stage"] == "prepare"
    assert "is EFS mounted?" in summary["error"]["message"]
    assert not os.path.exists(root / "not-mounted")
