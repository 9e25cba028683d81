"""A private S3 bucket for tests: moto's S3 server on 127.0.0.1, reached through boto3's endpoint variable.

Not imported by ``testkit`` itself: moto's server pulls in Flask, which only the S3 tests need.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.server import ThreadedMotoServer

REGION = "eu-west-1"


@contextmanager
def moto_s3() -> Iterator[str]:
    """moto's S3 server on a free port, for the time of the block: its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_env(endpoint: str, region: str = REGION) -> dict[str, str]:
    """The environment under which boto3, the sync's signer included, talks to the server at ``endpoint``."""
    return {
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ACCESS_KEY_ID": "test",  # moto's test credentials
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": region,
    }


def ensure_bucket(client: Any, bucket: str, region: str = REGION) -> None:  # a boto3 S3 client
    """Create ``bucket`` unless it exists (a module-scoped server outlives a test's bucket)."""
    existing = [b["Name"] for b in client.list_buckets()["Buckets"]]
    if bucket not in existing:
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
