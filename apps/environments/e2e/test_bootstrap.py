"""apps/bootstrap against moto: the state bucket is created as configured, re-plans to no changes, and
works as an S3 backend with S3-native locking (`use_lockfile`), the way the environments use it.

Runs before the dev lifecycle (file order) on the same emulator; the bucket is left in place (the stack
forbids its destruction, and moto is discarded at the end of the session).
"""

# ruff: noqa: S101  (pytest asserts)
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import Deployment, tail
from emulator import REGION, ROOT

BOOTSTRAP = ROOT / "apps" / "bootstrap"
CDKTF = [str(ROOT / "node_modules" / ".bin" / "cdktf")]
# The example bucket of the checked-in config (apps/environments/src/config/examples.ts).
BUCKET = "example-replace-me-serverless-spacy-tfstate"
STATE_KEY = "serverless-spacy/dev/terraform.tfstate"


@pytest.fixture(scope="module")
def bootstrap_out(deployment: Deployment) -> Path:
    return deployment.outdir.parent / "bootstrap.out"


def test_bootstrap_deploys_the_state_bucket(deployment: Deployment, bootstrap_out: Path) -> None:
    out = bootstrap_out
    proc = deployment.run(
        [*CDKTF, "deploy", "bootstrap", "--auto-approve", "--skip-provider-lock", "--output", str(out)],
        name="bootstrap-deploy",
        cwd=BOOTSTRAP,
    )
    assert proc.returncode == 0, tail(proc)
    s3 = deployment.client("s3")
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    # The customer-managed key, rotated, under the alias the environments' backends name.
    kms = deployment.client("kms")
    key_arn = rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"]
    key = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER"
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases["alias/serverless-spacy-tfstate"] == key["KeyId"]
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    controls = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
    assert controls == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"][0]
    assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90


def test_bootstrap_replans_to_no_changes(deployment: Deployment, bootstrap_out: Path) -> None:
    stack_dir = bootstrap_out / "stacks" / "bootstrap"
    proc = deployment.run(
        ["tofu", f"-chdir={stack_dir}", "plan", "-input=false", "-no-color", "-detailed-exitcode"],
        name="bootstrap-replan",
    )
    assert proc.returncode == 0, tail(proc)
    assert "No changes." in proc.stdout


def _backend_config(workdir: Path, endpoint: str) -> None:
    # What the environments' S3 backend reads, pointed at the emulator; the one resource is built into tofu.
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "main.tf").write_text(
        textwrap.dedent(
            f"""
            terraform {{
              backend "s3" {{
                bucket       = "{BUCKET}"
                key          = "{STATE_KEY}"
                region       = "{REGION}"
                encrypt      = true
                use_lockfile = true
                access_key   = "test"
                secret_key   = "test"
                use_path_style              = true
                skip_credentials_validation = true
                skip_requesting_account_id  = true
                skip_metadata_api_check     = true
                endpoints = {{ s3 = "{endpoint}" }}
              }}
            }}
            resource "terraform_data" "marker" {{
              input = "state in the bootstrap bucket"
            }}
            """
        )
    )


def test_environments_keep_locked_state_in_the_bucket(deployment: Deployment, tmp_path: Path) -> None:
    workdir = tmp_path / "backend"
    _backend_config(workdir, deployment.moto.endpoint)
    tofu = ["tofu", f"-chdir={workdir}"]
    init = deployment.run([*tofu, "init", "-input=false", "-no-color"], name="backend-init")
    assert init.returncode == 0, tail(init)
    apply = deployment.run(
        [*tofu, "apply", "-auto-approve", "-input=false", "-no-color"], name="backend-apply"
    )
    assert apply.returncode == 0, tail(apply)

    s3 = deployment.client("s3")
    state = json.loads(s3.get_object(Bucket=BUCKET, Key=STATE_KEY)["Body"].read())
    assert [r["type"] for r in state["resources"]] == ["terraform_data"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert f"{STATE_KEY}.tflock" not in keys, "the lock is released after the apply"

    # Someone else holds the lock: the next plan must refuse instead of racing them.
    s3.put_object(Bucket=BUCKET, Key=f"{STATE_KEY}.tflock", Body=b'{"ID":"other","Who":"someone@elsewhere"}')
    blocked = deployment.run(
        [*tofu, "plan", "-input=false", "-no-color", "-lock-timeout=0s"], name="backend-locked"
    )
    assert blocked.returncode != 0
    assert "lock" in (blocked.stdout + blocked.stderr).lower(), tail(blocked)
    s3.delete_object(Bucket=BUCKET, Key=f"{STATE_KEY}.tflock")
