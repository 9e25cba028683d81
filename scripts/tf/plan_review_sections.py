"""The security and cost sections of the plan review: what changed, with before -> after.

Each resource change of a `tofu show -json` plan is looked at through a table of watched attributes per
resource type (auth mode, public access flags, encryption keys, memory, NAT gateways ...). Policy
documents are compared grant by grant, so an added action, resource or principal, or a removed Deny or
condition, shows up even when the JSON was merely reordered. Rules of security groups and network ACLs
are rendered as one readable line each. Stdlib only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

UNKNOWN = "(known after apply)"
ABSENT = "—"
ANYWHERE = {"0.0.0.0/0", "::/0"}


@dataclass(frozen=True)
class Row:
    address: str
    what: str
    before: str
    after: str
    flag: str = ""  # a short warning, e.g. "open to the internet"


# -- reading plan values ---------------------------------------------------------------------------


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or len(value) <= step:
                return None
            value = value[step]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
    return value


def _is_unknown(unknown: Any, path: tuple[Any, ...]) -> bool:
    node = unknown
    for step in path:
        if node is True:
            return True
        if isinstance(step, int) and isinstance(node, list) and len(node) > step:
            node = node[step]
        elif isinstance(step, str) and isinstance(node, dict):
            node = node.get(step)
        else:
            return False
    return node is True


def _show(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return ABSENT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"`{value}`"
    return f"`{json.dumps(value, sort_keys=True, separators=(',', ':'))}`"


def _sides(rc: dict[str, Any]) -> tuple[Any, Any, Any, list[str]]:
    change = rc.get("change", {})
    return (
        change.get("before"),
        change.get("after"),
        change.get("after_unknown") or {},
        change.get("actions", []),
    )


def _attr_rows(rc: dict[str, Any], watched: list[tuple[tuple[Any, ...], str]]) -> list[Row]:
    before, after, unknown, actions = _sides(rc)
    if actions in (["no-op"], ["read"]):
        return []
    rows = []
    for path, label in watched:
        b = _get(before, path) if before is not None else None
        if after is None:
            a_text = ABSENT
            a = None
        elif _is_unknown(unknown, path):
            a_text = UNKNOWN
            a = object()
        else:
            a = _get(after, path)
            a_text = _show(a)
        b_text = _show(b)
        if b_text != a_text:
            rows.append(Row(rc["address"], label, b_text, a_text))
    return rows


# -- policy documents ------------------------------------------------------------------------------

POLICY_ATTRIBUTES: dict[str, str] = {
    "aws_iam_role_policy": "policy",
    "aws_iam_policy": "policy",
    "aws_iam_role": "assume_role_policy",
    "aws_s3_bucket_policy": "policy",
    "aws_efs_file_system_policy": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_kms_key": "policy",
    "aws_vpc_endpoint": "policy",
    "aws_lambda_permission": "",  # handled by attributes below
}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _grants(document: Any) -> set[tuple[str, str, str, str, str]]:
    """(effect, principal, action, resource, condition) for every action x resource of every statement."""
    if isinstance(document, str):
        try:
            document = json.loads(document) if document else {}
        except json.JSONDecodeError:
            return set()
    grants = set()
    for st in _as_list((document or {}).get("Statement")):
        principal = json.dumps(st.get("Principal", st.get("NotPrincipal")), sort_keys=True)
        condition = json.dumps(st.get("Condition") or {}, sort_keys=True)
        for action in _as_list(st.get("Action")) or [f"NOT {a}" for a in _as_list(st.get("NotAction"))]:
            for resource in _as_list(st.get("Resource")) or ["*"]:
                grants.add((st.get("Effect", "Allow"), principal, str(action), str(resource), condition))
    return grants


def _grant_text(effect: str, principal: str, actions: list[str], resource: str, condition: str) -> str:
    who = "" if principal == "null" else f" to {principal}"
    cond = "" if condition == "{}" else f" if {condition}"
    return f"{effect} {', '.join(sorted(actions))} on {resource}{who}{cond}"


def _policy_rows(rc: dict[str, Any], attribute: str) -> list[Row]:
    before, after, unknown, actions = _sides(rc)
    if actions in (["no-op"], ["read"]) or ("delete" in actions and after is None):
        return []
    if isinstance(unknown, dict) and unknown.get(attribute) is True:
        return [
            Row(
                rc["address"],
                f"`{attribute}`",
                "present" if before else ABSENT,
                UNKNOWN,
                "review the policy in the configuration",
            )
        ]
    old = _grants(_get(before, (attribute,)))
    new = _grants(_get(after, (attribute,)))
    # Widening: an Allow grant that was not there, or a Deny grant that is gone.
    added_allows = sorted(g for g in new - old if g[0] == "Allow")
    removed_denies = sorted(g for g in old - new if g[0] == "Deny")
    rows: list[Row] = []
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for effect, principal, action, resource, condition in added_allows:
        groups.setdefault((effect, principal, resource, condition), []).append(action)
    for (effect, principal, resource, condition), acts in groups.items():
        had = sorted(g[2] for g in old if g[0] == effect and g[1] == principal and g[3] == resource)
        before_text = _grant_text(effect, principal, had, resource, condition) if had else ABSENT
        wildcard = any("*" in a for a in acts) or resource == "*"
        rows.append(
            Row(
                rc["address"],
                "IAM statement added or widened",
                before_text,
                _grant_text(effect, principal, acts, resource, condition),
                "wildcard" if wildcard else "",
            )
        )
    denies: dict[tuple[str, str, str], list[str]] = {}
    for _, principal, action, resource, condition in removed_denies:
        denies.setdefault((principal, resource, condition), []).append(action)
    for (principal, resource, condition), acts in denies.items():
        rows.append(
            Row(
                rc["address"],
                "Deny removed (widens access)",
                _grant_text("Deny", principal, acts, resource, condition),
                ABSENT,
                "guard removed",
            )
        )
    return rows


# -- network rules ---------------------------------------------------------------------------------


def _rule_text(rule: dict[str, Any], direction: str) -> str:
    proto = str(rule.get("ip_protocol") or rule.get("protocol") or "")
    proto = "all" if proto in ("-1", "all") else proto
    low, high = rule.get("from_port"), rule.get("to_port")
    ports = "" if proto == "all" or low is None else (f":{low}" if low == high else f":{low}-{high}")
    peers = [
        p
        for p in (
            rule.get("cidr_ipv4"),
            rule.get("cidr_ipv6"),
            rule.get("cidr_block"),
            rule.get("ipv6_cidr_block"),
            rule.get("referenced_security_group_id"),
            rule.get("source_security_group_id"),
            *(_as_list(rule.get("cidr_blocks"))),
            *(_as_list(rule.get("security_groups"))),
        )
        if p
    ]
    action = rule.get("rule_action") or rule.get("action")
    action = f"{action} " if action else ""
    arrow = "from" if direction == "ingress" else "to"
    return f"{action}{direction} {proto}{ports} {arrow} {', '.join(peers) or '?'}"


def _opens_to_internet(rule: dict[str, Any], direction: str) -> bool:
    if direction != "ingress" or (rule.get("rule_action") or rule.get("action") or "allow") != "allow":
        return False
    peers = {
        rule.get("cidr_ipv4"),
        rule.get("cidr_ipv6"),
        rule.get("cidr_block"),
        rule.get("ipv6_cidr_block"),
    }
    return bool(peers & ANYWHERE) or bool(set(_as_list(rule.get("cidr_blocks"))) & ANYWHERE)


def _single_rule_rows(rc: dict[str, Any], direction: str | None) -> list[Row]:
    before, after, _, actions = _sides(rc)
    if actions in (["no-op"], ["read"]):
        return []
    side = after or before or {}
    d = direction or ("egress" if side.get("egress") is True or side.get("type") == "egress" else "ingress")
    b = _rule_text(before, d) if before else ABSENT
    a = _rule_text(after, d) if after else ABSENT
    if b == a:
        return []
    flag = "open to the internet" if after and _opens_to_internet(after, d) else ""
    return [Row(rc["address"], "network rule", b, a, flag)]


def _inline_rule_rows(rc: dict[str, Any]) -> list[Row]:
    before, after, _, actions = _sides(rc)
    if actions in (["no-op"], ["read"]):
        return []
    rows = []
    for direction in ("ingress", "egress"):
        old = {_rule_text(r, direction): r for r in _as_list(_get(before, (direction,)))}
        new = {_rule_text(r, direction): r for r in _as_list(_get(after, (direction,)))}
        for text in sorted(set(new) - set(old)):
            flag = "open to the internet" if _opens_to_internet(new[text], direction) else ""
            rows.append(Row(rc["address"], "network rule added", ABSENT, text, flag))
        for text in sorted(set(old) - set(new)):
            rows.append(Row(rc["address"], "network rule removed", text, ABSENT))
    return rows


# -- the watch lists -------------------------------------------------------------------------------

SECURITY_ATTRIBUTES: dict[str, list[tuple[tuple[Any, ...], str]]] = {
    "aws_apigatewayv2_route": [(("authorization_type",), "auth mode")],
    "aws_lambda_function_url": [(("authorization_type",), "auth mode")],
    "aws_apigatewayv2_authorizer": [(("jwt_configuration",), "JWT issuer/audience")],
    "aws_lambda_permission": [(("principal",), "who may invoke"), (("source_arn",), "invoke source")],
    "aws_iam_role_policy_attachment": [(("policy_arn",), "managed policy attached")],
    "aws_s3_bucket_public_access_block": [
        (("block_public_acls",), "public exposure: block_public_acls"),
        (("block_public_policy",), "public exposure: block_public_policy"),
        (("ignore_public_acls",), "public exposure: ignore_public_acls"),
        (("restrict_public_buckets",), "public exposure: restrict_public_buckets"),
    ],
    "aws_subnet": [(("map_public_ip_on_launch",), "public exposure: public IPs on launch")],
    "aws_efs_file_system": [(("encrypted",), "encryption at rest"), (("kms_key_id",), "encryption key")],
    "aws_s3_bucket_server_side_encryption_configuration": [(("rule",), "encryption at rest")],
    "aws_sns_topic": [(("kms_master_key_id",), "encryption key")],
    "aws_kms_key": [(("enable_key_rotation",), "key rotation")],
    "aws_cloudwatch_log_group": [(("kms_key_id",), "encryption key")],
}

COST_ATTRIBUTES: dict[str, list[tuple[tuple[Any, ...], str]]] = {
    "aws_lambda_provisioned_concurrency_config": [
        (("provisioned_concurrent_executions",), "provisioned concurrency (billed while idle)")
    ],
    "aws_lambda_function": [
        (("memory_size",), "memory (MB)"),
        (("reserved_concurrent_executions",), "reserved concurrency (caps spend)"),
        (("architectures",), "architecture"),
        (("ephemeral_storage", 0, "size"), "ephemeral storage (MB)"),
    ],
    "aws_efs_file_system": [
        (("throughput_mode",), "EFS throughput mode"),
        (("provisioned_throughput_in_mibps",), "EFS provisioned throughput (MiB/s)"),
    ],
    "aws_apigatewayv2_stage": [
        (("default_route_settings", 0, "throttling_rate_limit"), "API rate limit (req/s, caps spend)"),
        (("default_route_settings", 0, "throttling_burst_limit"), "API burst limit"),
    ],
    "aws_vpc_endpoint": [(("vpc_endpoint_type",), "endpoint type (Interface endpoints bill hourly)")],
    "aws_cloudwatch_log_group": [(("retention_in_days",), "log retention (days)")],
}

# Resources that cost money by existing: their creation or destruction is the change.
COST_BY_EXISTENCE = {
    "aws_nat_gateway": "NAT gateway (hourly + per GB)",
    "aws_eip": "Elastic IP (hourly)",
    "aws_kms_key": "KMS key (monthly)",
    "aws_lambda_provisioned_concurrency_config": "provisioned concurrency config",
}

SINGLE_RULE_TYPES = {
    "aws_vpc_security_group_ingress_rule": "ingress",
    "aws_vpc_security_group_egress_rule": "egress",
    "aws_security_group_rule": None,
    "aws_network_acl_rule": None,
}
INLINE_RULE_TYPES = {
    "aws_security_group",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_default_security_group",
}


def security_rows(resource_changes: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for rc in resource_changes:
        rtype = rc.get("type", "")
        if rtype in SECURITY_ATTRIBUTES:
            rows += _attr_rows(rc, SECURITY_ATTRIBUTES[rtype])
        if POLICY_ATTRIBUTES.get(rtype):
            rows += _policy_rows(rc, POLICY_ATTRIBUTES[rtype])
        if rtype in SINGLE_RULE_TYPES:
            rows += _single_rule_rows(rc, SINGLE_RULE_TYPES[rtype])
        if rtype in INLINE_RULE_TYPES:
            rows += _inline_rule_rows(rc)
    return _flag_security(rows)


def _flag_security(rows: list[Row]) -> list[Row]:
    flagged = []
    for r in rows:
        flag = r.flag
        if r.what == "auth mode" and r.after == "`NONE`":
            flag = "no authentication"
        elif r.what.startswith("public exposure") and r.after in ("false", ABSENT) and r.before == "true":
            flag = "public access no longer blocked"
        elif r.what.startswith("public exposure") and r.what.endswith("on launch") and r.after == "true":
            flag = "public IPs"
        elif r.what in ("encryption at rest",) and r.after in ("false", ABSENT) and r.before not in (ABSENT,):
            flag = "encryption removed"
        elif r.what == "who may invoke" and r.after == "`*`":
            flag = "anyone may invoke"
        elif r.what == "managed policy attached" and r.after != ABSENT:
            flag = "AWS-managed policy" if ":aws:policy/" in r.after else flag
        flagged.append(Row(r.address, r.what, r.before, r.after, flag))
    return flagged


def cost_rows(resource_changes: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    for rc in resource_changes:
        rtype = rc.get("type", "")
        actions = _sides(rc)[3]
        if rtype in COST_BY_EXISTENCE and set(actions) != {"create", "delete"}:
            if actions == ["create"]:
                rows.append(
                    Row(rc["address"], COST_BY_EXISTENCE[rtype], ABSENT, "created", "new recurring cost")
                )
            elif actions == ["delete"]:
                rows.append(Row(rc["address"], COST_BY_EXISTENCE[rtype], "exists", "destroyed"))
        if rtype in COST_ATTRIBUTES:
            rows += [r for r in _attr_rows(rc, COST_ATTRIBUTES[rtype]) if actions != ["delete"]]
    return rows


def render_section(title: str, scope: str, rows: list[Row]) -> list[str]:
    """A Markdown section: heading, and a table of rows or a line saying there are none."""
    lines = [f"### {title}", ""]
    if not rows:
        return [*lines, f"None ({scope}).", ""]
    lines += ["| Resource | What | Before | After | |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        flag = f"**{r.flag}**" if r.flag else ""
        lines.append(f"| `{r.address}` | {r.what} | {_cell(r.before)} | {_cell(r.after)} | {flag} |")
    return [*lines, ""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
