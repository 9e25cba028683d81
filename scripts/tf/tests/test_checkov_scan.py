"""Unit tests of how checkov_scan files failed checks as justified skips, failures or stale skips."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import checkov_scan
import pytest

REASON = "a reason long enough to say why this check does not apply here"

STACK = {
    "//": {"checkov": {"skip_data": {"net_zones_1": {"CKV_AWS_394": REASON}}}},
    "data": {"aws_availability_zones": {"net_zones_1": {"//": {"metadata": {"path": "dev/net/zones"}}}}},
    "resource": {
        "aws_s3_bucket": {
            "bucket_1": {
                "//": {
                    "metadata": {"path": "dev/bucket"},
                    "checkov": {"skip": {"CKV_AWS_18": REASON, "CKV_AWS_144": "short"}},
                }
            },
        },
        "aws_lambda_function": {
            "fn_1": {
                "//": {
                    "metadata": {"path": "dev/fn"},
                    "checkov": {"skip": {"CKV_AWS_50": REASON, "CKV_AWS_116": REASON}},
                }
            },
        },
    },
}


def failed(check_id: str, resource: str) -> dict:
    return {"check_id": check_id, "check_name": check_id, "resource": resource}


@pytest.fixture
def stack_dir(tmp_path: Path) -> Path:
    d = tmp_path / "stacks" / "dev"
    d.mkdir(parents=True)
    (d / "cdk.tf.json").write_text(json.dumps(STACK))
    return d


def test_skips_failures_and_stale_skips(stack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = {
        "check_type": "terraform_json",
        "summary": {"passed": 7, "failed": 5, "parsing_errors": 0},
        "results": {
            "failed_checks": [
                failed("CKV_AWS_18", "aws_s3_bucket.bucket_1"),  # graph check naming
                failed("CKV_AWS_144", "aws_s3_bucket.bucket_1"),  # reason too short
                failed("CKV_AWS_50", "resource.fn_1"),  # Python check naming on Terraform JSON
                failed("CKV_AWS_394", "data.net_zones_1"),  # data source, skip filed on the stack
                failed("CKV_AWS_272", "resource.fn_1"),  # no skip at all
            ]
        },
    }
    monkeypatch.setattr(checkov_scan, "run_checkov", lambda checkov, args: [report])
    result = checkov_scan.scan_stack("checkov", stack_dir)
    assert result.passed == 7
    assert sorted((s["check_id"], s["construct"]) for s in result.skipped) == [
        ("CKV_AWS_18", "dev/bucket"),
        ("CKV_AWS_394", "dev/net/zones"),
        ("CKV_AWS_50", "dev/fn"),
    ]
    assert sorted(f["check_id"] for f in result.failed) == ["CKV_AWS_144", "CKV_AWS_272"]
    assert "shorter than" in next(f for f in result.failed if f["check_id"] == "CKV_AWS_144")["note"]
    # CKV_AWS_116 is skipped on fn_1 but did not fail: the justification is stale.
    assert result.stale == ["aws_lambda_function.fn_1 (dev/fn): CKV_AWS_116 is skipped but does not fail"]


def test_main_fails_on_unjustified(stack_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    report = {
        "summary": {"passed": 1},
        "results": {"failed_checks": [failed("CKV_AWS_272", "resource.fn_1")]},
    }
    monkeypatch.setattr(checkov_scan, "run_checkov", lambda checkov, args: [report])
    out = tmp_path / "report.md"
    assert checkov_scan.main(["--checkov", "x", "--stacks", str(stack_dir.parent), "--report", str(out)]) == 1
    assert "| dev | 1 | 1 | 0 |" in out.read_text()


@pytest.fixture(scope="module")
def checkov() -> str:
    """The project's pinned checkov (scripts/setup-checkov.sh is idempotent: a no-op when it is current)."""
    root = Path(__file__).resolve().parents[3]
    subprocess.run(["bash", str(root / "scripts" / "setup-checkov.sh")], check=True)
    return str(root / ".venv-checkov" / "bin" / "checkov")


@pytest.mark.tools  # the real checkov, in its own venv (scripts/setup-checkov.sh)
def test_python_secrets_scan_reads_python_files_and_finds_a_hard_coded_key(
    checkov: str, tmp_path: Path
) -> None:
    # Real checkov: without --enable-secret-scan-all-files its secrets framework skips .py files silently.
    (tmp_path / "clean.py").write_text('REGION = "eu-west-1"\n')
    clean = checkov_scan.scan_python(checkov, [str(tmp_path)])
    assert (clean.env, clean.failed, clean.problems) == ("python (secrets, 1 files)", [], [])

    leaked = tmp_path / "settings.py"
    # Assembled at run time so that this test's own source holds no key for the real scan to find.
    leaked.write_text(f'aws_access_key_id = "{"AKIA" + "Z7QHVXKRMU3PLW4N"}"\n')
    for target in (str(tmp_path), str(leaked)):
        result = checkov_scan.scan_python(checkov, [target])
        # checkov names the file relative to the scanned directory or to its working directory.
        assert [(f["check_id"], Path(f["resource"].split(":")[0]).name) for f in result.failed] == [
            ("CKV_SECRET_2", "settings.py")
        ]


@pytest.mark.tools  # the real checkov, in its own venv (scripts/setup-checkov.sh)
def test_python_scan_of_nothing_is_a_problem(checkov: str, tmp_path: Path) -> None:
    assert checkov_scan.scan_python(checkov, [str(tmp_path)]).problems == [f"no files to scan in {tmp_path}"]
