"""Start a NER batch job and follow it: `ner-batch-job start --state-machine ARN --input s3://… --output s3://…`.

    start   checks the locations (bucket reachable, input not empty, output apart from the input), starts an
            execution of the NerBatchJob state machine and follows it (unless --no-follow)
    follow  follows an execution: a progress bar of documents done / total, their rate and the time left,
            from the chunk manifest the job writes first and the result objects written since; at the end the
            run's _summary.json (documents in, out, failed by reason) and the execution's status

Exit status: 0 when the job succeeded, 1 when it failed or was stopped, 2 for a bad location or argument.
Needs what NerBatchJob.grantStartJobs grants (credentials from the usual boto3 chain).
Installed as the `ner-batch-job` command of the serverless-spacy-batch-cli wheel
(`pnpm build:python-batch-cli`); in this repository, `pnpm ner-batch-job …`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

import boto3
from batch_locations import MANIFEST_NAME, RESULTS_DIR, SUMMARY_NAME, Location
from batch_locations import InvalidLocation as LocationError
from botocore.exceptions import ClientError
from tqdm import tqdm

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def check_locations(s3: Any, source: Location, target: Location) -> None:
    """Refuses what the job would fail on, before anything starts."""
    if source.bucket == target.bucket and (
        source.prefix.startswith(target.prefix) or target.prefix.startswith(source.prefix)
    ):
        raise LocationError(
            f"input {source.uri()} and output {target.uri()} overlap; give them separate prefixes"
        )
    for what, location in (("input", source), ("output", target)):
        try:
            s3.head_bucket(Bucket=location.bucket)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("404", "NoSuchBucket", "NotFound"):
                raise LocationError(
                    f"{what} bucket {location.bucket!r} does not exist ({location.uri()})"
                ) from exc
            if code in ("403", "AccessDenied", "Forbidden"):
                raise LocationError(
                    f"no access to the {what} bucket {location.bucket!r}: these credentials need what "
                    "NerBatchJob.grantStartJobs grants"
                ) from exc
            raise
    found = s3.list_objects_v2(Bucket=source.bucket, Prefix=source.prefix, MaxKeys=10).get("Contents", [])
    if not [o for o in found if not o["Key"].endswith("/")]:
        raise LocationError(
            f"input {source.uri()} holds no objects: upload JSON Lines (one {{'id', 'text'}} per line) or "
            "text files there"
        )


def start(
    sfn: Any, s3: Any, state_machine: str, source: Location, target: Location, fmt: str, chunk: int | None
) -> str:
    check_locations(s3, source, target)
    job: dict[str, Any] = {"input": source.uri(), "output": target.uri(), "format": fmt}
    if chunk is not None:
        job["chunkDocuments"] = chunk
    # Named after the output, so the execution of a location is easy to find; the time keeps names unique.
    digest = hashlib.sha256(target.uri().encode()).hexdigest()[:12]
    name = f"ner-{digest}-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}"
    try:
        return str(
            sfn.start_execution(stateMachineArn=state_machine, name=name, input=json.dumps(job))[
                "executionArn"
            ]
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in ("StateMachineDoesNotExist", "InvalidArn"):
            raise LocationError(
                f"state machine {state_machine!r}: {exc.response['Error'].get('Message')}"
            ) from exc
        raise


@dataclass
class Progress:
    total: int | None
    done: int


def progress(
    s3: Any, target: Location, sizes: dict[str, int] | None
) -> tuple[Progress, dict[str, int] | None]:
    """Documents done: those of the chunks whose result object exists; total: the manifest's documents."""
    if sizes is None:
        try:
            body = s3.get_object(Bucket=target.bucket, Key=target.prefix + MANIFEST_NAME)["Body"].read()
        except ClientError:
            return Progress(None, 0), None  # not planned yet
        chunks = [json.loads(line) for line in body.splitlines() if line.strip()]
        sizes = {chunk["chunk"]: int(chunk["documents"]) for chunk in chunks}
    done = 0
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=target.bucket, Prefix=target.prefix + RESULTS_DIR
    )
    for page in pages:
        for obj in page.get("Contents", []):
            name = obj["Key"][len(target.prefix + RESULTS_DIR) :].removesuffix(".jsonl")
            done += sizes.get(name, 0)
    return Progress(sum(sizes.values()), done), sizes


