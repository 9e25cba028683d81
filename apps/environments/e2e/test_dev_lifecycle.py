"""The dev stack's whole life against moto, in order: plan review, deploy, inspect, re-plan, destroy.

Each step uses the command a person uses: `pnpm plan dev` (scripts/tf/plan.sh) for the review,
`cdktf deploy dev` / `cdktf destroy dev` with TERRAFORM_BINARY_NAME=tofu for apply and destroy. The
checks read the emulator's own APIs with boto3, not just Terraform's state.
"""

# ruff: noqa: S101  (pytest asserts)
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import STACK, Deployment, tail
from emulator import ACCOUNT_ID, REGION
from plan_summary import collect, summarize
from test_bootstrap import BUCKET as STATE_BUCKET

# What moto 5.2.5 cannot do, so the emulator mode turns these resources off (count = 0); every other
# resource is applied. Kept in step with EMULATOR_UNSUPPORTED in apps/environments/src/emulator.ts.
UNSUPPORTED_BY_MOTO = {
    "aws_efs_backup_policy",
    "aws_s3_bucket_policy",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_dashboard",
    "aws_sfn_state_machine",
}
# Created, read and re-planned like the rest, but moto 5.2.5 has no API to delete them (EFS
# DeleteFileSystemPolicy): they are dropped from the state before destroy; deleting the file system
# removes its policy in moto as in AWS.
UNDELETABLE_IN_MOTO = {"aws_efs_file_system_policy"}

# The result a real sync returns (modules/model-sync/runtime), queued as the emulator's invocation result:
# moto without Docker does not run the Python handler; its real behaviour is tested by the model-sync suite.
SYNC_RESULT = {
    "status": "installed",
    "model_name": "en_core_web_sm",
    "version": "3.8.0",
    "path": "/mnt/models/en_core_web_sm/3.8.0",
    "bytes": 12_800_000,
    "seconds": 21.5,
    "removed_versions": [],
    "keep_versions": 1,
}

# The documented per-environment commands: `pnpm exec cdktf deploy|destroy <env> --skip-provider-lock`.
# Why the flag: cdktf 0.21 matches the lock file against registry.terraform.io/hashicorp/aws, never finds
# OpenTofu's registry.opentofu.org entry, and so runs `tofu providers lock`, which asks the registry for
# checksums even when the provider comes from the filesystem mirror. `tofu init` still writes the lock file.
CDKTF = ["pnpm", "exec", "cdktf"]
# dev's one model's function; the second model the lifecycle adds (e2e/second-model.ts) and its app.
FUNCTION = "spacy-dev-en_core_web_sm"
SECOND = "en_acme_support"
TWO_MODELS_APP = (
    "ts-node -r ./scripts/register-source-paths.js --project apps/environments/tsconfig.json "
    f"{Path(__file__).with_name('two_models_app.ts')}"
)
LOCK = "--skip-provider-lock"


def for_each_instances(expression: str) -> int:
    """Instances of a `for_each = zipmap([keys…], [values…])` resource: the keys at the top level."""
    assert expression.startswith("${zipmap(["), f"unexpected for_each {expression!r}"
    depth, keys = 0, 1
    for char in expression[len("${zipmap([") :]:
        if char in "([":
            depth += 1
        elif char in ")]":
            if depth == 0:
                return keys
            depth -= 1
        elif char == "," and depth == 0:
            keys += 1
    raise AssertionError(f"unterminated for_each {expression!r}")


def managed_resources(stack: dict) -> dict[str, int]:
    """Instance counts by type in the synthesized stack, without those the emulator mode turns off."""
    counts: dict[str, int] = {}
    for rtype, items in stack["resource"].items():
        for config in items.values():
            if config.get("count") == 0:
                continue
            each = config.get("for_each")
            counts[rtype] = counts.get(rtype, 0) + (1 if each is None else for_each_instances(each))
    return counts


@pytest.fixture(scope="module")
def state() -> dict:
    return {}


