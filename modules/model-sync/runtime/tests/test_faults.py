"""Network and content faults: each fails with the stage named, the installed version untouched,
and nothing left in staging."""

from __future__ import annotations

import hashlib

import pytest
from sync_testing import MODEL, assert_no_debris, assert_serves, event, installed, sync, sync_fails
from testkit import Fault, WheelIndex, build_model_wheel, corrupt_bytes, make_find_links, with_meta_version


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _still_only_v1(root) -> None:
    assert installed(root) == ["1.0.0"]
    assert_serves(root, "1.0.0")
    assert_no_debris(root)


def test_interrupted_download_from_index(with_v1, wheels):
    with WheelIndex([wheels["2.0.0"]]) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.DROP_MID_BODY)
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
        fetches = [r for r in index.requests if r.endswith(".whl")]
    assert summary["error"]["stage"] == "download"
    assert "en_test_ner==2.0.0" in summary["error"]["message"]
    assert len(fetches) >= 2  # pip tried to resume/restart before giving up
    _still_only_v1(with_v1)


def test_interrupted_download_from_wheel_url(with_v1, wheels):
    with WheelIndex([wheels["2.0.0"]]) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.DROP_MID_BODY)
        summary = sync_fails(event("2.0.0", "wheel_url", index.wheel_url(wheels["2.0.0"].name)))
    assert summary["error"]["stage"] == "download"
    _still_only_v1(with_v1)


def test_stalled_download_times_out(with_v1, wheels, monkeypatch):
    monkeypatch.setenv("PIP_TIMEOUT_SECONDS", "3")
    with WheelIndex([wheels["2.0.0"]], stall_seconds=60) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.STALL)
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
    assert summary["error"]["stage"] == "download"
    assert "timed out after 3s" in summary["error"]["message"]
    assert summary["seconds"] < 30
    _still_only_v1(with_v1)


def test_missing_file_404(with_v1, wheels):
    with WheelIndex([wheels["2.0.0"]]) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.NOT_FOUND)
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
    assert summary["error"]["stage"] == "download"
    assert "404" in summary["error"]["message"]
    _still_only_v1(with_v1)


def test_corrupt_bytes_rejected_by_index_hash(with_v1, wheels):
    # A PyPI-like index advertises sha256: pip itself refuses the damaged download.
    with WheelIndex([wheels["2.0.0"]], advertise_hashes=True) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.CORRUPT)
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
    assert summary["error"]["stage"] == "download"
    assert "hash" in summary["error"]["message"].lower()
    _still_only_v1(with_v1)


def test_corrupt_bytes_without_index_hash_fail_unpacking(with_v1, wheels):
    # No hash to check (direct URL): the damage is caught by the wheel's own CRCs/RECORD.
    with WheelIndex([wheels["2.0.0"]]) as index:
        index.set_fault(wheels["2.0.0"].name, Fault.CORRUPT)
        # Pinned to the damaged bytes (a publisher who hashed a broken upload): the pin passes,
        # the wheel's own CRCs/RECORD still catch the damage.
        damaged = _sha(corrupt_bytes(wheels["2.0.0"].read_bytes()))
        summary = sync_fails(
            event("2.0.0", "wheel_url", index.wheel_url(wheels["2.0.0"].name), sha256=damaged)
        )
    assert summary["error"]["stage"] == "install"
    assert "not a valid wheel" in summary["error"]["message"] or "RECORD" in summary["error"]["message"]
    _still_only_v1(with_v1)


def test_corrupt_wheel_in_find_links(with_v1, wheels, tmp_path):
    damaged = tmp_path / "damaged" / wheels["2.0.0"].name
    damaged.parent.mkdir()
    damaged.write_bytes(corrupt_bytes(wheels["2.0.0"].read_bytes()))
    summary = sync_fails(event("2.0.0", "find_links", damaged.parent, sha256=_sha(damaged.read_bytes())))
    assert summary["error"]["stage"] == "install"
    _still_only_v1(with_v1)


def test_truncated_wheel(with_v1, wheels, tmp_path):
    cut = tmp_path / "cut" / wheels["2.0.0"].name
    cut.parent.mkdir()
    cut.write_bytes(wheels["2.0.0"].read_bytes()[:-300])
    summary = sync_fails(event("2.0.0", "find_links", cut.parent, sha256=_sha(cut.read_bytes())))
    # pip reads the wheel's METADATA while downloading, so a missing central directory fails there.
    assert summary["error"]["stage"] == "download"
    assert "is invalid" in summary["error"]["message"]
    _still_only_v1(with_v1)


def test_requested_version_not_on_index(with_v1, wheels):
    with WheelIndex([wheels["1.0.0"], wheels["3.0.0"]]) as index:
        summary = sync_fails(event("2.0.0", "index_url", index.index_url))
    assert summary["error"]["stage"] == "download"
    assert "No matching distribution found for en_test_ner==2.0.0" in summary["error"]["message"]
    _still_only_v1(with_v1)


def test_wheel_url_of_another_version(with_v1, wheels):
    with WheelIndex([wheels["3.0.0"]]) as index:
        summary = sync_fails(
            event(
                "2.0.0",
                "wheel_url",
                index.wheel_url(wheels["3.0.0"].name),
                sha256=_sha(wheels["3.0.0"].read_bytes()),
            )
        )
    assert summary["error"]["stage"] == "verify"
    assert "version 3.0.0, requested 2.0.0" in summary["error"]["message"]
    _still_only_v1(with_v1)


def test_wheel_whose_meta_version_differs(with_v1, wheels, tmp_path):
    # A well-formed wheel (valid RECORD) published with a stale meta.json.
    liar = with_meta_version(wheels["2.0.0"], tmp_path / "liar" / wheels["2.0.0"].name, "1.9.9")
    summary = sync_fails(event("2.0.0", "find_links", liar.parent, sha256=_sha(liar.read_bytes())))
    assert summary["error"]["stage"] == "verify"
    assert "meta.json says version 1.9.9, requested 2.0.0" in summary["error"]["message"]
    _still_only_v1(with_v1)


def test_wheel_of_another_model(with_v1, tmp_path):
    other = build_model_wheel(tmp_path / "other", "en_other_ner", "2.0.0")
    # Renamed file: pip takes it for en_test_ner, the dist-info inside says otherwise.
    renamed = tmp_path / "renamed" / other.name.replace("en_other_ner", MODEL)
    renamed.parent.mkdir()
    renamed.write_bytes(other.read_bytes())
    summary = sync_fails(event("2.0.0", "find_links", renamed.parent, sha256=_sha(renamed.read_bytes())))
    # pip already refuses a wheel whose dist-info names another project; the sync re-checks anyway.
    assert summary["error"]["stage"] == "download"
    assert "en_other_ner" in summary["error"]["message"]
    _still_only_v1(with_v1)


@pytest.mark.parametrize("kind", ["find_links", "index_url"])
def test_source_that_is_not_there(with_v1, kind, tmp_path):
    location = tmp_path / "nowhere" if kind == "find_links" else "http://127.0.0.1:9/simple/"
    summary = sync_fails(event("2.0.0", kind, location))
    assert summary["error"]["stage"] == "download"
    _still_only_v1(with_v1)


def test_find_links_dir_with_two_candidate_files_still_picks_exact_version(with_v1, wheels, tmp_path):
    links = make_find_links(tmp_path / "links", [wheels["2.0.0"], wheels["3.0.0"]])
    assert sync(event("2.0.0", "find_links", links))["status"] == "installed"
    assert installed(with_v1) == ["1.0.0", "2.0.0"]
    assert_serves(with_v1, "2.0.0")
