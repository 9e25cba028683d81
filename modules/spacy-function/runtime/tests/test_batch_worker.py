"""The batch job's worker (batch_worker) against moto's S3 server, with a real (rule-based) spaCy pipeline.

Plan, batches and summary as the state machine calls them; the 10,000-document run through a Step
Functions interpreter with en_core_web_sm is modules/ner-batch-job/tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import batch_worker
import boto3
import pytest
import spacy
from testkit.s3 import moto_s3

BUCKET = "corpus"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_s3() as endpoint:
        yield endpoint


@pytest.fixture
def s3(s3_endpoint, monkeypatch, served):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")  # moto's test credentials
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("INPUT_BUCKET", BUCKET)
    monkeypatch.setenv("INPUT_PREFIX", "input/")
    monkeypatch.setenv("OUTPUT_BUCKET", BUCKET)
    monkeypatch.setenv("OUTPUT_PREFIX", "output/")
    batch_worker.reset()
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield client
    batch_worker.reset()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


LINES = [
    json.dumps({"id": "a1", "text": "He works at Google in Berlin."}),
    "",  # blank: no document
    "{not json",
    json.dumps({"id": 2, "text": ""}),
    json.dumps({"text": "no id"}),
    json.dumps({"id": "a4", "text": 7}),
    json.dumps({"id": "a5", "text": "Ada Lovelace met Acme Corp in Zürich."}),
    json.dumps({"id": "big", "text": "Google " * 20}),
    json.dumps(["a", "list"]),
    json.dumps({"id": "a8", "text": "Nothing here."}),
]


def run(s3, fmt="jsonl", chunk=3, output="s3://corpus/output/run-1/"):
    event = {"input": "s3://corpus/input/", "output": output}
    planned = batch_worker.handler({"action": "plan", "format": fmt, "chunkDocuments": chunk, **event}, None)
    manifest = s3.get_object(Bucket=BUCKET, Key=planned["manifest"]["Key"])["Body"].read().decode()
    chunks = [json.loads(line) for line in manifest.splitlines()]
    results = [
        batch_worker.handler({"Items": chunks[i : i + 2], "BatchInput": {"action": "batch", **event}}, None)
        for i in range(0, len(chunks), 2)
    ]
    summary = batch_worker.handler({"action": "summarize", "plan": planned, **event}, None)
    return planned, results, summary


def records(s3, prefix="output/run-1/results/"):
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]
    out = []
    for key in sorted(keys):
        out += [
            json.loads(line) for line in s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().splitlines()
        ]
    return out


def test_one_record_per_document_with_spacy_entities_and_named_errors(s3, served, monkeypatch):
    monkeypatch.setenv("MAX_TEXT_CHARS", "100")
    s3.put_object(Bucket=BUCKET, Key="input/part-1.jsonl", Body="\n".join(LINES).encode())
    planned, results, summary = run(s3)
    assert planned["documents"] == 9 and planned["chunks"] == 3
    got = records(s3)
    assert len(got) == 9
    by_id = {r["id"]: r for r in got}
    assert len(by_id) == 9
    nlp = spacy.load(served)
    for doc_id, text in [("a1", LINES[0]), ("a5", LINES[6]), ("a8", LINES[9])]:
        doc = nlp(json.loads(text)["text"])
        expected = [
            {"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in doc.ents
        ]
        assert by_id[doc_id] == {"id": doc_id, "entities": expected}
    assert by_id["a1"]["entities"]
    assert by_id[2] == {"id": 2, "entities": []}
    assert by_id["input/part-1.jsonl#3"]["error"]["code"] == "invalid_json"
    assert by_id["input/part-1.jsonl#5"]["error"]["code"] == "invalid_id"
    assert by_id["a4"]["error"]["code"] == "invalid_text"
    assert by_id["big"]["error"]["code"] == "text_too_large"
    assert by_id["input/part-1.jsonl#9"]["error"]["code"] == "invalid_document"
    assert sum(r["written"] for r in results) == 3
    assert summary["documents_in"] == summary["documents_out"] == 9
    assert summary["documents_failed"] == 5 and summary["complete"] is True
    written = json.loads(s3.get_object(Bucket=BUCKET, Key="output/run-1/_summary.json")["Body"].read())
    assert written["errors_by_code"] == {
        "invalid_document": 1,
        "invalid_id": 1,
        "invalid_json": 1,
        "invalid_text": 1,
        "text_too_large": 1,
    }
    assert {r["id"] for r in written["failed_documents"]} == {
        "input/part-1.jsonl#3",
        "input/part-1.jsonl#5",
        "a4",
        "big",
        "input/part-1.jsonl#9",
    }


def test_a_rerun_skips_finished_chunks_and_rewrites_none(s3):
    s3.put_object(Bucket=BUCKET, Key="input/part-1.jsonl", Body="\n".join(LINES).encode())
    run(s3)
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="output/run-1/results/")["Contents"]
    before = {o["Key"]: (o["ETag"], o["LastModified"]) for o in listed}
    # Half the work lost (a run stopped half-way): only that is redone, under the same name.
    lost = sorted(before)[1]
    s3.delete_object(Bucket=BUCKET, Key=lost)
    _, results, summary = run(s3)
    assert sum(r["skipped"] for r in results) == 2 and sum(r["written"] for r in results) == 1
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="output/run-1/results/")["Contents"]
    after = {o["Key"]: (o["ETag"], o["LastModified"]) for o in listed}
    assert set(after) == set(before)
    assert all(after[k] == before[k] for k in before if k != lost)
    assert after[lost][0] == before[lost][0]  # same bytes
    assert summary["complete"] is True


def test_text_files_one_document_each(s3, served):
    s3.put_object(Bucket=BUCKET, Key="input/docs/a.txt", Body=b"He works at Google.")
    s3.put_object(Bucket=BUCKET, Key="input/docs/b.txt", Body=b"\xff\xfe not utf-8")
    s3.put_object(Bucket=BUCKET, Key="input/docs/c.txt", Body=b"Berlin")
    s3.put_object(Bucket=BUCKET, Key="input/docs/", Body=b"")  # a folder marker is no document
    planned, _, summary = run(s3, fmt="text", chunk=2)
    assert planned["documents"] == 3 and planned["chunks"] == 2
    by_id = {r["id"]: r for r in records(s3)}
    assert by_id["input/docs/a.txt"]["entities"] == [
        {"text": "Google", "label": "ORG", "start": 12, "end": 18}
    ]
    assert by_id["input/docs/b.txt"]["error"]["code"] == "invalid_utf8"
    assert by_id["input/docs/c.txt"]["entities"][0]["label"] == "GPE"
    assert summary["documents_out"] == 3


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"input": "s3://corpus/input/empty/", "output": "s3://corpus/output/x/"}, "holds no objects"),
        ({"input": "s3://other/input/", "output": "s3://corpus/output/x/"}, "outside s3://corpus/input/"),
        ({"input": "s3://corpus/input/", "output": "s3://corpus/input/out/"}, "outside s3://corpus/output/"),
        ({"input": "corpus/input/", "output": "s3://corpus/output/x/"}, "s3://bucket/prefix/ URI"),
    ],
)
def test_bad_locations_fail_the_plan_with_the_reason(s3, event, message):
    with pytest.raises(batch_worker.InvalidLocation, match=message):
        batch_worker.handler({"action": "plan", **event}, None)


def test_input_changed_after_the_plan_fails_the_batch(s3):
    s3.put_object(Bucket=BUCKET, Key="input/part-1.jsonl", Body="\n".join(LINES).encode())
    event = {"input": "s3://corpus/input/", "output": "s3://corpus/output/run-1/"}
    planned = batch_worker.handler({"action": "plan", **event}, None)
    chunk = json.loads(
        s3.get_object(Bucket=BUCKET, Key=planned["manifest"]["Key"])["Body"].read().splitlines()[0]
    )
    s3.put_object(Bucket=BUCKET, Key="input/part-1.jsonl", Body=b'{"id": 1, "text": "changed"}\n')
    with pytest.raises(batch_worker.JobError, match="changed since the plan"):
        batch_worker.handler({"Items": [chunk], "BatchInput": {"action": "batch", **event}}, None)


def test_worker_module_ships_beside_the_api_handler():
    assert (Path(batch_worker.__file__).parent / "ner_handler.py").is_file()


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_streamed_lines_are_cut_as_splitlines_cuts_the_whole(size):
    body = b'{"a": 1}\n\r\n{"b": 2}\r\n\n{"c": "x\\ny"}\r{"d": 4}\n\n  \n{"e": 5}'
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    assert list(batch_worker.stream_lines(pieces)) == body.splitlines(keepends=True)


def test_text_chunks_stay_small_enough_for_a_map_item():
    objects = [{"key": f"input/{'k' * 900}-{i:05d}.txt", "etag": '"0123456789abcdef"'} for i in range(300)]
    chunks = list(batch_worker.text_chunks(objects, 1000))
    assert sum(c["documents"] for c in chunks) == 300 and len(chunks) > 1
    assert all(len(json.dumps(c)) < batch_worker.MAX_DESCRIPTOR_BYTES + 1024 for c in chunks)
    assert [o["key"] for c in chunks for o in c["objects"]] == [o["key"] for o in objects]