def test_plan_review_before_deploy(deployment: Deployment) -> None:
    proc = deployment.run(["bash", "scripts/tf/plan.sh", STACK], name="plan-create")
    assert proc.returncode == 0, tail(proc)
    stack = deployment.stack()
    skipped = {t for t, items in stack["resource"].items() for c in items.values() if c.get("count") == 0}
    assert skipped == UNSUPPORTED_BY_MOTO, "the emulator mode turns off exactly the documented gaps"

    plan = json.loads((deployment.stack_dir / "plan.json").read_text())
    review = (deployment.stack_dir / "plan-review.md").read_text()
    expected = sum(managed_resources(stack).values())
    changes = collect(plan)
    assert {c.kind for c in changes} == {"add"}
    assert len(changes) == expected
    assert f"**Plan: {expected} to add, 0 to change, 0 to destroy**." in review
    assert "REPLACED" not in review and "DESTROYED" not in review
    assert "| `aws_lambda_function` | 4 |" in review  # the model, its sync, the catalog, the batch worker
    assert review == summarize(plan, STACK), "plan-review.md is the summarizer's output for plan.json"


def test_deploy(deployment: Deployment, state: dict) -> None:
    # The one-shot sync's invocation gets the result a real sync returns (see SYNC_RESULT).
    deployment.moto.post(
        "/moto-api/static/lambda-simple/response", {"results": [json.dumps(SYNC_RESULT)], "region": REGION}
    )
    outputs_file = deployment.outdir.parent / "outputs.json"
    proc = deployment.run(
        [
            *CDKTF,
            "deploy",
            STACK,
            "--auto-approve",
            LOCK,
            "--output",
            str(deployment.outdir),
            "--outputs-file",
            str(outputs_file),
        ],
        name="deploy",
    )
    assert proc.returncode == 0, tail(proc)
    outputs = json.loads(outputs_file.read_text())[STACK]
    state["outputs"] = outputs
    assert json.loads(outputs["model_sync_result"]) == SYNC_RESULT
    assert outputs["api_url"].startswith("https://")
    assert outputs["function_name"] == FUNCTION

    listed = deployment.tofu("state", "list", name="state-list-after-deploy")
    assert listed.returncode == 0, tail(listed)
    in_state = [line for line in listed.stdout.splitlines() if not line.startswith("data.")]
    assert len(in_state) == sum(managed_resources(deployment.stack()).values())


def test_emulator_has_the_network(deployment: Deployment, state: dict) -> None:
    ec2 = deployment.client("ec2")
    vpc_id = state["outputs"]["vpc_id"]
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.10.0.0/16"
    tags = {t["Key"]: t["Value"] for t in vpc["Tags"]}
    assert (
        tags["Environment"] == "dev" and tags["Project"] == "serverless-spacy" and tags["Name"] == "spacy-dev"
    )
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == [
        "10.10.0.0/24",
        "10.10.1.0/24",
        "10.10.2.0/24",
        "10.10.3.0/24",
    ]
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    assert len([n for n in nats if n["State"] == "available"]) == 1, "dev has a single NAT gateway"
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    assert len(flow_logs) == 1 and flow_logs[0]["TrafficType"] == "ALL"


def test_emulator_has_the_model_store(deployment: Deployment, state: dict) -> None:
    efs = deployment.client("efs")
    fs_id = state["outputs"]["file_system_id"]
    fs = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
    assert fs["Encrypted"] is True
    assert len(efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]) == 2
    points = efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"]
    assert [p["RootDirectory"]["Path"] for p in points] == ["/models"]
    policy = json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"])
    assert "DenyUnencryptedTransport" in {s.get("Sid") for s in policy["Statement"]}


