#!/usr/bin/env python3
"""Turns `tofu show -json <planfile>` output into a Markdown review summary for a pull request.

    python3 scripts/tf/plan_summary.py plan.json --env dev -o plan-review.md

The summary counts resources to add / change / replace / destroy per resource type (the same
arithmetic as `tofu plan`'s "Plan: X to add, Y to change, Z to destroy": a replacement counts as one
add and one destroy), calls out every replacement loudly with the attributes that force it, lists the
attributes each in-place update changes, and the outputs that change. Before the tables come two
sections reviewers must not miss, each row with before -> after (plan_review_sections.py):
security-relevant changes (IAM statements added or widened, security-group and network-ACL rules, API
auth mode, public exposure, encryption settings) and cost-relevant changes (NAT gateways, provisioned
concurrency, memory, reserved concurrency, EFS throughput mode, API throttling). Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_review_sections import cost_rows, render_section, security_rows

# Column order of the per-type table.
KINDS = ("add", "change", "replace", "destroy")

REASONS = {
    "replace_because_cannot_update": "an argument that cannot be updated in place changed",
    "replace_because_tainted": "the resource is tainted",
    "replace_by_request": "replacement was requested (-replace)",
    "replace_by_triggers": "a replace_triggered_by reference changed",
    "delete_because_no_resource_config": "it was removed from the configuration",
    "delete_because_no_module": "its module was removed from the configuration",
    "delete_because_wrong_repetition": "its count/for_each mode changed",
    "delete_because_count_index": "its count index is out of range",
    "delete_because_each_key": "its for_each key is gone",
}


@dataclass
class Change:
    address: str
    type: str
    kind: str  # one of KINDS
    delete_first: bool = True  # for replacements: destroy before create (the default lifecycle)
    reason: str | None = None
    paths: list[str] = field(default_factory=list)  # replace_paths or changed attributes


def action_kind(actions: list[str]) -> str | None:
    """Maps a plan's action list to add/change/replace/destroy; None for no-op and reads."""
    acts = tuple(actions)
    if acts == ("create",):
        return "add"
    if acts == ("update",):
        return "change"
    if acts == ("delete",):
        return "destroy"
    if set(acts) == {"create", "delete"}:
        return "replace"
    return None


def render_path(path: list[Any]) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out or "(whole object)"


def changed_attributes(before: Any, after: Any, unknown: Any, prefix: str = "") -> list[str]:
    """Top-down diff of two JSON values; returns dotted paths of what differs (unknown-after counts)."""
    if unknown is True:
        return [prefix or "(whole object)"]
    if isinstance(before, dict) and isinstance(after, dict):
        paths: list[str] = []
        unknown = unknown if isinstance(unknown, dict) else {}
        for key in sorted(set(before) | set(after) | set(unknown)):
            # tags_all mirrors tags plus the provider's default tags; listing it only adds noise.
            if not prefix and key == "tags_all":
                continue
            sub = f"{prefix}.{key}" if prefix else str(key)
            paths += changed_attributes(before.get(key), after.get(key), unknown.get(key), sub)
        return paths
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        paths = []
        unknown = unknown if isinstance(unknown, list) else []
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            u = unknown[i] if i < len(unknown) else None
            paths += changed_attributes(b, a, u, f"{prefix}[{i}]")
        return paths
    return [] if before == after else [prefix or "(whole object)"]


