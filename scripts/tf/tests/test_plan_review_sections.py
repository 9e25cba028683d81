"""The security and cost sections of the plan review, on plans in `tofu show -json` form that make such
changes: a policy widened, a Deny removed, an SG rule opened to the internet, auth turned off, public
access unblocked, encryption changed, NAT gateways and provisioned concurrency added, memory raised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plan_review_sections import cost_rows, security_rows
from plan_summary import summarize


def rc(
    address: str, actions: list[str], before: object = None, after: object = None, unknown: object = None
) -> dict:
    rtype, _, name = address.partition(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {}},
    }


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


READ = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::models/*"}
READ_WRITE = {
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:PutObject"],
    "Resource": "arn:aws:s3:::models/*",
}
TLS_DENY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": "arn:aws:s3:::models/*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

PLAN: dict[str, Any] = {
    "format_version": "1.2",
    "resource_changes": [
        rc("aws_iam_role_policy.api", ["update"], {"policy": policy(READ)}, {"policy": policy(READ_WRITE)}),
        rc("aws_s3_bucket_policy.models", ["update"], {"policy": policy(TLS_DENY)}, {"policy": policy()}),
        # Reordered keys and statements are no change.
        rc(
            "aws_iam_role_policy.same",
            ["update"],
            {"policy": policy(READ, TLS_DENY)},
            {
                "policy": json.dumps(
                    {
                        "Statement": [
                            TLS_DENY,
                            {"Resource": READ["Resource"], "Action": "s3:GetObject", "Effect": "Allow"},
                        ]
                    }
                )
            },
        ),
        rc(
            "aws_vpc_security_group_ingress_rule.ssh",
            ["create"],
            None,
            {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"},
        ),
        rc(
            "aws_vpc_security_group_ingress_rule.nfs",
            ["delete"],
            {
                "ip_protocol": "tcp",
                "from_port": 2049,
                "to_port": 2049,
                "referenced_security_group_id": "sg-fn",
            },
            None,
        ),
        rc(
            "aws_apigatewayv2_route.entities",
            ["update"],
            {"authorization_type": "AWS_IAM"},
            {"authorization_type": "NONE"},
        ),
        rc(
            "aws_s3_bucket_public_access_block.models",
            ["update"],
            {
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            {
                "block_public_acls": True,
                "block_public_policy": False,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
        ),
        rc(
            "aws_efs_file_system.store",
            ["delete", "create"],
            {"encrypted": True, "kms_key_id": "arn:aws:kms:eu-west-1:1:key/a", "throughput_mode": "elastic"},
            {"encrypted": True, "throughput_mode": "bursting"},
            {"kms_key_id": True},
        ),
        rc("aws_nat_gateway.az2", ["create"], None, {"subnet_id": "subnet-2"}, {"id": True}),
        rc(
            "aws_lambda_provisioned_concurrency_config.live",
            ["update"],
            {"provisioned_concurrent_executions": 1},
            {"provisioned_concurrent_executions": 4},
        ),
        rc(
            "aws_lambda_function.api",
            ["update"],
            {
                "memory_size": 1024,
                "reserved_concurrent_executions": 5,
                "architectures": ["x86_64"],
                "ephemeral_storage": [{"size": 512}],
            },
            {
                "memory_size": 3008,
                "reserved_concurrent_executions": 5,
                "architectures": ["x86_64"],
                "ephemeral_storage": [{"size": 512}],
            },
        ),
        rc(
            "aws_iam_role_policy_attachment.vpc",
            ["create"],
            None,
            {"policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"},
        ),
        rc("aws_iam_role_policy.new", ["create"], None, {"role": "r"}, {"policy": True}),
        rc("aws_cloudwatch_dashboard.d", ["update"], {"dashboard_body": "{}"}, {"dashboard_body": "{ }"}),
    ],
}


def rows_by(rows, address):
    return [r for r in rows if r.address == address]


def test_an_action_added_to_a_policy_is_shown_before_and_after() -> None:
    [row] = rows_by(security_rows(PLAN["resource_changes"]), "aws_iam_role_policy.api")
    assert row.what == "IAM statement added or widened"
    assert row.before == "Allow s3:GetObject on arn:aws:s3:::models/*"
    assert row.after == "Allow s3:PutObject on arn:aws:s3:::models/*"


def test_a_removed_deny_widens_access_and_a_reordered_policy_is_no_change() -> None:
    rows = security_rows(PLAN["resource_changes"])
    [row] = rows_by(rows, "aws_s3_bucket_policy.models")
    assert (row.what, row.after, row.flag) == ("Deny removed (widens access)", "—", "guard removed")
    assert row.before.startswith('Deny s3:* on arn:aws:s3:::models/* to {"AWS": "*"} if ')
    assert rows_by(rows, "aws_iam_role_policy.same") == []
    # A policy only known after apply is called out rather than silently skipped.
    [unknown] = rows_by(rows, "aws_iam_role_policy.new")
    assert unknown.after == "(known after apply)"


def test_network_rules_read_as_one_line_and_internet_ingress_is_flagged() -> None:
    rows = security_rows(PLAN["resource_changes"])
    [ssh] = rows_by(rows, "aws_vpc_security_group_ingress_rule.ssh")
    assert (ssh.before, ssh.after, ssh.flag) == ("—", "ingress tcp:22 from 0.0.0.0/0", "open to the internet")
    [nfs] = rows_by(rows, "aws_vpc_security_group_ingress_rule.nfs")
    assert (nfs.before, nfs.after, nfs.flag) == ("ingress tcp:2049 from sg-fn", "—", "")


def test_auth_public_access_encryption_and_managed_policies() -> None:
    rows = security_rows(PLAN["resource_changes"])
    [auth] = rows_by(rows, "aws_apigatewayv2_route.entities")
    assert (auth.what, auth.before, auth.after, auth.flag) == (
        "auth mode",
        "`AWS_IAM`",
        "`NONE`",
        "no authentication",
    )
    [pab] = rows_by(rows, "aws_s3_bucket_public_access_block.models")
    assert (pab.what, pab.before, pab.after, pab.flag) == (
        "public exposure: block_public_policy",
        "true",
        "false",
        "public access no longer blocked",
    )
    [key] = rows_by(rows, "aws_efs_file_system.store")
    assert (key.what, key.before, key.after) == (
        "encryption key",
        "`arn:aws:kms:eu-west-1:1:key/a`",
        "(known after apply)",
    )
    [managed] = rows_by(rows, "aws_iam_role_policy_attachment.vpc")
    assert managed.flag == "AWS-managed policy"


def test_cost_rows_nat_provisioned_memory_and_throughput() -> None:
    rows = {(r.address, r.what): r for r in cost_rows(PLAN["resource_changes"])}
    assert rows[("aws_nat_gateway.az2", "NAT gateway (hourly + per GB)")].after == "created"
    pc = rows[
        ("aws_lambda_provisioned_concurrency_config.live", "provisioned concurrency (billed while idle)")
    ]
    assert (pc.before, pc.after) == ("`1`", "`4`")
    memory = rows[("aws_lambda_function.api", "memory (MB)")]
    assert (memory.before, memory.after) == ("`1024`", "`3008`")
    assert ("aws_lambda_function.api", "reserved concurrency (caps spend)") not in rows
    efs = rows[("aws_efs_file_system.store", "EFS throughput mode")]
    assert (efs.before, efs.after) == ("`elastic`", "`bursting`")
    assert not [r for r in cost_rows(PLAN["resource_changes"]) if r.address == "aws_cloudwatch_dashboard.d"]


def test_the_review_puts_both_sections_before_the_tables() -> None:
    md = summarize(PLAN, "prod")
    security = md.index("### Security-relevant changes")
    cost = md.index("### Cost-relevant changes")
    assert security < cost < md.index("### By resource type")
    assert (
        "| `aws_apigatewayv2_route.entities` | auth mode | `AWS_IAM` | `NONE` | **no authentication** |" in md
    )
    assert "| `aws_lambda_function.api` | memory (MB) | `1024` | `3008` |  |" in md
    # A pipe inside a value cannot break the table.
    assert md.count("| `aws_vpc_security_group_ingress_rule.ssh` |") == 1


def test_a_plan_without_such_changes_says_so() -> None:
    md = summarize(
        {
            "resource_changes": [
                rc("aws_cloudwatch_dashboard.d", ["update"], {"dashboard_body": "a"}, {"dashboard_body": "b"})
            ]
        },
        "dev",
    )
    assert "### Security-relevant changes\n\nNone (" in md
    assert "### Cost-relevant changes\n\nNone (" in md


def test_a_real_provider_plan() -> None:
    # `tofu show -json` of a real plan (provider 6.25 source build against moto, from the e2e's
    # test_plan_review_shows_security_and_cost_changes), no-op and read entries dropped.
    plan = json.loads((Path(__file__).parent / "fixtures" / "dev-plan-auth-iam-memory.json").read_text())
    md = summarize(plan, "dev")
    assert (
        "| `aws_apigatewayv2_route.api_http-api_entities-route_7BF20FED` | auth mode | `NONE` | `AWS_IAM` |"
        in md
    )
    [widened] = [
        r for r in security_rows(plan["resource_changes"]) if r.what == "IAM statement added or widened"
    ]
    assert widened.address == "aws_iam_role_policy.model-store_grant-2_02B7B73C"
    assert widened.before.startswith("Allow elasticfilesystem:ClientMount on arn:aws:elasticfilesystem:")
    assert widened.after.startswith("Allow elasticfilesystem:ClientWrite on arn:aws:elasticfilesystem:")
    rows = {r.what: r for r in cost_rows(plan["resource_changes"])}
    assert (rows["memory (MB)"].before, rows["memory (MB)"].after) == ("`1024`", "`2048`")
    assert (
        rows["reserved concurrency (caps spend)"].before,
        rows["reserved concurrency (caps spend)"].after,
    ) == (
        "`5`",
        "`8`",
    )