def test_emulator_has_the_functions_and_api(deployment: Deployment, state: dict) -> None:
    lam = deployment.client("lambda")
    names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
    assert names == ["spacy-dev-catalog", FUNCTION, f"{FUNCTION}-sync", "spacy-dev-ner-job-worker"]
    # Execution roles carry inline policies only: no AWS-managed policy is attached to either.
    iam = deployment.client("iam")
    for role in (f"{FUNCTION}-role", f"{FUNCTION}-sync-role", "spacy-dev-catalog-role"):
        assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
        inline = iam.list_role_policies(RoleName=role)["PolicyNames"]
        assert f"{role.removesuffix('-role')}-execution" in inline
    # Every role the stack created carries the workload boundary apps/bootstrap created (test_bootstrap.py).
    boundary = f"arn:aws:iam::{ACCOUNT_ID}:policy/serverless-spacy-workload-boundary"
    iam.get_policy(PolicyArn=boundary)
    for role in (
        f"{FUNCTION}-role",
        f"{FUNCTION}-sync-role",
        "spacy-dev-catalog-role",
        "spacy-dev-flow-logs",
        "spacy-dev-ner-job-worker-role",
        "spacy-dev-ner-job-sfn",
    ):
        carried = iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
        assert carried == boundary, role
    fn = lam.get_function(FunctionName=FUNCTION)["Configuration"]
    assert fn["Runtime"] == "python3.12" and fn["MemorySize"] == 1024
    assert fn["VpcConfig"]["SubnetIds"], "the function runs in the private subnets"
    # (FileSystemConfigs and LoggingConfig are not asserted: moto 5.2.5 drops them, see the docs.)
    assert fn["Environment"]["Variables"]["MODEL_ROOT"] == "/mnt/models"
    assert [layer["Arn"].split(":")[6] for layer in fn["Layers"]] == ["spacy-dev"]
    assert [x["LayerName"] for x in lam.list_layers()["Layers"]] == ["spacy-dev"]

    api = deployment.client("apigatewayv2")
    apis = api.get_apis()["Items"]
    assert [a["Name"] for a in apis] == ["spacy-dev-api"]
    routes = sorted(r["RouteKey"] for r in api.get_routes(ApiId=apis[0]["ApiId"])["Items"])
    assert routes == [
        "GET /health",
        "GET /models",
        "GET /models/en_core_web_sm/health",
        "POST /analyze",
        "POST /entities",
        "POST /models/en_core_web_sm/analyze",
        "POST /models/en_core_web_sm/entities",
    ]

    s3 = deployment.client("s3")
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"] != STATE_BUCKET]
    assert sorted(name.rsplit("-", 1)[0] for name in buckets) == ["spacy-dev-layer", "spacy-dev-ner-job-data"]
    logs = deployment.client("logs")
    groups = {g["logGroupName"]: g.get("retentionInDays") for g in logs.describe_log_groups()["logGroups"]}
    assert groups[f"/aws/lambda/{FUNCTION}"] == 14


def test_emulator_has_the_batch_job(deployment: Deployment, state: dict) -> None:
    # The state machine itself is an emulator gap (ValidateStateMachineDefinition); its ASL is validated and
    # executed by modules/ner-batch-job's own suites. Its worker, roles and bucket are deployed here.
    worker = deployment.client("lambda").get_function(FunctionName="spacy-dev-ner-job-worker")[
        "Configuration"
    ]
    assert worker["Handler"] == "batch_worker.handler" and worker["MemorySize"] == 1769
    assert worker["Environment"]["Variables"]["OUTPUT_PREFIX"] == "output/"
    iam = deployment.client("iam")
    assert iam.get_role(RoleName="spacy-dev-ner-job-sfn")["Role"]["AssumeRolePolicyDocument"]
    assert (
        "spacy-dev-ner-job-worker-data"
        in iam.list_role_policies(RoleName="spacy-dev-ner-job-worker-role")["PolicyNames"]
    )
    assert state["outputs"]["batch_job_state_machine_arn"].endswith(":stateMachine:spacy-dev-ner-job")
    assert state["outputs"]["batch_job_input_uri"].startswith("s3://spacy-dev-ner-job-data-")


def test_replan_has_no_changes(deployment: Deployment) -> None:
    # No perpetual diff: a plan straight after apply must be empty (exit 0 under -detailed-exitcode).
    proc = deployment.tofu("plan", "-input=false", "-no-color", "-detailed-exitcode", name="replan")
    assert proc.returncode == 0, tail(proc, 120)
    assert "No changes." in proc.stdout
    # And the review says so too.
    review = deployment.run(["bash", "scripts/tf/plan.sh", STACK], name="plan-review-no-changes")
    assert review.returncode == 0, tail(review)
    assert "**No changes.**" in (deployment.stack_dir / "plan-review.md").read_text()


