"""Soak benchmark (pnpm bench:soak): does the serving process's memory stay flat under new words?

    .venv/bin/python modules/spacy-function/bench/soak.py [--tokens 1000000] [--max-seconds 1800]

Starts `local_server.py` (the Lambda handler behind HTTP, one request at a time, like one execution
environment) in a fresh process on 127.0.0.1, sends batch requests whose every token is a word
no vocabulary has seen, and reads the server's RSS from /proc. Prints RSS at start and end, the
requests and unique tokens sent, and the growth per 1,000 unique tokens. The goal: at most 16 MiB
of growth after at least 1,000,000 unique tokens. Not a test: it measures.

"Start" is after a warm-up of a few requests of the same kind (the allocator's and spaCy's one-off
buffers are not growth); the RSS right after the model load is printed too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
SERVER = BENCH_DIR.parent / "runtime" / "local_server.py"
GOAL_MIB = 16
GOAL_TOKENS = 1_000_000
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def unique_words() -> Iterator[str]:
    """Words of 6-10 letters, each one new: a counter in base 26 behind a varying stem."""
    n = 0
    while True:
        digits, m = "", n
        while True:
            m, d = divmod(m, 26)
            digits += LETTERS[d]
            if not m:
                break
        # Vary shape and length like real words do; the counter keeps every word distinct.
        stem = ("Qx", "zv", "kj", "Wq")[n % 4]
        yield stem + digits + LETTERS[(n * 7) % 26] * (n % 3)
        n += 1


def rss_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def start_server(server: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
    env.update(PORT="0", HOST="127.0.0.1", **env_extra)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running our own server
        [sys.executable, str(server)],
        env=env,
        stdout=subprocess.DEVNULL,  # one log line per request; the terminal's speed is not measured
        stderr=subprocess.PIPE,
        text=True,
    )
    if process.stderr is None:
        raise RuntimeError("no stderr pipe")
    for line in process.stderr:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            return process, int(match.group(1))
    raise RuntimeError(f"{server} did not start (exit code {process.wait()})")


def post(conn: http.client.HTTPConnection, texts: list[str]) -> list[Any]:
    conn.request(
        "POST", "/entities", body=json.dumps({"texts": texts}), headers={"content-type": "application/json"}
    )
    reply = conn.getresponse()
    body = reply.read()
    if reply.status != 200:
        raise RuntimeError(f"HTTP {reply.status}: {body[:300]!r}")
    result = json.loads(body)
    if len(result) != len(texts):
        raise RuntimeError(f"{len(texts)} texts, {len(result)} answers")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=GOAL_TOKENS, help="unique tokens to send")
    parser.add_argument("--texts", type=int, default=20, help="texts per request")
    parser.add_argument("--words", type=int, default=250, help="words per text")
    parser.add_argument("--warmup", type=int, default=5, help="requests before the start RSS is read")
    parser.add_argument("--max-seconds", type=float, default=1800, help="stop sending after this long")
    parser.add_argument("--server", type=Path, default=SERVER, help="local_server.py to run")
    parser.add_argument("--model", type=Path, help="MODEL_PATH for the server (default: en_core_web_sm)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    process, port = start_server(args.server, {"MODEL_PATH": str(args.model)} if args.model else {})
    words = unique_words()
    per_request = args.texts * args.words

    def texts() -> list[str]:
        # A known entity at the end of each text keeps the NER path honest.
        return [" ".join(next(words) for _ in range(args.words)) + " at Google." for _ in range(args.texts)]

    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        loaded = rss_kib(process.pid)["VmRSS"]
        for _ in range(args.warmup):
            post(conn, texts())
        start = rss_kib(process.pid)["VmRSS"]
        started = time.perf_counter()
        requests = tokens = entities = 0
        samples = [(0, start)]
        while tokens < args.tokens and time.perf_counter() - started < args.max_seconds:
            answer = post(conn, texts())
            entities += sum(map(len, answer))
            requests += 1
            tokens += per_request
            if requests % 20 == 0:
                rss = rss_kib(process.pid)["VmRSS"]
                samples.append((tokens, rss))
                print(f"  {tokens:>9,} tokens  RSS {rss / 1024:7.1f} MiB", file=sys.stderr, flush=True)
        seconds = time.perf_counter() - started
        end = rss_kib(process.pid)
        conn.close()
    finally:
        process.terminate()
        process.wait(timeout=30)

    growth_kib = end["VmRSS"] - start
    result = {
        "server": str(args.server),
        "requests": requests,
        "texts_per_request": args.texts,
        "unique_tokens": tokens,
        "entities": entities,
        "rss_after_load_mib": round(loaded / 1024, 1),
        "rss_start_mib": round(start / 1024, 1),
        "rss_end_mib": round(end["VmRSS"] / 1024, 1),
        "rss_peak_mib": round(end["VmHWM"] / 1024, 1),
        "growth_mib": round(growth_kib / 1024, 1),
        "growth_kib_per_1k_tokens": round(growth_kib / (tokens / 1000), 3) if tokens else None,
        "seconds": round(seconds, 1),
        "tokens_per_second": round(tokens / seconds) if seconds else None,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "goal": f"growth <= {GOAL_MIB} MiB after >= {GOAL_TOKENS:,} unique tokens",
        "met": tokens >= GOAL_TOKENS and growth_kib <= GOAL_MIB * 1024,
        "rss_mib_by_tokens": [[t, round(r / 1024, 1)] for t, r in samples],
    }
    print(
        f"requests {requests} ({args.texts} texts of {args.words} new words + ' at Google.')\n"
        f"unique tokens {tokens:,}\n"
        f"RSS after load {result['rss_after_load_mib']} MiB; start (after {args.warmup} warm-up requests) "
        f"{result['rss_start_mib']} MiB; end {result['rss_end_mib']} MiB; peak {result['rss_peak_mib']} MiB\n"
        f"growth {result['growth_mib']} MiB = {result['growth_kib_per_1k_tokens']} KiB per 1k unique tokens\n"
        f"{seconds:.0f} s, {result['tokens_per_second']:,} tokens/s; "
        f"goal ({result['goal']}): {'met' if result['met'] else 'NOT met'}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
