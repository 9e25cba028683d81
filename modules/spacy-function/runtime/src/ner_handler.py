"""Lambda entry point (handler string ner_handler.handler): spaCy named entities.

Serves API Gateway events (HTTP API payload format 2.0 and 1.0) and direct invocations. A direct
invocation ({"text": ...} or {"texts": [...]}, no requestContext) returns the bare result list,
or the error object {"error": {"code", "message"}} instead of raising. A function serves one model:
its routes are the bare ones (`/entities`, the environment's default model) and the ones under
`/models/<MODEL_NAME>/`.

Each request runs inside `nlp.memory_zone()`: the strings and lexemes of its never-seen tokens are
freed when it ends, so memory stays flat however much new text an environment sees in its life.
Results are plain dicts built inside the zone; no Doc, Span or Token outlives it. The zone leaves
tombstones in spaCy's hash tables, which ner_tables rebuilds between requests; words that recur
are kept out of the zone by ner_warm, so they cost no more than before.
"""

from __future__ import annotations

import os
from typing import Any

# One request at a time on 1-2 vCPUs: OpenBLAS's default thread pool only spins (15 times the
# CPU per request on a busy 2-core machine). OpenBLAS reads this once, when numpy is first
# imported, which the imports below do.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from ner_runtime import NerRuntime

# The execution environment's state: settings, the loaded model and the request bookkeeping.
runtime = NerRuntime()


def handler(event: Any, context: Any) -> Any:
    return runtime.handle(event, context)


def preload() -> None:
    """Load the model now if possible; a missing model is reported and retried on later requests."""
    runtime.preload()


def reset() -> None:
    """Start over with a fresh runtime that re-reads the environment at its first request (tests)."""
    global runtime
    runtime = NerRuntime()


# Inside a Lambda runtime (or the emulator) load during init: the cost lands in the init phase,
# not in the first caller's latency.
if "AWS_LAMBDA_RUNTIME_API" in os.environ:
    preload()