def test_plan_review_shows_security_and_cost_changes(deployment: Deployment) -> None:
    # A real plan from the provider that changes what reviewers must see: the entities route changes its
    # auth, the API role's EFS grant gains ClientWrite, the function gets more memory and a larger
    # reservation. Made by editing the synthesized JSON (SKIP_SYNTH=1 plans it as it is), then restored.
    stack_file = deployment.stack_dir / "cdk.tf.json"
    original = stack_file.read_text()
    stack = json.loads(original)
    routes = stack["resource"]["aws_apigatewayv2_route"]
    (entities,) = [n for n, r in routes.items() if r["route_key"] == "POST /entities"]
    routes[entities]["authorization_type"] = "AWS_IAM"
    functions = stack["resource"]["aws_lambda_function"]
    (api,) = [n for n, f in functions.items() if f["function_name"] == FUNCTION]
    functions[api]["memory_size"] = 2048
    functions[api]["reserved_concurrent_executions"] = 8
    policies = stack["resource"]["aws_iam_role_policy"]
    (grant,) = [
        n
        for n, p in policies.items()
        if p["name"].endswith("-efs-read") and "model-en_core_web_sm" in p["role"]
    ]
    read_only = '"Action":["elasticfilesystem:ClientMount"]'
    assert read_only in policies[grant]["policy"]
    policies[grant]["policy"] = policies[grant]["policy"].replace(
        read_only, '"Action":["elasticfilesystem:ClientMount","elasticfilesystem:ClientWrite"]'
    )
    stack_file.write_text(json.dumps(stack, indent=2))
    try:
        proc = deployment.run(
            ["env", "SKIP_SYNTH=1", "bash", "scripts/tf/plan.sh", STACK], name="plan-sec-cost"
        )
        assert proc.returncode == 0, tail(proc)
    finally:
        stack_file.write_text(original)
    review = (deployment.stack_dir / "plan-review.md").read_text()
    (deployment.logs / "plan-security-cost.json").write_text((deployment.stack_dir / "plan.json").read_text())
    security = review[
        review.index("### Security-relevant changes") : review.index("### Cost-relevant changes")
    ]
    cost = review[review.index("### Cost-relevant changes") : review.index("### By resource type")]
    assert f"| `aws_apigatewayv2_route.{entities}` | auth mode | `NONE` | `AWS_IAM` |" in security
    widened = [
        line for line in security.splitlines() if line.startswith(f"| `aws_iam_role_policy.{grant}` |")
    ]
    assert len(widened) == 1 and "IAM statement added or widened" in widened[0], security
    assert "Allow elasticfilesystem:ClientMount on" in widened[0]  # before
    assert "Allow elasticfilesystem:ClientWrite on" in widened[0]  # after
    assert f"| `aws_lambda_function.{api}` | memory (MB) | `1024` | `2048` |" in cost
    assert f"| `aws_lambda_function.{api}` | reserved concurrency (caps spend) | `5` | `8` |" in cost


def test_plan_review_calls_out_a_replacement(deployment: Deployment) -> None:
    # A real replacement plan from the provider: force the model-sync invocation to be replaced.
    stack = deployment.stack()
    (name,) = stack["resource"]["aws_lambda_invocation"]
    address = f"aws_lambda_invocation.{name}"
    proc = deployment.run(["bash", "scripts/tf/plan.sh", STACK, f"-replace={address}"], name="plan-replace")
    assert proc.returncode == 0, tail(proc)
    review = (deployment.stack_dir / "plan-review.md").read_text()
    assert "**Plan: 1 to add, 0 to change, 1 to destroy** (1 of them replacement)" in review
    assert "> [!WARNING]" in review and "REPLACED" in review
    assert f"**`{address}`** (destroy, then create): replacement was requested (-replace)" in review


