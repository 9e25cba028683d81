#!/usr/bin/env python3
"""Runs checkov on every synthesized stack (and the Python sources) and enforces justified skips.

    python3 scripts/tf/checkov_scan.py --checkov .venv-checkov/bin/checkov --stacks cdktf.out/stacks \
        --python-dir modules/spacy-function/runtime/src ...

Why this wrapper: checkov reads `#checkov:skip=CKV_x:reason` comments only from HCL. For Terraform JSON
(what cdktf writes) checkov 3.3.30 has no inline suppression at all (bridgecrewio/checkov#4634), and a
global `--skip-check` would hide the same problem on every other resource. So a skip is declared on the
one resource it is about, in the TypeScript that creates it, next to the reason:

    logGroup.addOverride("//.checkov.skip.CKV_AWS_338", "retention is a per-environment privacy decision")

which cdktf writes into the resource's JSON comment block (`"//": {"checkov": {"skip": {...}}}`), which
Terraform ignores. This script runs checkov, then re-files each failed check whose resource carries a skip
for that check id with a non-empty reason as "skipped (justified)". Any other failure fails the run, and
so does a skip whose check no longer fails (a stale justification must be removed, not left to rot).

checkov runs with --skip-download and, where the kernel allows, inside an empty network namespace
(`unshare -n`): it must never talk to the Prisma Cloud API or PyPI.
"""

# ruff: noqa: S603  (runs the pinned checkov and unshare with fixed arguments)

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIN_REASON_CHARS = 20


@dataclass
class Block:
    kind: str  # "resource" or "data"
    type: str
    name: str
    path: str  # construct path from cdktf's metadata
    skips: dict[str, str]


@dataclass
class StackResult:
    env: str
    passed: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)  # unjustified
    skipped: list[dict[str, Any]] = field(default_factory=list)  # justified, with reason
    stale: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def blocks_of(stack: dict[str, Any]) -> dict[str, Block]:
    """Every resource and data source of a cdk.tf.json, by its logical name (unique within a stack)."""
    out: dict[str, Block] = {}
    # Data sources: cdktf overwrites their own "//" comment, so their skips are filed in the stack's comment,
    # `"//": {"checkov": {"skip_data": {"<logical name>": {"CKV_x": "reason"}}}}`.
    data_skips = stack.get("//", {}).get("checkov", {}).get("skip_data", {})
    for kind in ("resource", "data"):
        for rtype, items in stack.get(kind, {}).items():
            for name, config in items.items():
                comment = config.get("//", {}) if isinstance(config, dict) else {}
                skips = comment.get("checkov", {}).get("skip", {}) if isinstance(comment, dict) else {}
                if kind == "data":
                    skips = {**skips, **data_skips.get(name, {})}
                if name in out:
                    raise SystemExit(f"logical name {name} is used twice; cannot map checkov results")
                out[name] = Block(
                    kind, rtype, name, comment.get("metadata", {}).get("path", "?"), dict(skips)
                )
    return out


def block_for(result: dict[str, Any], blocks: dict[str, Block]) -> Block | None:
    # checkov names a resource "<type>.<name>" (graph checks) or "resource.<name>" / "data.<name>"
    # (Python checks on Terraform JSON); the logical name is always the last part.
    name = result["resource"].split(".", 1)[-1]
    return blocks.get(name)


def network_isolation() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "-n"]
    return []


def run_checkov(checkov: str, args: list[str]) -> list[dict[str, Any]]:
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}
    cmd = [*network_isolation(), checkov, *args, "--skip-download", "--quiet", "-o", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"checkov failed ({proc.returncode}): {' '.join(cmd)}")
    text = proc.stdout.strip()
    if not text:
        return []
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


def scan_stack(checkov: str, stack_dir: Path) -> StackResult:
    env = stack_dir.name
    result = StackResult(env)
    stack_file = stack_dir / "cdk.tf.json"
    blocks = blocks_of(json.loads(stack_file.read_text()))
    reports = run_checkov(checkov, ["-f", str(stack_file), "--framework", "terraform_json", "secrets"])
    used: set[tuple[str, str]] = set()
    for report in reports:
        summary = report.get("summary", report)
        if summary.get("parsing_errors"):
            result.problems.append(
                f"{report.get('check_type')}: {summary['parsing_errors']} parsing error(s)"
            )
        results = report.get("results", {})
        result.passed += int(summary.get("passed", 0))
        for failed in results.get("failed_checks", []):
            block = block_for(failed, blocks)
            record = {
                "check_id": failed["check_id"],
                "check_name": failed.get("check_name", ""),
                "resource": f"{block.type}.{block.name}" if block else failed["resource"],
                "construct": block.path if block else "?",
            }
            reason = block.skips.get(failed["check_id"], "").strip() if block else ""
            if block and len(reason) >= MIN_REASON_CHARS:
                used.add((block.name, failed["check_id"]))
                result.skipped.append({**record, "reason": reason})
            else:
                if block and failed["check_id"] in block.skips:
                    record["note"] = f"skip reason shorter than {MIN_REASON_CHARS} characters"
                result.failed.append(record)
    for block in blocks.values():
        for check_id in block.skips:
            if (block.name, check_id) not in used and not any(
                f["check_id"] == check_id and f["resource"].endswith(block.name) for f in result.failed
            ):
                result.stale.append(
                    f"{block.type}.{block.name} ({block.path}): {check_id} is skipped but does not fail"
                )
    return result


