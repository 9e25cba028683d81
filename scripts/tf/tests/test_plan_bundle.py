"""scripts/tf/plan-bundle.sh: the deploy pipeline applies only the plan whose sha256 the plan job reported.

A fake stack folder stands in for cdktf.out/stacks/<env> after `pnpm plan`; each tampering the apply job must
refuse is made once.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "plan-bundle.sh"


def run(*args: str, outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "CDKTF_OUTDIR": str(outdir)},
        check=False,
    )


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, str, str]:
    stack = tmp_path / "out" / "stacks" / "dev"
    (stack / "assets" / "layer").mkdir(parents=True)
    (stack / ".terraform" / "providers").mkdir(parents=True)
    (stack / "cdk.tf.json").write_text("{}")
    (stack / ".terraform.lock.hcl").write_text("# lock\n")
    (stack / "assets" / "layer" / "layer.zip").write_bytes(b"zip")
    (stack / ".terraform" / "providers" / "provider").write_bytes(b"binary")
    (stack / "plan.tfplan").write_bytes(b"plan")
    (stack / "plan.json").write_text('{"values": "of the state"}')
    (stack / "plan-review.md").write_text("# review\n")
    (stack / "plan.log").write_text("log\n")
    dest = tmp_path / "bundle"
    proc = run("create", "dev", str(dest), outdir=tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    out = dict(line.split("=", 1) for line in proc.stdout.split())
    return dest, out["plan_sha256"], out["bundle_sha256"]


def verify(bundle: tuple[Path, str, str], plan: str | None = None) -> subprocess.CompletedProcess[str]:
    dest, plan_sha, bundle_sha = bundle
    return run("verify", str(dest), plan or plan_sha, bundle_sha, outdir=dest)


def test_the_bundle_holds_what_the_apply_needs_and_verifies(bundle: tuple[Path, str, str]) -> None:
    dest = bundle[0]
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [
        ".terraform.lock.hcl",
        "MANIFEST.sha256",
        "assets/layer/layer.zip",
        "cdk.tf.json",
        "plan-review.md",
        "plan.tfplan",
    ]
    proc = verify(bundle)
    assert proc.returncode == 0, proc.stderr


def test_another_plan_is_refused(bundle: tuple[Path, str, str]) -> None:
    (bundle[0] / "plan.tfplan").write_bytes(b"another plan")
    proc = verify(bundle)
    assert proc.returncode != 0
    assert "refusing to apply" in proc.stderr


def test_a_changed_asset_is_refused(bundle: tuple[Path, str, str]) -> None:
    (bundle[0] / "assets" / "layer" / "layer.zip").write_bytes(b"other zip")
    proc = verify(bundle)
    assert proc.returncode != 0
    assert "differs from the reviewed bundle" in proc.stderr


def test_an_added_file_is_refused(bundle: tuple[Path, str, str]) -> None:
    (bundle[0] / "override.tf.json").write_text("{}")
    proc = verify(bundle)
    assert proc.returncode != 0
    assert "files the reviewed one did not" in proc.stderr


def test_a_rewritten_manifest_is_refused(bundle: tuple[Path, str, str]) -> None:
    dest = bundle[0]
    (dest / "plan.tfplan").write_bytes(b"another plan")
    manifest = (dest / "MANIFEST.sha256").read_text().splitlines()
    (dest / "MANIFEST.sha256").write_text("\n".join(manifest[:-1]) + "\n")
    new_plan = subprocess.run(
        ["sha256sum", str(dest / "plan.tfplan")], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    proc = verify(bundle, plan=new_plan)
    assert proc.returncode != 0
    assert "the manifest has sha256" in proc.stderr


def test_hashes_that_are_not_sha256_are_refused(bundle: tuple[Path, str, str]) -> None:
    proc = verify(bundle, plan="abc")
    assert proc.returncode != 0
    assert "not sha256 digests" in proc.stderr