def test_adding_a_model_plans_only_its_resources_then_applies_and_replans_clean(
    deployment: Deployment,
) -> None:
    synth = deployment.run(
        [*CDKTF, "synth", "--app", TWO_MODELS_APP, "--output", str(deployment.outdir)],
        name="synth-two-models",
    )
    assert synth.returncode == 0, tail(synth)
    proc = deployment.run(
        ["env", "SKIP_SYNTH=1", "bash", "scripts/tf/plan.sh", STACK], name="plan-two-models"
    )
    assert proc.returncode == 0, tail(proc)
    plan = json.loads((deployment.stack_dir / "plan.json").read_text())
    (deployment.logs / "plan-two-models.json").write_text(json.dumps(plan))
    changes = collect(plan)
    assert {c.kind for c in changes} == {"add", "change"}, [(c.address, c.kind) for c in changes]
    changed = sorted(c.address for c in changes if c.kind == "change")
    # The catalog's list of models and the store policy naming every role that may mount it; nothing of
    # en_core_web_sm's function, sync, routes or alarms (the dashboard is off in the emulator).
    assert [a.rsplit("_", 1)[0] for a in changed] == [
        "aws_efs_file_system_policy.model-store_file-system-policy",
        "aws_lambda_function.model-catalog_function",
    ], changed
    added = [c for c in changes if c.kind == "add"]
    assert len(added) >= 10  # function, sync, roles, log groups, integration, 3 routes, 3 permissions, …
    # Grants on the store are keyed by the grantee's address, where the name reads en-acme-support.
    mine = (SECOND, SECOND.replace("_", "-"))
    assert all(any(m in c.address for m in mine) for c in added), [c.address for c in added]

    second_sync = {
        **SYNC_RESULT,
        "model_name": SECOND,
        "version": "1.0.0",
        "path": f"/mnt/models/{SECOND}/1.0.0",
    }
    deployment.moto.post(
        "/moto-api/static/lambda-simple/response", {"results": [json.dumps(second_sync)], "region": REGION}
    )
    deploy = deployment.run(
        [
            *CDKTF,
            "deploy",
            STACK,
            "--app",
            TWO_MODELS_APP,
            "--auto-approve",
            LOCK,
            "--output",
            str(deployment.outdir),
        ],
        name="deploy-two-models",
    )
    assert deploy.returncode == 0, tail(deploy)
    lam = deployment.client("lambda")
    names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
    assert names == [
        "spacy-dev-catalog",
        f"spacy-dev-{SECOND}",
        f"spacy-dev-{SECOND}-sync",
        FUNCTION,
        f"{FUNCTION}-sync",
        "spacy-dev-ner-job-worker",
    ]
    api = deployment.client("apigatewayv2")
    (api_id,) = [a["ApiId"] for a in api.get_apis()["Items"]]
    routes = {r["RouteKey"] for r in api.get_routes(ApiId=api_id)["Items"]}
    assert {
        f"POST /models/{SECOND}/entities",
        "POST /models/en_core_web_sm/entities",
        "GET /models",
    } <= routes
    replan = deployment.tofu(
        "plan", "-input=false", "-no-color", "-detailed-exitcode", name="replan-two-models"
    )
    assert replan.returncode == 0, tail(replan, 120)
    assert "No changes." in replan.stdout


def test_destroy_leaves_nothing(deployment: Deployment, state: dict) -> None:
    stack = deployment.stack()
    for rtype in sorted(UNDELETABLE_IN_MOTO):
        for name in stack["resource"].get(rtype, {}):
            forgot = deployment.tofu("state", "rm", f"{rtype}.{name}", name=f"state-rm-{rtype}")
            assert forgot.returncode == 0, tail(forgot)
    proc = deployment.run(
        [*CDKTF, "destroy", STACK, "--auto-approve", LOCK, "--output", str(deployment.outdir)], name="destroy"
    )
    assert proc.returncode == 0, tail(proc)
    listed = deployment.tofu("state", "list", name="state-list-after-destroy")
    assert listed.returncode == 0, tail(listed)
    assert listed.stdout.strip() == "", f"left in state:\n{listed.stdout}"

    ec2 = deployment.client("ec2")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    assert vpcs == []
    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    assert [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] not in default_vpcs] == []
    nats = [
        n["NatGatewayId"]
        for n in ec2.describe_nat_gateways()["NatGateways"]
        if n["State"] not in ("deleted", "deleting")
    ]
    assert nats == []
    assert ec2.describe_addresses()["Addresses"] == []
    assert ec2.describe_flow_logs()["FlowLogs"] == []
    assert deployment.client("efs").describe_file_systems()["FileSystems"] == []
    lam = deployment.client("lambda")
    assert lam.list_functions()["Functions"] == []
    assert [x for x in lam.list_layers()["Layers"]] == []
    assert deployment.client("apigatewayv2").get_apis()["Items"] == []
    # The bootstrap's state bucket (test_bootstrap.py) outlives every environment by design.
    assert [b["Name"] for b in deployment.client("s3").list_buckets()["Buckets"]] == [STATE_BUCKET]
    assert deployment.client("logs").describe_log_groups()["logGroups"] == []
    # So do its CI roles (apps/bootstrap: serverless-spacy-ci-<env>-plan/-deploy) and the workload boundary
    # that every role of the stack carried.
    roles = [r["RoleName"] for r in deployment.client("iam").list_roles()["Roles"]]
    assert [r for r in roles if not r.startswith("serverless-spacy-ci-")] == []
    assert len(roles) == 6, roles
