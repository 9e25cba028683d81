"""`ner-batch-job start|follow` against moto's S3 and Step Functions.

moto keeps an execution RUNNING until it is stopped (it does not run the definition): the test plays the
state machine's part with the real worker (batch_worker, a blank spaCy pipeline) while the command follows.
"""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import batch_worker
import boto3
import ner_batch_cli
import pytest
import spacy
from conftest import BUCKET, REGION, corpus, jsonl

DEFINITION = json.dumps(
    {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}}
)


@pytest.fixture
def machine(aws, monkeypatch, tmp_path):
    model = tmp_path / "blank"
    spacy.blank("en").to_disk(model)
    monkeypatch.setenv("MODEL_PATH", str(model))
    batch_worker.reset()
    sfn = boto3.client("stepfunctions", region_name=REGION)
    arn = sfn.create_state_machine(
        name=f"ner-jobs-{time.time_ns()}", definition=DEFINITION, roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    yield sfn, arn
    batch_worker.reset()


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return ner_batch_cli.main(list(argv), out=out), out.getvalue()


@pytest.mark.parametrize(
    ("input_uri", "output_uri", "message"),
    [
        (
            "s3://no-such-bucket/input/",
            "s3://corpus/output/run/",
            "input bucket 'no-such-bucket' does not exist",
        ),
        (
            "s3://corpus/input/empty/",
            "s3://corpus/output/run/",
            "input s3://corpus/input/empty/ holds no objects",
        ),
        ("corpus/input/", "s3://corpus/output/run/", "--input must be an s3://bucket/prefix/ URI"),
        ("s3://corpus/input/", "s3://corpus/input/out/", "overlap"),
        ("s3://corpus/input/", "s3://missing-out/x/", "output bucket 'missing-out' does not exist"),
    ],
)
def test_bad_locations_are_refused_before_anything_starts(machine, aws, input_uri, output_uri, message):
    sfn, arn = machine
    aws.put_object(Bucket=BUCKET, Key="input/a.jsonl", Body=jsonl(corpus(3)))
    status, out = cli("start", "--state-machine", arn, "--input", input_uri, "--output", output_uri)
    assert status == 2
    assert message in out
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []


def test_unknown_state_machine_is_a_clear_error(machine, aws):
    aws.put_object(Bucket=BUCKET, Key="input/a.jsonl", Body=jsonl(corpus(3)))
    missing = "arn:aws:states:eu-west-1:123456789012:stateMachine:nope"
    status, out = cli(
        "start", "--state-machine", missing, "--input", "s3://corpus/input/", "--output", "s3://corpus/o/"
    )
    assert status == 2 and "state machine" in out and "nope" in out


def test_start_then_follow_shows_documents_done_rate_and_summary(machine, aws, capsys):
    sfn, arn = machine
    aws.put_object(Bucket=BUCKET, Key="input/a.jsonl", Body=jsonl(corpus(500)))
    status, _ = cli(
        "start", "--state-machine", arn, "--input", "s3://corpus/input/", "--output", "s3://corpus/output/run/",
        "--chunk-documents", "50", "--no-follow",
    )  # fmt: skip
    assert status == 0
    execution = capsys.readouterr().out.strip()
    job = json.loads(sfn.describe_execution(executionArn=execution)["input"])
    assert job == {
        "input": "s3://corpus/input/",
        "output": "s3://corpus/output/run/",
        "format": "jsonl",
        "chunkDocuments": 50,
    }

    def state_machine() -> None:  # what the deployed state machine does, at a pace the bar can show
        event: dict[str, Any] = {"job": job, "action": "plan"}
        planned = batch_worker.handler(event, None)
        manifest = aws.get_object(Bucket=BUCKET, Key=planned["manifest"]["Key"])["Body"].read().splitlines()
        for line in manifest:
            batch_worker.handler(
                {"Items": [json.loads(line)], "BatchInput": {"action": "batch", **job}}, None
            )
            time.sleep(0.1)
        batch_worker.handler({"action": "summarize", **job, "plan": planned, "mapError": None}, None)
        sfn.stop_execution(executionArn=execution, error="Stopped", cause="moto runs no definition")

    worker = threading.Thread(target=state_machine)
    worker.start()
    status, out = cli("follow", execution, "--poll", "0.2")
    worker.join()
    assert status == 1  # moto's execution ends ABORTED; a real one ends SUCCEEDED (status 0)
    assert "500/500" in out and "doc/s" in out
    assert "summary   s3://corpus/output/run/_summary.json: 500 in, 500 out, 0 failed {}" in out
    assert "status    ABORTED" in out  # (moto keeps no error or cause of a stopped execution)
