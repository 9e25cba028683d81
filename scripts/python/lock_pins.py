#!/usr/bin/env python3
"""Constraints files from pip's own resolver (stdlib only; driven by lock.sh and check-interpreters.sh).

    lock_pins.py keep CONSTRAINTS [--upgrade-all | --upgrade-package NAME ...]  # pins to keep, to stdout
    lock_pins.py write REPORT.json... [--header TEXT]        # `pip install --report` files -> pins
    lock_pins.py check REPORT.json CONSTRAINTS               # is everything pip would install pinned?

`write` takes the lowest supported interpreter's report first; later reports (other interpreters,
resolved with the first one's pins as constraints) only add what they alone install.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, tuple[str, str]]:
    """canonical name -> (name as written, version) for every `name==version` line."""
    pins: dict[str, tuple[str, str]] = {}
    # Hash-pinned files (the layer's) continue a pin over several lines with `\` and `--hash=` options.
    text = re.sub(r"\\\n", " ", path.read_text())
    for raw in text.splitlines():
        line = re.sub(r"\s--hash=\S+", "", raw.split(" #", 1)[0]).strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
        if not match:
            raise SystemExit(f"lock_pins: {path}: not a `name==version` pin: {raw!r}")
        pins[canonical(match[1])] = (match[1], match[2])
    return pins


def report_pins(path: Path) -> dict[str, tuple[str, str]]:
    """canonical name -> (name, version) of everything a `pip install --dry-run --report` would install."""
    items = json.loads(path.read_text())["install"]
    return {
        canonical(item["metadata"]["name"]): (item["metadata"]["name"], item["metadata"]["version"])
        for item in items
    }


def cmd_keep(args: argparse.Namespace) -> int:
    if args.upgrade_all or not args.constraints.is_file():
        return 0
    drop = {canonical(n) for n in args.upgrade_package}
    pins = read_pins(args.constraints)
    unknown = drop - set(pins)
    if unknown:
        names = sorted(unknown)
        print(f"lock_pins: --upgrade-package names no pin in {args.constraints}: {names}", file=sys.stderr)
        return 2
    for key in sorted(pins):
        if key not in drop:
            print(f"{pins[key][0]}=={pins[key][1]}")
    return 0


def cmd_write(args: argparse.Namespace) -> int:
    merged: dict[str, tuple[str, str]] = {}
    for report in args.reports:
        for key, (name, version) in report_pins(report).items():
            if key in merged and merged[key][1] != version:
                both = f"{merged[key][1]} and to {version}"
                print(f"lock_pins: {name} resolves to {both} ({report})", file=sys.stderr)
                return 1
            merged.setdefault(key, (name, version))
    for line in args.header:
        print(f"# {line}")
    for key in sorted(merged):
        print(f"{merged[key][0]}=={merged[key][1]}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    pins = read_pins(args.constraints)
    wrong = []
    for key, (name, version) in sorted(report_pins(args.report).items()):
        if key not in pins:
            wrong.append(f"{name} {version} is not pinned")
        elif pins[key][1] != version:
            wrong.append(f"{name} {version} installs, {pins[key][1]} is pinned")
    if wrong:
        listing = "\n  ".join(wrong)
        print(f"lock_pins: {args.constraints} does not pin what installs:\n  {listing}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    keep = sub.add_parser("keep")
    keep.add_argument("constraints", type=Path)
    keep.add_argument("--upgrade-all", action="store_true")
    keep.add_argument("--upgrade-package", action="append", default=[])
    keep.set_defaults(func=cmd_keep)
    write = sub.add_parser("write")
    write.add_argument("reports", type=Path, nargs="+")
    write.add_argument("--header", action="append", default=[])
    write.set_defaults(func=cmd_write)
    check = sub.add_parser("check")
    check.add_argument("report", type=Path)
    check.add_argument("constraints", type=Path)
    check.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
