"""A model version switch and its one-step rollback against moto: deploy, switch, roll back, re-plan, destroy.

The stack is dev in its own address range with the model version from SPACY_E2E_MODEL_VERSION
(rollback_app.ts), deployed with the documented `cdktf deploy` pointed at that app. The procedure is
docs/operations.md's: change the version in the config and apply; roll back by applying the previous
version again. Each apply changes exactly this: the one-shot sync is invoked again for the new version (its
invocation replaced), then the model's function, its sync and the catalog name it; nothing else is touched.
moto does not run the sync's Python (see SYNC_RESULT in test_dev_lifecycle.py); that the store keeps the
previous version and switches atomically is modules/model-sync/runtime/tests/test_atomic_switch.py.
Runs after the dev lifecycle (file order) on the same emulator and leaves nothing behind.
"""

# ruff: noqa: S101  (pytest asserts)
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import Deployment, tail, ts_app, variant
from emulator import REGION
from test_dev_lifecycle import CDKTF, LOCK, SYNC_RESULT, UNDELETABLE_IN_MOTO

STACK = "dev-rollback"
OLD, NEW = "3.7.1", "3.8.0"
API_FUNCTION = f"spacy-{STACK}-en_core_web_sm"  # the model's function (modelFunctionName)
SYNC_FUNCTION = f"{API_FUNCTION}-sync"
CATALOG_FUNCTION = f"spacy-{STACK}-catalog"  # GET /models: lists each model's configured version
APP = ts_app(Path(__file__).with_name("rollback_app.ts"))


@pytest.fixture(scope="module")
def base(deployment: Deployment, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return variant(deployment, tmp_path_factory, STACK)


def _at(base: Deployment, version: str) -> Deployment:
    """The deployment with the config naming ``version`` (what editing environments.ts does)."""
    return dataclasses.replace(base, env={**base.env, "SPACY_E2E_MODEL_VERSION": version})


def _cdktf(d: Deployment, command: str, *extra: str, name: str):
    args = [*CDKTF, command, STACK, "--app", APP, "--output", str(d.outdir), *extra]
    if command != "synth":
        args += ["--auto-approve", LOCK]
    return d.run(args, name=name)


def _queue_sync_result(d: Deployment, version: str, status: str) -> dict:
    result = {
        **SYNC_RESULT,
        "version": version,
        "path": f"/mnt/models/en_core_web_sm/{version}",
        "status": status,
    }
    d.moto.post(
        "/moto-api/static/lambda-simple/response", {"results": [json.dumps(result)], "region": REGION}
    )
    return result


def _configured_versions(d: Deployment) -> dict[str, str]:
    """The version each function is configured with: the model's function, its sync, the catalog's list."""
    lam = d.client("lambda")
    variables = {
        fn: lam.get_function_configuration(FunctionName=fn)["Environment"]["Variables"]
        for fn in (API_FUNCTION, SYNC_FUNCTION, CATALOG_FUNCTION)
    }
    (listed,) = json.loads(variables[CATALOG_FUNCTION]["MODEL_CATALOG"])
    return {
        API_FUNCTION: variables[API_FUNCTION]["MODEL_VERSION"],
        SYNC_FUNCTION: variables[SYNC_FUNCTION]["MODEL_VERSION"],
        CATALOG_FUNCTION: listed["version"],
    }


def _plan(d: Deployment, *args: str, name: str):
    # A connection moto drops under load is retried by the provider itself (emulator maxRetries).
    return d.tofu("plan", "-input=false", "-no-color", *args, name=name)


def _planned_changes(d: Deployment, name: str) -> list[tuple[str, tuple[str, ...]]]:
    """(type, actions) of every resource the next apply would change, from the saved plan's JSON."""
    plan = _plan(d, "-out=switch.tfplan", name=f"{name}-plan")
    assert plan.returncode == 0, tail(plan)
    shown = d.tofu("show", "-json", "switch.tfplan", name=f"{name}-show")
    assert shown.returncode == 0, tail(shown)
    changes = json.loads(shown.stdout)["resource_changes"]
    return sorted(
        (c["type"], tuple(c["change"]["actions"]))
        for c in changes
        if c["change"]["actions"] not in (["no-op"], ["read"])
    )


def _apply(d: Deployment, version: str, status: str, name: str) -> None:
    queued = _queue_sync_result(d, version, status)
    outputs_file = d.outdir.parent / f"{name}-outputs.json"
    proc = _cdktf(d, "deploy", "--outputs-file", str(outputs_file), name=name)
    assert proc.returncode == 0, tail(proc)
    outputs = json.loads(outputs_file.read_text())[STACK]
    assert json.loads(outputs["model_sync_result"]) == queued


def _replans_clean(d: Deployment, name: str) -> None:
    proc = _plan(d, "-detailed-exitcode", name=name)
    assert proc.returncode == 0, tail(proc, 120)
    assert "No changes." in proc.stdout


# What a version change plans, and nothing more: the sync invoked again for the new version (its invocation
# replaced, because its input names the version), then the environment of the model's function, its sync
# function, the catalog function and the batch job's worker (it serves the default model) updated in place.
SWITCH = [
    ("aws_lambda_function", ("update",)),
    ("aws_lambda_function", ("update",)),
    ("aws_lambda_function", ("update",)),
    ("aws_lambda_function", ("update",)),
    ("aws_lambda_invocation", ("delete", "create")),
]


def test_deploy_the_old_version(base: Deployment) -> None:
    old = _at(base, OLD)
    _apply(old, OLD, "installed", name="rollback-deploy-old")
    assert _configured_versions(old) == dict.fromkeys((API_FUNCTION, SYNC_FUNCTION, CATALOG_FUNCTION), OLD)
    _replans_clean(old, "rollback-replan-old")


def _switch(base: Deployment, version: str, sync_status: str, name: str) -> None:
    """Change the configured version and apply: the plan is exactly SWITCH, the re-plan clean."""
    d = _at(base, version)
    synth = _cdktf(d, "synth", name=f"{name}-synth")
    assert synth.returncode == 0, tail(synth)
    assert _planned_changes(d, name) == SWITCH
    _apply(d, version, sync_status, name=f"{name}-deploy")
    assert _configured_versions(d) == dict.fromkeys((API_FUNCTION, SYNC_FUNCTION, CATALOG_FUNCTION), version)
    _replans_clean(d, f"{name}-replan")


def test_switch_to_the_new_version(base: Deployment) -> None:
    _switch(base, NEW, "installed", "rollback-switch")


def test_roll_back_in_one_step(base: Deployment) -> None:
    # The previous version is still on the store (keepVersions >= 1): the sync finds it and the apply only
    # points the function back at it.
    _switch(base, OLD, "already_present", "rollback-back")


def test_destroy_leaves_nothing(base: Deployment) -> None:
    d = _at(base, OLD)
    stack = d.stack()
    for rtype in sorted(UNDELETABLE_IN_MOTO):
        for name in stack["resource"].get(rtype, {}):
            forgot = d.tofu("state", "rm", f"{rtype}.{name}", name=f"rollback-state-rm-{rtype}")
            assert forgot.returncode == 0, tail(forgot)
    proc = _cdktf(d, "destroy", name="rollback-destroy")
    assert proc.returncode == 0, tail(proc)
    listed = d.tofu("state", "list", name="rollback-state-list-after-destroy")
    assert listed.returncode == 0, tail(listed)
    assert listed.stdout.strip() == "", f"left in state:\n{listed.stdout}"
    functions = [f["FunctionName"] for f in d.client("lambda").list_functions()["Functions"]]
    assert [f for f in functions if f.startswith(f"spacy-{STACK}-")] == []