def follow(sfn: Any, s3: Any, execution: str, poll: float, out: TextIO, timeout: float | None = None) -> int:
    described = sfn.describe_execution(executionArn=execution)
    target = Location.parse(json.loads(described["input"])["output"], "output")
    print(f"execution {execution}\noutput    {target.uri()}", file=out)
    bar: Any = None
    sizes: dict[str, int] | None = None
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        status = sfn.describe_execution(executionArn=execution)
        state, sizes = progress(s3, target, sizes)
        if state.total is not None:
            if bar is None:
                bar = tqdm(
                    total=state.total, unit="doc", file=out, dynamic_ncols=False, ncols=100, mininterval=0
                )
                bar.set_description("documents")
            bar.update(state.done - bar.n)
        if status["status"] in TERMINAL or (deadline is not None and time.monotonic() > deadline):
            break
        time.sleep(poll)
    if bar is not None:
        bar.close()
    try:
        body = s3.get_object(Bucket=target.bucket, Key=target.prefix + SUMMARY_NAME)["Body"].read()
        summary = json.loads(body)
        print(
            f"summary   s3://{target.bucket}/{target.prefix}{SUMMARY_NAME}: {summary['documents_in']} in, "
            f"{summary['documents_out']} out, {summary['documents_failed']} failed "
            f"{json.dumps(summary['errors_by_code'])}",
            file=out,
        )
    except ClientError:
        print("summary   none written (the job stopped before its summary step)", file=out)
    print(f"status    {status['status']}", file=out)
    if status["status"] != "SUCCEEDED":
        if status.get("error") or status.get("cause"):
            print(f"error     {status.get('error', '')}: {status.get('cause', '')}", file=out)
        return 1
    return 0


def main(argv: list[str] | None = None, out: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(
        prog="ner-batch-job", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    commands = parser.add_subparsers(dest="command", required=True)
    begin = commands.add_parser("start", help="check the locations, start a job and follow it")
    begin.add_argument("--state-machine", required=True, help="ARN of the NerBatchJob state machine")
    begin.add_argument("--input", required=True, help="s3://bucket/prefix/ of the corpus")
    begin.add_argument(
        "--output", required=True, help="s3://bucket/prefix/ for the results (re-use it to resume)"
    )
    begin.add_argument(
        "--format", choices=("jsonl", "text"), default="jsonl", help="JSON Lines or one text per file"
    )
    begin.add_argument("--chunk-documents", type=int, help="documents per result object (the job's default)")
    begin.add_argument("--no-follow", action="store_true", help="print the execution ARN and return")
    watch = commands.add_parser("follow", help="follow a started job")
    watch.add_argument("execution", help="ARN of the execution")
    for command in (begin, watch):
        command.add_argument("--poll", type=float, default=5.0, help="seconds between looks (default 5)")
    args = parser.parse_args(argv)
    sfn, s3 = boto3.client("stepfunctions"), boto3.client("s3")
    try:
        if args.command == "start":
            source = Location.parse(args.input, "--input")
            target = Location.parse(args.output, "--output")
            execution = start(sfn, s3, args.state_machine, source, target, args.format, args.chunk_documents)
            if args.no_follow:
                print(execution)
                return 0
        else:
            execution = args.execution
        return follow(sfn, s3, execution, args.poll, out)
    except LocationError as exc:
        print(f"ner-batch-job: {exc.message}", file=out)
        return 2


def console() -> None:
    """The wheel's `ner-batch-job` command."""
    sys.exit(main())


if __name__ == "__main__":
    console()
