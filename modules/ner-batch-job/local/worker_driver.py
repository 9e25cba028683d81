"""One worker process for the local executor (run_local.mjs): batch_worker.handler, called as Lambda calls it.

Reads one JSON request per line on stdin, `{"id": n, "event": {...}}`, and answers on stdout with
`{"id": n, "result": ...}` or, for an exception the handler raised, `{"id": n, "error": {"errorType",
"errorMessage"}}` (what Lambda reports for an unhandled error). The model stays loaded between requests, as
in a warm execution environment. The handler's own log lines go to stderr.

`{"id": n, "read": {"Bucket", "Key"}}` returns an object's text (the executor's ItemReader reads with it).

`"crash": true` in a request is the injected fault: the handler runs on the batch's first chunk only, then the
process exits with status 137 (what the out-of-memory killer leaves) before answering, the way an execution
environment dies mid-batch; the executor reports it as Lambda does (Runtime.ExitError).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


class Context:
    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id


def main() -> None:
    answers = sys.stdout
    # The handler logs to stdout (CloudWatch in Lambda), here the answer channel: its logs go to stderr.
    sys.stdout = sys.stderr
    import batch_worker

    batch_worker.current_model()  # the init phase: load before the first request
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if (
            "read" in request
        ):  # the executor's ItemReader: the object as S3 returns it, read with signed requests
            body = batch_worker.s3_client().get_object(**request["read"])["Body"].read().decode("utf-8")
            answers.write(json.dumps({"id": request["id"], "result": body}) + "\n")
            answers.flush()
            continue
        event: Any = request["event"]
        if request.get("crash"):
            batch_worker.handler({**event, "Items": event["Items"][:1]}, Context(f"crash-{request['id']}"))
            os._exit(137)
        try:
            answer: dict[str, Any] = {"result": batch_worker.handler(event, Context(str(request["id"])))}
        except Exception as exc:  # reported as Lambda reports an unhandled error
            answer = {"error": {"errorType": type(exc).__name__, "errorMessage": str(exc)}}
        answers.write(json.dumps({"id": request["id"], **answer}) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
