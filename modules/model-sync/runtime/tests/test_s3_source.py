"""A private wheel in S3: the sync signs a short-lived URL with its role and pip downloads it.

Against moto's S3 server (the emulator, switched on by boto3's own AWS_ENDPOINT_URL_S3) with a real
wheel; pip and the load check run without AWS credentials, so the presigned URL is all they have.
"""

from __future__ import annotations

import boto3
import pytest
from sync_fetch import PRESIGNED_URL_SECONDS, presigned_url
from sync_testing import MODEL, assert_no_debris, assert_serves, event, installed, sync, sync_fails
from testkit.s3 import REGION, ensure_bucket, moto_s3, s3_env

BUCKET = "team-models"


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_s3() as endpoint:
        yield endpoint


@pytest.fixture
def s3(s3_endpoint, monkeypatch, wheels):
    for name, value in s3_env(s3_endpoint, REGION).items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", region_name=REGION)
    ensure_bucket(client, BUCKET, REGION)
    for version, wheel in wheels.items():
        client.put_object(Bucket=BUCKET, Key=f"models/{version}/{wheel.name}", Body=wheel.read_bytes())
    return client


def _key(wheels, version: str) -> str:
    return f"models/{version}/{wheels[version].name}"


def test_installs_a_private_wheel_from_s3(root, s3, wheels):
    result = sync(event("2.0.0", "s3", f"s3://{BUCKET}/{_key(wheels, '2.0.0')}"))
    assert result["status"] == "installed"
    assert installed(root) == ["2.0.0"]
    assert_serves(root, "2.0.0")
    assert_no_debris(root)


def test_wrong_hash_of_the_s3_wheel_fails_without_leaking_the_signature(with_v1, s3, wheels):
    summary = sync_fails(event("2.0.0", "s3", f"s3://{BUCKET}/{_key(wheels, '2.0.0')}", sha256="0" * 64))
    message = summary["error"]["message"]
    assert summary["error"]["stage"] == "download"
    assert f"s3://{BUCKET}/{_key(wheels, '2.0.0')}" in message
    assert "X-Amz-Signature" not in message and "X-Amz-Credential" not in message
    assert installed(with_v1) == ["1.0.0"]
    assert_serves(with_v1, "1.0.0")
    assert_no_debris(with_v1)


def test_missing_object_fails_at_download(with_v1, s3, wheels):
    summary = sync_fails(event("2.0.0", "s3", f"s3://{BUCKET}/models/none/{wheels['2.0.0'].name}"))
    assert summary["error"]["stage"] == "download"
    assert f"s3://{BUCKET}/models/none/" in summary["error"]["message"]
    assert "X-Amz-Signature" not in summary["error"]["message"]
    assert installed(with_v1) == ["1.0.0"]


def test_presigned_url_on_aws_is_regional_and_short_lived(monkeypatch):
    # No endpoint override: the URL a Lambda in eu-west-1 builds, which the S3 gateway endpoint routes.
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    monkeypatch.setenv("AWS_REGION", REGION)
    url = presigned_url(BUCKET, f"models/{MODEL}-1.0.0-py3-none-any.whl")
    assert url.startswith(
        f"https://{BUCKET}.s3.{REGION}.amazonaws.com/models/{MODEL}-1.0.0-py3-none-any.whl?"
    )
    assert f"X-Amz-Expires={PRESIGNED_URL_SECONDS}" in url
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url


def test_cli_installs_from_s3(tmp_path, s3, wheels):
    from sync_testing import WHEEL_SHA256
    from test_cli import run_cli

    code, result = run_cli(
        "--root",
        str(tmp_path / "models"),
        "--model",
        MODEL,
        "--version",
        "3.0.0",
        "--sha256",
        WHEEL_SHA256["3.0.0"],
        "--s3",
        f"s3://{BUCKET}/{_key(wheels, '3.0.0')}",
        cwd=tmp_path,
    )
    assert (code, result["status"]) == (0, "installed")
    assert_serves(tmp_path / "models", "3.0.0")