# What test runs leave beside the sources: not ours to scan, and the count stays that of a fresh clone.
CACHE_DIRS = ("__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis")


def scan_python(checkov: str, dirs: list[str]) -> StackResult:
    # checkov's Python SAST needs the Prisma Cloud platform; offline, its checks for Python sources are
    # the secrets scanners (hard-coded keys, tokens, passwords). By default the secrets framework reads
    # only IaC file types and silently skips .py: --enable-secret-scan-all-files makes it read them.
    # Secrets checks report failures only, so the scan's size is the number of files it read.
    files = [
        f
        for target in map(Path, dirs)
        for f in ([target] if target.is_file() else target.rglob("*"))
        if f.is_file() and not any(part in CACHE_DIRS for part in f.parts)
    ]
    result = StackResult(f"python (secrets, {len(files)} files)")
    if not files:
        result.problems.append(f"no files to scan in {', '.join(dirs)}")
    # -d and -f cannot be combined: one run each.
    for target in dirs:
        flag = "-f" if Path(target).is_file() else "-d"
        args = [flag, target, "--framework", "secrets", "--enable-secret-scan-all-files"]
        args += [arg for cache in CACHE_DIRS for arg in ("--skip-path", cache)]
        for report in run_checkov(checkov, args):
            results = report.get("results", {})
            result.passed += int(report.get("summary", {}).get("passed", 0))
            for failed in results.get("failed_checks", []):
                result.failed.append(
                    {
                        "check_id": failed["check_id"],
                        "check_name": failed.get("check_name", ""),
                        "resource": f"{failed.get('file_path')}:{failed.get('file_line_range')}",
                        "construct": "-",
                    }
                )
    return result


def markdown(results: list[StackResult]) -> str:
    lines = ["| Scan | Passed | Failed (unjustified) | Skipped (justified) |", "| --- | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r.env} | {r.passed} | {len(r.failed)} | {len(r.skipped)} |")
    lines.append("")
    for r in results:
        if r.skipped:
            lines += [
                f"### {r.env}: justified skips",
                "",
                "| Check | Resource | Reason |",
                "| --- | --- | --- |",
            ]
            for s in sorted(r.skipped, key=lambda s: (s["check_id"], s["resource"])):
                lines.append(f"| {s['check_id']} | `{s['construct']}` | {s['reason']} |")
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkov", required=True, help="path of the checkov executable")
    parser.add_argument(
        "--stacks", type=Path, action="append", required=True, help="cdktf.out/stacks (repeatable)"
    )
    parser.add_argument("--env", action="append", default=[], help="only these stacks (default: all)")
    parser.add_argument("--python-dir", action="append", default=[], help="Python source folders to scan")
    parser.add_argument("--report", type=Path, help="write a Markdown report here")
    args = parser.parse_args(argv)

    stack_dirs = sorted(p.parent for stacks in args.stacks for p in stacks.glob("*/cdk.tf.json"))
    if args.env:
        stack_dirs = [d for d in stack_dirs if d.name in args.env]
        missing = set(args.env) - {d.name for d in stack_dirs}
        if missing:
            raise SystemExit(f"no synthesized stack for: {', '.join(sorted(missing))}")
    if not stack_dirs:
        raise SystemExit(f"no stacks under {', '.join(map(str, args.stacks))}; run `pnpm synth` first")

    results = [scan_stack(args.checkov, d) for d in stack_dirs]
    if args.python_dir:
        results.append(scan_python(args.checkov, args.python_dir))

    ok = True
    for r in results:
        print(
            f"checkov {r.env}: {r.passed} passed, {len(r.failed)} failed, "
            f"{len(r.skipped)} skipped (justified)"
        )
        for f in r.failed:
            ok = False
            note = f" [{f['note']}]" if "note" in f else ""
            print(f"  FAILED {f['check_id']} {f['resource']} ({f['construct']}): {f['check_name']}{note}")
        for s in r.stale:
            ok = False
            print(f"  STALE SKIP {s}")
        for p in r.problems:
            ok = False
            print(f"  PROBLEM {p}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(markdown(results))
        print(f"report: {args.report}")
    total_failed = sum(len(r.failed) for r in results)
    print(f"checkov: {'OK' if ok else 'FAILED'} ({total_failed} unjustified failure(s))")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