def collect(plan: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode", "managed") != "managed":
            continue
        change = rc.get("change", {})
        actions = change.get("actions", [])
        kind = action_kind(actions)
        if kind is None:
            continue
        item = Change(
            address=rc["address"], type=rc["type"], kind=kind, reason=REASONS.get(rc.get("action_reason", ""))
        )
        if kind == "replace":
            item.delete_first = actions[0] == "delete"
            item.paths = [render_path(p) for p in change.get("replace_paths", [])]
        elif kind == "change":
            item.paths = changed_attributes(
                change.get("before"), change.get("after"), change.get("after_unknown")
            )
        changes.append(item)
    return sorted(changes, key=lambda c: (KINDS.index(c.kind), c.type, c.address))


def output_changes(plan: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for name, oc in sorted(plan.get("output_changes", {}).items()):
        kind = action_kind(oc.get("actions", []))
        if kind is not None:
            rows.append((name, kind))
    return rows


def totals(changes: list[Change]) -> dict[str, int]:
    count = Counter(c.kind for c in changes)
    return {
        "add": count["add"] + count["replace"],
        "change": count["change"],
        "destroy": count["destroy"] + count["replace"],
        "replace": count["replace"],
    }


def summarize(plan: dict[str, Any], env: str) -> str:
    """The Markdown review of one plan."""
    changes = collect(plan)
    outputs = output_changes(plan)
    t = totals(changes)
    lines = [f"## Plan review: `{env}`", ""]
    if plan.get("errored"):
        lines += ["> [!CAUTION]", "> The plan **errored**: it is incomplete. Do not apply it.", ""]
    if not changes:
        lines.append("**No changes.** The infrastructure matches the configuration.")
        if outputs:
            lines += ["", f"Only outputs change: {', '.join(f'`{n}` ({k})' for n, k in outputs)}."]
        lines.append("")
        return "\n".join(lines)

    headline = f"**Plan: {t['add']} to add, {t['change']} to change, {t['destroy']} to destroy**"
    if t["replace"]:
        headline += f" ({t['replace']} of them replacement{'s' if t['replace'] != 1 else ''})"
    lines.append(headline + ".")
    lines.append("")

    replacements = [c for c in changes if c.kind == "replace"]
    destroys = [c for c in changes if c.kind == "destroy"]
    if replacements:
        lines += [
            "> [!WARNING]",
            f"> **{len(replacements)} resource{'s are' if len(replacements) != 1 else ' is'} REPLACED** "
            "(destroyed and re-created: new IDs, data on them is lost, dependants may be disrupted):",
            ">",
        ]
        for c in replacements:
            order = "destroy, then create" if c.delete_first else "create before destroy"
            why = f"forced by `{'`, `'.join(c.paths)}`" if c.paths else (c.reason or "reason not reported")
            lines.append(f"> - **`{c.address}`** ({order}): {why}")
        lines.append("")
    if destroys:
        lines += [
            "> [!CAUTION]",
            f"> **{len(destroys)} resource{'s are' if len(destroys) != 1 else ' is'} DESTROYED:**",
            ">",
        ]
        for c in destroys:
            lines.append(f"> - **`{c.address}`**" + (f": {c.reason}" if c.reason else ""))
        lines.append("")

    resource_changes = [
        rc for rc in plan.get("resource_changes", []) if rc.get("mode", "managed") == "managed"
    ]
    lines += render_section(
        "Security-relevant changes",
        "IAM statements added or widened, network rules, auth mode, public exposure, encryption",
        security_rows(resource_changes),
    )
    lines += render_section(
        "Cost-relevant changes",
        "NAT gateways, provisioned and reserved concurrency, memory, EFS throughput, API throttling",
        cost_rows(resource_changes),
    )

    lines += [
        "### By resource type",
        "",
        "| Resource type | Add | Change | Replace | Destroy |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    by_type: dict[str, Counter[str]] = {}
    for c in changes:
        by_type.setdefault(c.type, Counter())[c.kind] += 1
    for rtype in sorted(by_type):
        cells = [str(by_type[rtype][k] or "") for k in KINDS]
        lines.append(f"| `{rtype}` | {' | '.join(cells)} |")
    cells = [str(sum(1 for c in changes if c.kind == k)) for k in KINDS]
    lines.append(f"| **total** | {' | '.join(cells)} |")
    lines.append("")

    updates = [c for c in changes if c.kind == "change"]
    if updates:
        lines += ["### Updated in place", ""]
        for c in updates:
            attrs = ", ".join(f"`{p}`" for p in c.paths) or "(attributes not shown)"
            lines.append(f"- `{c.address}`: {attrs}")
        lines.append("")

    adds = [c for c in changes if c.kind == "add"]
    if adds:
        lines += ["<details><summary>Resources to add (" + str(len(adds)) + ")</summary>", ""]
        lines += [f"- `{c.address}`" for c in adds]
        lines += ["", "</details>", ""]

    if outputs:
        lines += ["### Outputs", ""]
        lines += [f"- `{name}`: {kind}" for name, kind in outputs]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan_json", type=Path, help="output of `tofu show -json <planfile>`")
    parser.add_argument("--env", required=True, help="environment name for the heading")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown here (default: stdout)")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan_json.read_text())
    text = summarize(plan, args.env)
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
