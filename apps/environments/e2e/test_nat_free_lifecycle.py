"""An environment without NAT gateways, against moto: apply, re-plan to no changes, destroy.

Its model is a private wheel in S3 (source kind "s3"): the sync function reads it through the VPC's S3
gateway endpoint with a role that may read that one object, so nothing in the VPC needs the internet.
The stack is dev with that one change (nat_free_app.ts), deployed with the documented `cdktf deploy`
pointed at that app. Runs after the dev lifecycle (file order) on the same emulator.
"""

# ruff: noqa: S101  (pytest asserts)
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Deployment, tail, ts_app, variant
from emulator import REGION
from test_dev_lifecycle import CDKTF, LOCK, STATE_BUCKET, SYNC_RESULT, UNDELETABLE_IN_MOTO, managed_resources

STACK = "dev-private"
BUCKET = "spacy-e2e-private-models"
KEY = "en_core_web_sm/en_core_web_sm-3.8.0-py3-none-any.whl"
APP = ts_app(Path(__file__).with_name("nat_free_app.ts"))


@pytest.fixture(scope="module")
def private(deployment: Deployment, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return variant(deployment, tmp_path_factory, STACK)


@pytest.fixture(scope="module")
def state() -> dict:
    return {}


def _cdktf(private: Deployment, command: str, *extra: str, name: str):
    return private.run(
        [
            *CDKTF,
            command,
            STACK,
            "--app",
            APP,
            "--auto-approve",
            LOCK,
            "--output",
            str(private.outdir),
            *extra,
        ],
        name=name,
    )


def test_deploy_without_nat(private: Deployment, state: dict) -> None:
    private.moto.post(
        "/moto-api/static/lambda-simple/response", {"results": [json.dumps(SYNC_RESULT)], "region": REGION}
    )
    outputs_file = private.outdir.parent / "outputs.json"
    proc = _cdktf(private, "deploy", "--outputs-file", str(outputs_file), name="nat-free-deploy")
    assert proc.returncode == 0, tail(proc)
    stack = private.stack()
    assert "aws_nat_gateway" not in stack["resource"] and "aws_eip" not in stack["resource"]
    state["outputs"] = json.loads(outputs_file.read_text())[STACK]
    listed = private.tofu("state", "list", name="nat-free-state-list")
    assert listed.returncode == 0, tail(listed)
    in_state = [line for line in listed.stdout.splitlines() if not line.startswith("data.")]
    assert len(in_state) == sum(managed_resources(stack).values())


def test_private_subnets_reach_only_s3(private: Deployment, state: dict) -> None:
    ec2 = private.client("ec2")
    vpc_id = state["outputs"]["vpc_id"]
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"] == "10.40.0.0/16"
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    assert [n for n in nats if n["State"] not in ("deleted", "deleting")] == []
    private_subnets = ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Tier", "Values": ["private"]}]
    )["Subnets"]
    assert len(private_subnets) == 2
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [s["SubnetId"] for s in private_subnets]}]
    )["RouteTables"]
    assert len(tables) == 2
    for table in tables:
        assert [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"] == []
    # (Filtered here: moto 5.2.5 has no vpc-id filter for DescribeVpcEndpoints.)
    (endpoint,) = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["VpcId"] == vpc_id]
    assert endpoint["ServiceName"] == f"com.amazonaws.{REGION}.s3"
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert sorted(endpoint["RouteTableIds"]) == sorted(t["RouteTableId"] for t in tables)
    # The sync's HTTPS egress goes to S3's prefix list (the endpoint's), not to any address.
    lists = ec2.describe_prefix_lists()["PrefixLists"]
    (s3_list,) = [p["PrefixListId"] for p in lists if p["PrefixListName"] == endpoint["ServiceName"]]
    lam = private.client("lambda")
    vpc_config = lam.get_function(FunctionName="spacy-dev-private-en_core_web_sm-sync")["Configuration"][
        "VpcConfig"
    ]
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": vpc_config["SecurityGroupIds"]}]
    )["SecurityGroupRules"]
    https = [r for r in rules if r["IsEgress"] and r.get("FromPort") == 443]
    assert [(r.get("PrefixListId"), r.get("CidrIpv4")) for r in https] == [(s3_list, None)]


def test_sync_is_configured_for_the_private_wheel_and_may_read_only_it(private: Deployment) -> None:
    lam = private.client("lambda")
    fn = lam.get_function(FunctionName="spacy-dev-private-en_core_web_sm-sync")["Configuration"]
    variables = fn["Environment"]["Variables"]
    configured = {k: v for k, v in variables.items() if k.startswith("MODEL_SOURCE_") or k == "MODEL_SHA256"}
    assert configured == {
        "MODEL_SOURCE_KIND": "s3",
        "MODEL_SOURCE_BUCKET": BUCKET,
        "MODEL_SOURCE_KEY": KEY,
        "MODEL_SHA256": "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85",
    }
    iam = private.client("iam")
    role = "spacy-dev-private-en_core_web_sm-sync-role"
    assert "read-model-wheel" in iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName="read-model-wheel")["PolicyDocument"]
    if isinstance(document, str):
        document = json.loads(document)
    assert document["Statement"] == [
        {
            "Sid": "ReadThePinnedModelWheel",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/{KEY}",
        }
    ]


def test_replan_has_no_changes(private: Deployment) -> None:
    proc = private.tofu("plan", "-input=false", "-no-color", "-detailed-exitcode", name="nat-free-replan")
    assert proc.returncode == 0, tail(proc, 120)
    assert "No changes." in proc.stdout


def test_destroy_leaves_nothing(private: Deployment, state: dict) -> None:
    stack = private.stack()
    for rtype in sorted(UNDELETABLE_IN_MOTO):
        for name in stack["resource"].get(rtype, {}):
            forgot = private.tofu("state", "rm", f"{rtype}.{name}", name=f"nat-free-state-rm-{rtype}")
            assert forgot.returncode == 0, tail(forgot)
    proc = _cdktf(private, "destroy", name="nat-free-destroy")
    assert proc.returncode == 0, tail(proc)
    listed = private.tofu("state", "list", name="nat-free-state-list-after-destroy")
    assert listed.returncode == 0, tail(listed)
    assert listed.stdout.strip() == "", f"left in state:\n{listed.stdout}"
    ec2 = private.client("ec2")
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")] == []
    # moto keeps deleted endpoints, in state "deleted", as AWS does for a while.
    assert [
        e["VpcEndpointId"]
        for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
        if e["State"].lower() != "deleted"
    ] == []
    assert private.client("lambda").list_functions()["Functions"] == []
    # The bootstrap test's CI roles and state bucket (prevent_destroy) outlive every environment,
    # as in an account.
    roles = [r["RoleName"] for r in private.client("iam").list_roles()["Roles"]]
    assert [r for r in roles if not r.startswith("serverless-spacy-ci-")] == []
    buckets = [b["Name"] for b in private.client("s3").list_buckets()["Buckets"]]
    assert [name for name in buckets if name != STATE_BUCKET] == []
