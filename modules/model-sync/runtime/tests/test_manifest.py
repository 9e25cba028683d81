"""A version damaged after install is found by its manifest and repaired by the next run."""

from __future__ import annotations

import json

import pytest
from sync_manifest import MANIFEST
from sync_testing import MODEL, assert_no_debris, assert_serves, event, installed, sync


def _largest_file(version_dir):
    files = [p for p in version_dir.rglob("*") if p.is_file() and p.name != MANIFEST]
    return max(files, key=lambda p: p.stat().st_size)


def test_install_writes_a_manifest_of_every_file(with_v1):
    version_dir = with_v1 / MODEL / "1.0.0"
    manifest = json.loads((version_dir / MANIFEST).read_text())
    on_disk = {str(p.relative_to(version_dir)) for p in version_dir.rglob("*") if p.is_file()} - {MANIFEST}
    assert set(manifest["files"]) == on_disk
    assert {"config.cfg", "meta.json"} <= on_disk
    for rel, entry in manifest["files"].items():
        assert entry["size"] == (version_dir / rel).stat().st_size
        assert len(entry["sha256"]) == 64


def _damage_truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_delete(path):
    path.unlink()


def _damage_same_size(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_damage_truncate, "bytes, {size} were installed"),
        (_damage_delete, "is missing"),
        (_damage_same_size, "changed since install (sha256 differs)"),
    ],
    ids=["truncated", "deleted", "overwritten"],
)
def test_rerun_repairs_a_damaged_version(with_v1, find_links, damage, problem):
    version_dir = with_v1 / MODEL / "1.0.0"
    victim = _largest_file(version_dir)
    rel = str(victim.relative_to(version_dir))
    original = victim.read_bytes()
    damage(victim)
    result = sync(event("1.0.0", "find_links", find_links))
    assert result["status"] == "installed"
    (warning,) = result["warnings"]
    assert warning.startswith(f"replaced a damaged {MODEL}/1.0.0: {rel} ")
    assert problem.format(size=len(original)) in warning
    assert (version_dir / rel).read_bytes() == original
    assert_serves(with_v1, "1.0.0")
    assert_no_debris(with_v1)
    # And repaired means intact: the next run is a no-op again.
    assert sync(event("1.0.0", "find_links", find_links))["status"] == "already_present"


def test_version_without_a_manifest_is_reinstalled(with_v1, find_links):
    (with_v1 / MODEL / "1.0.0" / MANIFEST).unlink()
    result = sync(event("1.0.0", "find_links", find_links))
    assert result["status"] == "installed"
    assert f"no {MANIFEST}" in result["warnings"][0]
    assert (with_v1 / MODEL / "1.0.0" / MANIFEST).is_file()
    assert installed(with_v1) == ["1.0.0"]
