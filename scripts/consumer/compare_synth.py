"""Compares two cdktf syntheses (cdk.tf.json) resource by resource; exit 1 on any difference.

    python compare_synth.py TS_JSON PY_JSON [--root TS_ROOT PY_ROOT]

The assets the two stacks reference (the function code zips under assets/, beside each cdk.tf.json) are
compared too: the same files, each with the same bytes.

Every block is compared: each resource and data source by address (type.name) with its whole configuration
(cdktf's per-resource "//" metadata, the construct path and unique id, included), then every other top-level
block: provider, locals, output, terraform and the top-level "//" (cdktf's stack metadata, checkov skips and
overrides). One thing is normalized, because it names the machine and not the stack: the local backend's state
path is the absolute path of the directory the app ran in (`<dir>/terraform.<stack>.tfstate`); --root names
the two app directories, and each is replaced by "<app>" before comparing.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from typing import Any

BLOCKS_BY_ADDRESS = ("resource", "data")


def load(path: str, app_root: str | None) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if app_root:
        # JSON-escaped, as the path appears inside the file.
        text = text.replace(json.dumps(app_root)[1:-1], "<app>")
    synth: dict[str, Any] = json.loads(text)
    return synth


def addresses(synth: dict[str, Any], block: str) -> dict[str, Any]:
    prefix = "data." if block == "data" else ""
    return {
        f"{prefix}{kind}.{name}": config
        for kind, items in synth.get(block, {}).items()
        for name, config in items.items()
    }


def differences(a: Any, b: Any, where: str) -> list[str]:
    """Leaf-level differences between two JSON values, as 'where: a != b' lines."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in b:
                out.append(f"{where}.{key}: only in TypeScript")
            elif key not in a:
                out.append(f"{where}.{key}: only in Python")
            else:
                out.extend(differences(a[key], b[key], f"{where}.{key}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [line for i, (x, y) in pairs for line in differences(x, y, f"{where}[{i}]")]
    if a == b:
        return []
    return [f"{where}: {json.dumps(a)[:300]} (TypeScript) != {json.dumps(b)[:300]} (Python)"]


def asset_differences(ts_json: str, py_json: str) -> tuple[int, list[str]]:
    """Every assets/**/*.zip of either stack: present in both, with the same members and bytes."""
    found: list[set[str]] = []
    for json_file in (ts_json, py_json):
        base = os.path.dirname(json_file)
        found.append(
            {
                os.path.relpath(os.path.join(d, f), base)
                for d, _, files in os.walk(os.path.join(base, "assets"))
                for f in files
                if f.endswith(".zip")
            }
        )
    problems = [f"{z}: only in TypeScript" for z in sorted(found[0] - found[1])]
    problems += [f"{z}: only in Python" for z in sorted(found[1] - found[0])]
    for name in sorted(found[0] & found[1]):
        members = []
        for json_file in (ts_json, py_json):
            with zipfile.ZipFile(os.path.join(os.path.dirname(json_file), name)) as z:
                members.append({i.filename: z.read(i) for i in z.infolist() if not i.is_dir()})
        for member in sorted(set(members[0]) | set(members[1])):
            if members[0].get(member) != members[1].get(member):
                problems.append(f"{name}: {member} differs (or is missing on one side)")
    return len(found[0] & found[1]), problems


def main(argv: list[str]) -> int:
    roots: list[str | None] = [None, None]
    if "--root" in argv:
        i = argv.index("--root")
        roots = [argv[i + 1], argv[i + 2]]
        del argv[i : i + 3]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    ts, py = load(argv[1], roots[0]), load(argv[2], roots[1])
    problems: list[str] = []
    count = 0
    for block in BLOCKS_BY_ADDRESS:
        a, b = addresses(ts, block), addresses(py, block)
        count += len(a)
        for address in sorted(set(a) - set(b)):
            problems.append(f"{address}: only in TypeScript")
        for address in sorted(set(b) - set(a)):
            problems.append(f"{address}: only in Python")
        for address in sorted(set(a) & set(b)):
            problems.extend(differences(a[address], b[address], address))
    for block in sorted((set(ts) | set(py)) - set(BLOCKS_BY_ADDRESS)):
        problems.extend(differences(ts.get(block), py.get(block), block))
    assets, asset_problems = asset_differences(argv[1], argv[2])
    problems.extend(asset_problems)
    if problems:
        where = f"{len(problems)} place(s)"
        print(f"the Python synth differs from the TypeScript synth in {where}:", file=sys.stderr)
        for line in problems[:200]:
            print(f"  - {line}", file=sys.stderr)
        return 1
    blocks = ", ".join(sorted(set(ts) - set(BLOCKS_BY_ADDRESS)))
    print(
        f"the Python synth equals the TypeScript synth: {count} resources and data sources by address,"
        f" {blocks}, and {assets} asset zip(s) file by file"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
