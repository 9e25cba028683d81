"""The pinned sha256 decides which wheel may be installed: pip checks it (--require-hashes or the
URL's #sha256) and the sync checks it again; a wrong hash fails and leaves the store as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sync_fetch
from sync_fetch import pip_download_argv
from sync_proc import child_env
from sync_testing import (
    MODEL,
    WHEEL_SHA256,
    assert_no_debris,
    assert_serves,
    event,
    installed,
    sync,
    sync_fails,
)
from testkit import WheelIndex

WRONG = "0" * 64


def _store_untouched(root, before: dict) -> None:
    assert installed(root) == ["1.0.0"]
    assert {p: (p.stat().st_ino, p.stat().st_size) for p in (root / MODEL / "1.0.0").rglob("*")} == before
    assert_serves(root, "1.0.0")
    assert_no_debris(root)


def _snapshot(root) -> dict:
    return {p: (p.stat().st_ino, p.stat().st_size) for p in (root / MODEL / "1.0.0").rglob("*")}


def test_wrong_hash_from_a_real_index_fails_and_keeps_the_active_version(with_v1, wheels):
    before = _snapshot(with_v1)
    with WheelIndex(list(wheels.values())) as index:
        summary = sync_fails(event("2.0.0", "index_url", index.index_url, sha256=WRONG))
        # pip did fetch the real wheel, then refused it for its hash.
        assert f"/files/{wheels['2.0.0'].name}" in index.requests
    assert summary["error"]["stage"] == "download"
    assert f"the wheel's sha256 is not the pinned {WRONG}" in summary["error"]["message"]
    assert WHEEL_SHA256["2.0.0"] in summary["error"]["message"]  # pip names the hash it got
    _store_untouched(with_v1, before)


def test_wrong_hash_of_the_served_version_never_replaces_it(with_v1, wheels):
    # The served version, re-pinned to another hash: the installed copy does not match the pin, so
    # the sync tries to reinstall, the download fails the pin, and the old copy stays in place.
    before = _snapshot(with_v1)
    with WheelIndex(list(wheels.values())) as index:
        summary = sync_fails(event("1.0.0", "index_url", index.index_url, sha256=WRONG))
    assert summary["error"]["stage"] == "download"
    _store_untouched(with_v1, before)


def test_wrong_hash_of_a_wheel_url_fails(with_v1, wheels):
    before = _snapshot(with_v1)
    with WheelIndex([wheels["2.0.0"]]) as index:
        summary = sync_fails(event("2.0.0", "wheel_url", index.wheel_url(wheels["2.0.0"].name), sha256=WRONG))
    assert summary["error"]["stage"] == "download"
    assert "pinned" in summary["error"]["message"]
    _store_untouched(with_v1, before)


def test_wrong_hash_in_find_links_fails(with_v1, find_links):
    before = _snapshot(with_v1)
    summary = sync_fails(event("2.0.0", "find_links", find_links, sha256=WRONG))
    assert summary["error"]["stage"] == "download"
    _store_untouched(with_v1, before)


def test_index_that_serves_other_bytes_under_the_right_name_is_refused(with_v1, wheels, tmp_path):
    # A mirror that swapped the file (same name, same version, valid RECORD of its own): an
    # attacker's wheel brings its own RECORD, only the pin tells it apart.
    before = _snapshot(with_v1)
    swapped = tmp_path / "swapped" / wheels["2.0.0"].name
    swapped.parent.mkdir()
    swapped.write_bytes(wheels["3.0.0"].read_bytes())
    with WheelIndex([swapped], advertise_hashes=False) as index:
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
    assert summary["error"]["stage"] == "download"
    _store_untouched(with_v1, before)


def test_bytes_that_change_after_pip_checked_them_are_refused_before_unpacking(with_v1, wheels, monkeypatch):
    # pip verified the download, then the file under it changed (a concurrent writer, a storage
    # fault) into another valid wheel: only the sync's own check keeps those bytes off the store.
    before = _snapshot(with_v1)
    real_run = sync_fetch.run_bounded

    def pip_then_swap(argv, **kwargs):
        proc = real_run(argv, **kwargs)
        if kwargs.get("what") == "pip download" and proc.returncode == 0:
            (downloaded,) = Path(argv[argv.index("--dest") + 1]).glob("*.whl")
            downloaded.write_bytes(wheels["3.0.0"].read_bytes())
        return proc

    monkeypatch.setattr(sync_fetch, "run_bounded", pip_then_swap)
    with WheelIndex(list(wheels.values())) as index:
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
    assert summary["error"]["stage"] == "verify"
    assert (
        f"has sha256 {WHEEL_SHA256['3.0.0']}, but the pinned sha256 is {WHEEL_SHA256['2.0.0']}"
        in summary["error"]["message"]
    )
    _store_untouched(with_v1, before)


def test_right_hash_installs(root, wheels):
    with WheelIndex(list(wheels.values())) as index:
        result = sync(event("2.0.0", "index_url", index.index_url))
    assert result["status"] == "installed"
    assert_serves(root, "2.0.0")


@pytest.mark.parametrize("kind", ["index_url", "find_links"])
def test_pip_runs_in_hash_checking_mode(tmp_path, kind):
    from sync_event import load_request
    from sync_testing import config_env

    location = "https://pypi.example.org/simple/" if kind == "index_url" else "/wheels"
    request = load_request(config_env(event("1.0.0", kind, location, sha256=WRONG)))
    (tmp_path / "download").mkdir()
    argv = pip_download_argv(request, tmp_path / "download", 60)
    assert "--require-hashes" in argv
    requirements = (tmp_path / "requirements.txt").read_text()
    assert requirements == f"{MODEL}==1.0.0 --hash=sha256:{WRONG}\n"


def test_child_processes_get_no_aws_credentials(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.2/creds")
    monkeypatch.setenv("PIP_INDEX_URL", "https://evil.example.org/simple/")
    env = child_env(tmp_path / "scratch")
    assert sorted(k for k in env if k.startswith(("AWS_", "PIP_INDEX"))) == []
    assert env["PATH"] == os.environ["PATH"]
